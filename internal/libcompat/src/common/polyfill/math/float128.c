/* The _Float128 functions of glibc 2.26 that GCC's libquadmath also has
 * (sinf128 = sinq, ...): libquadmath computes them from the same ldbl-128
 * sources as glibc, but never sets errno, so each is wrapped with the
 * errno rule of glibc's wrapper for that function (math/w_*_template.c:
 * pole and overflow ERANGE, domain EDOM, underflow to zero ERANGE where
 * glibc checks it). libquadmath's members are copied into libcompat_m.a
 * with hidden visibility, so a program or plugin gets no libquadmath.so.0
 * dependency and exports none of them.
 *
 * Own code: sqrtf128 (libquadmath's sqrtq is not correctly rounded outside
 * round-to-nearest; glibc's is), exp10f128 (libquadmath has none),
 * lgammaf128 (glibc's sets signgam, libquadmath's its own copy). */
#include "m.h"

extern int signgam;

/* libquadmath's lgammaq writes its sign here instead of glibc's signgam
 * (see quadmath.go); lgammaf128 sets signgam itself. */
COMPAT_HIDDEN int __compat_quadmath_signgam;
extern int feraiseexcept(int excepts);
extern int fegetround(void);
extern int fegetexceptflag(fexcept_t *flagp, int excepts);
extern int fesetexceptflag(const fexcept_t *flagp, int excepts);
extern int fesetround(int round);

typedef _Complex float __attribute__((mode(TC))) c128;

#define Q1(f) extern f128 f(f128);
#define Q2(f) extern f128 f(f128, f128);
Q1(acosq) Q1(asinq) Q1(acoshq) Q1(atanhq) Q1(coshq) Q1(sinhq) Q1(expq) Q1(exp2q) Q1(expm1q)
Q1(logq) Q1(log2q) Q1(log10q) Q1(log1pq) Q1(j0q) Q1(j1q) Q1(y0q) Q1(y1q) Q1(tgammaq)
Q1(asinhq) Q1(atanq) Q1(cbrtq) Q1(ceilq) Q1(cosq) Q1(erfq) Q1(erfcq) Q1(floorq) Q1(logbq)
Q1(nearbyintq) Q1(rintq) Q1(roundq) Q1(sinq) Q1(tanq) Q1(tanhq) Q1(truncq)
Q2(atan2q) Q2(hypotq) Q2(fmodq) Q2(remainderq) Q2(powq) Q2(fdimq) Q2(fmaxq) Q2(fminq)
Q2(copysignq) Q2(nextafterq)
extern f128 fmaq(f128, f128, f128);
extern f128 remquoq(f128, f128, int *);
extern f128 jnq(int, f128);
extern f128 ynq(int, f128);
extern f128 ldexpq(f128, int);
extern f128 scalbnq(f128, int);
extern f128 scalblnq(f128, long);
extern f128 frexpq(f128, int *);
extern f128 modfq(f128, f128 *);
extern int ilogbq(f128);
extern long lrintq(f128);
extern long lroundq(f128);
extern long long llrintq(f128);
extern long long llroundq(f128);
extern void sincosq(f128, f128 *, f128 *);
extern f128 __quadmath_lgammaq_r(f128, int *);
#define C1(f) extern c128 f(c128);
C1(cacosq) C1(cacoshq) C1(casinq) C1(casinhq) C1(catanq) C1(catanhq) C1(ccosq) C1(ccoshq)
C1(cexpq) C1(clogq) C1(clog10q) C1(conjq) C1(cprojq) C1(csinq) C1(csinhq) C1(csqrtq)
C1(ctanq) C1(ctanhq)
extern c128 cpowq(c128, c128);
extern f128 cabsq(c128);
extern f128 cargq(c128);
extern f128 cimagq(c128);
extern f128 crealq(c128);


/* libquadmath answers a result far below the subnormal range with an exact
 * zero and no exceptions; glibc with tiny * tiny: 0 or the smallest
 * subnormal by rounding direction, with "underflow" and "inexact". */
static inline f128 total_underflow(int negative)
{
	f128 t = 0x1p-10000Q;
	OPAQUE_Q(t);
	f128 r = (negative ? -t : t) * t;
	OPAQUE_Q(r);
	return r;
}

/* No errno rule: the libquadmath function as it is. */
#define PLAIN1(name, q) COMPAT_HIDDEN f128 name(f128 x) { return q(x); }
#define PLAIN2(name, q) COMPAT_HIDDEN f128 name(f128 x, f128 y) { return q(x, y); }

PLAIN1(asinhf128, asinhq)
PLAIN1(atanf128, atanq)
PLAIN1(cbrtf128, cbrtq)
PLAIN1(ceilf128, ceilq)
PLAIN1(cosf128, cosq)
PLAIN1(erff128, erfq)
PLAIN1(floorf128, floorq)
PLAIN1(logbf128, logbq)
PLAIN1(nearbyintf128, nearbyintq)
PLAIN1(rintf128, rintq)
PLAIN1(roundf128, roundq)
PLAIN1(sinf128, sinq)
PLAIN1(tanf128, tanq)
PLAIN1(tanhf128, tanhq)
PLAIN1(truncf128, truncq)
PLAIN2(fdimf128, fdimq)
PLAIN2(fmaxf128, fmaxq)
PLAIN2(fminf128, fminq)
PLAIN2(copysignf128, copysignq)
PLAIN2(nextafterf128, nextafterq)
COMPAT_HIDDEN f128 fabsf128(f128 x) { return q_fabs(x); }
COMPAT_HIDDEN f128 fmaf128(f128 x, f128 y, f128 z) { return fmaq(x, y, z); }
COMPAT_HIDDEN f128 remquof128(f128 x, f128 y, int *q) { return remquoq(x, y, q); }
COMPAT_HIDDEN f128 jnf128(int n, f128 x) { return jnq(n, x); }
COMPAT_HIDDEN f128 frexpf128(f128 x, int *e) { return frexpq(x, e); }
/* A NaN, quieted, goes to both results as in glibc. */
COMPAT_HIDDEN f128 modff128(f128 x, f128 *i)
{
	if (q_isnan(x))
		return *i = x * 1;
	return modfq(x, i);
}
COMPAT_HIDDEN long lrintf128(f128 x) { return lrintq(x); }
COMPAT_HIDDEN long lroundf128(f128 x) { return lroundq(x); }
COMPAT_HIDDEN long long llrintf128(f128 x) { return llrintq(x); }
COMPAT_HIDDEN long long llroundf128(f128 x) { return llroundq(x); }
COMPAT_HIDDEN void sincosf128(f128 x, f128 *s, f128 *c) { sincosq(x, s, c); }

/* Domain and pole errors decided from the argument, before the call. */
COMPAT_HIDDEN f128 acosf128(f128 x)
{
	if (ISGREATER(q_fabs(x), (f128)1))
		set_errno(EDOM);
	return acosq(x);
}
COMPAT_HIDDEN f128 asinf128(f128 x)
{
	if (ISGREATER(q_fabs(x), (f128)1))
		set_errno(EDOM);
	return asinq(x);
}
COMPAT_HIDDEN f128 acoshf128(f128 x)
{
	if (ISLESS(x, (f128)1))
		set_errno(EDOM);
	return acoshq(x);
}
COMPAT_HIDDEN f128 atanhf128(f128 x)
{
	if (ISGREATEREQUAL(q_fabs(x), (f128)1))
		set_errno(q_fabs(x) == 1 ? ERANGE : EDOM);
	return atanhq(x);
}
/* log family: x == lim is a pole, below it a domain error. */
#define LOGLIKE(name, q, lim)                                                  \
	COMPAT_HIDDEN f128 name(f128 x)                                        \
	{                                                                      \
		if (ISLESSEQUAL(x, (f128)(lim)))                               \
			set_errno(x == (lim) ? ERANGE : EDOM);                 \
		return q(x);                                                   \
	}
LOGLIKE(logf128, logq, 0)
LOGLIKE(log2f128, log2q, 0)
LOGLIKE(log10f128, log10q, 0)
LOGLIKE(log1pf128, log1pq, -1)

/* y0, y1, yn: x < 0 domain, x == 0 pole. */
static inline void y_errno(f128 x)
{
	if (ISLESSEQUAL(x, (f128)0)) {
		if (x < 0)
			set_errno(EDOM);
		else if (x == 0)
			set_errno(ERANGE);
	}
}
/* libquadmath's j0, j1 and y0 of the largest values raise a spurious
 * "overflow"; their results are bounded (y0 grows like log x at 0). */
static inline f128 no_overflow(f128 (*f)(f128), f128 x)
{
	fexcept_t held;
	fegetexceptflag(&held, FE_OVERFLOW);
	f128 z = f(x);
	if (q_isfinite(z))
		fesetexceptflag(&held, FE_OVERFLOW);
	return z;
}
COMPAT_HIDDEN f128 j0f128(f128 x) { return no_overflow(j0q, x); }
COMPAT_HIDDEN f128 j1f128(f128 x) { return no_overflow(j1q, x); }
COMPAT_HIDDEN f128 y0f128(f128 x) { y_errno(x); return no_overflow(y0q, x); }
COMPAT_HIDDEN f128 y1f128(f128 x)
{
	y_errno(x);
	/* only tiny x overflows */
	return ISGREATER(x, (f128)1) ? no_overflow(y1q, x) : y1q(x);
}
COMPAT_HIDDEN f128 ynf128(int n, f128 x) { y_errno(x); return ynq(n, x); }

COMPAT_HIDDEN f128 fmodf128(f128 x, f128 y)
{
	if ((q_isinf(x) || y == 0) && !q_isnan(x) && !q_isnan(y))
		set_errno(EDOM);
	return fmodq(x, y);
}
COMPAT_HIDDEN f128 remainderf128(f128 x, f128 y)
{
	if ((y == 0 && !q_isnan(x)) || (q_isinf(x) && !q_isnan(y)))
		set_errno(EDOM);
	return remainderq(x, y);
}

/* Overflow (and underflow) decided from the result. */
#define OVERFLOW1(name, q)                                                     \
	COMPAT_HIDDEN f128 name(f128 x)                                        \
	{                                                                      \
		f128 z = q(x);                                                 \
		if (!q_isfinite(z) && q_isfinite(x))                                     \
			set_errno(ERANGE);                                     \
		return z;                                                      \
	}
OVERFLOW1(coshf128, coshq)
OVERFLOW1(sinhf128, sinhq)
OVERFLOW1(expm1f128, expm1q)

#define EXPLIKE(name, q)                                                       \
	COMPAT_HIDDEN f128 name(f128 x)                                        \
	{                                                                      \
		f128 z = q(x);                                                 \
		if (z == 0 && q_isfinite(x))                                        \
			z = total_underflow(0);                                \
		if ((!q_isfinite(z) || z == 0) && q_isfinite(x))                         \
			set_errno(ERANGE);                                     \
		return z;                                                      \
	}
EXPLIKE(expf128, expq)
EXPLIKE(exp2f128, exp2q)

COMPAT_HIDDEN f128 hypotf128(f128 x, f128 y)
{
	f128 z = hypotq(x, y);
	if (!q_isfinite(z) && q_isfinite(x) && q_isfinite(y))
		set_errno(ERANGE);
	return z;
}
COMPAT_HIDDEN f128 atan2f128(f128 y, f128 x)
{
	f128 z = atan2q(y, x);
	if (z == 0 && y != 0 && q_isfinite(x))
		set_errno(ERANGE);
	return z;
}
COMPAT_HIDDEN f128 erfcf128(f128 x)
{
	f128 z = erfcq(x);
	if (z == 0 && q_isfinite(x))
		z = total_underflow(0);
	return z;
}
COMPAT_HIDDEN f128 powf128(f128 x, f128 y)
{
	/* libquadmath raises a spurious "underflow" for subnormal x even
	 * when x^y is normal */
	fexcept_t held;
	fegetexceptflag(&held, FE_UNDERFLOW);
	f128 z = powq(x, y);
	if (q_isfinite(z) && (q_bits(z) & Q_EXPMASK) != 0)
		fesetexceptflag(&held, FE_UNDERFLOW);
	if (z == 0 && x != 0 && q_isfinite(x) && q_isfinite(y))
		z = total_underflow(q_signbit(z));
	if (!q_isfinite(z)) {
		if (q_isfinite(x) && q_isfinite(y))
			set_errno(q_isnan(z) ? EDOM : ERANGE);
	} else if (z == 0 && q_isfinite(x) && x != 0 && q_isfinite(y)) {
		set_errno(ERANGE);
	}
	return z;
}
/* Below -1760 every non-integer's |tgamma| is subnormal or less, where
 * exp(lgamma) is accurate to well under an ulp. libquadmath rounds the
 * magnitude and then negates, which rounds negative results the wrong way
 * in directed modes; round the signed value, as glibc does. */
static f128 tiny_gamma(f128 x)
{
	int sign;
	f128 l = __quadmath_lgammaq_r(x, &sign);
	int mode = fegetround();
	if (sign < 0 && (mode == FE_UPWARD || mode == FE_DOWNWARD))
		fesetround(mode == FE_UPWARD ? FE_DOWNWARD : FE_UPWARD);
	OPAQUE_MEM(l);
	f128 z = expq(l);
	if (z == 0)
		z = total_underflow(0);
	OPAQUE_MEM(z);
	fesetround(mode);
	return sign < 0 ? -z : z;
}

COMPAT_HIDDEN f128 tgammaf128(f128 x)
{
	f128 z;
	if (ISLESS(x, (f128)-1760) && q_isfinite(x) && floorq(x) != x)
		z = tiny_gamma(x);
	else
		z = tgammaq(x);
	if ((!q_isfinite(z) || z == 0) && (q_isfinite(x) || (q_isinf(x) && x < 0))) {
		if (x == 0)
			set_errno(ERANGE);
		else if (floorq(x) == x && x < 0)
			set_errno(EDOM);
		else
			set_errno(ERANGE);
	}
	return z;
}
COMPAT_HIDDEN f128 lgammaf128_r(f128 x, int *sign)
{
	f128 z = __quadmath_lgammaq_r(x, sign);
	if (!q_isfinite(z) && q_isfinite(x))
		set_errno(ERANGE);
	return z;
}
COMPAT_HIDDEN f128 lgammaf128(f128 x)
{
	int s;
	f128 z = lgammaf128_r(x, &s);
	signgam = s;
	return z;
}

/* ldexp, scalbn and scalbln set ERANGE on overflow and underflow to zero
 * for _Float128 in glibc. */
static inline f128 scaled(f128 x, f128 z)
{
	if (q_isfinite(x) && x != 0 && (!q_isfinite(z) || z == 0))
		set_errno(ERANGE);
	return z;
}
COMPAT_HIDDEN f128 ldexpf128(f128 x, int n) { return scaled(x, ldexpq(x, n)); }
COMPAT_HIDDEN f128 scalbnf128(f128 x, int n) { return scaled(x, scalbnq(x, n)); }
COMPAT_HIDDEN f128 scalblnf128(f128 x, long n) { return scaled(x, scalblnq(x, n)); }

/* ilogb: 0, infinities and NaNs raise "invalid" and set EDOM. */
COMPAT_HIDDEN int ilogbf128(f128 x)
{
	int r = ilogbq(x);
	if (x == 0 || !q_isfinite(x)) {
		feraiseexcept(FE_INVALID);
		set_errno(EDOM);
	}
	return r;
}

/* The complex functions: a signaling NaN part raises "invalid" as glibc's
 * classification of it does, and a zero or subnormal part of a result
 * ... */
static inline int c_snan(c128 z) { return q_issignaling(__real__ z) || q_issignaling(__imag__ z); }
static c128 c_fix(c128 r, int snan)
{
	if (snan)
		feraiseexcept(FE_INVALID);
	return r;
}
#define CPLX1(name, q) \
	COMPAT_HIDDEN c128 name(c128 z) { return c_fix(q(z), c_snan(z)); }
CPLX1(cacosf128, cacosq) CPLX1(cacoshf128, cacoshq) CPLX1(casinf128, casinq)
CPLX1(casinhf128, casinhq) CPLX1(catanf128, catanq) CPLX1(catanhf128, catanhq)
CPLX1(ccosf128, ccosq) CPLX1(ccoshf128, ccoshq)
CPLX1(clogf128, clogq) CPLX1(clog10f128, clog10q)
CPLX1(cprojf128, cprojq) CPLX1(csinf128, csinq) CPLX1(csinhf128, csinhq)
CPLX1(csqrtf128, csqrtq) CPLX1(ctanf128, ctanq) CPLX1(ctanhf128, ctanhq)
COMPAT_HIDDEN c128 conjf128(c128 z) { return conjq(z); }
/* e^x underflows entirely below -11355: libquadmath's cexp then gives
 * zeros without "underflow". */
COMPAT_HIDDEN c128 cexpf128(c128 z)
{
	c128 r = c_fix(cexpq(z), c_snan(z));
	if (q_isfinite(__real__ z) && q_isfinite(__imag__ z) && __real__ z < -11355)
		feraiseexcept(FE_UNDERFLOW | FE_INEXACT);
	return r;
}
/* glibc's cpow is cexp(y clog(x)). */
COMPAT_HIDDEN c128 cpowf128(c128 x, c128 y) { return cexpf128(y * clogf128(x)); }
/* cabs is hypot and carg atan2 in glibc, with their errno. */
COMPAT_HIDDEN f128 cabsf128(c128 z) { return hypotf128(__real__ z, __imag__ z); }
COMPAT_HIDDEN f128 cargf128(c128 z) { return atan2f128(__imag__ z, __real__ z); }
COMPAT_HIDDEN f128 cimagf128(c128 z) { return cimagq(z); }
COMPAT_HIDDEN f128 crealf128(c128 z) { return crealq(z); }

/* sqrtf128: correctly rounded in the current direction, from the
 * significand's integer square root with a sticky remainder. */
COMPAT_HIDDEN f128 sqrtf128(f128 x)
{
	u128 u = q_bits(x);
	if (q_isnan(x))
		return x + x;
	if ((u & ~Q_SIGN) == 0)
		return x;
	if (u >> 127) {
		set_errno(EDOM);
		f128 d = x - x;
		return d / d;
	}
	if (q_isinf(x))
		return x;

	int e = (int)(u >> 112);
	u128 m = u & Q_FRAC;
	if (e == 0) {
		e = 1;
		while (!(m >> 112)) {
			m <<= 1;
			e--;
		}
	} else {
		m |= (u128)1 << 112;
	}
	/* x = m * 2^(e - 16383 - 112), m in [2^112, 2^113). Make the power
	 * even, then the root of m * 2^116 has 115 or 116 bits. */
	int p = e - 16383 - 112;
	if (p & 1) {
		m <<= 1;
		p--;
	}
	/* Bit-by-bit root of M = m * 2^116, consuming M two bits at a time
	 * from the top; M has at most 230 bits, so 116 steps. */
	u128 root = 0, rem = 0;
	for (int i = 115; i >= 0; i--) {
		/* the next two bits of M: bits 2i+1, 2i of m << 116 */
		int b = 2 * i - 116;
		unsigned two = b >= 0 ? (unsigned)((m >> b) & 3) : b == -1 ? (unsigned)((m << 1) & 3) : 0;
		rem = (rem << 2) | two;
		u128 t = (root << 2) | 1;
		root <<= 1;
		if (rem >= t) {
			rem -= t;
			root |= 1;
		}
	}
	/* sqrt(x) = root * 2^(p/2 - 58) + (rem ? a little : 0); root has
	 * 115 or 116 bits: keep 113. */
	int extra = (root >> 115) ? 3 : 2;
	int rexp = p / 2 - 58 + extra; /* exponent of the kept integer */
	u128 kept = root >> extra;
	u128 lost = root & ((((u128)1) << extra) - 1);
	u128 half = (u128)1 << (extra - 1);
	bool sticky = rem != 0;
	bool inexact = lost != 0 || sticky;
	if (inexact) {
		bool up;
		switch (fegetround()) {
		case FE_UPWARD: up = true; break;
		case FE_DOWNWARD:
		case FE_TOWARDZERO: up = false; break;
		default: up = lost > half || (lost == half && (sticky || (kept & 1))); break;
		}
		if (up)
			kept++;
		if (kept >> 113) {
			kept >>= 1;
			rexp++;
		}
		feraiseexcept(FE_INEXACT);
	}
	/* value = kept * 2^rexp with kept in [2^112, 2^113): biased exponent
	 * rexp + 112 + 16383, always in the normal range. */
	u128 r = ((u128)(rexp + 112 + 16383) << 112) | (kept & Q_FRAC);
	return q_from(r);
}

/* exp10f128: 10^x = e^(x ln 10), with x split so that its high part times
 * the high part of ln 10 is exact and the low parts add a small
 * correction; for |x| below 2^-115, 1 + x. */
COMPAT_HIDDEN f128 exp10f128(f128 x)
{
	if (!q_isfinite(x))
		return expf128(x);
	if (x < -4966 - 40)
		return expf128((f128)-20000);
	if (x > 4933)
		return expf128((f128)20000);
	if (q_fabs(x) < (f128)0x1p-115)
		return 1 + x;
	/* ln 10 = hi + lo, hi with 54 significant bits. */
	const f128 ln10 = 2.302585092994045684017991454684364207601Q;
	const f128 ln10_hi = 0x1.26bb1bbb555158p+1Q;
	const f128 ln10_lo = 0x1.6ea56d62b82d30a28e28fecf9da6p-58Q;
	/* x_hi keeps 56 significant bits of x. */
	u128 u = q_bits(x);
	f128 x_hi = q_from(u & ~(((u128)1 << (112 - 55)) - 1));
	f128 x_lo = x - x_hi;
	f128 t_hi = x_hi * ln10_hi;
	f128 t_lo = x_hi * ln10_lo + x_lo * ln10;
	f128 z = expq(t_hi) * expq(t_lo);
	if (z == 0)
		z = total_underflow(0);
	if ((!q_isfinite(z) || z == 0) && q_isfinite(x))
		set_errno(ERANGE);
	return z;
}
