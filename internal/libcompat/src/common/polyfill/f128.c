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

/* ---- big unsigned integers, 32-bit limbs, least significant first ---- */

struct big {
	int n; /* limbs in use; no leading zero limbs */
	int cap;
	uint32_t *d;
};

static int big_init(struct big *b, int cap)
{
	b->n = 0;
	b->cap = cap;
	b->d = calloc((size_t)cap, sizeof(uint32_t));
	return b->d != NULL;
}

static void big_free(struct big *b)
{
	free(b->d);
}

static void big_trim(struct big *b)
{
	while (b->n > 0 && b->d[b->n - 1] == 0)
		b->n--;
}

/* b = b * m + a */
static void big_muladd(struct big *b, uint32_t m, uint32_t a)
{
	uint64_t carry = a;
	for (int i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->d[i] * m + carry;
		b->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry)
		b->d[b->n++] = (uint32_t)carry;
}

/* b = b * base^k, in steps of the largest power that fits 32 bits. */
static void big_mulpow(struct big *b, uint32_t base, long k)
{
	uint32_t step = base, n = 1;
	while ((uint64_t)step * base <= 0xffffffffu) {
		step *= base;
		n++;
	}
	for (; k >= n; k -= n)
		big_muladd(b, step, 0);
	for (; k > 0; k--)
		big_muladd(b, base, 0);
}

static void big_shl(struct big *b, int s)
{
	int w = s / 32, r = s % 32;
	if (b->n == 0)
		return;
	if (r) {
		b->d[b->n] = 0;
		for (int i = b->n; i > 0; i--)
			b->d[i] = (b->d[i] << r) | (b->d[i - 1] >> (32 - r));
		b->d[0] <<= r;
		b->n++;
	}
	if (w) {
		for (int i = b->n - 1; i >= 0; i--)
			b->d[i + w] = b->d[i];
		for (int i = 0; i < w; i++)
			b->d[i] = 0;
		b->n += w;
	}
	big_trim(b);
}

static int big_bits(const struct big *b)
{
	if (b->n == 0)
		return 0;
	return 32 * (b->n - 1) + (32 - __builtin_clz(b->d[b->n - 1]));
}

static int big_bit(const struct big *b, int i)
{
	return i / 32 < b->n ? (int)((b->d[i / 32] >> (i % 32)) & 1) : 0;
}

/* Any bit below position i set? */
static int big_any_below(const struct big *b, int i)
{
	for (int k = 0; k < i / 32 && k < b->n; k++)
		if (b->d[k])
			return 1;
	if (i / 32 < b->n && (b->d[i / 32] & ((1u << (i % 32)) - 1)))
		return 1;
	return 0;
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

/* a -= b (a >= b) */
static void big_sub(struct big *a, const struct big *b)
{
	int64_t borrow = 0;
	for (int i = 0; i < a->n; i++) {
		int64_t t = (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
		borrow = t < 0;
		a->d[i] = (uint32_t)(t + (borrow ? ((int64_t)1 << 32) : 0));
	}
	big_trim(a);
}

/* q = a / b bit by bit (a is destroyed, left as the remainder). q needs
 * big_bits(a) - big_bits(b) + 1 bits. Slow but only for long inputs. */
static void big_div(struct big *a, const struct big *b, struct big *q)
{
	struct big t;
	int shift = big_bits(a) - big_bits(b);
	q->n = 0;
	if (shift < 0 || !big_init(&t, a->cap))
		return;
	for (int i = 0; i < (shift + 32) / 32 + 1 && i < q->cap; i++)
		q->d[i] = 0;
	for (int s = shift; s >= 0; s--) {
		t.n = b->n;
		for (int i = 0; i < b->n; i++)
			t.d[i] = b->d[i];
		big_shl(&t, s);
		if (big_cmp(a, &t) >= 0) {
			big_sub(a, &t);
			q->d[s / 32] |= 1u << (s % 32);
			if (q->n < s / 32 + 1)
				q->n = s / 32 + 1;
		}
	}
	big_trim(q);
	big_free(&t);
}

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
/* ---- strfromf128 ---- */

/* Decimal digits of a big integer, most significant first, into out (no
 * leading zeros); returns their count. b is destroyed. */
static int big_decimal(struct big *b, char *out)
{
	int n = 0;
	while (b->n > 0) {
		uint64_t r = 0;
		for (int i = b->n - 1; i >= 0; i--) {
			uint64_t t = (r << 32) | b->d[i];
			b->d[i] = (uint32_t)(t / 1000000000u);
			r = t % 1000000000u;
		}
		big_trim(b);
		for (int k = 0; k < 9; k++) {
			out[n++] = (char)('0' + r % 10);
			r /= 10;
		}
	}
	while (n > 0 && out[n - 1] == '0')
		n--;
	for (int i = 0; i < n / 2; i++) {
		char t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

/* Whether dropping digits d[keep..n) rounds the kept ones up, in the
 * current rounding mode (as glibc's printf does). */
static int round_away(const char *d, int n, int keep, int neg, int mode)
{
	int half = keep >= 0 && keep < n ? d[keep] - '0' : 0;
	int more = 0;
	for (int i = keep + 1 > 0 ? keep + 1 : 0; i < n; i++)
		more |= d[i] != '0';
	if (keep < 0) /* even the first digit goes: all are "more" */
		more = n > 0, half = 0;
	int odd = keep > 0 && keep <= n ? (d[keep - 1] - '0') & 1 : 0;
	switch (mode) {
	case 0:
		return half > 5 || (half == 5 && (more || odd));
	case 1:
		return neg && (half || more);
	case 2:
		return !neg && (half || more);
	}
	return 0;
}

/* Keeps the first keep digits of d (n of them, value 0.d * 10^x), rounds
 * them, and returns the new count; a carry adds a leading 1 and one to x. */
static int round_to(char *d, int n, int keep, int *x, int neg, int mode)
{
	int up = round_away(d, n, keep, neg, mode);
	if (keep < 0) { /* all digits go: what is left is 0 or one unit */
		*x -= keep;
		keep = 0;
	}
	for (int i = n; i < keep; i++)
		d[i] = '0';
	if (up) {
		int i = keep - 1;
		while (i >= 0 && d[i] == '9')
			d[i--] = '0';
		if (i >= 0)
			d[i]++;
		else {
			for (int k = keep; k > 0; k--)
				d[k] = d[k - 1];
			d[0] = '1';
			keep++;
			(*x)++;
		}
	}
	return keep;
}

struct compat_out {
	char *buf;
	size_t len, cap;
};

static void put(struct compat_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->len < o->cap)
			o->buf[o->len] = s[i];
		o->len++;
	}
}

static void putc1(struct compat_out *o, char c)
{
	put(o, &c, 1);
}

static void put_exp(struct compat_out *o, char letter, long e, int min_digits)
{
	char b[24];
	int n = 0;
	unsigned long v = e < 0 ? (unsigned long)-e : (unsigned long)e;
	putc1(o, letter);
	putc1(o, e < 0 ? '-' : '+');
	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < min_digits)
		b[n++] = '0';
	while (n)
		putc1(o, b[--n]);
}

static void compat_strfrom_format(const char *format, int *prec, char *conv)
{
	if (*format++ != '%')
		abort();
	*prec = -1;
	if (*format == '.') {
		long p = 0;
		format++;
		while (*format >= '0' && *format <= '9') {
			if (p <= 0x7fffffff)
				p = p * 10 + (*format - '0');
			format++;
		}
		*prec = p > 0x7fffffff ? -1 : (int)p;
	}
	switch (*format) {
	case 'a': case 'A': case 'e': case 'E':
	case 'f': case 'F': case 'g': case 'G':
		*conv = *format;
		return;
	}
	abort();
}

/* %a: 0x1.<28 hex digits>p<exp> (0x0. for subnormals), the precision
 * rounding in the current mode, the default dropping trailing zeros. */
static void fmt_hex(struct compat_out *o, int neg, int biased, uint64_t hi, uint64_t lo, int prec, int upper, const char *point,
		    int mode)
{
	const char *hexd = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char frac[28];
	int lead = biased != 0;
	long exp = biased == 0 ? (hi == 0 && lo == 0 ? 0 : -16382) : biased - 16383;
	for (int i = 0; i < 12; i++)
		frac[i] = (char)((hi >> (44 - 4 * i)) & 15);
	for (int i = 0; i < 16; i++)
		frac[12 + i] = (char)((lo >> (60 - 4 * i)) & 15);
	int n = 28;
	if (prec < 0) {
		while (n > 0 && frac[n - 1] == 0)
			n--;
	} else if (prec < 28) {
		int half = frac[prec], more = 0;
		for (int i = prec + 1; i < 28; i++)
			more |= frac[i] != 0;
		int odd = prec > 0 ? frac[prec - 1] & 1 : lead & 1;
		int up = mode == 0 ? half > 8 || (half == 8 && (more || odd)) : mode == 1 ? neg && (half || more) : mode == 2 ? !neg && (half || more) : 0;
		n = prec;
		if (up) {
			int i = n - 1;
			while (i >= 0 && frac[i] == 15)
				frac[i--] = 0;
			if (i >= 0)
				frac[i]++;
			else
				lead++;
		}
	}
	if (neg)
		putc1(o, '-');
	put(o, upper ? "0X" : "0x", 2);
	putc1(o, hexd[lead]);
	if (n > 0 || prec > 0)
		put(o, point, __builtin_strlen(point));
	for (int i = 0; i < n; i++)
		putc1(o, hexd[(int)frac[i]]);
	for (int i = 28; i < prec; i++)
		putc1(o, '0');
	put_exp(o, upper ? 'P' : 'p', exp, 1);
}

/* %f: the digits d (0.d * 10^x) with prec digits after the point. */
static void fmt_fixed(struct compat_out *o, char *d, int n, int x, int prec, int neg, int mode, const char *point, int strip)
{
	/* Keep the digits down to 10^-prec. */
	int keep = x + prec;
	n = round_to(d, n, keep, &x, neg, mode);
	if (neg)
		putc1(o, '-');
	int intdigits = x > 0 ? x : 0;
	if (intdigits == 0)
		putc1(o, '0');
	for (int i = 0; i < intdigits; i++)
		putc1(o, i < n ? d[i] : '0');
	int fracn = prec;
	if (strip) { /* %g: no trailing zeros */
		while (fracn > 0) {
			int idx = x + fracn - 1;
			char c = idx >= 0 && idx < n ? d[idx] : '0';
			if (c != '0')
				break;
			fracn--;
		}
	}
	if (fracn > 0) {
		put(o, point, __builtin_strlen(point));
		for (int i = 0; i < fracn; i++) {
			int idx = x + i;
			putc1(o, idx >= 0 && idx < n ? d[idx] : '0');
		}
	}
}

/* %e: d.ddd e+XX with prec digits after the point. */
static void fmt_exp(struct compat_out *o, char *d, int n, int x, int prec, int neg, int mode, const char *point, int upper, int strip, int zero)
{
	if (!zero)
		n = round_to(d, n, prec + 1, &x, neg, mode);
	if (neg)
		putc1(o, '-');
	putc1(o, zero || n == 0 ? '0' : d[0]);
	int fracn = prec;
	if (strip)
		while (fracn > 0 && (zero || fracn >= n || d[fracn] == '0'))
			fracn--;
	if (fracn > 0) {
		put(o, point, __builtin_strlen(point));
		for (int i = 1; i <= fracn; i++)
			putc1(o, !zero && i < n ? d[i] : '0');
	}
	put_exp(o, upper ? 'E' : 'e', zero ? 0 : x - 1, 2);
}

COMPAT_HIDDEN int strfromf128(char *dest, size_t size, const char *format, compat_f128 f)
{
	union compat_f128_bits u;
	int prec, mode = compat_rounding();
	char conv;

	compat_strfrom_format(format, &prec, &conv);
	u.f = f;
	int neg = (int)(u.w[1] >> 63), biased = (int)((u.w[1] >> 48) & 0x7fff);
	uint64_t hi = u.w[1] & 0xffffffffffffull, lo = u.w[0];
	int upper = conv == 'A' || conv == 'E' || conv == 'F' || conv == 'G';
	const char *point = nl_langinfo(COMPAT_RADIXCHAR);
	if (point == NULL || *point == 0)
		point = ".";
	struct compat_out o = {dest, 0, size > 0 ? size - 1 : 0};

	if (biased == 0x7fff) {
		if (neg)
			putc1(&o, '-');
		put(&o, hi == 0 && lo == 0 ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan"), 3);
	} else if (conv == 'a' || conv == 'A') {
		fmt_hex(&o, neg, biased, hi, lo, prec, upper, point, mode);
	} else {
		if (prec < 0)
			prec = 6;
		int zero = biased == 0 && hi == 0 && lo == 0;
		/* value = M * 2^e2 = N * 10^-k exactly. */
		uint64_t mhi = biased ? hi | (1ull << 48) : hi;
		long e2 = biased ? biased - 16383 - 112 : -16494;
		int k = e2 < 0 ? (int)-e2 : 0;
		struct big b;
		/* N needs at most 113 + |e2| * log2(5) bits. */
		int cap = (int)((113 + (e2 < 0 ? -e2 * 2.33 : e2)) / 32 + 8);
		char *d = NULL;
		int n = 0, x = 0;
		if (!big_init(&b, cap) || (d = malloc((size_t)cap * 10 + (size_t)prec + 16)) == NULL) {
			big_free(&b);
			errno = ENOMEM;
			return -1;
		}
		if (!zero) {
			b.d[0] = (uint32_t)lo;
			b.d[1] = (uint32_t)(lo >> 32);
			b.d[2] = (uint32_t)mhi;
			b.d[3] = (uint32_t)(mhi >> 32);
			b.n = 4;
			big_trim(&b);
			if (e2 >= 0)
				big_shl(&b, (int)e2);
			else
				big_mulpow(&b, 5, k);
			n = big_decimal(&b, d);
			x = n - k; /* value = 0.d * 10^x */
		}
		big_free(&b);
		if (conv == 'f' || conv == 'F') {
			fmt_fixed(&o, d, n, x, prec, neg, mode, point, 0);
		} else if (conv == 'e' || conv == 'E') {
			fmt_exp(&o, d, n, x, prec, neg, mode, point, upper, 0, zero);
		} else {
			int p = prec == 0 ? 1 : prec, xr = x;
			/* The exponent %e would print, after rounding to p digits. */
			if (!zero)
				n = round_to(d, n, p, &xr, neg, mode);
			long X = zero ? 0 : xr - 1;
			if (X < p && X >= -4)
				fmt_fixed(&o, d, n, xr, (int)(p - 1 - X), neg, mode, point, 1);
			else
				fmt_exp(&o, d, n, xr, p - 1, neg, mode, point, upper, 1, zero);
		}
		free(d);
	}
	if (size > 0)
		dest[o.len < o.cap ? o.len : o.cap] = 0;
	return (int)o.len;
}
#endif
