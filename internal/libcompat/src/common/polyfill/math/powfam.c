/* C23's pown, powr, rootn, rsqrt, compoundn (glibc 2.42) for float,
 * double, long double and _Float128. Special cases and errno follow
 * glibc's generic implementations (math/s_*_template.c); values come from
 * a wider type (wide.h), float ones correctly rounded, with exact results
 * (perfect powers and roots) exact in every rounding direction.
 *
 * pown(x, n) = x^n for integer n; powr(x, y) = x^y defined as
 * exp(y log x) (negative x, 0^0, 1^Inf and Inf^0 are domain errors);
 * rootn(x, n) = the nth root (odd n keeps the sign of x); rsqrt(x) =
 * 1/sqrt(x); compoundn(x, n) = (1 + x)^n for x >= -1. */
#include "wide.h"

extern long double powl(long double, long double);
extern long double fmal(long double, long double, long double);
extern long double sqrtl(long double);
extern long double expm1l(long double);
extern long double logl(long double);
extern long double log1pl(long double);
extern f128 powq(f128, f128);
extern f128 fmaq(f128, f128, f128);
extern f128 log1pq(f128);
extern f128 expm1q(f128);
extern int fegetround(void);
extern int fesetround(int);
/* Catalogue functions: glibc's from 2.26, ours below. */
extern f128 powf128(f128, f128);
extern f128 sqrtf128(f128);

#define FLT_MAX_ 0x1.fffffep127f
#define FLT_MIN_ 0x1p-126f
#define FLT128_MAX_ 0x1.ffffffffffffffffffffffffffffp16383Q
#define FLT128_MIN_ 0x1p-16382Q

/* pown's and powr's errno: ERANGE for an infinite result from finite x
 * (pole or overflow) and for zero from finite nonzero x (underflow). */
#define POW_ERRNO(ret, x, yfinite, isfin)                                     \
	do {                                                                  \
		if (!isfin(ret)) {                                            \
			if (isfin(x) && (yfinite))                           \
				set_errno(ERANGE);                            \
		} else if ((ret) == 0 && isfin(x) && (x) != 0 && (yfinite)) { \
			set_errno(ERANGE);                                    \
		}                                                             \
	} while (0)
#define ISFIN(v) __builtin_isfinite(v)

static inline long double powl_(long double x, long double y) { return KEEP_ERRNO(powl(x, y)); }

COMPAT_HIDDEN float pownf(float x, long long n)
{
	long double w = powl_(x, (long double)n);
	float r = F_FINISH(w, powq(x, (f128)n));
	POW_ERRNO(r, x, 1, ISFIN);
	return r;
}
COMPAT_HIDDEN double pown(double x, long long n)
{
	double r = (double)powl_(x, (long double)n);
	POW_ERRNO(r, x, 1, ISFIN);
	return r;
}
COMPAT_HIDDEN long double pownl(long double x, long long n)
{
	long double r = (long double)powf128(x, (f128)n);
	POW_ERRNO(r, x, 1, ISFIN);
	return r;
}
COMPAT_HIDDEN f128 pownf128(f128 x, long long n)
{
	f128 r = powf128(x, (f128)n);
	POW_ERRNO(r, x, 1, q_isfinite);
	return r;
}

/* powr: the domain errors of exp(y log x) first, then pow(|x|, y). */
#define POWR_DOMAIN(T, x, y, isinf_)                                            \
	if (ISLESS(x, (T)0) || (x == 0 && y == 0) ||                            \
	    (x == 1 && isinf_(y)) || (isinf_(x) && y == 0)) {                   \
		set_errno(EDOM);                                                \
		T d = x - x;                                                    \
		return d / d;                                                   \
	}                                                                       \
	if (__builtin_isnan(x) || __builtin_isnan(y))                           \
		return x + y;

COMPAT_HIDDEN float powrf(float x, float y)
{
	POWR_DOMAIN(float, x, y, __builtin_isinf)
	x = __builtin_fabsf(x);
	if (__builtin_fabsf(y) < 0x1p-60f && x != 0 && !__builtin_isinf(x)) {
		/* x^y = 1 + y ln x with y ln x tiny: round from its sign */
		long double t = y * KEEP_ERRNO(logl(x));
		if (t == 0)
			return 1;
		if (__builtin_fabsl(t) < 0x1p-60L)
			return 1.0f + (t > 0 ? 0x1p-60f : -0x1p-60f);
	}
	long double w = powl_(x, y);
	float r = F_FINISH(w, powq(x, y));
	POW_ERRNO(r, x, ISFIN(y), ISFIN);
	return r;
}
COMPAT_HIDDEN double powr(double x, double y)
{
	POWR_DOMAIN(double, x, y, __builtin_isinf)
	x = __builtin_fabs(x);
	double r = (double)powl_(x, y);
	POW_ERRNO(r, x, ISFIN(y), ISFIN);
	return r;
}
COMPAT_HIDDEN long double powrl(long double x, long double y)
{
	POWR_DOMAIN(long double, x, y, __builtin_isinf)
	x = __builtin_fabsl(x);
	long double r = (long double)powf128(x, y);
	POW_ERRNO(r, x, ISFIN(y), ISFIN);
	return r;
}
COMPAT_HIDDEN f128 powrf128(f128 x, f128 y)
{
	POWR_DOMAIN(f128, x, y, q_isinf)
	x = q_fabs(x);
	f128 r = powf128(x, y);
	POW_ERRNO(r, x, q_isfinite(y), q_isfinite);
	return r;
}

/* rootn: the special cases of glibc's template; |x|^(1/n) as
 * |x|^qhi * |x|^qlo with qhi + qlo = 1/n to twice the precision. */
#define ROOTN_SPECIAL(T, x, n, isinf_, copysign_)                               \
	if (n == 0) {                                                           \
		set_errno(EDOM);                                                \
		T z = 0;                                                        \
		OPAQUE_MEM(z);                                                  \
		return z / z;                                                   \
	}                                                                       \
	if (__builtin_isnan(x))                                                 \
		return x + x;                                                   \
	if (x < 0 && (n & 1) == 0) {                                            \
		set_errno(EDOM);                                                \
		T d = x - x;                                                    \
		return d / d;                                                   \
	}                                                                       \
	if (isinf_(x))                                                          \
		return n > 0 ? x : 1 / x;                                       \
	if (x == 0) {                                                           \
		if (n > 0)                                                      \
			return (n & 1) == 0 ? 0 : x;                            \
		set_errno(ERANGE);                                              \
		T z = (n & 1) == 0 ? 0 : x;                                     \
		return 1 / z;                                                   \
	}                                                                       \
	if (n == 1)                                                             \
		return x;                                                       \
	if (n == -1) {                                                          \
		T r = 1 / x;                                                    \
		if (isinf_(r))                                                  \
			set_errno(ERANGE);                                      \
		return r;                                                       \
	}

static inline long double rootn_l(long double ax, long long n)
{
	long double qhi = 1.0L / n;
	long double qlo = fmal(-qhi, n, 1) / n;
	return powl_(ax, qhi) * powl_(ax, qlo);
}
static inline f128 rootn_q(f128 ax, long long n)
{
	f128 qhi = 1 / (f128)n;
	f128 qlo = fmaq(-qhi, n, 1) / n;
	return powf128(ax, qhi) * powf128(ax, qlo);
}
/* Whether c^n == ax exactly. A perfect power of a float, double or long
 * double ax has n below 16500 (the exponent range) and exact products in
 * _Float128, whose significand holds them; for negative n, c is a power
 * of two and 1/c exact. Only called near rounding boundaries. */
static inline int is_root_(f128 c, long long n, f128 ax);
/* The check's arithmetic raises nothing the caller can see. */
static inline int is_root(f128 c, long long n, f128 ax)
{
	fexcept_t flags;
	fegetexceptflag(&flags, FE_ALL_EXCEPT);
	int r = is_root_(c, n, ax);
	fesetexceptflag(&flags, FE_ALL_EXCEPT);
	return r;
}
static inline int is_root_(f128 c, long long n, f128 ax)
{
	if (n < 0) {
		c = 1 / c;
		n = -n;
	}
	if (n > 16500)
		return 0;
	f128 p = 1;
	for (long long i = 0; i < n; i++)
		p *= c;
	return p == ax;
}

/* The root of a negative x is computed as a magnitude: round that
 * magnitude the other way when the direction is up or down, so the signed
 * result rounds as asked. */
static float rootnf_mag(float ax, long long n);
static double rootn_mag(double ax, long long n);

static inline int mirror_begin(int negative)
{
	int mode = fegetround();
	if (negative && (mode == FE_UPWARD || mode == FE_DOWNWARD))
		fesetround(mode == FE_UPWARD ? FE_DOWNWARD : FE_UPWARD);
	return mode;
}

COMPAT_HIDDEN float rootnf(float x, long long n)
{
	ROOTN_SPECIAL(float, x, n, __builtin_isinf, __builtin_copysignf)
	float ax = __builtin_fabsf(x);
	int mode = mirror_begin(x < 0);
	OPAQUE_MEM(ax);
	float r = rootnf_mag(ax, n);
	OPAQUE_MEM(r);
	fesetround(mode);
	return __builtin_copysignf(r, x);
}
COMPAT_HIDDEN double rootn(double x, long long n)
{
	ROOTN_SPECIAL(double, x, n, __builtin_isinf, __builtin_copysign)
	double ax = __builtin_fabs(x);
	int mode = mirror_begin(x < 0);
	OPAQUE_MEM(ax);
	double r = rootn_mag(ax, n);
	OPAQUE_MEM(r);
	fesetround(mode);
	return __builtin_copysign(r, x);
}
COMPAT_HIDDEN long double rootnl(long double x, long long n)
{
	ROOTN_SPECIAL(long double, x, n, __builtin_isinf, __builtin_copysignl)
	long double ax = __builtin_fabsl(x);
	int mode = mirror_begin(x < 0);
	OPAQUE_MEM(ax);
	HOLD_RANGE_BEGIN();
	f128 q = rootn_q(ax, n);
	HOLD_RANGE_END(Q_INSIDE(q));
	long double r = (long double)q;
	if (mode != FE_TONEAREST) {
		fesetround(FE_TONEAREST);
		OPAQUE_MEM(q);
		long double c = (long double)q;
		OPAQUE_MEM(c);
		fesetround(mode);
		if (is_root(c, n, ax))
			r = c;
	}
	OPAQUE_MEM(r);
	fesetround(mode);
	return __builtin_copysignl(r, x);
}
COMPAT_HIDDEN f128 rootnf128(f128 x, long long n)
{
	ROOTN_SPECIAL(f128, x, n, q_isinf, q_copysign)
	f128 ax = q_fabs(x);
	int mode = mirror_begin(x < 0);
	OPAQUE_MEM(ax);
	f128 r;
	/* glibc: 1/n is exact enough once |n| reaches 4 * MAX_EXP */
	if (n >= 4 * 16384 || n <= -4 * 16384) {
		r = powf128(ax, 1 / (f128)n);
	} else {
		f128 qhi = 1 / (f128)n;
		f128 qlo = fmaq(-qhi, n, 1) / n;
		r = powf128(ax, qhi) * powf128(ax, qlo);
	}
	OPAQUE_MEM(r);
	fesetround(mode);
	return q_copysign(r, x);
}

/* A root of a non-zero finite value is never near the range limits: any
 * overflow or underflow inside the computation is spurious. */
static float rootnf_mag(float ax, long long n)
{
	HOLD_RANGE_BEGIN();
	long double w = rootn_l(ax, n);
	HOLD_RANGE_END(1);
	if (f_sure(w))
		return (float)w;
	/* Close to a rounding boundary: an exact root, which the nearest
	 * rounding finds, or else the _Float128 value decides. */
	int mode = fegetround();
	fesetround(FE_TONEAREST);
	OPAQUE_MEM(w);
	float c = (float)w;
	OPAQUE_MEM(c);
	fesetround(mode);
	if (is_root(c, n, ax))
		return c;
	return f_finish_q(w, IN_NEAREST(f128, rootn_q(ax, n)));
}
static double rootn_mag(double ax, long long n)
{
	HOLD_RANGE_BEGIN();
	long double w = rootn_l(ax, n);
	HOLD_RANGE_END(1);
	double r = (double)w;
	int mode = fegetround();
	if (mode != FE_TONEAREST) {
		/* in round-to-nearest an exact root comes out exact; elsewhere
		 * check the nearest candidate */
		fesetround(FE_TONEAREST);
		OPAQUE_MEM(w);
		double c = (double)w;
		OPAQUE_MEM(c);
		fesetround(mode);
		if (is_root(c, n, ax))
			r = c;
	}
	return r;
}

/* rsqrt: x < 0 is a domain error, x == 0 a pole. */
#define RSQRT_ERRNO(x)                                                          \
	if (ISLESSEQUAL(x, 0))                                                  \
		set_errno(x < 0 ? EDOM : ERANGE);

COMPAT_HIDDEN float rsqrtf(float x)
{
	RSQRT_ERRNO(x)
	long double w = 1 / sqrtl(x);
	if (__builtin_isnan(w) || __builtin_isinf(w) || w == 0)
		return (float)w;
	return F_FINISH(w, 1 / sqrtf128(x));
}
COMPAT_HIDDEN double rsqrt(double x)
{
	RSQRT_ERRNO(x)
	return (double)(1 / KEEP_ERRNO(sqrtl(x)));
}
COMPAT_HIDDEN long double rsqrtl(long double x)
{
	RSQRT_ERRNO(x)
	return (long double)(1 / KEEP_ERRNO(sqrtf128(x)));
}
COMPAT_HIDDEN f128 rsqrtf128(f128 x)
{
	RSQRT_ERRNO(x)
	return 1 / KEEP_ERRNO(sqrtf128(x));
}

/* compoundn: glibc's special cases; then (1 + x)^n from a base 1 + x
 * that is exact in the wider type (or exp(n log1p(x)) when x is too small
 * for that), overflow and underflow as the type's MAX * MAX and MIN * MIN
 * would, with ERANGE. */
#define COMPOUNDN_SPECIAL(T, x, n, issig, isinf_)                               \
	if (issig(x))                                                           \
		return x + x;                                                   \
	if (ISLESS(x, (T)-1)) {                                                 \
		set_errno(EDOM);                                                \
		T d = x - x;                                                    \
		return d / d;                                                   \
	}                                                                       \
	if (n == 0)                                                             \
		return 1;                                                       \
	if (__builtin_isnan(x))                                                 \
		return x;                                                       \
	if (x == -1) {                                                          \
		if (n > 0)                                                      \
			return 0;                                               \
		set_errno(ERANGE);                                              \
		T z = 0;                                                        \
		OPAQUE_MEM(z);                                                  \
		return 1 / z;                                                   \
	}                                                                       \
	if (isinf_(x))                                                          \
		return n > 0 ? x : 0;                                           \
	if (n == 1) {                                                           \
		T r = 1 + x;                                                    \
		if (isinf_(r))                                                  \
			set_errno(ERANGE);                                      \
		return r;                                                       \
	}

/* (1 + x)^n in _Float128 for a narrower x: 1 + x is exact when x is at
 * least 2^-49 in size (long double) or 2^-59 (double, float). */
static inline f128 compound_q(f128 x, long long n)
{
	if (q_fabs(x) >= 0x1p-49Q)
		return powf128(1 + x, (f128)n);
	/* 1 + e, with e accurate: keeps a tiny difference from 1 for the
	 * final rounding, which a direct exp of a tiny argument loses. */
	return 1 + expm1q((f128)n * log1pq(x));
}

COMPAT_HIDDEN float compoundnf(float x, long long n)
{
	COMPOUNDN_SPECIAL(float, x, n, f_issignaling, __builtin_isinf)
	HOLD_RANGE_BEGIN();
	long double w;
	if (__builtin_fabsf(x) >= 0x1p-40f) {
		w = powl_(1.0L + x, (long double)n);
	} else {
		/* (1 + x)^n = 1 + t, t tiny: round 1 + t from t's size and sign */
		long double t = KEEP_ERRNO(expm1l((long double)n * log1pl(x)));
		HOLD_RANGE_END(1);
		if (t == 0)
			return 1;
		if (__builtin_fabsl(t) < 0x1p-60L)
			return 1.0f + (t > 0 ? 0x1p-60f : -0x1p-60f);
		return (float)(1 + t);
	}
	HOLD_RANGE_END(__builtin_isfinite(w) && w != 0);
	float r = (__builtin_isinf(w) || w == 0) ? (float)w : F_FINISH(w, compound_q(x, n));
	if (__builtin_isinf(r) || r == 0)
		set_errno(ERANGE);
	return r;
}
COMPAT_HIDDEN double compoundn(double x, long long n)
{
	COMPOUNDN_SPECIAL(double, x, n, d_issignaling, __builtin_isinf)
	HOLD_RANGE_BEGIN();
	f128 q = compound_q(x, n);
	HOLD_RANGE_END(Q_INSIDE(q));
	double r = (double)q;
	if (__builtin_isinf(r) || r == 0)
		set_errno(ERANGE);
	return r;
}
COMPAT_HIDDEN long double compoundnl(long double x, long long n)
{
	COMPOUNDN_SPECIAL(long double, x, n, l_issignaling, __builtin_isinf)
	HOLD_RANGE_BEGIN();
	f128 q = compound_q(x, n);
	HOLD_RANGE_END(Q_INSIDE(q));
	long double r = (long double)q;
	if (__builtin_isinf(r) || r == 0)
		set_errno(ERANGE);
	return r;
}

/* _Float128: 1 + x = hi + lo exactly; hi^n from pow, times
 * (1 + lo/hi)^n = exp(n lo/hi) to first order (lo/hi is below 2^-112),
 * computed in round-to-nearest, with overflow and underflow redone in the
 * caller's rounding direction, as glibc does. */
COMPAT_HIDDEN f128 compoundnf128(f128 x, long long n)
{
	COMPOUNDN_SPECIAL(f128, x, n, q_issignaling, q_isinf)
	int mode = fegetround();
	HOLD_RANGE_BEGIN();
	fesetround(FE_TONEAREST);
	OPAQUE_MEM(x);
	f128 a = x, b = 1;
	if (q_fabs(a) < q_fabs(b)) {
		a = 1;
		b = x;
	}
	f128 hi = a + b;
	f128 lo = (a - hi) + b;
	f128 r = powq(hi, (f128)n);
	if (lo != 0 && q_isfinite(r) && r != 0) {
		f128 t = (f128)n * (lo / hi);
		r += r * expm1q(t);
	}
	OPAQUE_MEM(r);
	fesetround(mode);
	HOLD_RANGE_END(q_isfinite(r) && r != 0);
	force_underflow_q(r);
	if (q_isinf(r)) {
		f128 m = FLT128_MAX_;
		OPAQUE_Q(m);
		r = m * m;
	} else if (r == 0) {
		f128 m = FLT128_MIN_;
		OPAQUE_Q(m);
		r = m * m;
	}
	if (q_isinf(r) || r == 0)
		set_errno(ERANGE);
	return r;
}
