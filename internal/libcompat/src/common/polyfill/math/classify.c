/* Classification functions behind <math.h>'s type-generic macros: the
 * issignaling (glibc 2.18), iscanonical and iseqsig (2.25) helpers and the
 * _Float128 forms of fpclassify, isinf, isnan, signbit and finite (2.26),
 * plus canonicalize (2.25; _Float128 2.26). Bit-exact with glibc, including
 * its reading of the x87 format's non-canonical encodings. */
#include "m.h"

extern int feraiseexcept(int excepts);

COMPAT_HIDDEN int __issignaling(double x) { return d_issignaling(x); }
COMPAT_HIDDEN int __issignalingf(float x) { return f_issignaling(x); }
COMPAT_HIDDEN int __issignalingl(long double x) { return l_issignaling(x); }
COMPAT_HIDDEN int __issignalingf128(f128 x) { return q_issignaling(x); }

/* An x87 value is canonical when its integer bit says what its exponent
 * implies: clear for zeros and subnormals, set for everything else.
 * Pseudo-denormals, unnormals, pseudo-infinities and pseudo-NaNs are not. */
static inline int l_iscanonical(long double x)
{
	struct ldbits b = l_bits(x);
	int top = (int)(b.m >> 63);
	return (b.se & 0x7fff) == 0 ? !top : top;
}

COMPAT_HIDDEN int __iscanonicall(long double x) { return l_iscanonical(x); }

/* iseqsig: equality that raises "invalid" and sets EDOM when unordered. */
#define ISEQSIG(name, T)                                        \
	COMPAT_HIDDEN int name(T x, T y)                        \
	{                                                       \
		if (__builtin_isunordered(x, y)) {              \
			feraiseexcept(FE_INVALID);              \
			set_errno(EDOM);                        \
			return 0;                               \
		}                                               \
		return x == y;                                  \
	}
ISEQSIG(__iseqsig, double)
ISEQSIG(__iseqsigf, float)
ISEQSIG(__iseqsigl, long double)
ISEQSIG(__iseqsigf128, f128)

COMPAT_HIDDEN int __isnanf128(f128 x) { return q_isnan(x); }
COMPAT_HIDDEN int __finitef128(f128 x) { return q_isfinite(x); }
/* Nonzero for a negative sign: 8, what glibc's (GCC's signbit, movmskps)
 * returns on x86_64, whichever compiler builds this. */
COMPAT_HIDDEN int __signbitf128(f128 x) { return (int)(q_bits(x) >> 124) & 8; }

/* -1 for -Inf, 1 for +Inf, else 0, as glibc's __isinf family. */
COMPAT_HIDDEN int __isinff128(f128 x)
{
	if (!q_isinf(x))
		return 0;
	return q_signbit(x) ? -1 : 1;
}

/* The FP_* values of glibc's <math.h>. */
enum { C_FP_NAN, C_FP_INFINITE, C_FP_ZERO, C_FP_SUBNORMAL, C_FP_NORMAL };

COMPAT_HIDDEN int __fpclassifyf128(f128 x)
{
	u128 u = q_bits(x) & ~Q_SIGN;
	u128 e = u & Q_EXPMASK;
	if (e == Q_EXPMASK)
		return u == Q_EXPMASK ? C_FP_INFINITE : C_FP_NAN;
	if (e == 0)
		return u == 0 ? C_FP_ZERO : C_FP_SUBNORMAL;
	return C_FP_NORMAL;
}

/* canonicalize: 1 (and *cx untouched) for a non-canonical encoding, else
 * *cx = *x with a signaling NaN quieted (raising "invalid"). Only the x87
 * format has non-canonical encodings. */
#define CANONICALIZE(name, T, issig, iscanon)                   \
	COMPAT_HIDDEN int name(T *cx, const T *x)               \
	{                                                       \
		T v = *x;                                       \
		if (!(iscanon))                                 \
			return 1;                               \
		if (issig(v))                                   \
			v = v + v;                              \
		*cx = v;                                        \
		return 0;                                       \
	}
CANONICALIZE(canonicalize, double, d_issignaling, 1)
CANONICALIZE(canonicalizef, float, f_issignaling, 1)
CANONICALIZE(canonicalizel, long double, l_issignaling, l_iscanonical(v))
CANONICALIZE(canonicalizef128, f128, q_issignaling, 1)
