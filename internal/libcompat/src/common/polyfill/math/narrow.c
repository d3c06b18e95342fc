/* Narrowing arithmetic (glibc 2.28: fadd, fsub, fmul, fdiv and the d/f*l
 * forms; 2.35: fsqrt, ffma and theirs; _Float128 sources 2.28/2.35): the
 * exact result of the operation on the wide arguments, rounded once to the
 * narrow type in the current rounding direction.
 *
 * The operation runs in the wide type rounding toward zero with the
 * exceptions held; if it was inexact the lowest bit of the result is set
 * ("round to odd"). The wide type has at least two more significand bits
 * than the narrow one over the narrow type's whole range, so converting
 * that value rounds as the exact result would, and raises the exceptions
 * the exact result would. errno: ERANGE on overflow and underflow to zero,
 * EDOM on invalid, as glibc's narrowing functions (not for fma: glibc sets
 * none there). The non-narrowing f32x*f64 forms set errno likewise. */
#include "m.h"

extern int feholdexcept(fenv_t *envp);
extern int fesetround(int round);
extern int fetestexcept(int excepts);
extern int feupdateenv(const fenv_t *envp);
extern double sqrt(double);
extern long double sqrtl(long double);
extern double fma(double, double, double);
extern long double fmal(long double, long double, long double);
/* Catalogue functions themselves: glibc's from 2.26, ours below. */
extern f128 sqrtf128(f128);
extern f128 fmaf128(f128, f128, f128);

/* Round-to-odd helpers: begin holds the exceptions and rounds toward zero,
 * end restores the environment with the exceptions merged and reports
 * whether the operation was inexact. */
static inline void rto_begin(fenv_t *env)
{
	feholdexcept(env);
	fesetround(FE_TOWARDZERO);
}
static inline int rto_end(fenv_t *env)
{
	int inexact = fetestexcept(FE_INEXACT) != 0;
	feupdateenv(env);
	return inexact;
}

static inline double odd_d(double r, int inexact) { return inexact ? d_from(d_bits(r) | 1) : r; }
static inline long double odd_l(long double r, int inexact)
{
	if (!inexact)
		return r;
	struct ldbits b = l_bits(r);
	return l_from(b.se, b.m | 1);
}
static inline f128 odd_q(f128 r, int inexact) { return inexact ? q_from(q_bits(r) | 1) : r; }

/* errno as glibc's CHECK_NARROW_* (isnan/isfinite on the narrow result
 * and the wide arguments). */
#define ISNAN(v) __builtin_isnan(v)
#define ISFIN(v) __builtin_isfinite(v)
#define ISINF(v) __builtin_isinf(v)
static inline void check_binary(int retnan, int retinf, int retzero, int argsnan, int argsfinite, int zero_ok)
{
	if (retnan) {
		if (!argsnan)
			set_errno(EDOM);
	} else if (retinf) {
		if (argsfinite)
			set_errno(ERANGE);
	} else if (retzero && !zero_ok) {
		set_errno(ERANGE);
	}
}

/* N narrow type, W wide type, odd sets the lowest bit of an inexact
 * result; OPKIND 0 add, 1 subtract, 2 multiply, 3 divide. */
#define NARROW_ADDSUBMULDIV(name, N, W, odd, op, OPKIND)                                         \
	COMPAT_HIDDEN N name(W x, W y)                                                          \
	{                                                                                       \
		N ret;                                                                          \
		if (OPKIND == 0 ? x == -y : OPKIND == 1 ? x == y : 0) {                         \
			/* exact zero: its sign depends on the rounding direction */            \
			W r = x op y;                                                           \
			ret = (N)r;                                                             \
		} else {                                                                        \
			fenv_t env;                                                             \
			rto_begin(&env);                                                        \
			W r = x;                                                                \
			OPAQUE_MEM(r);                                                          \
			r = r op y;                                                             \
			OPAQUE_MEM(r);                                                          \
			ret = (N)odd(r, rto_end(&env));                                         \
		}                                                                               \
		int argsnan = ISNAN(x) || ISNAN(y);                                             \
		int zero_ok = OPKIND == 0 ? x == -y : OPKIND == 1 ? x == y                      \
			: OPKIND == 2 ? (x == 0 || y == 0) : (x == 0 || ISINF(y));              \
		int argsfinite = OPKIND == 3 ? ISFIN(x) : ISFIN(x) && ISFIN(y);                 \
		check_binary(ISNAN(ret), ISINF(ret), ret == 0, argsnan, argsfinite, zero_ok);   \
		return ret;                                                                     \
	}


#define NARROW_FAMILY(prefix, suffix, N, W, odd)                              \
	NARROW_ADDSUBMULDIV(prefix##add##suffix, N, W, odd, +, 0)              \
	NARROW_ADDSUBMULDIV(prefix##sub##suffix, N, W, odd, -, 1)              \
	NARROW_ADDSUBMULDIV(prefix##mul##suffix, N, W, odd, *, 2)              \
	NARROW_ADDSUBMULDIV(prefix##div##suffix, N, W, odd, /, 3)

NARROW_FAMILY(f, , float, double, odd_d)
NARROW_FAMILY(f, l, float, long double, odd_l)
NARROW_FAMILY(d, l, double, long double, odd_l)
NARROW_FAMILY(f32, f128, float, f128, odd_q)
NARROW_FAMILY(f64, f128, double, f128, odd_q)
NARROW_FAMILY(f64x, f128, long double, f128, odd_q)

/* Same type: the operation as it is, with the narrowing functions' errno. */
#define SAME_TYPE(name, op, OPKIND)                                                             \
	COMPAT_HIDDEN double name(double x, double y)                                           \
	{                                                                                       \
		double ret = x;                                                                 \
		OPAQUE_MEM(ret);                                                                \
		ret = ret op y;                                                                 \
		OPAQUE_MEM(ret);                                                                \
		int zero_ok = OPKIND == 0 ? x == -y : OPKIND == 1 ? x == y                      \
			: OPKIND == 2 ? (x == 0 || y == 0) : (x == 0 || ISINF(y));              \
		int argsfinite = OPKIND == 3 ? ISFIN(x) : ISFIN(x) && ISFIN(y);                 \
		check_binary(ISNAN(ret), ISINF(ret), ret == 0, ISNAN(x) || ISNAN(y), argsfinite, zero_ok); \
		return ret;                                                                     \
	}
SAME_TYPE(f32xaddf64, +, 0)
SAME_TYPE(f32xsubf64, -, 1)
SAME_TYPE(f32xmulf64, *, 2)
SAME_TYPE(f32xdivf64, /, 3)

#define NARROW_SQRT(name, N, W, sqrtfn, odd)                                   \
	COMPAT_HIDDEN N name(W x)                                              \
	{                                                                      \
		fenv_t env;                                                    \
		rto_begin(&env);                                               \
		W r = x;                                                       \
		OPAQUE_MEM(r);                                                 \
		r = sqrtfn(r);                                                 \
		OPAQUE_MEM(r);                                                 \
		N ret = (N)odd(r, rto_end(&env));                              \
		if (ISNAN(ret)) {                                              \
			if (!ISNAN(x))                                         \
				set_errno(EDOM);                               \
		} else if (ISINF(ret)) {                                       \
			if (ISFIN(x))                                          \
				set_errno(ERANGE);                             \
		} else if (ret == 0 && x != 0) {                               \
			set_errno(ERANGE);                                     \
		}                                                              \
		return ret;                                                    \
	}

/* Square roots are correctly rounded in every direction (sqrtsd, fsqrt,
 * glibc's sqrtf128 and ours). */
NARROW_SQRT(fsqrt, float, double, sqrt, odd_d)
NARROW_SQRT(fsqrtl, float, long double, sqrtl, odd_l)
NARROW_SQRT(dsqrtl, double, long double, sqrtl, odd_l)
NARROW_SQRT(f32sqrtf128, float, f128, sqrtf128, odd_q)
NARROW_SQRT(f64sqrtf128, double, f128, sqrtf128, odd_q)
NARROW_SQRT(f64xsqrtf128, long double, f128, sqrtf128, odd_q)

/* fma: an exact zero is recomputed in the caller's rounding direction,
 * where x * y is exact. */
#define NARROW_FMA(name, N, W, fmafn, odd)                                     \
	COMPAT_HIDDEN N name(W x, W y, W z)                                    \
	{                                                                      \
		fenv_t env;                                                    \
		rto_begin(&env);                                               \
		W a = x;                                                       \
		OPAQUE_MEM(a);                                                 \
		W r = fmafn(a, y, z);                                          \
		OPAQUE_MEM(r);                                                 \
		r = odd(r, rto_end(&env));                                     \
		if (r == 0) {                                                  \
			a = x;                                                 \
			OPAQUE_MEM(a);                                         \
			W p = a * y;                                           \
			OPAQUE_MEM(p);                                         \
			r = p + z;                                             \
		}                                                              \
		return (N)r;                                                   \
	}
NARROW_FMA(ffma, float, double, fma, odd_d)
NARROW_FMA(ffmal, float, long double, fmal, odd_l)
NARROW_FMA(dfmal, double, long double, fmal, odd_l)
NARROW_FMA(f32fmaf128, float, f128, fmaf128, odd_q)
NARROW_FMA(f64fmaf128, double, f128, fmaf128, odd_q)
NARROW_FMA(f64xfmaf128, long double, f128, fmaf128, odd_q)
