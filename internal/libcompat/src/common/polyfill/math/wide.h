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

/* errno kept across calls into libm functions whose wrappers set it. */
#define KEEP_ERRNO(expr) ({ int saved_errno_ = errno; __typeof__(expr) v_ = (expr); errno = saved_errno_; v_; })

extern int feraiseexcept(int excepts);

/* glibc's math_check_force_underflow: a nonzero result below the smallest
 * normal raises "underflow" (and "inexact") even when it is exact. */
static inline void force_underflow_l(long double x, long double min)
{
	if (x != 0 && __builtin_isless(__builtin_fabsl(x), min))
		feraiseexcept(FE_UNDERFLOW | FE_INEXACT);
}
static inline void force_underflow_q(f128 x)
{
	u128 u = q_bits(x) & ~Q_SIGN;
	if (u != 0 && (u & Q_EXPMASK) == 0)
		feraiseexcept(FE_UNDERFLOW | FE_INEXACT);
}

#endif
