/* nextup and nextdown (glibc 2.24; _Float128 2.26): the next representable
 * value above (below) x, without raising overflow or underflow and without
 * touching errno; a NaN comes back quieted (raising "invalid" when
 * signaling). nextdown(x) is -nextup(-x), as in glibc. */
#include "m.h"

extern int feraiseexcept(int excepts);

#define IEEE_NEXTUP(suffix, T, W, bits, from)                                   \
	static inline T nextup_##suffix(T x)                                     \
	{                                                                       \
		W top = (W)1 << (sizeof(W) * 8 - 1);                            \
		W u = bits(x), mag = u & ~top;                                  \
		W inf = bits((T)__builtin_inf());                              \
		if (mag > inf)                                                  \
			return x + x;                                           \
		if (mag == 0)                                                   \
			return from(1);                                         \
		if (!(u & top))                                                 \
			return mag == inf ? x : from(u + 1);                    \
		return from(u - 1);                                             \
	}                                                                       \
	COMPAT_HIDDEN T nextup##suffix(T x) { return nextup_##suffix(x); }       \
	COMPAT_HIDDEN T nextdown##suffix(T x) { return -nextup_##suffix(-x); }

IEEE_NEXTUP(f, float, uint32_t, f_bits, f_from)
IEEE_NEXTUP(, double, uint64_t, d_bits, d_from)
IEEE_NEXTUP(f128, f128, u128, q_bits, q_from)

/* The x87 format steps through its explicit significand; crossing into the
 * next exponent sets the integer bit, crossing down out of the lowest
 * significand of an exponent leaves the largest one of the exponent below
 * (a subnormal's integer bit stays clear). */
static inline long double nextup_l(long double x)
{
	struct ldbits b = l_bits(x);
	unsigned e = b.se & 0x7fff;
	uint64_t m = b.m;

	if (e == 0x7fff && (m << 1) != 0)
		return x + x;
	if (e == 0 && m == 0)
		return l_from(0, 1);
	if (!(b.se & 0x8000)) {
		/* glibc asks isinf(x) here, which the FPU answers for a pseudo
		 * encoding with "invalid" and no; the step goes on. */
		if (l_ispseudo(b))
			feraiseexcept(FE_INVALID);
		else if (e == 0x7fff)
			return x;
		m++;
		if (m == 0 || (e == 0 && m == 1ULL << 63)) {
			b.se++;
			m |= 1ULL << 63;
		}
		return l_from(b.se, m);
	}
	if ((uint32_t)m == 0 && (m >> 32) <= 0x80000000u && e != 0) {
		/* The low word borrows from a high word that is at most the
		 * integer bit alone: step down an exponent. */
		b.se--;
		m--;
		if ((b.se & 0x7fff) != 0)
			m |= 1ULL << 63;
		return l_from(b.se, m);
	}
	return l_from(b.se, m - 1);
}
COMPAT_HIDDEN long double nextupl(long double x) { return nextup_l(x); }
COMPAT_HIDDEN long double nextdownl(long double x) { return -nextup_l(-x); }
