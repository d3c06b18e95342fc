/* Shared helpers of the libm polyfills (glibc 2.18-2.42 functions defined
 * over what glibc 2.17's libm and libc export).
 *
 * Formats on x86_64: float and double are IEEE binary32/binary64, long double
 * is the x87 80-bit extended format (explicit integer bit, "ldbl-96" in
 * glibc's sources), _Float128 is IEEE binary128 in software (libgcc).
 * _Float32 = float, _Float64 = _Float32x = double, _Float64x = long double:
 * those names are aliases in the catalogue and need no code here.
 *
 * Sources are compiled with -fno-builtin -frounding-math -fsignaling-nans
 * -ffp-contract=off (see libcompat's math build), so the compiler neither
 * replaces a function body by a call to the function being defined nor
 * folds arithmetic whose rounding or exceptions depend on the run-time
 * floating-point environment. */
#ifndef COMPAT_M_H
#define COMPAT_M_H

#include <stdint.h>
#include <stdbool.h>
#include <errno.h>
#include <fenv.h>
#include "compat.h"

/* GCC keeps the order of floating-point operations and of the library
 * calls of _Float128 comparisons, which raise exceptions (-ftrapping-math,
 * its default); clang does only under FENV_ACCESS, and would otherwise
 * evaluate a comparison a NaN test was to guard, raising "invalid". */
#ifdef __clang__
#pragma STDC FENV_ACCESS ON
#endif

typedef __float128 f128;
typedef unsigned __int128 u128;

/* Forces the evaluation of an expression whose result is unused, for the
 * exceptions it raises, and keeps a value opaque to the optimiser. */
#define FORCE_EVAL(x)  __asm__ __volatile__("" : : "x"(x))
#define OPAQUE(x)      __asm__ __volatile__("" : "+x"(x))
#define FORCE_EVAL_L(x) __asm__ __volatile__("" : : "f"(x))
#define OPAQUE_L(x)    __asm__ __volatile__("" : "+t"(x))
/* GCC moves floating-point arithmetic across fesetround calls (it does
 * not implement FENV_ACCESS): pass inputs through OPAQUE_MEM after
 * changing the rounding direction and results through it before changing
 * it back. Works for every floating type. */
#define OPAQUE_MEM(v) __asm__ __volatile__("" : "+m"(v))
/* __float128 lives in an xmm register as well. */
#define FORCE_EVAL_Q(x) __asm__ __volatile__("" : : "x"(x))
#define OPAQUE_Q(x)    __asm__ __volatile__("" : "+x"(x))

static inline void set_errno(int e) { errno = e; }

/* Bit access. */
static inline uint32_t f_bits(float x) { uint32_t u; __builtin_memcpy(&u, &x, 4); return u; }
static inline float f_from(uint32_t u) { float x; __builtin_memcpy(&x, &u, 4); return x; }
static inline uint64_t d_bits(double x) { uint64_t u; __builtin_memcpy(&u, &x, 8); return u; }
static inline double d_from(uint64_t u) { double x; __builtin_memcpy(&x, &u, 8); return x; }
static inline u128 q_bits(f128 x) { u128 u; __builtin_memcpy(&u, &x, 16); return u; }
static inline f128 q_from(u128 u) { f128 x; __builtin_memcpy(&x, &u, 16); return x; }

/* The x87 format: 16 bits of sign and exponent, 64 bits of significand
 * with the integer bit explicit (bit 63). */
struct ldbits { uint64_t m; uint16_t se; };
static inline struct ldbits l_bits(long double x)
{
	struct ldbits b;
	__builtin_memcpy(&b.m, &x, 8);
	__builtin_memcpy(&b.se, (char *)&x + 8, 2);
	return b;
}
static inline long double l_from(uint16_t se, uint64_t m)
{
	long double x = 0;
	__builtin_memcpy(&x, &m, 8);
	__builtin_memcpy((char *)&x + 8, &se, 2);
	return x;
}

#define Q_HI(u) ((uint64_t)((u) >> 64))
#define Q_EXPMASK ((u128)0x7fff << 112)
#define Q_SIGN ((u128)1 << 127)
#define Q_QUIET ((u128)1 << 111)
#define Q_FRAC (((u128)1 << 112) - 1)

static inline f128 q_inf(void) { return q_from(Q_EXPMASK); }
static inline f128 q_nan(void) { return q_from(Q_EXPMASK | Q_QUIET); }
static inline int q_isnan(f128 x) { return (q_bits(x) & ~Q_SIGN) > Q_EXPMASK; }
static inline int q_isinf(f128 x) { return (q_bits(x) & ~Q_SIGN) == Q_EXPMASK; }
static inline int q_isfinite(f128 x) { return (q_bits(x) & Q_EXPMASK) != Q_EXPMASK; }
static inline int q_signbit(f128 x) { return (int)(q_bits(x) >> 127); }
static inline f128 q_fabs(f128 x) { return q_from(q_bits(x) & ~Q_SIGN); }
static inline f128 q_copysign(f128 x, f128 y) { return q_from((q_bits(x) & ~Q_SIGN) | (q_bits(y) & Q_SIGN)); }
static inline int q_issignaling(f128 x)
{
	u128 u = q_bits(x) & ~Q_SIGN;
	return u > Q_EXPMASK && !(u & Q_QUIET);
}

/* Quiet comparisons: false for a NaN argument, "invalid" only for a
 * signaling one (IEEE's compareQuiet*). GCC's builtins are that for every
 * type, but for _Float128 clang calls libgcc's __gttf2 family, which
 * raises "invalid" for any NaN: the _Float128 forms compare the bits,
 * which is exact, under either compiler; __builtin_isunordered calls
 * __unordtf2, which raises "invalid" for signaling NaNs as it should. */
static inline __int128 q_order(f128 x)
{
	u128 b = q_bits(x);
	__int128 m = (__int128)(b & ~Q_SIGN);
	return b >> 127 ? -m : m; /* -0 and +0 are 0 */
}
static inline int q_isgreater(f128 x, f128 y) { return __builtin_isunordered(x, y) ? 0 : q_order(x) > q_order(y); }
static inline int q_isgreaterequal(f128 x, f128 y) { return __builtin_isunordered(x, y) ? 0 : q_order(x) >= q_order(y); }
static inline int q_isless(f128 x, f128 y) { return __builtin_isunordered(x, y) ? 0 : q_order(x) < q_order(y); }
static inline int q_islessequal(f128 x, f128 y) { return __builtin_isunordered(x, y) ? 0 : q_order(x) <= q_order(y); }
#define QUIET_CMP(name, x, y) _Generic((x) + (y), f128: q_##name((x), (y)), default: __builtin_##name((x), (y)))
#define ISGREATER(x, y) QUIET_CMP(isgreater, x, y)
#define ISGREATEREQUAL(x, y) QUIET_CMP(isgreaterequal, x, y)
#define ISLESS(x, y) QUIET_CMP(isless, x, y)
#define ISLESSEQUAL(x, y) QUIET_CMP(islessequal, x, y)

/* x87 "pseudo" encodings: a nonzero exponent with the integer bit clear
 * (unnormals, pseudo-infinities, pseudo-NaNs). The FPU rejects them as
 * invalid operands, and glibc counts them as signaling NaNs. */
static inline int l_ispseudo(struct ldbits b)
{
	return (b.se & 0x7fff) != 0 && !(b.m >> 63);
}
static inline int l_issignaling(long double x)
{
	struct ldbits b = l_bits(x);
	if (l_ispseudo(b))
		return 1;
	/* A NaN with the quiet bit clear and some payload. */
	return (b.se & 0x7fff) == 0x7fff && (b.m >> 62) == 2 && (b.m & ((1ULL << 62) - 1));
}
static inline int d_issignaling(double x)
{
	uint64_t u = d_bits(x) & ~(1ULL << 63);
	return u > 0x7ff0000000000000ULL && !(u & (1ULL << 51));
}
static inline int f_issignaling(float x)
{
	uint32_t u = f_bits(x) & 0x7fffffffu;
	return u > 0x7f800000u && !(u & (1u << 22));
}

#endif
