/* Polyfilled and aliased libc functions whose results are plain data:
 * each printed for many inputs, so the output of glibc's own functions is
 * the expectation. argv[1]: an empty scratch directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <locale.h>
#include <malloc.h>
#include <pthread.h>
#include <search.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <uchar.h>
#include <unistd.h>
#include <wchar.h>
#include "../polyfills/check.h"

/* Not in glibc 2.36's headers, or not for C. */
int __memcmpeq(const void *, const void *, size_t);
#define STDBIT_DECL(T, s)                                                                                          \
	unsigned int stdc_leading_zeros_##s(T), stdc_leading_ones_##s(T), stdc_trailing_zeros_##s(T),             \
		stdc_trailing_ones_##s(T), stdc_first_leading_zero_##s(T), stdc_first_leading_one_##s(T),         \
		stdc_first_trailing_zero_##s(T), stdc_first_trailing_one_##s(T), stdc_count_zeros_##s(T),         \
		stdc_count_ones_##s(T), stdc_bit_width_##s(T);                                                    \
	_Bool stdc_has_single_bit_##s(T);                                                                         \
	T stdc_bit_floor_##s(T), stdc_bit_ceil_##s(T);
STDBIT_DECL(unsigned char, uc)
STDBIT_DECL(unsigned short, us)
STDBIT_DECL(unsigned int, ui)
STDBIT_DECL(unsigned long, ul)
STDBIT_DECL(unsigned long long, ull)
typedef unsigned char c8_t;
size_t mbrtoc8(c8_t *, const char *, size_t, mbstate_t *);
size_t c8rtomb(char *, c8_t, mbstate_t *);
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size, __rseq_flags;

static void errors_and_signals(void)
{
	for (int e = -2; e < 140; e++) {
		const char *n = strerrorname_np(e), *d = strerrordesc_np(e);
		if (n || d)
			printf("error %d: %s | %s\n", e, n ? n : "NULL", d ? d : "NULL");
	}
	printf("strerrorname_np(134): %s, (-1): %s\n", strerrorname_np(134) ? "set" : "NULL", strerrorname_np(-1) ? "set" : "NULL");
	for (int s = -2; s < 70; s++) {
		const char *a = sigabbrev_np(s), *d = sigdescr_np(s);
		printf("signal %d: %s | %s\n", s, a ? a : "NULL", d ? d : "NULL");
	}
}

static void strfrom(void)
{
	const char *fmts[] = {"%a", "%A", "%e", "%.3e", "%E", "%f", "%.0f", "%.f", "%F", "%g", "%.10g", "%G", "%.25g", "%gtrailing"};
	double vals[] = {0.0, -0.0, 1.0, -2.5, 0.1, 1e300, 5e-324, 123456789.125, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0};
	char buf[64];
	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
			int n = strfromd(buf, sizeof buf, fmts[f], vals[v]);
			printf("strfromd %s %d: %d %s\n", fmts[f], (int)v, n, buf);
			n = strfromf(buf, sizeof buf, fmts[f], (float)vals[v]);
			printf("strfromf %s %d: %d %s\n", fmts[f], (int)v, n, buf);
			n = strfroml(buf, sizeof buf, fmts[f], (long double)vals[v] / 3);
			printf("strfroml %s %d: %d %s\n", fmts[f], (int)v, n, buf);
		}
	printf("strfromd truncated: %d \"%s\"\n", strfromd(buf, 4, "%f", 3.14159), buf);
	printf("strfromd size 0: %d\n", strfromd(NULL, 0, "%e", 3.14159));
	printf("strfromf32 %d %s\n", strfromf32(buf, sizeof buf, "%.9g", 0.1f32), buf);
	printf("strfromf64 %d %s\n", strfromf64(buf, sizeof buf, "%.17g", 0.1f64), buf);
	printf("strfromf32x %d %s\n", strfromf32x(buf, sizeof buf, "%a", 0.1f32x), buf);
	printf("strfromf64x %d %s\n", strfromf64x(buf, sizeof buf, "%a", 0.1f64x), buf);
}

static void strto(void)
{
	const char *in[] = {"0x1.8p1xyz", "  -1e-5", "inf", "nan(123)", "1e400", "0.1", "junk"};
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		wchar_t win[32], *wend;
		mbstowcs(win, in[i], 32);
		/* One call per statement: printf's arguments are evaluated in
		 * no fixed order. */
		char *e1, *e2, *e3, *e4;
		double f32 = strtof32(in[i], &e1), f64 = strtof64(in[i], &e2), f32x = strtof32x(in[i], &e3);
		long double f64x = strtof64x(in[i], &e4);
		printf("strtof32 %a +%d | strtof64 %a +%d | strtof32x %a +%d | strtof64x %La +%d\n", f32, (int)(e1 - in[i]), f64,
		       (int)(e2 - in[i]), f32x, (int)(e3 - in[i]), f64x, (int)(e4 - in[i]));
		printf("  _l: %a %a %a %La\n", (double)strtof32_l(in[i], NULL, c), (double)strtof64_l(in[i], NULL, c),
		       (double)strtof32x_l(in[i], NULL, c), (long double)strtof64x_l(in[i], NULL, c));
		long double w64x = wcstof64x(win, &wend);
		printf("  wcs: %a %a %a %La +%d\n", (double)wcstof32(win, NULL), (double)wcstof64(win, NULL),
		       (double)wcstof32x(win, NULL), w64x, (int)(wend - win));
		printf("  wcs_l: %a %a %a %La\n", (double)wcstof32_l(win, NULL, c), (double)wcstof64_l(win, NULL, c),
		       (double)wcstof32x_l(win, NULL, c), (long double)wcstof64x_l(win, NULL, c));
	}
}

#define BITS(T, s, v)                                                                                              \
	printf("%s %llx: lz %u lo %u tz %u to %u flz %u flo %u ftz %u fto %u cz %u co %u single %d width %u floor %llx ceil %llx\n", \
	       #s, (unsigned long long)(v), stdc_leading_zeros_##s((T)(v)), stdc_leading_ones_##s((T)(v)),                \
	       stdc_trailing_zeros_##s((T)(v)), stdc_trailing_ones_##s((T)(v)), stdc_first_leading_zero_##s((T)(v)),      \
	       stdc_first_leading_one_##s((T)(v)), stdc_first_trailing_zero_##s((T)(v)),                                  \
	       stdc_first_trailing_one_##s((T)(v)), stdc_count_zeros_##s((T)(v)), stdc_count_ones_##s((T)(v)),            \
	       (int)stdc_has_single_bit_##s((T)(v)), stdc_bit_width_##s((T)(v)),                                           \
	       (unsigned long long)stdc_bit_floor_##s((T)(v)), (unsigned long long)stdc_bit_ceil_##s((T)(v)))

static void stdbit(void)
{
	unsigned long long vals[] = {0, 1, 2, 3, 5, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
				     0x80000000, 0xffffffff, 0x100000000ull, 0x8000000000000000ull, 0xffffffffffffffffull, 0x123456789abcdefull};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		unsigned long long v = vals[i];
		BITS(unsigned char, uc, v);
		BITS(unsigned short, us, v);
		BITS(unsigned int, ui, v);
		BITS(unsigned long, ul, v);
		BITS(unsigned long long, ull, v);
	}
}

static void c8(void)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	c8_t u;
	const char *ascii = "Az";
	for (int i = 0; i < 2; i++) {
		size_t r = mbrtoc8(&u, ascii + i, 1, &st);
		printf("mbrtoc8 %c: %zd %02x\n", ascii[i], (ssize_t)r, u);
	}
	printf("mbrtoc8 NUL: %zd, invalid byte: %zd %s\n", (ssize_t)mbrtoc8(&u, "", 1, &st), (ssize_t)mbrtoc8(&u, "\xff", 1, &st), errname(errno));
	memset(&st, 0, sizeof st);
	printf("mbrtoc8 NULL s: %zd\n", (ssize_t)mbrtoc8(NULL, NULL, 0, &st));
	char out[16];
	const unsigned char seqs[][5] = {{'x'}, {0xc3, 0xa9}, {0xe2, 0x82, 0xac}, {0xf0, 0x9f, 0x98, 0x80}, {0xc0}, {0xe0, 0x80}, {0xed, 0xa0}, {0xf4, 0x90}, {0xc3, 'x'}};
	const int lens[] = {1, 2, 3, 4, 1, 2, 2, 2, 2};
	for (size_t s = 0; s < sizeof lens / sizeof lens[0]; s++) {
		memset(&st, 0, sizeof st);
		printf("c8rtomb seq %d:", (int)s);
		for (int i = 0; i < lens[s]; i++) {
			errno = 0;
			size_t r = c8rtomb(out, seqs[s][i], &st);
			printf(" %zd%s", (ssize_t)r, r == (size_t)-1 ? errname(errno) : "");
		}
		printf("\n");
	}
	memset(&st, 0, sizeof st);
	printf("c8rtomb NULL s: %zd\n", (ssize_t)c8rtomb(NULL, 'a', &st));
}

static void walk(const void *node, VISIT v, void *closure)
{
	int *n = closure;
	printf("%s%d:%d", (*n)++ ? " " : "", **(const int *const *)node, (int)v);
}
static void walk_old(const void *node, VISIT v, int depth)
{
	(void)depth;
	static int n;
	printf("%s%d:%d", n++ ? " " : "", **(const int *const *)node, (int)v);
}
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int atfork_ran;
static void mark(void) { atfork_ran = 1; }

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: misc DIR\n");
		return 2;
	}
	errors_and_signals();
	strfrom();
	strto();
	stdbit();
	c8();

	printf("__memcmpeq equal: %d, differ: %d, empty: %d\n", __memcmpeq("abcd", "abcd", 4) == 0, __memcmpeq("abcd", "abce", 4) != 0, __memcmpeq("a", "b", 0) == 0);

	char *volatile big = malloc(1 << 20), *volatile small = malloc(100);
	memset(big, 1, 1 << 20);
	memset(small, 1, 100);
	struct mallinfo2 m2 = mallinfo2();
	printf("mallinfo2: mmapped %s, in use at least 100 bytes %d\n", m2.hblkhd >= (1 << 20) ? ">= 1 MiB" : "less", m2.uordblks >= 100);
	free(big);
	free(small);

	struct timespec res = {99, 99};
	int base = timespec_getres(&res, TIME_UTC);
	printf("timespec_getres TIME_UTC: %d, %ld.%09ld\n", base, (long)res.tv_sec, res.tv_nsec);
	printf("timespec_getres 2: %d, NULL: %d\n", timespec_getres(&res, 2), timespec_getres(NULL, TIME_UTC));

	void *root = NULL;
	static int keys[] = {4, 2, 6, 1, 3, 5, 7, 8};
	for (int i = 0; i < 8; i++)
		tsearch(&keys[i], &root, cmp);
	int count = 0;
	printf("twalk_r:");
	twalk_r(root, walk, &count);
	printf("\ntwalk:  ");
	twalk(root, walk_old);
	printf("\ntwalk_r NULL tree: ");
	twalk_r(NULL, walk, &count);
	printf("nothing\n");

	pthread_attr_t def, fresh;
	size_t ds = 0, fs = 0, dg = 0, fg = 0;
	pthread_attr_init(&fresh);
	pthread_getattr_default_np(&def);
	pthread_attr_getstacksize(&def, &ds);
	pthread_attr_getstacksize(&fresh, &fs);
	pthread_attr_getguardsize(&def, &dg);
	pthread_attr_getguardsize(&fresh, &fg);
	printf("default attr: stack as a fresh attr's %d, guard %d, nonzero %d\n", ds == fs, dg == fg, ds > 0);
	sigset_t mask;
	sigfillset(&mask);
	int got = pthread_attr_getsigmask_np(&fresh, &mask);
	printf("pthread_attr_getsigmask_np fresh: %d, set empty %d\n", got, sigismember(&mask, SIGINT) == 0);

	pthread_atfork(NULL, NULL, mark);
	fflush(stdout);
	pid_t pid = _Fork();
	if (pid == 0)
		_exit(atfork_ran ? 3 : (getpid() == (pid_t)syscall(SYS_getpid) && gettid() == getpid() ? 4 : 5));
	int st = 0;
	waitpid(pid, &st, 0);
	printf("_Fork child: exit %d (4: own pid and tid, no atfork handler)\n", WEXITSTATUS(st));
	pid = fork();
	if (pid == 0)
		_exit(atfork_ran ? 3 : 6);
	waitpid(pid, &st, 0);
	printf("fork child: exit %d (3: atfork handler ran)\n", WEXITSTATUS(st));

	int fds[3];
	for (int i = 0; i < 3; i++)
		fds[i] = dup2(1, 60 + i);
	closefrom(61);
	printf("closefrom(61): 60 open %d, 61 open %d, 62 open %d\n", fcntl(fds[0], F_GETFD) != -1, fcntl(fds[1], F_GETFD) != -1, fcntl(fds[2], F_GETFD) != -1);

	printf("rseq registered by glibc: %s\n", __rseq_size > 0 ? "yes" : "no");
	printf("rseq flags %u, offset %s\n", __rseq_flags, __rseq_size == 0 || __rseq_offset != 0 ? "consistent" : "zero");

	mkdir("tree", 0700);
	mkdir("tree/sub", 0700);
	close(open("tree/sub/f", O_CREAT | O_WRONLY, 0600));
	char *paths[] = {"tree", NULL};
	FTS64 *fts = fts64_open(paths, FTS_PHYSICAL, NULL);
	FTSENT64 *e;
	while ((e = fts64_read(fts)) != NULL) {
		printf("fts64 %s level %d info %d", e->fts_path, e->fts_level, e->fts_info);
		if (e->fts_info == FTS_D && e->fts_level == 1) {
			/* Its children, then skip them. */
			FTSENT64 *ch = fts64_children(fts, 0);
			printf(" children %s", ch ? ch->fts_name : "none");
			fts64_set(fts, e, FTS_SKIP);
		}
		printf("\n");
	}
	printf("fts64_close: %d\n", fts64_close(fts));
	return 0;
}
