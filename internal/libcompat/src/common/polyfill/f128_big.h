/* Big unsigned integers for f128.c, included there (never compiled on its
 * own): 32-bit limbs, least significant first, just the operations exact
 * decimal <-> binary128 conversion needs. */
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
