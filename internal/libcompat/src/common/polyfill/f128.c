/* _Float128 text conversions (glibc 2.26): strtof128, strtof128_l,
 * wcstof128, wcstof128_l, __strtof128_internal, __wcstof128_internal,
 * strfromf128. glibc 2.17 has no binary128 arithmetic to build on, so
 * these convert exactly with big integers: decimal to binary rounds the
 * exact value once, binary to decimal prints exact digits then rounds
 * once, both in the current rounding mode (the x87 control word, which
 * fesetround sets, as glibc reads it). As glibc: hexadecimal input and
 * %a output, inf/infinity/nan/nan(payload) in any case, the locale's
 * decimal point, ERANGE on overflow and on inexact tiny results, a
 * negative NaN printed as -nan; strfrom's format is "%[.precision]c",
 * anything else aborts.
 *
 * Numbers are kept to MAXDIG significant decimal digits, with the rest
 * recorded as nonzero or not: more than any binary128 rounding boundary
 * has (11,500), so the rounding is exact.
 *
 * One archive member (f128) for all; each function is compiled in only
 * where the target lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include "compat.h"

/* __float128: the same type as _Float128, spelled so clang knows it too. */
typedef __float128 compat_f128;
struct __locale_struct;
typedef struct __locale_struct *compat_locale_t;

extern void *malloc(size_t n);
extern void *calloc(size_t n, size_t m);
extern void free(void *p);
extern void abort(void) __attribute__((noreturn));
extern char *nl_langinfo(int item);
extern char *nl_langinfo_l(int item, compat_locale_t l);
extern int snprintf(char *s, size_t n, const char *fmt, ...);
extern size_t wcrtomb(char *s, int wc, void *ps);
#define COMPAT_RADIXCHAR 0x10000 /* nl_langinfo item: LC_NUMERIC's decimal point */

#define MAXDIG 12000

#include "f128_big.h"

/* ---- rounding and assembling binary128 ---- */

/* The current rounding direction as glibc's own conversions read it:
 * 0 nearest, 1 down, 2 up, 3 toward zero. On x86 the x87 control word
 * (fesetround sets it and MXCSR alike); on powerpc64le the FPSCR's RN
 * field (0 nearest, 1 toward zero, 2 up, 3 down). libm's fegetround is no
 * choice: this is libc's archive. The ABIs whose _Float128 is long double
 * (aarch64, s390x, riscv64) take glibc's long double functions instead
 * (catalogue/abi.tsv), and arm has no _Float128. */
static int compat_rounding(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned short cw;
	__asm__ __volatile__("fnstcw %0" : "=m"(cw));
	return (cw >> 10) & 3;
#elif defined(__powerpc64__)
	static const unsigned char from_rn[4] = {0, 3, 2, 1};
	double fpscr;
	uint64_t bits;
	__asm__ __volatile__("mffs %0" : "=f"(fpscr));
	__builtin_memcpy(&bits, &fpscr, sizeof bits);
	return from_rn[bits & 3];
#else
#error "compat_rounding: no rounding-mode reader for this ABI (see catalogue/abi.tsv)"
#endif
}

union compat_f128_bits {
	compat_f128 f;
	uint64_t w[2]; /* little endian: w[1] holds sign and exponent */
};

static compat_f128 make_f128(int neg, int exp, uint64_t hi, uint64_t lo)
{
	union compat_f128_bits u;
	u.w[0] = lo;
	u.w[1] = ((uint64_t)neg << 63) | ((uint64_t)exp << 48) | (hi & 0xffffffffffffull);
	return u.f;
}

static compat_f128 compat_inf(int neg)
{
	return make_f128(neg, 0x7fff, 0, 0);
}

/* round_big turns m * 2^e2 (m > 0; sticky: nonzero parts below m were
 * dropped) into the nearest binary128 in the current rounding mode and
 * sets errno as glibc does: ERANGE on overflow, and on an inexact result
 * that is tiny after rounding (x86 detects tininess after rounding). */
static compat_f128 round_big(int neg, struct big *m, long e2, int sticky)
{
	int mode = compat_rounding();
	long nb = big_bits(m);
	long e = nb - 1 + e2; /* exponent of the leading bit */
	/* The significand's last bit: 113 bits down from the leading one,
	 * but never below 2^-16494 (subnormals). */
	long keep_from = nb - 113;
	if (keep_from < -16494 - e2)
		keep_from = -16494 - e2;
	uint64_t hi = 0, lo = 0;
	int guard = 0, rest = sticky;
	if (keep_from > 0) {
		guard = big_bit(m, (int)keep_from - 1);
		rest |= big_any_below(m, (int)keep_from - 1);
	}
	for (long i = nb - 1; i >= (keep_from > 0 ? keep_from : 0); i--) {
		hi = (hi << 1) | (lo >> 63);
		lo = (lo << 1) | (uint64_t)big_bit(m, (int)i);
	}
	for (long i = keep_from; i < 0; i++) { /* fewer than 113 bits: shift up */
		hi = (hi << 1) | (lo >> 63);
		lo <<= 1;
	}
	long lsb = keep_from + e2; /* weight of the significand's last bit */
	int inexact = guard || rest;
	int up = mode == 0 ? guard && (rest || (lo & 1)) : mode == 1 ? neg && inexact : mode == 2 ? !neg && inexact : 0;

	/* Tininess after rounding: below 2^-16382 even when rounded to 113
	 * bits with an unbounded exponent. Only a value just below the
	 * smallest normal can round up out of it. */
	int tiny = e < -16382;
	if (tiny && e == -16383 && inexact) {
		long k = nb - 113; /* the unbounded significand's last bit */
		int all_ones = 1;
		for (long i = nb - 1; i >= k && i >= 0 && all_ones; i--)
			all_ones = big_bit(m, (int)i);
		int g = k > 0 ? big_bit(m, (int)k - 1) : 0;
		int r = sticky || (k > 1 && big_any_below(m, (int)k - 1));
		/* All ones is odd: to nearest rounds up on the guard bit alone. */
		int unb_up = mode == 0 ? g : mode == 1 ? neg && (g || r) : mode == 2 ? !neg && (g || r) : 0;
		if (all_ones && k > 0 && unb_up)
			tiny = 0;
	}
	if (up) {
		lo++;
		if (lo == 0)
			hi++;
		if (hi >> 49) { /* carried to 2^113 */
			hi >>= 1;
			lsb++;
		}
	}
	int biased = 0;
	if (hi >> 48) { /* bit 112 set: normal */
		long E = lsb + 112;
		if (E > 16383) {
			errno = ERANGE;
			if (mode == 3 || (mode == 1 && !neg) || (mode == 2 && neg))
				return make_f128(neg, 0x7ffe, ~0ull, ~0ull);
			return compat_inf(neg);
		}
		biased = (int)(E + 16383);
	}
	if (inexact && tiny)
		errno = ERANGE;
	return make_f128(neg, biased, hi, lo);
}

/* ---- parsing ---- */

/* The characters the parser reads, narrow or wide. */
struct compat_in {
	const void *s;
	int wide;
};

static int in_at(const struct compat_in *in, size_t i)
{
	return in->wide ? ((const int *)in->s)[i] : ((const unsigned char *)in->s)[i];
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Matches word (lowercase) at i, case-insensitively. */
static int match(const struct compat_in *in, size_t i, const char *word)
{
	for (; *word; word++, i++)
		if (lower(in_at(in, i)) != *word)
			return 0;
	return 1;
}

/* point: the decimal point as characters of the input's kind. */
static compat_f128 compat_parse(const struct compat_in *in, size_t *endpos, const int *point, int npoint)
{
	size_t i = 0;
	int neg = 0;

	while (is_space(in_at(in, i)))
		i++;
	if (in_at(in, i) == '-' || in_at(in, i) == '+')
		neg = in_at(in, i++) == '-';
	if (match(in, i, "inf")) {
		i += match(in, i, "infinity") ? 8 : 3;
		*endpos = i;
		return compat_inf(neg);
	}
	if (match(in, i, "nan")) {
		uint64_t payload = 0;
		i += 3;
		if (in_at(in, i) == '(') {
			size_t j = i + 1, start = j;
			int c;
			while (c = in_at(in, j), (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z') || c == '_')
				j++;
			if (in_at(in, j) == ')') {
				/* The payload is read as strtoull does with base 0;
				 * anything else leaves it 0. */
				size_t k = start;
				int base = 10, ok = j > start;
				uint64_t v = 0;
				if (in_at(in, k) == '0') {
					base = 8;
					if (lower(in_at(in, k + 1)) == 'x' && k + 2 < j) {
						base = 16;
						k += 2;
					}
				}
				for (; k < j && ok; k++) {
					int d = in_at(in, k), dv = d >= '0' && d <= '9' ? d - '0' : lower(d) >= 'a' && lower(d) <= 'f' ? lower(d) - 'a' + 10 : 99;
					if (dv >= base)
						ok = 0;
					else
						v = v * (uint64_t)base + (uint64_t)dv;
				}
				if (ok)
					payload = v;
				i = j + 1;
			}
		}
		*endpos = i;
		return make_f128(neg, 0x7fff, 0x800000000000ull, payload);
	}

	int hex = in_at(in, i) == '0' && lower(in_at(in, i + 1)) == 'x';
	size_t digits_start = hex ? i + 2 : i;
	/* Collect the significant digits (without leading zeros) and where
	 * the point is. */
	char *dig = malloc(MAXDIG);
	if (dig == NULL) {
		errno = ENOMEM;
		*endpos = 0;
		return 0;
	}
	int nd = 0, sticky = 0, seen = 0, after_point = 0;
	long point_shift = 0; /* digits after the point, among the kept or dropped ones */
	size_t j = digits_start;
	for (;;) {
		int c = in_at(in, j), v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
			v = lower(c) - 'a' + 10;
		else {
			int is_point = !after_point;
			for (int k = 0; k < npoint && is_point; k++)
				if (in_at(in, j + (size_t)k) != point[k])
					is_point = 0;
			if (is_point) {
				after_point = 1;
				j += (size_t)npoint;
				continue;
			}
			break;
		}
		seen = 1;
		if (nd == 0 && v == 0) {
			if (after_point)
				point_shift++;
		} else if (nd < MAXDIG) {
			dig[nd++] = (char)v;
			if (after_point)
				point_shift++;
		} else {
			sticky |= v != 0;
			if (!after_point)
				point_shift--;
		}
		j++;
	}
	if (!seen) {
		free(dig);
		if (hex) { /* "0x" alone is the number 0, ending after the 0 */
			*endpos = i + 1;
			return make_f128(neg, 0, 0, 0);
		}
		*endpos = 0;
		return 0;
	}
	/* Exponent. */
	long exp = 0;
	int ec = lower(in_at(in, j));
	if (ec == (hex ? 'p' : 'e')) {
		size_t k = j + 1;
		int eneg = 0;
		if (in_at(in, k) == '-' || in_at(in, k) == '+')
			eneg = in_at(in, k++) == '-';
		if (in_at(in, k) >= '0' && in_at(in, k) <= '9') {
			while (in_at(in, k) >= '0' && in_at(in, k) <= '9') {
				if (exp < 100000000)
					exp = exp * 10 + (in_at(in, k) - '0');
				k++;
			}
			if (eneg)
				exp = -exp;
			j = k;
		}
	}
	*endpos = j;
	if (nd == 0) {
		free(dig);
		return make_f128(neg, 0, 0, 0);
	}

	compat_f128 r;
	struct big m;
	if (hex) {
		/* value = digits * 16^-point_shift * 2^exp */
		if (!big_init(&m, MAXDIG / 2 + 8)) {
			free(dig);
			errno = ENOMEM;
			return 0;
		}
		for (int k = 0; k < nd; k++)
			big_muladd(&m, 16, (uint32_t)dig[k]);
		/* Beyond these the result is infinite or zero anyway. */
		long e2 = exp - 4 * point_shift;
		if (e2 > 100000)
			e2 = 100000;
		if (e2 < -300000)
			e2 = -300000;
		r = round_big(neg, &m, e2, sticky);
		big_free(&m);
		free(dig);
		return r;
	}
	long e10 = exp - point_shift;
	/* Far out of range either way. */
	if (e10 + nd > 5000) {
		free(dig);
		return round_big(neg, &(struct big){1, 1, (uint32_t[]){1}}, 20000, 0);
	}
	if (e10 + nd < -5000) {
		free(dig);
		return round_big(neg, &(struct big){1, 1, (uint32_t[]){1}}, -40000, 0);
	}
	int cap = (int)((nd + (e10 > 0 ? e10 : -e10)) * 3402 / 1000 / 32 + 140);
	if (!big_init(&m, cap)) {
		free(dig);
		errno = ENOMEM;
		return 0;
	}
	for (int k = 0; k < nd; k++)
		big_muladd(&m, 10, (uint32_t)dig[k]);
	free(dig);
	if (e10 >= 0) {
		big_mulpow(&m, 10, e10);
		r = round_big(neg, &m, 0, sticky);
		big_free(&m);
		return r;
	}
	/* value = m / 10^-e10: scale m up so the quotient has 120 bits at
	 * least, and the remainder says whether bits were dropped. */
	struct big p, q;
	if (!big_init(&p, cap) || !big_init(&q, cap)) {
		big_free(&m);
		errno = ENOMEM;
		return 0;
	}
	p.d[0] = 1;
	p.n = 1;
	big_mulpow(&p, 10, -e10);
	int s = 120 + big_bits(&p) - big_bits(&m);
	if (s < 0)
		s = 0;
	big_shl(&m, s);
	big_div(&m, &p, &q);
	r = round_big(neg, &q, -s, sticky || m.n != 0);
	big_free(&m);
	big_free(&p);
	big_free(&q);
	return r;
}

/* The decimal point of loc (NULL: the current locale) as characters. */
static int compat_point(compat_locale_t loc, int wide, int *out)
{
	const unsigned char *p = (const unsigned char *)(loc ? nl_langinfo_l(COMPAT_RADIXCHAR, loc) : nl_langinfo(COMPAT_RADIXCHAR));
	int n = 0;
	if (p == NULL || *p == 0) {
		out[0] = '.';
		return 1;
	}
	if (wide) {
		/* A multibyte point is one wide character: decode UTF-8. */
		int c = p[0];
		if (c >= 0xc0 && p[1]) {
			int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			c &= 0x3f >> (len - 1);
			for (int k = 1; k < len && p[k]; k++)
				c = (c << 6) | (p[k] & 0x3f);
		}
		out[0] = c;
		return 1;
	}
	while (p[n] && n < 8) {
		out[n] = p[n];
		n++;
	}
	return n;
}

static compat_f128 compat_strto(const void *s, void **end, compat_locale_t loc, int wide)
{
	int point[8];
	int np = compat_point(loc, wide, point);
	struct compat_in in = {s, wide};
	size_t pos = 0;
	compat_f128 r = compat_parse(&in, &pos, point, np);
	if (end)
		*end = (char *)s + pos * (wide ? sizeof(int) : 1);
	return r;
}

#ifdef COMPAT_OBJ_strtof128
COMPAT_HIDDEN compat_f128 strtof128(const char *s, char **end)
{
	return compat_strto(s, (void **)end, NULL, 0);
}
#endif
#ifdef COMPAT_OBJ_strtof128_l
COMPAT_HIDDEN compat_f128 strtof128_l(const char *s, char **end, compat_locale_t loc)
{
	return compat_strto(s, (void **)end, loc, 0);
}
#endif
#ifdef COMPAT_OBJ_strtof128_internal
/* Thousands grouping (group != 0) is not applied, as with group 0. */
COMPAT_HIDDEN compat_f128 __strtof128_internal(const char *s, char **end, int group)
{
	(void)group;
	return compat_strto(s, (void **)end, NULL, 0);
}
#endif
#ifdef COMPAT_OBJ_wcstof128
COMPAT_HIDDEN compat_f128 wcstof128(const int *s, int **end)
{
	return compat_strto(s, (void **)end, NULL, 1);
}
#endif
#ifdef COMPAT_OBJ_wcstof128_l
COMPAT_HIDDEN compat_f128 wcstof128_l(const int *s, int **end, compat_locale_t loc)
{
	return compat_strto(s, (void **)end, loc, 1);
}
#endif
#ifdef COMPAT_OBJ_wcstof128_internal
COMPAT_HIDDEN compat_f128 __wcstof128_internal(const int *s, int **end, int group)
{
	(void)group;
	return compat_strto(s, (void **)end, NULL, 1);
}
#endif

#ifdef COMPAT_OBJ_strfromf128
#include "f128_strfrom.h"
#endif
