/* fromfp, ufromfp, fromfpx, ufromfpx (glibc 2.25; _Float128 2.26), with
 * the intmax_t/uintmax_t results of their GLIBC_2.25 versions (C23's forms
 * returning a floating type are glibc 2.43's new versions): round x to an
 * integer in direction rnd (FP_INT_UPWARD 0, DOWNWARD 1, TOWARDZERO 2,
 * TONEARESTFROMZERO 3, TONEAREST 4; anything else truncates) and return it
 * when it fits a signed (fromfp) or unsigned (ufromfp) integer of width
 * bits (at most 64). Otherwise, and for width 0, infinities and NaNs: a
 * domain error, "invalid" and EDOM, returning the saturated value. The x
 * forms raise "inexact" when the result is not x. */
#include "m.h"

extern int feraiseexcept(int excepts);

enum { R_UPWARD, R_DOWNWARD, R_TOWARDZERO, R_TONEARESTFROMZERO, R_TONEAREST };

/* A decoded finite value: |x| = sig * 2^exp2. */
struct decoded {
	bool neg, special; /* special: infinite or NaN */
	u128 sig;
	int exp2;
};

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

#define FROMFP(suffix, T, dec)                                                                  \
	COMPAT_HIDDEN intmax_t fromfp##suffix(T x, int rnd, unsigned width)                     \
	{ return (intmax_t)fromfp_common(dec(x), rnd, width, false, false); }                   \
	COMPAT_HIDDEN intmax_t fromfpx##suffix(T x, int rnd, unsigned width)                    \
	{ return (intmax_t)fromfp_common(dec(x), rnd, width, false, true); }                    \
	COMPAT_HIDDEN uintmax_t ufromfp##suffix(T x, int rnd, unsigned width)                   \
	{ return fromfp_common(dec(x), rnd, width, true, false); }                              \
	COMPAT_HIDDEN uintmax_t ufromfpx##suffix(T x, int rnd, unsigned width)                  \
	{ return fromfp_common(dec(x), rnd, width, true, true); }

FROMFP(f, float, dec_f)
FROMFP(, double, dec_d)
FROMFP(l, long double, dec_l)
FROMFP(f128, f128, dec_q)
