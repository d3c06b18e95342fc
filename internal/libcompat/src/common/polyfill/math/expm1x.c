/* exp2m1, exp10m1, log2p1, log10p1 (glibc 2.40) for float, double, long
 * double and _Float128; logp1 is log1p under another name (an alias in
 * the catalogue). Special cases, errno and the ranges where a result is
 * exp2(x) or -1 follow glibc's generic implementations; values come from a
 * wider type (wide.h), float ones correctly rounded as glibc's. */
#include "wide.h"

extern long double expm1l(long double);
extern long double exp2l(long double);
extern long double exp10l(long double);
extern long double log1pl(long double);
extern int fegetround(void);
extern int feclearexcept(int excepts);
extern int fetestexcept(int excepts);
extern f128 expm1q(f128);
extern f128 exp2q(f128);
extern f128 log1pq(f128);
/* Catalogue functions: glibc's from 2.26, ours below. */
extern f128 exp2f128(f128);
extern f128 exp10f128(f128);
extern f128 expm1f128(f128);
extern f128 log1pf128(f128);

#define FLT_MIN_ 0x1p-126f
#define DBL_MIN_ 0x1p-1022
#define LDBL_MIN_ 0x1p-16382L
#define FLT_MAX_ 0x1.fffffep127f
#define DBL_MAX_ 0x1.fffffffffffffp1023
#define LDBL_MAX_ 0x1.fffffffffffffffep16383L
#define FLT128_MAX_ 0x1.ffffffffffffffffffffffffffffp16383Q

static inline int rounds_down(void)
{
	int m = fegetround();
	return m == FE_DOWNWARD || m == FE_TOWARDZERO;
}

/* 2^x - 1 and 10^x - 1 in the wider types: expm1 of the scaled argument
 * near 0, the power minus one elsewhere. */
static inline long double exp2m1_l(long double x, int small)
{
	return KEEP_ERRNO(small ? expm1l(LN2_L * x) : exp2l(x) - 1);
}
static inline f128 exp2m1_q(f128 x, int small)
{
	return small ? expm1q(LN2_Q * x) : exp2q(x) - 1;
}
static inline long double exp10m1_l(long double x, int small)
{
	return KEEP_ERRNO(small ? expm1l(LN10_L * x) : exp10l(x) - 1);
}
static inline f128 exp10m1_q(f128 x, int small)
{
	return small ? expm1f128(LN10_Q * x) : exp10f128(x) - 1;
}

/* The skeleton of glibc's generic exp2m1/exp10m1: |x| <= lim uses expm1
 * (errno ERANGE when a nonzero x gives 0, for exp2m1), above hi the power
 * alone (ERANGE on overflow: in every rounding direction for double, whose
 * exp2 and exp10 report it so, for long double only when the result is
 * infinite), below -hi exactly -1. maxexp_case: 2^MAX_EXP - 1
 * is the largest finite value when rounding down or toward zero, without
 * "overflow", as glibc's generic exp2m1 special-cases (float rounds it like
 * any other value, as glibc's correctly rounded exp2m1f does). */
#define EXPM1X(name, T, MIN, MAX, MAXEXP, lim, hi, core_w, WT, finish, zero_errno, maxexp_case, any_mode_overflow) \
	COMPAT_HIDDEN T name(T x)                                                      \
	{                                                                              \
		if (ISGREATEREQUAL(x, (T)-(lim)) && ISLESSEQUAL(x, (T)(lim))) {                     \
			T ret = finish(core_w((WT)x, 1), x, 1);                         \
			force_underflow_l(ret, MIN);                                    \
			if (zero_errno && x != 0 && ret == 0)                           \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		if (ISGREATER(x, (T)(hi))) {                                           \
			if (maxexp_case && x == MAXEXP && rounds_down())               \
				return MAX;                                             \
			WT y = core_w((WT)x, 0);                                        \
			T ret = finish(y, x, 0);                                        \
			if (__builtin_isfinite(x) && (any_mode_overflow ? y > (WT)MAX : !__builtin_isfinite(ret))) \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		if (ISLESS(x, (T)-(hi)))                                               \
			return -1;                                                      \
		return finish(core_w((WT)x, 0), x, 0);                                  \
	}

#define FINISH_D(y, x, small) ((double)(y))
#define FINISH_L(y, x, small) ((long double)(y))

EXPM1X(exp2m1, double, DBL_MIN_, DBL_MAX_, 1024, 1, 53 + 2, exp2m1_l, long double, FINISH_D, 1, 1, 1)
EXPM1X(exp2m1l, long double, LDBL_MIN_, LDBL_MAX_, 16384, 1, 64 + 2, exp2m1_q, f128, FINISH_L, 1, 1, 0)
EXPM1X(exp10m1, double, DBL_MIN_, DBL_MAX_, 0, 0.5, 53 / 3 + 2, exp10m1_l, long double, FINISH_D, 0, 0, 1)
EXPM1X(exp10m1l, long double, LDBL_MIN_, LDBL_MAX_, 0, 0.5, 64 / 3 + 2, exp10m1_q, f128, FINISH_L, 0, 0, 0)

/* _Float128: no wider type; glibc's generic formulas over the _Float128
 * functions (glibc's from 2.26, libquadmath's below). */
#define EXPM1X_Q(name, lim, hi, zero_errno, maxexp_case, expm1c, powfn)             \
	COMPAT_HIDDEN f128 name(f128 x)                                                \
	{                                                                              \
		if (ISGREATEREQUAL(x, (f128)-(lim)) && ISLESSEQUAL(x, (f128)(lim))) {                     \
			f128 ret = expm1f128(expm1c * x);                               \
			force_underflow_q(ret);                                         \
			if (zero_errno && x != 0 && ret == 0)                           \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		if (ISGREATER(x, (f128)(hi))) {                                        \
			if (maxexp_case && x == 16384 && rounds_down())                \
				return FLT128_MAX_;                                     \
			f128 ret = powfn(x);                                            \
			if (!q_isfinite(ret) && q_isfinite(x))                          \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		if (ISLESS(x, (f128)-(hi)))                                            \
			return -1;                                                      \
		return powfn(x) - 1;                                                    \
	}
EXPM1X_Q(exp2m1f128, 1, 113 + 2, 1, 1, LN2_Q, exp2f128)
EXPM1X_Q(exp10m1f128, 0.5, 113 / 3 + 2, 0, 0, LN10_Q, exp10f128)

/* log2p1, log10p1: x <= -1 sets errno (ERANGE at -1, EDOM below); below
 * a quarter epsilon the result is the scaled argument, with underflow
 * raised and, for log10p1, ERANGE when it rounds to zero. */
static inline long double log1p_l(long double x) { return KEEP_ERRNO(log1pl(x)); }

#define LOGP1X(name, T, EPS, MIN, SCALE_L, zero_errno, finish)                         \
	COMPAT_HIDDEN T name(T x)                                                      \
	{                                                                              \
		if (ISLESSEQUAL(x, (T)-1))                                             \
			set_errno(x == -1 ? ERANGE : EDOM);                            \
		if (ISLESS(__builtin_fabsl(x), (long double)(EPS) / 4)) {             \
			T ret = (T)(SCALE_L * (long double)x);                         \
			force_underflow_l(ret, MIN);                                    \
			if (zero_errno && x != 0 && ret == 0)                           \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		return finish(SCALE_L * log1p_l(x), x);                                 \
	}
#define FIN_D(y, x) ((double)(y))
LOGP1X(log2p1, double, 0x1p-52, DBL_MIN_, LOG2E_L, 0, FIN_D)
LOGP1X(log10p1, double, 0x1p-52, DBL_MIN_, LOG10E_L, 1, FIN_D)

/* long double: the logarithm in _Float128; the tiny-argument product in
 * long double as glibc computes it. */
#define LOGP1X_L(name, SCALE_L, SCALE_Q, zero_errno)                                   \
	COMPAT_HIDDEN long double name(long double x)                                  \
	{                                                                              \
		if (ISLESSEQUAL(x, -1.0L))                                             \
			set_errno(x == -1 ? ERANGE : EDOM);                            \
		if (ISLESS(__builtin_fabsl(x), 0x1p-65L)) {                            \
			long double ret = SCALE_L * x;                                 \
			force_underflow_l(ret, LDBL_MIN_);                              \
			if (zero_errno && x != 0 && ret == 0)                           \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		return (long double)(SCALE_Q * log1pq(x));                              \
	}
LOGP1X_L(log2p1l, LOG2E_L, LOG2E_Q, 0)
LOGP1X_L(log10p1l, LOG10E_L, LOG10E_Q, 1)

#define LOGP1X_Q(name, SCALE_Q, zero_errno)                                            \
	COMPAT_HIDDEN f128 name(f128 x)                                                \
	{                                                                              \
		if (ISLESSEQUAL(x, (f128)-1))                                          \
			set_errno(x == -1 ? ERANGE : EDOM);                            \
		if (ISLESS(q_fabs(x), (f128)0x1p-114Q)) {                              \
			f128 ret = SCALE_Q * x;                                         \
			force_underflow_q(ret);                                         \
			if (zero_errno && x != 0 && ret == 0)                           \
				set_errno(ERANGE);                                      \
			return ret;                                                     \
		}                                                                      \
		return SCALE_Q * log1pf128(x);                                          \
	}
LOGP1X_Q(log2p1f128, LOG2E_Q, 0)
LOGP1X_Q(log10p1f128, LOG10E_Q, 1)

/* float: glibc's are correctly rounded (CORE-MATH), so every finite
 * result is rounded from a value whose rounding is certain, with exact
 * results (2^k - 1, 10^k - 1, log2 of a power of two, ...) computed
 * exactly. Overflow sets ERANGE in every rounding direction; results
 * within 2^-25 of -1 round as -1 + tiny does. */
static inline float to_float_overflow_errno(long double y)
{
	if (__builtin_isinf(y)) { /* already overflowed in long double */
		set_errno(ERANGE);
		return (float)y;
	}
	fexcept_t saved;
	fegetexceptflag(&saved, FE_OVERFLOW);
	feclearexcept(FE_OVERFLOW);
	float r = (float)y;
	FORCE_EVAL(r);
	if (fetestexcept(FE_OVERFLOW))
		set_errno(ERANGE);
	else if (saved)
		fesetexceptflag(&saved, FE_OVERFLOW);
	return r;
}

static inline float near_minus_one(void)
{
	float t = 0x1p-60f;
	OPAQUE(t);
	return -1.0f + t;
}

/* k when x is an integer in [lo, hi], else INT_MIN. */
static inline int small_int(float x, int lo, int hi)
{
	if (!(x >= lo && x <= hi) || (float)(int)x != x)
		return -0x7fffffff - 1;
	return (int)x;
}

COMPAT_HIDDEN float exp2m1f(float x)
{
	if (__builtin_isnan(x) || x == 0)
		return x + x;
	if (__builtin_isinf(x))
		return x > 0 ? x : -1.0f;
	if (x > 64) {
		long double y = KEEP_ERRNO(exp2l(x)) - 1;
		if (!__builtin_isinf(y) && !f_sure(y))
			y = (long double)IN_NEAREST(f128, exp2q(x) - 1);
		return to_float_overflow_errno(y);
	}
	if (x < -26)
		return near_minus_one();
	int k = small_int(x, -26, 64);
	if (k != -0x7fffffff - 1)
		return (float)(__builtin_ldexpl(1.0L, k) - 1);
	long double y = exp2m1_l(x, __builtin_fabsf(x) <= 1);
	/* glibc's (CORE-MATH) sets no errno when the result underflows */
	return F_FINISH(y, exp2m1_q(x, __builtin_fabsf(x) < 0x1p-40f));
}

COMPAT_HIDDEN float exp10m1f(float x)
{
	if (__builtin_isnan(x) || x == 0)
		return x + x;
	if (__builtin_isinf(x))
		return x > 0 ? x : -1.0f;
	if (x > 19) {
		long double y = KEEP_ERRNO(exp10l(x)) - 1;
		if (!__builtin_isinf(y) && !f_sure(y))
			y = (long double)IN_NEAREST(f128, exp10f128(x) - 1);
		return to_float_overflow_errno(y);
	}
	if (x < -10)
		return near_minus_one();
	int k = small_int(x, 1, 19);
	if (k != -0x7fffffff - 1) {
		long double p = 1;
		while (k-- > 0)
			p *= 10; /* exact: 10^19 < 2^64 */
		return (float)(p - 1);
	}
	long double y = exp10m1_l(x, __builtin_fabsf(x) <= 0.5f);
	if (f_sure(y))
		return (float)y;
	return f_finish_q(y, IN_NEAREST(f128, __builtin_fabsf(x) < 0x1p-40f ? expm1q(LN10_Q * x) : exp10f128(x) - 1));
}

/* log_b(1 + x) is exact when 1 + x is an integer power of b. */
#define LOGP1F(name, SCALE_L, SCALE_Q, zero_errno, exact)                             \
	COMPAT_HIDDEN float name(float x)                                              \
	{                                                                              \
		if (ISLESSEQUAL(x, -1.0f))                                             \
			set_errno(x == -1 ? ERANGE : EDOM);                            \
		if (__builtin_isnan(x) || __builtin_isinf(x) || x <= -1)               \
			return (float)log1p_l(x);                                      \
		float e;                                                               \
		if (exact(x, &e))                                                      \
			return e;                                                      \
		long double y = SCALE_L * log1p_l(x);                                  \
		float r = F_FINISH(y, SCALE_Q * log1pq(x)); \
		if (zero_errno && x != 0 && r == 0)                                    \
			set_errno(ERANGE);                                             \
		return r;                                                              \
	}
static inline int exact_log2p1(float x, float *e)
{
	long double s = 1.0L + x; /* exact for every float x >= 2^-40 in size */
	if (__builtin_fabsf(x) < 0x1p-40f || s <= 0)
		return x == 0 ? (*e = x, 1) : 0;
	int k;
	long double m = __builtin_frexpl(s, &k);
	if (m != 0.5L)
		return 0;
	*e = (float)(k - 1);
	return 1;
}
static inline int exact_log10p1(float x, float *e)
{
	if (x == 0) {
		*e = x;
		return 1;
	}
	long double p = 10;
	for (int k = 1; k <= 7; k++, p *= 10)
		if (x == p - 1) {
			*e = (float)k;
			return 1;
		}
	return 0;
}
LOGP1F(log2p1f, LOG2E_L, LOG2E_Q, 0, exact_log2p1)
LOGP1F(log10p1f, LOG10E_L, LOG10E_Q, 1, exact_log10p1)
