/* The C23 <stdbit.h> functions (glibc 2.39): stdc_leading_zeros_uc ...
 * stdc_bit_ceil_ull, 14 operations for unsigned char, short, int, long and
 * long long, with C23's results for 0 and for all-ones (width, 0 for the
 * "first" functions, 0 from bit_ceil when the result does not fit).
 * Pure arithmetic with no library calls (no __popcountdi2 from libgcc):
 * one archive member for all; each function is compiled in only where the
 * target lacks it (COMPAT_OBJ_<name>). */
#include "compat.h"

/* Leading zeros of x taken as a w-bit number (w in 8..64); w for 0. */
static __attribute__((unused)) unsigned int compat_clz64(unsigned long long x, unsigned int w)
{
	x &= w == 64 ? ~0ull : (1ull << w) - 1;
	return x == 0 ? w : (unsigned int)__builtin_clzll(x) - (64 - w);
}

/* Trailing zeros of x taken as a w-bit number; w for 0. */
static __attribute__((unused)) unsigned int compat_ctz64(unsigned long long x, unsigned int w)
{
	x &= w == 64 ? ~0ull : (1ull << w) - 1;
	return x == 0 ? w : (unsigned int)__builtin_ctzll(x);
}

static __attribute__((unused)) unsigned int compat_popcount64(unsigned long long x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned int)((x * 0x0101010101010101ull) >> 56);
}

#ifdef COMPAT_OBJ_stdc_leading_zeros_uc
COMPAT_HIDDEN unsigned int stdc_leading_zeros_uc(unsigned char x)
{
	return compat_clz64(x, 8);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_zeros_us
COMPAT_HIDDEN unsigned int stdc_leading_zeros_us(unsigned short x)
{
	return compat_clz64(x, 16);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_zeros_ui
COMPAT_HIDDEN unsigned int stdc_leading_zeros_ui(unsigned int x)
{
	return compat_clz64(x, 32);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_zeros_ul
COMPAT_HIDDEN unsigned int stdc_leading_zeros_ul(unsigned long x)
{
	return compat_clz64(x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_zeros_ull
COMPAT_HIDDEN unsigned int stdc_leading_zeros_ull(unsigned long long x)
{
	return compat_clz64(x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_ones_uc
COMPAT_HIDDEN unsigned int stdc_leading_ones_uc(unsigned char x)
{
	return compat_clz64((unsigned char)~x, 8);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_ones_us
COMPAT_HIDDEN unsigned int stdc_leading_ones_us(unsigned short x)
{
	return compat_clz64((unsigned short)~x, 16);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_ones_ui
COMPAT_HIDDEN unsigned int stdc_leading_ones_ui(unsigned int x)
{
	return compat_clz64((unsigned int)~x, 32);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_ones_ul
COMPAT_HIDDEN unsigned int stdc_leading_ones_ul(unsigned long x)
{
	return compat_clz64((unsigned long)~x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_leading_ones_ull
COMPAT_HIDDEN unsigned int stdc_leading_ones_ull(unsigned long long x)
{
	return compat_clz64((unsigned long long)~x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_zeros_uc
COMPAT_HIDDEN unsigned int stdc_trailing_zeros_uc(unsigned char x)
{
	return compat_ctz64(x, 8);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_zeros_us
COMPAT_HIDDEN unsigned int stdc_trailing_zeros_us(unsigned short x)
{
	return compat_ctz64(x, 16);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_zeros_ui
COMPAT_HIDDEN unsigned int stdc_trailing_zeros_ui(unsigned int x)
{
	return compat_ctz64(x, 32);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_zeros_ul
COMPAT_HIDDEN unsigned int stdc_trailing_zeros_ul(unsigned long x)
{
	return compat_ctz64(x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_zeros_ull
COMPAT_HIDDEN unsigned int stdc_trailing_zeros_ull(unsigned long long x)
{
	return compat_ctz64(x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_ones_uc
COMPAT_HIDDEN unsigned int stdc_trailing_ones_uc(unsigned char x)
{
	return compat_ctz64((unsigned char)~x, 8);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_ones_us
COMPAT_HIDDEN unsigned int stdc_trailing_ones_us(unsigned short x)
{
	return compat_ctz64((unsigned short)~x, 16);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_ones_ui
COMPAT_HIDDEN unsigned int stdc_trailing_ones_ui(unsigned int x)
{
	return compat_ctz64((unsigned int)~x, 32);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_ones_ul
COMPAT_HIDDEN unsigned int stdc_trailing_ones_ul(unsigned long x)
{
	return compat_ctz64((unsigned long)~x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_trailing_ones_ull
COMPAT_HIDDEN unsigned int stdc_trailing_ones_ull(unsigned long long x)
{
	return compat_ctz64((unsigned long long)~x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_zero_uc
COMPAT_HIDDEN unsigned int stdc_first_leading_zero_uc(unsigned char x)
{
	unsigned int n = compat_clz64((unsigned char)~x, 8);
	return n == 8 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_zero_us
COMPAT_HIDDEN unsigned int stdc_first_leading_zero_us(unsigned short x)
{
	unsigned int n = compat_clz64((unsigned short)~x, 16);
	return n == 16 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_zero_ui
COMPAT_HIDDEN unsigned int stdc_first_leading_zero_ui(unsigned int x)
{
	unsigned int n = compat_clz64((unsigned int)~x, 32);
	return n == 32 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_zero_ul
COMPAT_HIDDEN unsigned int stdc_first_leading_zero_ul(unsigned long x)
{
	unsigned int n = compat_clz64((unsigned long)~x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_zero_ull
COMPAT_HIDDEN unsigned int stdc_first_leading_zero_ull(unsigned long long x)
{
	unsigned int n = compat_clz64((unsigned long long)~x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_one_uc
COMPAT_HIDDEN unsigned int stdc_first_leading_one_uc(unsigned char x)
{
	unsigned int n = compat_clz64(x, 8);
	return n == 8 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_one_us
COMPAT_HIDDEN unsigned int stdc_first_leading_one_us(unsigned short x)
{
	unsigned int n = compat_clz64(x, 16);
	return n == 16 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_one_ui
COMPAT_HIDDEN unsigned int stdc_first_leading_one_ui(unsigned int x)
{
	unsigned int n = compat_clz64(x, 32);
	return n == 32 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_one_ul
COMPAT_HIDDEN unsigned int stdc_first_leading_one_ul(unsigned long x)
{
	unsigned int n = compat_clz64(x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_leading_one_ull
COMPAT_HIDDEN unsigned int stdc_first_leading_one_ull(unsigned long long x)
{
	unsigned int n = compat_clz64(x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_zero_uc
COMPAT_HIDDEN unsigned int stdc_first_trailing_zero_uc(unsigned char x)
{
	unsigned int n = compat_ctz64((unsigned char)~x, 8);
	return n == 8 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_zero_us
COMPAT_HIDDEN unsigned int stdc_first_trailing_zero_us(unsigned short x)
{
	unsigned int n = compat_ctz64((unsigned short)~x, 16);
	return n == 16 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_zero_ui
COMPAT_HIDDEN unsigned int stdc_first_trailing_zero_ui(unsigned int x)
{
	unsigned int n = compat_ctz64((unsigned int)~x, 32);
	return n == 32 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_zero_ul
COMPAT_HIDDEN unsigned int stdc_first_trailing_zero_ul(unsigned long x)
{
	unsigned int n = compat_ctz64((unsigned long)~x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_zero_ull
COMPAT_HIDDEN unsigned int stdc_first_trailing_zero_ull(unsigned long long x)
{
	unsigned int n = compat_ctz64((unsigned long long)~x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_one_uc
COMPAT_HIDDEN unsigned int stdc_first_trailing_one_uc(unsigned char x)
{
	unsigned int n = compat_ctz64(x, 8);
	return n == 8 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_one_us
COMPAT_HIDDEN unsigned int stdc_first_trailing_one_us(unsigned short x)
{
	unsigned int n = compat_ctz64(x, 16);
	return n == 16 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_one_ui
COMPAT_HIDDEN unsigned int stdc_first_trailing_one_ui(unsigned int x)
{
	unsigned int n = compat_ctz64(x, 32);
	return n == 32 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_one_ul
COMPAT_HIDDEN unsigned int stdc_first_trailing_one_ul(unsigned long x)
{
	unsigned int n = compat_ctz64(x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_first_trailing_one_ull
COMPAT_HIDDEN unsigned int stdc_first_trailing_one_ull(unsigned long long x)
{
	unsigned int n = compat_ctz64(x, 64);
	return n == 64 ? 0 : n + 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_count_zeros_uc
COMPAT_HIDDEN unsigned int stdc_count_zeros_uc(unsigned char x)
{
	return 8 - compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_zeros_us
COMPAT_HIDDEN unsigned int stdc_count_zeros_us(unsigned short x)
{
	return 16 - compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_zeros_ui
COMPAT_HIDDEN unsigned int stdc_count_zeros_ui(unsigned int x)
{
	return 32 - compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_zeros_ul
COMPAT_HIDDEN unsigned int stdc_count_zeros_ul(unsigned long x)
{
	return 64 - compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_zeros_ull
COMPAT_HIDDEN unsigned int stdc_count_zeros_ull(unsigned long long x)
{
	return 64 - compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_ones_uc
COMPAT_HIDDEN unsigned int stdc_count_ones_uc(unsigned char x)
{
	return compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_ones_us
COMPAT_HIDDEN unsigned int stdc_count_ones_us(unsigned short x)
{
	return compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_ones_ui
COMPAT_HIDDEN unsigned int stdc_count_ones_ui(unsigned int x)
{
	return compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_ones_ul
COMPAT_HIDDEN unsigned int stdc_count_ones_ul(unsigned long x)
{
	return compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_count_ones_ull
COMPAT_HIDDEN unsigned int stdc_count_ones_ull(unsigned long long x)
{
	return compat_popcount64(x);
}
#endif

#ifdef COMPAT_OBJ_stdc_has_single_bit_uc
COMPAT_HIDDEN _Bool stdc_has_single_bit_uc(unsigned char x)
{
	return compat_popcount64(x) == 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_has_single_bit_us
COMPAT_HIDDEN _Bool stdc_has_single_bit_us(unsigned short x)
{
	return compat_popcount64(x) == 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_has_single_bit_ui
COMPAT_HIDDEN _Bool stdc_has_single_bit_ui(unsigned int x)
{
	return compat_popcount64(x) == 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_has_single_bit_ul
COMPAT_HIDDEN _Bool stdc_has_single_bit_ul(unsigned long x)
{
	return compat_popcount64(x) == 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_has_single_bit_ull
COMPAT_HIDDEN _Bool stdc_has_single_bit_ull(unsigned long long x)
{
	return compat_popcount64(x) == 1;
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_width_uc
COMPAT_HIDDEN unsigned int stdc_bit_width_uc(unsigned char x)
{
	return 8 - compat_clz64(x, 8);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_width_us
COMPAT_HIDDEN unsigned int stdc_bit_width_us(unsigned short x)
{
	return 16 - compat_clz64(x, 16);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_width_ui
COMPAT_HIDDEN unsigned int stdc_bit_width_ui(unsigned int x)
{
	return 32 - compat_clz64(x, 32);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_width_ul
COMPAT_HIDDEN unsigned int stdc_bit_width_ul(unsigned long x)
{
	return 64 - compat_clz64(x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_width_ull
COMPAT_HIDDEN unsigned int stdc_bit_width_ull(unsigned long long x)
{
	return 64 - compat_clz64(x, 64);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_floor_uc
COMPAT_HIDDEN unsigned char stdc_bit_floor_uc(unsigned char x)
{
	return x == 0 ? 0 : (unsigned char)((unsigned char)1 << (8 - 1 - compat_clz64(x, 8)));
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_floor_us
COMPAT_HIDDEN unsigned short stdc_bit_floor_us(unsigned short x)
{
	return x == 0 ? 0 : (unsigned short)((unsigned short)1 << (16 - 1 - compat_clz64(x, 16)));
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_floor_ui
COMPAT_HIDDEN unsigned int stdc_bit_floor_ui(unsigned int x)
{
	return x == 0 ? 0 : (unsigned int)((unsigned int)1 << (32 - 1 - compat_clz64(x, 32)));
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_floor_ul
COMPAT_HIDDEN unsigned long stdc_bit_floor_ul(unsigned long x)
{
	return x == 0 ? 0 : (unsigned long)((unsigned long)1 << (64 - 1 - compat_clz64(x, 64)));
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_floor_ull
COMPAT_HIDDEN unsigned long long stdc_bit_floor_ull(unsigned long long x)
{
	return x == 0 ? 0 : (unsigned long long)((unsigned long long)1 << (64 - 1 - compat_clz64(x, 64)));
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_ceil_uc
COMPAT_HIDDEN unsigned char stdc_bit_ceil_uc(unsigned char x)
{
	if (x <= 1)
		return 1;
	unsigned int w = 8 - compat_clz64((unsigned char)(x - 1), 8);
	return w == 8 ? 0 : (unsigned char)((unsigned char)1 << w);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_ceil_us
COMPAT_HIDDEN unsigned short stdc_bit_ceil_us(unsigned short x)
{
	if (x <= 1)
		return 1;
	unsigned int w = 16 - compat_clz64((unsigned short)(x - 1), 16);
	return w == 16 ? 0 : (unsigned short)((unsigned short)1 << w);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_ceil_ui
COMPAT_HIDDEN unsigned int stdc_bit_ceil_ui(unsigned int x)
{
	if (x <= 1)
		return 1;
	unsigned int w = 32 - compat_clz64((unsigned int)(x - 1), 32);
	return w == 32 ? 0 : (unsigned int)((unsigned int)1 << w);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_ceil_ul
COMPAT_HIDDEN unsigned long stdc_bit_ceil_ul(unsigned long x)
{
	if (x <= 1)
		return 1;
	unsigned int w = 64 - compat_clz64((unsigned long)(x - 1), 64);
	return w == 64 ? 0 : (unsigned long)((unsigned long)1 << w);
}
#endif

#ifdef COMPAT_OBJ_stdc_bit_ceil_ull
COMPAT_HIDDEN unsigned long long stdc_bit_ceil_ull(unsigned long long x)
{
	if (x <= 1)
		return 1;
	unsigned int w = 64 - compat_clz64((unsigned long long)(x - 1), 64);
	return w == 64 ? 0 : (unsigned long long)((unsigned long long)1 << w);
}
#endif
