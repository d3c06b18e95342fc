/* llogb (glibc 2.25; _Float128 2.26): the unbiased exponent as a long.
 * Zero and NaN give LONG_MIN (FP_LLOGB0, FP_LLOGBNAN on x86_64), infinity
 * LONG_MAX; those three raise "invalid" and set EDOM, as glibc does. */
#include "m.h"

extern int feraiseexcept(int excepts);

static long llogb_special(long r)
{
	feraiseexcept(FE_INVALID);
	set_errno(EDOM);
	return r;
}

#define LONG_MIN_ (-__LONG_MAX__ - 1L)

/* E exponent bits, M trailing significand bits: subnormals count the
 * leading zeros of the significand. */
#define IEEE_LLOGB(suffix, T, W, bits, M, BIAS)                                 \
	COMPAT_HIDDEN long llogb##suffix(T x)                                    \
	{                                                                       \
		W u = bits(x) & ~((W)1 << (sizeof(W) * 8 - 1));                 \
		long e = (long)(u >> M);                                        \
		W frac = u & (((W)1 << M) - 1);                                 \
		if (e == 2 * BIAS + 1)                                          \
			return llogb_special(frac ? LONG_MIN_ : __LONG_MAX__);  \
		if (e == 0) {                                                   \
			if (frac == 0)                                          \
				return llogb_special(LONG_MIN_);                \
			int lz = 0;                                             \
			while (!(frac & ((W)1 << M))) {                         \
				frac <<= 1;                                     \
				lz++;                                           \
			}                                                       \
			return 1 - BIAS - lz;                                   \
		}                                                               \
		return e - BIAS;                                                \
	}

IEEE_LLOGB(f, float, uint32_t, f_bits, 23, 127)
IEEE_LLOGB(, double, uint64_t, d_bits, 52, 1023)
IEEE_LLOGB(f128, f128, u128, q_bits, 112, 16383)

COMPAT_HIDDEN long llogbl(long double x)
{
	struct ldbits b = l_bits(x);
	long e = b.se & 0x7fff;
	if (l_ispseudo(b)) /* the FPU reads these as NaNs */
		return llogb_special(LONG_MIN_);
	if (e == 0x7fff)
		return llogb_special((b.m << 1) ? LONG_MIN_ : __LONG_MAX__);
	if (b.m == 0)
		return llogb_special(LONG_MIN_);
	/* Subnormals and pseudo-denormals: the significand as stored. */
	int lz = __builtin_clzll(b.m);
	return (e == 0 ? 1 : e) - 16383 - lz;
}
