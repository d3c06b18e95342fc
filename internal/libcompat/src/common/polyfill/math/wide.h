/* Computing a function in a wider type and rounding once: float and double
 * results come from long double (x87, 64-bit significand) computations,
 * long double results from _Float128 ones (GCC's libquadmath, copied into
 * libcompat_m.a), so the narrow result is within half an ulp plus a tiny
 * fraction of one. Float results, which glibc computes correctly rounded
 * (CORE-MATH), are checked: when the long double value is too close to a
 * rounding boundary, the _Float128 computation decides.
 *
 * The long double functions of glibc 2.17 set errno through their
 * wrappers; callers save and restore it around them and set errno by the
 * glibc 2.40-2.42 rules of the function they implement. */
#ifndef COMPAT_WIDE_H
#define COMPAT_WIDE_H

#include "m.h"

/* errno kept across calls into libm functions whose wrappers set it. */
#define KEEP_ERRNO(expr) ({ int saved_errno_ = errno; __typeof__(expr) v_ = (expr); errno = saved_errno_; v_; })

#define PI_L     3.14159265358979323846264338327950288L
#define LN2_L    0.693147180559945309417232121458176568L
#define LN10_L   2.30258509299404568401799145468436421L
#define LOG2E_L  1.44269504088896340735992468100189214L
#define LOG10E_L 0.434294481903251827651128918916605082L

#define PI_Q     3.14159265358979323846264338327950288419716939937510582Q
#define LN2_Q    0.693147180559945309417232121458176568075500134360255254Q
#define LN10_Q   2.30258509299404568401799145468436420760110148862877298Q
#define LOG2E_Q  1.44269504088896340735992468100189213742664595415298594Q
#define LOG10E_Q 0.434294481903251827651128918916605082294397005803666566Q

/* Whether every value within 2^-58 (relative) of y rounds to the same
 * float in the current direction: then so does the exact value, which a
 * few-ulp long double computation approximates far closer than that. */
extern int fegetexceptflag(fexcept_t *flagp, int excepts);
extern int fesetexceptflag(const fexcept_t *flagp, int excepts);

/* The overflow and underflow flags an intermediate computation raised are
 * dropped when its result is finite: the final conversion to the narrow
 * type raises the ones that belong to the result. */
#define HOLD_RANGE_BEGIN() fexcept_t range_held_; fegetexceptflag(&range_held_, FE_OVERFLOW | FE_UNDERFLOW)
#define HOLD_RANGE_END(finite) do { if (finite) fesetexceptflag(&range_held_, FE_OVERFLOW | FE_UNDERFLOW); } while (0)
/* q is a normal _Float128 strictly inside the range: converting it to a
 * narrower type raises whatever that result calls for. */
#define Q_INSIDE(q) (q_isfinite(q) && (q_bits(q) & Q_EXPMASK) != 0 && (q_bits(q) & ~Q_SIGN) < (Q_EXPMASK - ((u128)1 << 112)) + Q_FRAC)

static inline int f_sure(long double y)
{
	fexcept_t flags;
	fegetexceptflag(&flags, FE_ALL_EXCEPT); /* the probe raises nothing */
	OPAQUE_MEM(y);
	long double d = __builtin_fabsl(y) * 0x1p-58L;
	float a = (float)(y - d), b = (float)(y + d);
	FORCE_EVAL(a);
	FORCE_EVAL(b);
	fesetexceptflag(&flags, FE_ALL_EXCEPT);
	return f_bits(a) == f_bits(b);
}

extern int fegetround(void);
extern int fesetround(int round);
extern int feclearexcept(int excepts);
extern int fetestexcept(int excepts);

/* expr evaluated in round-to-nearest, whatever the caller's direction:
 * the wider-type functions are most accurate there (and libquadmath's are
 * exact for exact results only there). The sources using it are compiled
 * at -O0, where nothing moves across the fesetround calls. */
#define IN_NEAREST(T, expr) ({                                                 \
	int mode_ = fegetround();                                              \
	fesetround(FE_TONEAREST);                                              \
	T v_ = (expr);                                                         \
	OPAQUE_MEM(v_);                                                        \
	fesetround(mode_);                                                     \
	v_; })

/* Rounds q, a round-to-nearest _Float128 approximation of a float
 * result with a relative error below 2^-108 (a few _Float128 ulps),
 * correctly in the current direction. A value within 2^-105 of a float or
 * of the midpoint of two floats is taken to be exactly that (the exact
 * results of pown, rootn and their kin, which the approximation only
 * nearly hits); any other value rounds as the exact one does. Callers
 * handle results within 2^-60 of a float otherwise (1 + tiny). */
static inline float f_round_q(f128 q)
{
	float c = IN_NEAREST(float, (float)q);
	if (!q_isfinite(q) || q == 0 || __builtin_isinf(c))
		return (float)q;
	f128 d = q - (f128)c; /* exact: c is q's nearest float */
	f128 tiny = q_fabs(q) * 0x1p-105Q;
	if (q_fabs(d) <= tiny)
		return c;
	/* the float on d's side of c, and the gap to it */
	uint32_t cb = f_bits(c);
	float n = f_from((d > 0) == !(cb >> 31) ? cb + 1 : cb - 1);
	f128 half = ((f128)n - (f128)c) / 2;
	if (q_fabs(d - half) <= tiny) {
		f128 mid = (f128)c + half;
		OPAQUE_MEM(mid);
		return (float)mid;
	}
	/* opaque: the compiler must not reuse the nearest rounding above */
	OPAQUE_MEM(q);
	return (float)q;
}

/* The float result from w, the long double value computed in the
 * caller's direction: w itself when its rounding is certain, else the
 * _Float128 value of qexpr, computed in round-to-nearest, unless that left
 * the range (zero or infinite: then w, whose wider range and direction
 * already decide it). */
static inline float f_finish_q(long double w, f128 q)
{
	if (!q_isfinite(q) || q == 0) {
		OPAQUE_MEM(w);
		return (float)w;
	}
	return f_round_q(q);
}
#define F_FINISH(w, qexpr) (f_sure(w) ? (float)(w) : f_finish_q((w), IN_NEAREST(f128, KEEP_ERRNO(qexpr))))


extern int feraiseexcept(int excepts);

/* glibc's math_check_force_underflow: a nonzero result below the smallest
 * normal raises "underflow" (and "inexact") even when it is exact. */
static inline void force_underflow_l(long double x, long double min)
{
	if (x != 0 && ISLESS(__builtin_fabsl(x), min))
		feraiseexcept(FE_UNDERFLOW | FE_INEXACT);
}
static inline void force_underflow_q(f128 x)
{
	u128 u = q_bits(x) & ~Q_SIGN;
	if (u != 0 && (u & Q_EXPMASK) == 0)
		feraiseexcept(FE_UNDERFLOW | FE_INEXACT);
}

#endif
