/* fromfp, ufromfp, fromfpx, ufromfpx (glibc 2.25; _Float128 2.26): round x
 * to an integer in direction rnd (FP_INT_UPWARD 0, DOWNWARD 1, TOWARDZERO
 * 2, TONEARESTFROMZERO 3, TONEAREST 4; anything else truncates) and return
 * it when it fits a signed (fromfp) or unsigned (ufromfp) integer of width
 * bits. Otherwise, and for width 0, infinities and NaNs: a domain error,
 * "invalid" and EDOM. The x forms raise "inexact" when the result is not
 * x; the others raise nothing else.
 *
 * Two forms (abichange.go):
 *  - glibc 2.25-2.42's (COMPAT_FORM_FROMFP_C23 0): intmax_t/uintmax_t
 *    results, width at most 64, the saturated value on a domain error;
 *  - C23's, glibc 2.43's versions (COMPAT_FORM_FROMFP_C23 1): the result
 *    in x's own type (-0 for a negative x rounding to zero), any width
 *    (the integer's bits, capped where no finite value of the type
 *    exceeds it), a default NaN (0/0) on a domain error. */
#include "m.h"

extern int feraiseexcept(int excepts);

enum { R_UPWARD, R_DOWNWARD, R_TOWARDZERO, R_TONEARESTFROMZERO, R_TONEAREST };

/* A decoded finite value: |x| = sig * 2^exp2. */
struct decoded {
	bool neg, special; /* special: infinite or NaN */
	u128 sig;
	int exp2;
};

#if !COMPAT_FORM_FROMFP_C23
static uint64_t domain_error(bool uns, bool neg, unsigned width)
{
	feraiseexcept(FE_INVALID);
	set_errno(EDOM);
	if (uns)
		return neg ? 0 : width == 64 ? ~0ULL : (1ULL << width) - 1;
	if (width == 0)
		return 0;
	return neg ? -(1ULL << (width - 1)) : (1ULL << (width - 1)) - 1;
}

static uint64_t fromfp_common(struct decoded d, int rnd, unsigned width, bool uns, bool inexact_flag)
{
	if (width > 64)
		width = 64;
	if (width == 0)
		return domain_error(uns, d.neg, width);
	if (d.sig == 0) /* zeros, and x87 pseudo-zeros as glibc reads them */
		return 0;
	if (d.special)
		return domain_error(uns, d.neg, width);

	/* Split |x| into integer part ip, the half bit and the bits below it. */
	u128 ip;
	bool half = false, more = false;
	if (d.exp2 >= 0) {
		if (d.exp2 >= 64 || (d.sig >> (64 - d.exp2)) != 0)
			return domain_error(uns, d.neg, width);
		ip = d.sig << d.exp2;
	} else if (d.exp2 > -128) {
		int s = -d.exp2;
		ip = d.sig >> s;
		half = (d.sig >> (s - 1)) & 1;
		more = s >= 2 && (d.sig & (((u128)1 << (s - 1)) - 1)) != 0;
	} else {
		ip = 0;
		more = true;
	}
	if (ip >> 64)
		return domain_error(uns, d.neg, width);

	bool up;
	switch (rnd) {
	case R_UPWARD: up = !d.neg && (half || more); break;
	case R_DOWNWARD: up = d.neg && (half || more); break;
	case R_TONEARESTFROMZERO: up = half; break;
	case R_TONEAREST: up = half && (more || (ip & 1)); break;
	default: up = false; break;
	}
	u128 r = ip + up;

	/* Range of the result: [0, 2^w - 1] unsigned, [-2^(w-1), 2^(w-1) - 1]
	 * signed; an unsigned result of negative x must be 0. */
	bool fits;
	if (uns)
		fits = d.neg ? r == 0 : r <= ((u128)1 << width) - 1;
	else
		fits = r <= ((u128)1 << (width - 1)) - (d.neg ? 0 : 1);
	if (!fits)
		return domain_error(uns, d.neg, width);
	if (inexact_flag && (half || more)) {
		volatile float one = 1.0f, tiny = 0x1p-126f;
		float f = one + tiny; /* inexact, nothing else */
		FORCE_EVAL(f);
	}
	uint64_t v = (uint64_t)r;
	return d.neg ? -v : v;
}
#endif

static struct decoded dec_f(float x)
{
	uint32_t u = f_bits(x);
	struct decoded d = { .neg = u >> 31 };
	int e = (u >> 23) & 0xff;
	d.special = e == 0xff;
	d.sig = u & 0x7fffff;
	if (e)
		d.sig |= 0x800000;
	d.exp2 = (e ? e : 1) - 127 - 23;
	return d;
}
static struct decoded dec_d(double x)
{
	uint64_t u = d_bits(x);
	struct decoded d = { .neg = u >> 63 };
	int e = (u >> 52) & 0x7ff;
	d.special = e == 0x7ff;
	d.sig = u & ((1ULL << 52) - 1);
	if (e)
		d.sig |= 1ULL << 52;
	d.exp2 = (e ? e : 1) - 1023 - 52;
	return d;
}
/* The x87 significand is taken as stored, so non-canonical encodings read
 * as glibc reads them; exponent 0 scales as exponent 1 would. */
static struct decoded dec_l(long double x)
{
	struct ldbits b = l_bits(x);
	struct decoded d = { .neg = b.se >> 15 };
	int e = b.se & 0x7fff;
	d.special = e == 0x7fff;
	d.sig = b.m;
	d.exp2 = (e ? e : 1) - 16383 - 63;
	return d;
}
static struct decoded dec_q(f128 x)
{
	u128 u = q_bits(x);
	struct decoded d = { .neg = (int)(u >> 127) };
	int e = (int)(u >> 112) & 0x7fff;
	d.special = e == 0x7fff;
	d.sig = u & Q_FRAC;
	if (e)
		d.sig |= (u128)1 << 112;
	d.exp2 = (e ? e : 1) - 16383 - 112;
	return d;
}

#if COMPAT_FORM_FROMFP_C23
/* The index of the highest set bit of nonzero u. */
static int top_bit(u128 u)
{
	return Q_HI(u) ? 127 - __builtin_clzll(Q_HI(u)) : 63 - __builtin_clzll((uint64_t)u);
}

/* The width past which every finite value of a type with maximum binary
 * exponent max_exp fits, as glibc 2.43 caps it. */
static unsigned c23_width(unsigned width, int max_exp, bool uns)
{
	unsigned cap = uns ? (unsigned)max_exp : (unsigned)max_exp + 1;
	return width > cap ? cap : width;
}

/* Rounds finite decoded x in direction rnd; false on a domain error (the
 * result does not fit width bits). *r is the magnitude of the result when
 * *exact is false (x had a fraction), else x itself is the result; *inexact
 * says whether the result differs from x. */
static bool c23_round(struct decoded d, int rnd, unsigned width, bool uns, u128 *r, bool *exact, bool *inexact)
{
	/* E: the result's binary exponent; pow2: whether its magnitude is a
	 * power of two. A zero result fits every width. */
	int e;
	bool pow2;
	*inexact = false;
	if (d.exp2 >= 0 && d.sig != 0) {
		*exact = true;
		e = top_bit(d.sig) + d.exp2;
		pow2 = (d.sig & (d.sig - 1)) == 0;
	} else {
		*exact = false;
		u128 ip;
		bool half = false, more = false;
		if (d.exp2 >= 0) {
			ip = 0; /* a zero */
		} else if (d.exp2 > -128) {
			int s = -d.exp2;
			ip = d.sig >> s;
			half = (d.sig >> (s - 1)) & 1;
			more = s >= 2 && (d.sig & (((u128)1 << (s - 1)) - 1)) != 0;
		} else {
			ip = 0;
			more = d.sig != 0;
		}
		bool up;
		switch (rnd) {
		case R_UPWARD: up = !d.neg && (half || more); break;
		case R_DOWNWARD: up = d.neg && (half || more); break;
		case R_TONEARESTFROMZERO: up = half; break;
		case R_TONEAREST: up = half && (more || (ip & 1)); break;
		default: up = false; break;
		}
		*r = ip + up;
		*inexact = half || more;
		if (*r == 0)
			return true;
		e = top_bit(*r);
		pow2 = (*r & (*r - 1)) == 0;
	}
	/* Signed: [-2^(w-1), 2^(w-1) - 1]; unsigned: [0, 2^w - 1], -0 too. */
	if (uns)
		return !d.neg && e <= (int)width - 1;
	if (d.neg)
		return e < (int)width - 1 || (e == (int)width - 1 && pow2);
	return e <= (int)width - 2;
}

static void c23_inexact(void)
{
	volatile float one = 1.0f, tiny = 0x1p-126f;
	float f = one + tiny; /* inexact, nothing else */
	FORCE_EVAL(f);
}

/* A NaN computed as 0/0, as glibc's domain error does: "invalid" and the
 * default NaN of the type. */
#define C23_DOMAIN(T)                         \
	do {                                  \
		volatile T z = 0;             \
		set_errno(EDOM);              \
		return z / z;                 \
	} while (0)

#define C23_FROMFP(name, T, dec, max_exp, uns, xflag)                                   \
	COMPAT_HIDDEN T name(T x, int rnd, unsigned width)                              \
	{                                                                               \
		struct decoded d = dec(x);                                              \
		u128 r;                                                                 \
		bool exact, inexact;                                                    \
		width = c23_width(width, max_exp, uns);                                 \
		if (d.special || width == 0 || !c23_round(d, rnd, width, uns, &r, &exact, &inexact)) \
			C23_DOMAIN(T);                                                  \
		if (exact)                                                              \
			return x;                                                       \
		if (xflag && inexact)                                                   \
			c23_inexact();                                                  \
		T v = (T)r;                                                             \
		return d.neg ? -v : v;                                                  \
	}

#define FROMFP(suffix, T, dec, max_exp)                              \
	C23_FROMFP(fromfp##suffix, T, dec, max_exp, false, false)    \
	C23_FROMFP(fromfpx##suffix, T, dec, max_exp, false, true)    \
	C23_FROMFP(ufromfp##suffix, T, dec, max_exp, true, false)    \
	C23_FROMFP(ufromfpx##suffix, T, dec, max_exp, true, true)
#else
#define FROMFP(suffix, T, dec, max_exp)                                                         \
	COMPAT_HIDDEN intmax_t fromfp##suffix(T x, int rnd, unsigned width)                     \
	{ return (intmax_t)fromfp_common(dec(x), rnd, width, false, false); }                   \
	COMPAT_HIDDEN intmax_t fromfpx##suffix(T x, int rnd, unsigned width)                    \
	{ return (intmax_t)fromfp_common(dec(x), rnd, width, false, true); }                    \
	COMPAT_HIDDEN uintmax_t ufromfp##suffix(T x, int rnd, unsigned width)                   \
	{ return fromfp_common(dec(x), rnd, width, true, false); }                              \
	COMPAT_HIDDEN uintmax_t ufromfpx##suffix(T x, int rnd, unsigned width)                  \
	{ return fromfp_common(dec(x), rnd, width, true, true); }
#endif

FROMFP(f, float, dec_f, 128)
FROMFP(, double, dec_d, 1024)
FROMFP(l, long double, dec_l, 16384)
FROMFP(f128, f128, dec_q, 16384)
