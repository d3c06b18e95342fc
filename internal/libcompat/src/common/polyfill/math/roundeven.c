/* roundeven (glibc 2.25; _Float128 2.26): round to the nearest integer,
 * ties to even, whatever the current rounding direction, raising no
 * "inexact" (a signaling NaN is quieted with "invalid"). */
#include "m.h"

/* M trailing significand bits, BIAS the exponent bias. */
#define IEEE_ROUNDEVEN(suffix, T, W, bits, from, M, BIAS)                       \
	COMPAT_HIDDEN T roundeven##suffix(T x)                                   \
	{                                                                       \
		W top = (W)1 << (sizeof(W) * 8 - 1);                            \
		W u = bits(x);                                                  \
		int e = (int)((u & ~top) >> M);                                 \
		if (e >= BIAS + M) {                                            \
			if (e == 2 * BIAS + 1 && (u & (((W)1 << M) - 1)))       \
				return x + x;                                   \
			return x; /* an integer, or infinite */                  \
		}                                                               \
		if (e >= BIAS) {                                                \
			int fracbits = BIAS + M - e;                            \
			W unit = (W)1 << fracbits, half = unit >> 1;            \
			W frac = u & (unit - 1);                                \
			u &= ~(unit - 1);                                       \
			if (frac > half || (frac == half && (u & unit)))        \
				u += unit; /* may carry into the exponent */     \
			return from(u);                                         \
		}                                                               \
		W sign = u & top;                                               \
		if (e == BIAS - 1 && (u & ~top) > ((W)(BIAS - 1) << M))         \
			return from(sign | ((W)BIAS << M)); /* (0.5, 1): 1 */  \
		return from(sign); /* [0, 0.5]: 0 */                            \
	}

IEEE_ROUNDEVEN(f, float, uint32_t, f_bits, f_from, 23, 127)
IEEE_ROUNDEVEN(, double, uint64_t, d_bits, d_from, 52, 1023)
IEEE_ROUNDEVEN(f128, f128, u128, q_bits, q_from, 112, 16383)

COMPAT_HIDDEN long double roundevenl(long double x)
{
	struct ldbits b = l_bits(x);
	int e = b.se & 0x7fff;
	uint64_t m = b.m;

	if (e >= 0x3fff + 63) {
		if (e == 0x7fff && (m << 1) != 0)
			return x + x;
		return x;
	}
	if (e >= 0x3fff) {
		int fracbits = 0x3fff + 63 - e;
		uint64_t unit = 1ULL << fracbits, half = unit >> 1;
		uint64_t frac = m & (unit - 1);
		m &= ~(unit - 1);
		if (frac > half || (frac == half && (m & unit))) {
			m += unit;
			if (m == 0) { /* carried out of the significand */
				m = 1ULL << 63;
				b.se++;
			}
		}
		return l_from(b.se, m);
	}
	uint16_t sign = b.se & 0x8000;
	if (e == 0x3ffe && m > 1ULL << 63)
		return l_from(sign | 0x3fff, 1ULL << 63);
	return l_from(sign, 0);
}
