/* The maximum/minimum families beyond fmax/fmin: fmaxmag, fminmag (glibc
 * 2.25) and C23's fmaximum, fminimum, fmaximum_num, fminimum_num,
 * fmaximum_mag, fminimum_mag, fmaximum_mag_num, fminimum_mag_num (2.35);
 * _Float128 forms from 2.26 and 2.35.
 *
 * fmaximum/fminimum (and _mag) return a NaN if either argument is one; the
 * _num forms return the number when only one argument is a NaN; fmaxmag
 * and fminmag treat a quiet NaN as missing data but a signaling one as a
 * NaN result. +0 counts as greater than -0 except for fmaxmag/fminmag,
 * which fall back to fmax/fmin's choice. The comparisons are the quiet
 * ones (isgreater, isless), which raise "invalid" only for signaling NaNs,
 * and NaN results are x + y, so exceptions match glibc's. */
#include "m.h"

#define SIGN_GE(x, y, T) (!__builtin_signbit(x) || __builtin_signbit(y))
#define SIGN_LE(x, y, T) (__builtin_signbit(x) || !__builtin_signbit(y))

#define MINMAX(suffix, T, fabs_, issig)                                           \
	COMPAT_HIDDEN T fmaxmag##suffix(T x, T y)                                 \
	{                                                                         \
		T ax = fabs_(x), ay = fabs_(y);                                   \
		if (ISGREATER(ax, ay)) return x;                                  \
		if (ISLESS(ax, ay)) return y;                                     \
		if (ax == ay) return x > y ? x : y;                               \
		if (issig(x) || issig(y)) return x + y;                           \
		return __builtin_isnan(y) ? x : y;                                \
	}                                                                         \
	COMPAT_HIDDEN T fminmag##suffix(T x, T y)                                 \
	{                                                                         \
		T ax = fabs_(x), ay = fabs_(y);                                   \
		if (ISLESS(ax, ay)) return x;                                     \
		if (ISGREATER(ax, ay)) return y;                                  \
		if (ax == ay) return x < y ? x : y;                               \
		if (issig(x) || issig(y)) return x + y;                           \
		return __builtin_isnan(y) ? x : y;                                \
	}                                                                         \
	static inline T nan_num##suffix(T x, T y)                                 \
	{                                                                         \
		if (__builtin_isnan(y))                                           \
			return __builtin_isnan(x) ? x + y : x;                    \
		return y;                                                         \
	}                                                                         \
	COMPAT_HIDDEN T fmaximum##suffix(T x, T y)                                \
	{                                                                         \
		if (ISGREATER(x, y)) return x;                                    \
		if (ISLESS(x, y)) return y;                                       \
		if (x == y) return SIGN_GE(x, y, T) ? x : y;                      \
		return x + y;                                                     \
	}                                                                         \
	COMPAT_HIDDEN T fminimum##suffix(T x, T y)                                \
	{                                                                         \
		if (ISLESS(x, y)) return x;                                       \
		if (ISGREATER(x, y)) return y;                                    \
		if (x == y) return SIGN_LE(x, y, T) ? x : y;                      \
		return x + y;                                                     \
	}                                                                         \
	COMPAT_HIDDEN T fmaximum_num##suffix(T x, T y)                            \
	{                                                                         \
		if (ISGREATER(x, y)) return x;                                    \
		if (ISLESS(x, y)) return y;                                       \
		if (x == y) return SIGN_GE(x, y, T) ? x : y;                      \
		return nan_num##suffix(x, y);                                     \
	}                                                                         \
	COMPAT_HIDDEN T fminimum_num##suffix(T x, T y)                            \
	{                                                                         \
		if (ISLESS(x, y)) return x;                                       \
		if (ISGREATER(x, y)) return y;                                    \
		if (x == y) return SIGN_LE(x, y, T) ? x : y;                      \
		return nan_num##suffix(x, y);                                     \
	}                                                                         \
	COMPAT_HIDDEN T fmaximum_mag##suffix(T x, T y)                            \
	{                                                                         \
		T ax = fabs_(x), ay = fabs_(y);                                   \
		if (ISGREATER(ax, ay)) return x;                                  \
		if (ISLESS(ax, ay)) return y;                                     \
		if (ax == ay) return SIGN_GE(x, y, T) ? x : y;                    \
		return x + y;                                                     \
	}                                                                         \
	COMPAT_HIDDEN T fminimum_mag##suffix(T x, T y)                            \
	{                                                                         \
		T ax = fabs_(x), ay = fabs_(y);                                   \
		if (ISLESS(ax, ay)) return x;                                     \
		if (ISGREATER(ax, ay)) return y;                                  \
		if (ax == ay) return SIGN_LE(x, y, T) ? x : y;                    \
		return x + y;                                                     \
	}                                                                         \
	COMPAT_HIDDEN T fmaximum_mag_num##suffix(T x, T y)                        \
	{                                                                         \
		T ax = fabs_(x), ay = fabs_(y);                                   \
		if (ISGREATER(ax, ay)) return x;                                  \
		if (ISLESS(ax, ay)) return y;                                     \
		if (ax == ay) return SIGN_GE(x, y, T) ? x : y;                    \
		return nan_num##suffix(x, y);                                     \
	}                                                                         \
	COMPAT_HIDDEN T fminimum_mag_num##suffix(T x, T y)                        \
	{                                                                         \
		T ax = fabs_(x), ay = fabs_(y);                                   \
		if (ISLESS(ax, ay)) return x;                                     \
		if (ISGREATER(ax, ay)) return y;                                  \
		if (ax == ay) return SIGN_LE(x, y, T) ? x : y;                    \
		return nan_num##suffix(x, y);                                     \
	}

MINMAX(f, float, __builtin_fabsf, f_issignaling)
MINMAX(, double, __builtin_fabs, d_issignaling)
MINMAX(l, long double, __builtin_fabsl, l_issignaling)
MINMAX(f128, f128, q_fabs, q_issignaling)
