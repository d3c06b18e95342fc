/* IEEE 754 totalOrder and totalOrderMag (glibc 2.25; _Float128 2.26): an
 * order on every encoding, -NaN < -Inf < ... < -0 < +0 < ... < +Inf < +NaN,
 * NaNs by payload with signaling below quiet. Comparing the sign-magnitude
 * encodings as integers gives exactly that order, the x87 format's
 * non-canonical encodings included.
 *
 * Two forms (abichange.go): pointer arguments, as C23 has them and glibc's
 * headers declare since 2.31 (COMPAT_FORM_TOTALORDER_C23 1), or the
 * values, as 2.25-2.30 declared them. */
#include "m.h"

/* a <= b for sign-magnitude integers with the sign in the top bit. */
#define SM_LE(a, b, top)                                                 \
	(((a) & (top)) != ((b) & (top)) ? ((a) & (top)) != 0             \
	 : ((a) & (top)) ? (a) >= (b) : (a) <= (b))

#if COMPAT_FORM_TOTALORDER_C23
#define TO_PARAM(T) const T *
#define TO_ARG(p) (*(p))
#else
#define TO_PARAM(T) T
#define TO_ARG(v) (v)
#endif

#define TOTALORDER(suffix, T, W, bits)                                          \
	COMPAT_HIDDEN int totalorder##suffix(TO_PARAM(T) x, TO_PARAM(T) y)      \
	{                                                                       \
		W top = (W)1 << (sizeof(W) * 8 - 1);                            \
		W a = bits(TO_ARG(x)), b = bits(TO_ARG(y));                     \
		return SM_LE(a, b, top);                                        \
	}                                                                       \
	COMPAT_HIDDEN int totalordermag##suffix(TO_PARAM(T) x, TO_PARAM(T) y)   \
	{                                                                       \
		W top = (W)1 << (sizeof(W) * 8 - 1);                            \
		return (bits(TO_ARG(x)) & ~top) <= (bits(TO_ARG(y)) & ~top);    \
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
