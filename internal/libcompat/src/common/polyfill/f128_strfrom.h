/* strfromf128 for f128.c, included there inside its COMPAT_OBJ_strfromf128
 * section (never compiled on its own): exact decimal digits of the
 * binary128 value, rounded once in the current rounding mode. */
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
