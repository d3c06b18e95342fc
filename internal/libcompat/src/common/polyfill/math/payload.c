/* NaN payloads: getpayload, setpayload, setpayloadsig (glibc 2.25;
 * _Float128 2.26) and nanf128 (2.26). Bit-exact with glibc: a payload is an
 * integer that fits the format's trailing significand without its quiet
 * bit (22 bits for float, 51 double, 62 long double, 111 _Float128);
 * anything else stores +0 and returns 1. getpayload of a non-NaN is -1, as
 * glibc has returned since C23 fixed it. */
#include "m.h"

extern unsigned long long strtoull(const char *s, char **end, int base);

/* The IEEE formats share one algorithm over their bit patterns; W is the
 * unsigned type of the format's width, M its trailing significand bits,
 * BIAS its exponent bias. */
#define IEEE_PAYLOAD(T, W, M, BIAS, bits, from, suffix)                          \
	COMPAT_HIDDEN T getpayload##suffix(const T *x)                           \
	{                                                                        \
		W u = bits(*x) & ~((W)1 << (sizeof(W) * 8 - 1));                 \
		W expmask = (((W)1 << (sizeof(W) * 8 - 1 - M)) - 1) << M;        \
		if (u <= expmask)                                                \
			return -1;                                               \
		return (T)(u & (((W)1 << (M - 1)) - 1));                         \
	}                                                                        \
	static int setpl##suffix(T *x, T payload, int sig)                       \
	{                                                                        \
		W u = bits(payload);                                             \
		W e = u >> M; /* with the sign: negative payloads fail */       \
		if (e >= (W)(BIAS + M - 1) || (e < (W)(BIAS) && (sig || u != 0))) \
			goto fail;                                               \
		W pl = 0;                                                        \
		if (e != 0) {                                                    \
			int shift = (int)(BIAS + M - e);                         \
			if (u & (((W)1 << shift) - 1))                           \
				goto fail;                                       \
			pl = ((u & (((W)1 << M) - 1)) | ((W)1 << M)) >> shift;   \
		}                                                                \
		W expmask = (((W)1 << (sizeof(W) * 8 - 1 - M)) - 1) << M;        \
		*x = from(expmask | (sig ? 0 : (W)1 << (M - 1)) | pl);          \
		return 0;                                                        \
	fail:                                                                    \
		*x = from(0);                                                    \
		return 1;                                                        \
	}                                                                        \
	COMPAT_HIDDEN int setpayload##suffix(T *x, T payload) { return setpl##suffix(x, payload, 0); } \
	COMPAT_HIDDEN int setpayloadsig##suffix(T *x, T payload) { return setpl##suffix(x, payload, 1); }

IEEE_PAYLOAD(float, uint32_t, 23, 0x7f, f_bits, f_from, f)
IEEE_PAYLOAD(double, uint64_t, 52, 0x3ff, d_bits, d_from, )
IEEE_PAYLOAD(f128, u128, 112, 0x3fff, q_bits, q_from, f128)

/* The x87 format: payload below the integer and quiet bits. The payload's
 * own significand is read as stored, integer bit included, as glibc does. */
COMPAT_HIDDEN long double getpayloadl(const long double *x)
{
	struct ldbits b = l_bits(*x);
	if ((b.se & 0x7fff) != 0x7fff || (b.m << 1) == 0)
		return -1;
	return (long double)(b.m & ((1ULL << 62) - 1));
}

static int setpll(long double *x, long double payload, int sig)
{
	struct ldbits b = l_bits(payload);
	unsigned e = b.se; /* with the sign: negative payloads fail */
	if (e >= 0x3fff + 62 || (e < 0x3fff && (sig || e != 0 || b.m != 0)))
		goto fail;
	uint64_t pl = 0;
	if (e != 0) {
		int shift = 0x3fff + 63 - (int)e;
		if (shift >= 64 ? b.m != 0 : (b.m & ((1ULL << shift) - 1)) != 0)
			goto fail;
		pl = shift >= 64 ? 0 : b.m >> shift;
	}
	*x = l_from(0x7fff, (1ULL << 63) | (sig ? 0 : 1ULL << 62) | pl);
	return 0;
fail:
	*x = l_from(0, 0);
	return 1;
}
COMPAT_HIDDEN int setpayloadl(long double *x, long double payload) { return setpll(x, payload, 0); }
COMPAT_HIDDEN int setpayloadsigl(long double *x, long double payload) { return setpll(x, payload, 1); }

/* nanf128: a quiet NaN; a tag that is only letters, digits and '_' and
 * reads entirely as strtoull's base-0 number sets the low 64 bits of the
 * payload (when that is not 0), as glibc's strtod NaN parsing. */
COMPAT_HIDDEN f128 nanf128(const char *tag)
{
	u128 nan = Q_EXPMASK | Q_QUIET;
	const char *p = tag;
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
		p++;
	if (*p == 0) {
		char *end;
		int saved = errno;
		unsigned long long m = strtoull(tag, &end, 0);
		errno = saved;
		if (end == p && m != 0)
			nan |= m;
	}
	return q_from(nan);
}
