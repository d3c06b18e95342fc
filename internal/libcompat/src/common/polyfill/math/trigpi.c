/* sinpi, cospi, tanpi, asinpi, acospi, atanpi, atan2pi (glibc 2.41):
 * trigonometry in half-turns. Special cases, signs of zeros, errno and
 * the clamping of rounded-up results follow glibc's generic
 * implementations; values come from a wider type (wide.h). The float
 * forms are correctly rounded, as glibc's (CORE-MATH): their exact results
 * (0, ±1/4, ±1/2, ±3/4, ±1, ...) are returned exactly, and results that
 * only differ from an exact value by a tiny amount (cospi near 0) are
 * rounded as such. */
#include "wide.h"

extern double round(double);
extern long double roundl(long double);
extern long double sinl(long double);
extern long double cosl(long double);
extern long double tanl(long double);
extern long double asinl(long double);
extern long double acosl(long double);
extern long double atanl(long double);
extern long double atan2l(long double, long double);
extern f128 sinq(f128);
extern f128 cosq(f128);
extern f128 tanq(f128);
extern f128 asinq(f128);
extern f128 acosq(f128);
extern f128 atanq(f128);
extern f128 atan2q(f128, f128);
extern f128 roundq(f128);
/* Catalogue functions: glibc's from 2.26, ours below. */
extern f128 sinf128(f128);
extern f128 cosf128(f128);
extern f128 tanf128(f128);
extern f128 asinf128(f128);
extern f128 acosf128(f128);
extern f128 atanf128(f128);
extern f128 atan2f128(f128, f128);
extern f128 roundf128(f128);

#define DBL_EPS_ 0x1p-52
#define LDBL_EPS_ 0x1p-63L
#define DBL_MIN_ 0x1p-1022
#define LDBL_MIN_ 0x1p-16382L
#define FLT_MIN_ 0x1p-126f

static inline long double sinpi_l(long double y) { return sinl(PI_L * y); }
static inline long double cospi_l(long double y) { return cosl(PI_L * y); }
static inline long double tanpi_l(long double y) { return tanl(PI_L * y); }
static inline f128 sinpi_q(f128 y) { return sinq(PI_Q * y); }
static inline f128 cospi_q(f128 y) { return cosq(PI_Q * y); }
static inline f128 tanpi_q(f128 y) { return tanq(PI_Q * y); }
static inline f128 sinpi_Q(f128 y) { return sinf128(PI_Q * y); }
static inline f128 cospi_Q(f128 y) { return cosf128(PI_Q * y); }
static inline f128 tanpi_Q(f128 y) { return tanf128(PI_Q * y); }

/* x reduced modulo 2 into [-1, 1], exactly. */
#define REDUCE2(x, roundfn) ((x) - 2 * roundfn((x) * 0.5))

/* double and long double, from glibc's generic template: T the type, W the
 * wider type computing sin/cos/tan of pi*y, EPS and MIN the type's. */
#define SINPI(name, T, W, PIW, EPS, MIN, roundfn, sinw, cosw)                              \
	COMPAT_HIDDEN T name(T x)                                                     \
	{                                                                             \
		if (ISLESS(__builtin_fabsl(x), EPS)) {                                \
			T ret = (T)(PIW * (W)x);                                      \
			force_underflow_l(ret, MIN);                                   \
			return ret;                                                    \
		}                                                                     \
		if (__builtin_isinf(x))                                               \
			set_errno(EDOM);                                              \
		T y = REDUCE2(x, roundfn);                                            \
		T absy = __builtin_fabsl(y);                                          \
		if (absy == 0 || absy == 1)                                           \
			return __builtin_copysignl(0, x);                             \
		if (ISLESSEQUAL(absy, (T)0.25))                                       \
			return (T)KEEP_ERRNO(sinw(y));                                \
		if (ISLESSEQUAL(absy, (T)0.75))                                       \
			return __builtin_copysignl((T)KEEP_ERRNO(cosw(0.5 - absy)), y); \
		return __builtin_copysignl((T)KEEP_ERRNO(sinw(1 - absy)), y);         \
	}
#define COSPI(name, T, EPS, roundfn, sinw, cosw)                                      \
	COMPAT_HIDDEN T name(T x)                                                     \
	{                                                                             \
		if (ISLESS(__builtin_fabsl(x), EPS))                                  \
			return 1;                                                      \
		if (__builtin_isinf(x))                                               \
			set_errno(EDOM);                                              \
		T a = __builtin_fabsl(REDUCE2(x, roundfn));                           \
		if (ISLESSEQUAL(a, (T)0.25))                                          \
			return (T)KEEP_ERRNO(cosw(a));                                \
		if (a == 0.5)                                                         \
			return 0;                                                      \
		if (ISLESSEQUAL(a, (T)0.75))                                          \
			return (T)KEEP_ERRNO(sinw(0.5 - a));                          \
		return -(T)KEEP_ERRNO(cosw(1 - a));                                   \
	}
#define TANPI(name, T, W, PIW, EPS, MIN, roundfn, tanw)                                    \
	COMPAT_HIDDEN T name(T x)                                                     \
	{                                                                             \
		if (ISLESS(__builtin_fabsl(x), EPS)) {                                \
			T ret = (T)(PIW * (W)x);                                      \
			force_underflow_l(ret, MIN);                                   \
			return ret;                                                    \
		}                                                                     \
		if (__builtin_isinf(x))                                               \
			set_errno(EDOM);                                              \
		T y = REDUCE2(x, roundfn);                                            \
		T absy = __builtin_fabsl(y);                                          \
		if (absy == 0)                                                        \
			return __builtin_copysignl(0, x);                             \
		if (absy == 1)                                                        \
			return __builtin_copysignl(0, -x);                            \
		if (absy == 0.5) {                                                    \
			set_errno(ERANGE);                                            \
			T z = __builtin_copysignl(0, y);                              \
			return 1 / z;                                                 \
		}                                                                     \
		if (ISGREATER(absy, (T)0.5)) {                                        \
			y -= __builtin_copysignl(1, y);                               \
			absy = __builtin_fabsl(y);                                    \
		}                                                                     \
		if (ISLESSEQUAL(absy, (T)0.25))                                       \
			return (T)KEEP_ERRNO(tanw(y));                                \
		return __builtin_copysignl((T)(1 / KEEP_ERRNO(tanw(0.5 - absy))), y); \
	}

SINPI(sinpi, double, long double, PI_L, DBL_EPS_, DBL_MIN_, round, sinpi_l, cospi_l)
SINPI(sinpil, long double, f128, PI_Q, LDBL_EPS_, LDBL_MIN_, roundl, sinpi_q, cospi_q)
COSPI(cospi, double, DBL_EPS_, round, sinpi_l, cospi_l)
COSPI(cospil, long double, LDBL_EPS_, roundl, sinpi_q, cospi_q)
TANPI(tanpi, double, long double, PI_L, DBL_EPS_, DBL_MIN_, round, tanpi_l)
TANPI(tanpil, long double, f128, PI_Q, LDBL_EPS_, LDBL_MIN_, roundl, tanpi_q)

/* The inverse functions: the wider arc function divided by pi, clamped
 * to the range a rounding away from zero could leave. */
#define ASINPI(name, T, MIN, asinw, PIW)                                              \
	COMPAT_HIDDEN T name(T x)                                                     \
	{                                                                             \
		if (!ISLESSEQUAL(__builtin_fabsl(x), (T)1)) {                         \
			if (!__builtin_isnan(x))                                      \
				set_errno(EDOM);                                      \
			T d = x - x;                                                  \
			return d / d;                                                 \
		}                                                                     \
		T ret = (T)(KEEP_ERRNO(asinw(x)) / PIW);                              \
		force_underflow_l(ret, MIN);                                           \
		if (x != 0 && ret == 0)                                               \
			set_errno(ERANGE);                                            \
		return ISGREATER(__builtin_fabsl(ret), (T)0.5) ? __builtin_copysignl(0.5, ret) : ret;           \
	}
#define ACOSPI(name, T, acosw, PIW)                                                   \
	COMPAT_HIDDEN T name(T x)                                                     \
	{                                                                             \
		if (ISGREATER(__builtin_fabsl(x), (T)1)) {                            \
			set_errno(EDOM);                                              \
			T d = x - x;                                                  \
			return d / d;                                                 \
		}                                                                     \
		T ret = (T)(KEEP_ERRNO(acosw(x)) / PIW);                              \
		return ISGREATER(ret, (T)1) ? 1 : ret;                                \
	}
#define ATANPI(name, T, MIN, atanw, PIW)                                              \
	COMPAT_HIDDEN T name(T x)                                                     \
	{                                                                             \
		T ret = (T)(KEEP_ERRNO(atanw(x)) / PIW);                              \
		if (!__builtin_isnan(x))                                              \
			force_underflow_l(ret, MIN);                                   \
		if (x != 0 && ret == 0)                                               \
			set_errno(ERANGE);                                            \
		return ISGREATER(__builtin_fabsl(ret), (T)0.5) ? __builtin_copysignl(0.5, ret) : ret;           \
	}
#define ATAN2PI(name, T, MIN, atan2w, PIW)                                            \
	COMPAT_HIDDEN T name(T y, T x)                                                \
	{                                                                             \
		T ret = (T)(KEEP_ERRNO(atan2w(y, x)) / PIW);                          \
		if (!__builtin_isnan(ret))                                            \
			force_underflow_l(ret, MIN);                                   \
		if (ret == 0 && y != 0 && __builtin_isfinite(x))                      \
			set_errno(ERANGE);                                            \
		return ISGREATER(__builtin_fabsl(ret), (T)1) ? __builtin_copysignl(1, ret) : ret;           \
	}

ASINPI(asinpi, double, DBL_MIN_, asinl, PI_L)
ASINPI(asinpil, long double, LDBL_MIN_, asinq, PI_Q)
ACOSPI(acospi, double, acosl, PI_L)
ACOSPI(acospil, long double, acosq, PI_Q)
ATANPI(atanpi, double, DBL_MIN_, atanl, PI_L)
ATANPI(atanpil, long double, LDBL_MIN_, atanq, PI_Q)
ATAN2PI(atan2pi, double, DBL_MIN_, atan2l, PI_L)
ATAN2PI(atan2pil, long double, LDBL_MIN_, atan2q, PI_Q)

/* _Float128: glibc's generic formulas over the _Float128 functions. */
#define Q_EPS_ ((f128)0x1p-112Q)
COMPAT_HIDDEN f128 sinpif128(f128 x)
{
	if (ISLESS(q_fabs(x), Q_EPS_)) {
		f128 ret = PI_Q * x;
		force_underflow_q(ret);
		return ret;
	}
	if (q_isinf(x))
		set_errno(EDOM);
	f128 y = x - 2 * roundf128(0.5Q * x);
	f128 absy = q_fabs(y);
	if (absy == 0 || absy == 1)
		return q_copysign(0, x);
	if (ISLESSEQUAL(absy, (f128)0.25))
		return sinpi_Q(y);
	if (ISLESSEQUAL(absy, (f128)0.75))
		return q_copysign(cospi_Q(0.5Q - absy), y);
	return q_copysign(sinpi_Q(1 - absy), y);
}
COMPAT_HIDDEN f128 cospif128(f128 x)
{
	if (ISLESS(q_fabs(x), Q_EPS_))
		return 1;
	if (q_isinf(x))
		set_errno(EDOM);
	f128 a = q_fabs(x - 2 * roundf128(0.5Q * x));
	if (ISLESSEQUAL(a, (f128)0.25))
		return cospi_Q(a);
	if (a == 0.5Q)
		return 0;
	if (ISLESSEQUAL(a, (f128)0.75))
		return sinpi_Q(0.5Q - a);
	return -cospi_Q(1 - a);
}
COMPAT_HIDDEN f128 tanpif128(f128 x)
{
	if (ISLESS(q_fabs(x), Q_EPS_)) {
		f128 ret = PI_Q * x;
		force_underflow_q(ret);
		return ret;
	}
	if (q_isinf(x))
		set_errno(EDOM);
	f128 y = x - 2 * roundf128(0.5Q * x);
	f128 absy = q_fabs(y);
	if (absy == 0)
		return q_copysign(0, x);
	if (absy == 1)
		return q_copysign(0, -x);
	if (absy == 0.5Q) {
		set_errno(ERANGE);
		return 1 / q_copysign(0, y);
	}
	if (ISGREATER(absy, (f128)0.5)) {
		y -= q_copysign(1, y);
		absy = q_fabs(y);
	}
	if (ISLESSEQUAL(absy, (f128)0.25))
		return tanpi_Q(y);
	return q_copysign(1 / tanpi_Q(0.5Q - absy), y);
}
COMPAT_HIDDEN f128 asinpif128(f128 x)
{
	if (!ISLESSEQUAL(q_fabs(x), (f128)1)) {
		if (!q_isnan(x))
			set_errno(EDOM);
		f128 d = x - x;
		return d / d;
	}
	f128 ret = asinf128(x) / PI_Q;
	force_underflow_q(ret);
	if (x != 0 && ret == 0)
		set_errno(ERANGE);
	return ISGREATER(q_fabs(ret), (f128)0.5) ? q_copysign(0.5Q, ret) : ret;
}
COMPAT_HIDDEN f128 acospif128(f128 x)
{
	if (ISGREATER(q_fabs(x), (f128)1)) {
		set_errno(EDOM);
		f128 d = x - x;
		return d / d;
	}
	f128 ret = acosf128(x) / PI_Q;
	return ISGREATER(ret, (f128)1) ? 1 : ret;
}
COMPAT_HIDDEN f128 atanpif128(f128 x)
{
	f128 ret = atanf128(x) / PI_Q;
	if (!q_isnan(x))
		force_underflow_q(ret);
	if (x != 0 && ret == 0)
		set_errno(ERANGE);
	return ISGREATER(q_fabs(ret), (f128)0.5) ? q_copysign(0.5Q, ret) : ret;
}
COMPAT_HIDDEN f128 atan2pif128(f128 y, f128 x)
{
	f128 ret = atan2f128(y, x) / PI_Q;
	if (!q_isnan(ret))
		force_underflow_q(ret);
	if (ret == 0 && y != 0 && q_isfinite(x))
		set_errno(ERANGE);
	return ISGREATER(q_fabs(ret), (f128)1) ? q_copysign(1, ret) : ret;
}

/* float: correctly rounded. w is the long double value, redo its
 * _Float128 counterpart when w is too close to a rounding boundary. */
#define ROUND_F(w, qexpr) F_FINISH(w, qexpr)

/* a +- tiny, rounded in the current direction: for results that differ
 * from a float by far less than an ulp. */
static inline float plus_tiny(float a, int sign)
{
	float t = 0x1p-80f;
	OPAQUE(t);
	return sign < 0 ? a - t : a + t;
}

COMPAT_HIDDEN float sinpif(float x)
{
	if (__builtin_isnan(x))
		return x + x;
	if (__builtin_isinf(x)) {
		set_errno(EDOM);
		return x - x;
	}
	if (x == 0)
		return x;
	long double y = REDUCE2((long double)x, roundl);
	long double a = __builtin_fabsl(y);
	if (a == 0 || a == 1)
		return __builtin_copysignf(0, x);
	if (a == 0.5L)
		return __builtin_copysignf(1, (float)y);
	long double w;
	f128 q;
	if (a <= 0.25L) {
		w = sinpi_l(y);
		if (f_sure(w))
			return (float)w;
		q = IN_NEAREST(f128, sinpi_q(y));
	} else if (a <= 0.75L) {
		w = __builtin_copysignl(cospi_l(0.5L - a), y);
		if (f_sure(w))
			return (float)w;
		q = IN_NEAREST(f128, q_copysign(cospi_q(0.5Q - a), y));
	} else {
		w = __builtin_copysignl(sinpi_l(1 - a), y);
		if (f_sure(w))
			return (float)w;
		q = IN_NEAREST(f128, q_copysign(sinpi_q(1 - (f128)a), y));
	}
	return f_finish_q(w, q);
}

COMPAT_HIDDEN float cospif(float x)
{
	if (__builtin_isnan(x))
		return x + x;
	if (__builtin_isinf(x)) {
		set_errno(EDOM);
		return x - x;
	}
	long double a = __builtin_fabsl(REDUCE2((long double)x, roundl));
	if (a == 0)
		return 1;
	if (a == 0.5L)
		return 0;
	if (a == 1)
		return -1;
	if (a < 0x1p-30L) /* 1 - (pi a)^2/2 is within 2^-55 of 1 */
		return plus_tiny(1, -1);
	long double w;
	if (a <= 0.25L) {
		w = cospi_l(a);
		return ROUND_F(w, cospi_q(a));
	}
	if (a <= 0.75L) {
		w = sinpi_l(0.5L - a);
		return ROUND_F(w, sinpi_q(0.5Q - a));
	}
	w = -cospi_l(1 - a);
	return ROUND_F(w, -cospi_q(1 - (f128)a));
}

COMPAT_HIDDEN float tanpif(float x)
{
	if (__builtin_isnan(x))
		return x + x;
	if (__builtin_isinf(x)) {
		set_errno(EDOM);
		return x - x;
	}
	if (x == 0)
		return x;
	long double y = REDUCE2((long double)x, roundl);
	long double a = __builtin_fabsl(y);
	if (a == 0)
		return __builtin_copysignf(0, x);
	if (a == 1)
		return __builtin_copysignf(0, -x);
	if (a == 0.5L) {
		set_errno(ERANGE);
		float z = __builtin_copysignf(0, (float)y);
		return 1 / z;
	}
	if (a > 0.5L) {
		y -= __builtin_copysignl(1, y);
		a = __builtin_fabsl(y);
	}
	if (a == 0.25L)
		return __builtin_copysignf(1, (float)y);
	long double w;
	if (a < 0.25L) {
		w = tanpi_l(y);
		return ROUND_F(w, tanpi_q(y));
	}
	w = __builtin_copysignl(1 / tanpi_l(0.5L - a), y);
	return ROUND_F(w, q_copysign(1 / tanpi_q(0.5Q - a), y));
}

COMPAT_HIDDEN float asinpif(float x)
{
	if (!ISLESSEQUAL(__builtin_fabsf(x), 1.0f)) {
		if (!__builtin_isnan(x))
			set_errno(EDOM);
		float d = x - x;
		return d / d;
	}
	if (x == 0)
		return x;
	if (__builtin_fabsf(x) == 1)
		return __builtin_copysignf(0.5f, x);
	long double w = KEEP_ERRNO(asinl(x)) / PI_L;
	float r = ROUND_F(w, asinq(x) / PI_Q);
	if (r == 0)
		set_errno(ERANGE);
	return r;
}

COMPAT_HIDDEN float acospif(float x)
{
	if (ISGREATER(__builtin_fabsf(x), 1.0f)) {
		set_errno(EDOM);
		float d = x - x;
		return d / d;
	}
	if (__builtin_isnan(x))
		return x + x;
	if (x == 1)
		return 0;
	if (x == -1)
		return 1;
	if (x == 0)
		return 0.5f;
	long double w = KEEP_ERRNO(acosl(x)) / PI_L;
	return ROUND_F(w, acosq(x) / PI_Q);
}

COMPAT_HIDDEN float atanpif(float x)
{
	if (__builtin_isnan(x))
		return x + x;
	if (x == 0)
		return x;
	if (__builtin_isinf(x))
		return __builtin_copysignf(0.5f, x);
	if (__builtin_fabsf(x) == 1)
		return __builtin_copysignf(0.25f, x);
	if (__builtin_fabsf(x) > 0x1p60f) /* 1/2 - 1/(pi |x|), the rest far below an ulp */
		return x > 0 ? plus_tiny(0.5f, -1) : plus_tiny(-0.5f, 1);
	long double w = KEEP_ERRNO(atanl(x)) / PI_L;
	float r = ROUND_F(w, atanq(x) / PI_Q);
	if (r == 0)
		set_errno(ERANGE);
	return r;
}

COMPAT_HIDDEN float atan2pif(float y, float x)
{
	if (__builtin_isnan(x) || __builtin_isnan(y))
		return x + y;
	int ny = __builtin_signbit(y) != 0, nx = __builtin_signbit(x) != 0;
	float sy = ny ? -1.0f : 1.0f;
	if (y == 0)
		return nx ? sy : __builtin_copysignf(0, y);
	if (x == 0)
		return sy * 0.5f;
	if (__builtin_isinf(y))
		return sy * (__builtin_isinf(x) ? (nx ? 0.75f : 0.25f) : 0.5f);
	if (__builtin_isinf(x))
		return nx ? sy : __builtin_copysignf(0, y);
	long double ay = __builtin_fabsf(y), ax = __builtin_fabsf(x);
	if (ay == ax)
		return sy * (nx ? 0.75f : 0.25f);
	/* Results far closer to 1/2 or 1 than an ulp. */
	if (ay > ax * 0x1p60L)
		return sy * plus_tiny(0.5f, nx ? 1 : -1) ;
	if (nx && ay * 0x1p60L < ax)
		return sy * plus_tiny(1, -1);
	long double w = KEEP_ERRNO(atan2l(y, x)) / PI_L;
	float r = ROUND_F(w, atan2q(y, x) / PI_Q);
	if (r == 0)
		set_errno(ERANGE);
	return r;
}
