/* IEEE 754 totalOrder and totalOrderMag (glibc 2.25, with pointer
 * arguments since 2.31 as C23 has them; _Float128 2.26): an order on
 * every encoding, -NaN < -Inf < ... < -0 < +0 < ... < +Inf < +NaN, NaNs by
 * payload with signaling below quiet. Comparing the sign-magnitude
 * encodings as integers gives exactly that order, the x87 format's
 * non-canonical encodings included. */
#include "m.h"

/* a <= b for sign-magnitude integers with the sign in the top bit. */
#define SM_LE(a, b, top)                                                 \
	(((a) & (top)) != ((b) & (top)) ? ((a) & (top)) != 0             \
	 : ((a) & (top)) ? (a) >= (b) : (a) <= (b))

#define TOTALORDER(suffix, T, W, bits)                                          \
	COMPAT_HIDDEN int totalorder##suffix(const T *x, const T *y)            \
	{                                                                       \
		W top = (W)1 << (sizeof(W) * 8 - 1);                            \
		W a = bits(*x), b = bits(*y);                                   \
		return SM_LE(a, b, top);                                        \
	}                                                                       \
	COMPAT_HIDDEN int totalordermag##suffix(const T *x, const T *y)         \
	{                                                                       \
		W top = (W)1 << (sizeof(W) * 8 - 1);                            \
		return (bits(*x) & ~top) <= (bits(*y) & ~top);                  \
	}

/* The x87 value as an integer: sign and exponent above the significand. */
static inline u128 l_key(long double x)
{
	struct ldbits b = l_bits(x);
	return ((u128)b.se << 112) | ((u128)b.m << 48);
}

TOTALORDER(f, float, uint32_t, f_bits)
TOTALORDER(, double, uint64_t, d_bits)
TOTALORDER(l, long double, u128, l_key)
TOTALORDER(f128, f128, u128, q_bits)
