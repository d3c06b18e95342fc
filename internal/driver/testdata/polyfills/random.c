/* getrandom, getentropy (glibc 2.25), arc4random, arc4random_buf,
 * arc4random_uniform (2.36). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "check.h"

/* Distinct byte values in buf: random data shows 256 * (1 - (255/256)^n)
 * on average, 162 for n = 256 (standard deviation 5) and all 256 for
 * n = 2048; zeroes or a pattern show few. Thresholds are 8 deviations
 * below the mean. */
static int distinct(const unsigned char *buf, size_t n)
{
	int seen[256] = {0}, d = 0;

	for (size_t i = 0; i < n; i++)
		if (!seen[buf[i]]++)
			d++;
	return d;
}

static const char *verdict(const unsigned char *buf, size_t n)
{
	return distinct(buf, n) > 200 ? "random" : "NOT RANDOM";
}

int main(void)
{
	static unsigned char a[2048], b[2048];
	ssize_t n;

	n = getrandom(a, sizeof a, 0);
	printf("getrandom: returns %zd, bytes %s\n", n, verdict(a, sizeof a));
	n = getrandom(b, sizeof b, GRND_NONBLOCK);
	printf("getrandom GRND_NONBLOCK: returns %zd, %s from the first call\n", n,
	       memcmp(a, b, sizeof a) ? "different" : "SAME");
	n = getrandom(a, 0, 0);
	printf("getrandom 0 bytes: returns %zd\n", n);
	errno = 0;
	n = getrandom(a, 16, 0x4000);
	int e = errno;
	printf("getrandom bad flags: returns %zd, errno %s\n", n, errname(e));

	memset(a, 0, sizeof a);
	int r = getentropy(a, 256);
	printf("getentropy 256: returns %d, bytes %s, rest untouched %s\n", r, distinct(a, 256) > 120 ? "random" : "NOT RANDOM",
	       distinct(a + 256, sizeof a - 256) == 1 && a[256] == 0 ? "yes" : "NO");
	errno = 0;
	r = getentropy(a, 257);
	e = errno;
	printf("getentropy 257: returns %d, errno %s\n", r, errname(e));
	r = getentropy(a, 0);
	printf("getentropy 0: returns %d\n", r);

	uint32_t first = arc4random(), same = 1;
	for (int i = 0; i < 16; i++)
		same &= arc4random() == first;
	printf("arc4random: %s\n", same ? "CONSTANT" : "varies");
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	arc4random_buf(a, sizeof a);
	arc4random_buf(b, sizeof b);
	arc4random_buf(a, 0);
	printf("arc4random_buf: bytes %s, two calls %s\n", verdict(a, sizeof a),
	       memcmp(a, b, sizeof a) ? "differ" : "SAME");

	uint32_t u0 = arc4random_uniform(0), u1 = arc4random_uniform(1);
	printf("arc4random_uniform(0): %u, (1): %u\n", u0, u1);
	int counts[10] = {0}, out = 0;
	for (int i = 0; i < 20000; i++) {
		uint32_t v = arc4random_uniform(10);
		if (v < 10)
			counts[v]++;
		else
			out++;
	}
	int balanced = 1;
	for (int k = 0; k < 10; k++)
		balanced &= counts[k] > 1700 && counts[k] < 2300; /* mean 2000, sd 42 */
	printf("arc4random_uniform(10): %d out of range, %s\n", out, balanced ? "balanced" : "UNBALANCED");
	/* bound 3*2^30: a plain modulo would put half of all draws below 2^30,
	 * a uniform draw one third. */
	int low = 0;
	out = 0;
	for (int i = 0; i < 30000; i++) {
		uint32_t v = arc4random_uniform(0xc0000000u);
		low += v < 0x40000000u;
		out += v >= 0xc0000000u;
	}
	printf("arc4random_uniform(0xc0000000): %d out of range, low third %s\n", out,
	       low > 9400 && low < 10600 ? "one third" : "BIASED"); /* mean 10000, sd 82 */
	return 0;
}
