/* The __isoc23_* family (glibc 2.38): what glibc >= 2.38 headers call for
 * strtol, sscanf & co. under _GNU_SOURCE or C23. The host's headers may be
 * older, so the functions are declared and called by these names, as code
 * compiled against glibc >= 2.38 does. argv[1]: an empty scratch directory. */
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "check.h"

#define STRTO(F, T) T __isoc23_##F(const char *, char **, int);
#define STRTO_L(F, T) T __isoc23_##F(const char *, char **, int, locale_t);
#define WCSTO(F, T) T __isoc23_##F(const wchar_t *, wchar_t **, int);
#define WCSTO_L(F, T) T __isoc23_##F(const wchar_t *, wchar_t **, int, locale_t);
#define ALL(N, NL, W, WL)                                                                          \
	N(strtol, long) N(strtoul, unsigned long) N(strtoll, long long) N(strtoull, unsigned long long) \
	N(strtoimax, intmax_t) N(strtoumax, uintmax_t)                                             \
	NL(strtol_l, long) NL(strtoul_l, unsigned long) NL(strtoll_l, long long)                   \
	NL(strtoull_l, unsigned long long)                                                         \
	W(wcstol, long) W(wcstoul, unsigned long) W(wcstoll, long long) W(wcstoull, unsigned long long) \
	W(wcstoimax, intmax_t) W(wcstoumax, uintmax_t)                                             \
	WL(wcstol_l, long) WL(wcstoul_l, unsigned long) WL(wcstoll_l, long long)                   \
	WL(wcstoull_l, unsigned long long)
ALL(STRTO, STRTO_L, WCSTO, WCSTO_L)

int __isoc23_sscanf(const char *, const char *, ...);
int __isoc23_fscanf(FILE *, const char *, ...);
int __isoc23_scanf(const char *, ...);
int __isoc23_vsscanf(const char *, const char *, va_list);
int __isoc23_vfscanf(FILE *, const char *, va_list);
int __isoc23_vscanf(const char *, va_list);
int __isoc23_swscanf(const wchar_t *, const wchar_t *, ...);
int __isoc23_fwscanf(FILE *, const wchar_t *, ...);
int __isoc23_wscanf(const wchar_t *, ...);
int __isoc23_vswscanf(const wchar_t *, const wchar_t *, va_list);
int __isoc23_vfwscanf(FILE *, const wchar_t *, va_list);
int __isoc23_vwscanf(const wchar_t *, va_list);

static locale_t cloc;

static void widen(wchar_t *w, const char *s)
{
	while ((*w++ = (unsigned char)*s++) != 0)
		;
}

/* Adapters: every function as "narrow string in, 64-bit pattern out". */
#define A_STRTO(F, T)                                                           \
	static unsigned long long a_##F(const char *s, char **e, int b)         \
	{                                                                       \
		return (unsigned long long)__isoc23_##F(s, e, b);               \
	}
#define A_STRTO_L(F, T)                                                         \
	static unsigned long long a_##F(const char *s, char **e, int b)         \
	{                                                                       \
		return (unsigned long long)__isoc23_##F(s, e, b, cloc);         \
	}
#define A_WCSTO(F, T)                                                           \
	static unsigned long long a_##F(const char *s, char **e, int b)         \
	{                                                                       \
		wchar_t w[256], *we;                                            \
		unsigned long long r;                                           \
		widen(w, s);                                                    \
		r = (unsigned long long)__isoc23_##F(w, e ? &we : NULL, b);                \
		if (e)                                                          \
			*e = (char *)s + (we - w);                              \
		return r;                                                       \
	}
#define A_WCSTO_L(F, T)                                                         \
	static unsigned long long a_##F(const char *s, char **e, int b)         \
	{                                                                       \
		wchar_t w[256], *we;                                            \
		unsigned long long r;                                           \
		widen(w, s);                                                    \
		r = (unsigned long long)__isoc23_##F(w, e ? &we : NULL, b, cloc);          \
		if (e)                                                          \
			*e = (char *)s + (we - w);                              \
		return r;                                                       \
	}
ALL(A_STRTO, A_STRTO_L, A_WCSTO, A_WCSTO_L)

#define ENTRY(F, T) {#F, a_##F, (T)-1 < (T)1},
static const struct {
	const char *name;
	unsigned long long (*fn)(const char *, char **, int);
	int is_signed;
} funcs[] = {ALL(ENTRY, ENTRY, ENTRY, ENTRY)};

#define ONES64 "1111111111111111111111111111111111111111111111111111111111111111"
#define ZEROS63 "000000000000000000000000000000000000000000000000000000000000000"

static const struct {
	const char *s;
	int base;
} cases[] = {
	{"0b101", 0}, {"0B11z", 0}, {"  -0b11", 0}, {"+0b1", 2}, {"0b101", 2}, {"0b101", 10},
	{"0b101", 16}, {"0b", 0}, {"0b2", 0}, {"00b1", 0}, {"10b1", 2}, {"0x1f", 0}, {"077", 0},
	{"xyz", 0}, {"0b" ONES64, 0}, {"-0b1" ZEROS63, 2}, {"0b1" ONES64, 0},
};

static void test_strto(void)
{
	for (size_t f = 0; f < sizeof funcs / sizeof funcs[0]; f++) {
		printf("__isoc23_%s:", funcs[f].name);
		for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
			char *end = NULL;
			errno = 0;
			unsigned long long v = funcs[f].fn(cases[c].s, &end, cases[c].base);
			int e = errno;
			if (funcs[f].is_signed)
				printf(" %lld@%d", (long long)v, (int)(end - cases[c].s));
			else
				printf(" %llu@%d", v, (int)(end - cases[c].s));
			if (e)
				printf("/%s", errname(e));
		}
		errno = 1234;
		funcs[f].fn("0b11", NULL, 0); /* end may be NULL; errno untouched on success */
		printf(" errno %s\n", errno == 1234 ? "kept" : "CHANGED");
	}
}

static int v_sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __isoc23_vsscanf(s, fmt, ap);
	va_end(ap);
	return r;
}
static int v_fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __isoc23_vfscanf(f, fmt, ap);
	va_end(ap);
	return r;
}
static int v_scanf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __isoc23_vscanf(fmt, ap);
	va_end(ap);
	return r;
}
static int v_swscanf(const wchar_t *s, const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __isoc23_vswscanf(s, fmt, ap);
	va_end(ap);
	return r;
}
static int v_fwscanf(FILE *f, const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __isoc23_vfwscanf(f, fmt, ap);
	va_end(ap);
	return r;
}
static int v_wscanf(const wchar_t *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __isoc23_vwscanf(fmt, ap);
	va_end(ap);
	return r;
}

static const char input[] = "42 abc 0x1f 017 -5 2.5\n";

#define NARROW_ARGS &d, s, &i1, &i2, &i3, &x
#define WIDE_ARGS &d, ws, &i1, &i2, &i3, &x
#define RESET() (d = i1 = i2 = i3 = 0, x = 0, memset(s, 0, sizeof s), memset(ws, 0, sizeof ws))
#define SHOW(name, r) printf("%s: %d: %d %s %d %d %d %g\n", name, r, d, s, i1, i2, i3, x)
#define WSHOW(name, r) printf("%s: %d: %d %ls %d %d %d %g\n", name, r, d, ws, i1, i2, i3, x)

static void test_scanf(const char *dir)
{
	char path[4096], s[8];
	wchar_t ws[8], winput[64];
	int d, i1, i2, i3, r;
	double x;
	FILE *f;

	snprintf(path, sizeof path, "%s/input", dir);
	f = fopen(path, "w");
	fputs(input, f);
	fputs(input, f);
	fclose(f);
	widen(winput, input);

	RESET(), r = __isoc23_sscanf(input, "%d %3s %i %i %i %lf", NARROW_ARGS), SHOW("__isoc23_sscanf", r);
	RESET(), r = v_sscanf(input, "%d %3s %i %i %i %lf", NARROW_ARGS), SHOW("__isoc23_vsscanf", r);
	f = fopen(path, "r");
	RESET(), r = __isoc23_fscanf(f, "%d %3s %i %i %i %lf", NARROW_ARGS), SHOW("__isoc23_fscanf", r);
	RESET(), r = v_fscanf(f, "%d %3s %i %i %i %lf", NARROW_ARGS), SHOW("__isoc23_vfscanf", r);
	RESET(), r = __isoc23_fscanf(f, "%d", &d), printf("__isoc23_fscanf at end: %d\n", r);
	fclose(f);
	if (freopen(path, "r", stdin) == NULL)
		printf("freopen failed\n");
	RESET(), r = __isoc23_scanf("%d %3s %i %i %i %lf", NARROW_ARGS), SHOW("__isoc23_scanf", r);
	RESET(), r = v_scanf("%d %3s %i %i %i %lf", NARROW_ARGS), SHOW("__isoc23_vscanf", r);

	RESET(), r = __isoc23_swscanf(winput, L"%d %3ls %i %i %i %lf", WIDE_ARGS), WSHOW("__isoc23_swscanf", r);
	RESET(), r = v_swscanf(winput, L"%d %3ls %i %i %i %lf", WIDE_ARGS), WSHOW("__isoc23_vswscanf", r);
	f = fopen(path, "r");
	RESET(), r = __isoc23_fwscanf(f, L"%d %3ls %i %i %i %lf", WIDE_ARGS), WSHOW("__isoc23_fwscanf", r);
	RESET(), r = v_fwscanf(f, L"%d %3ls %i %i %i %lf", WIDE_ARGS), WSHOW("__isoc23_vfwscanf", r);
	fclose(f);
	if (freopen(path, "r", stdin) == NULL)
		printf("freopen failed\n");
	RESET(), r = __isoc23_wscanf(L"%d %3ls %i %i %i %lf", WIDE_ARGS), WSHOW("__isoc23_wscanf", r);
	RESET(), r = v_wscanf(L"%d %3ls %i %i %i %lf", WIDE_ARGS), WSHOW("__isoc23_vwscanf", r);

	/* C23's own scanf additions: "0b" for %i and the %b conversion. */
	int n = -1;
	RESET(), r = __isoc23_sscanf("0b101 7", "%i%n", &i1, &n);
	printf("C23 sscanf %%i \"0b101\": %d: %d, consumed %d\n", r, i1, n);
	unsigned u = 0;
	n = -1;
	r = __isoc23_sscanf("101 7", "%b%n", &u, &n);
	printf("C23 sscanf %%b \"101\": %d: %u, consumed %d\n", r, u, n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: isoc23 DIR\n");
		return 2;
	}
	cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (cloc == (locale_t)0) {
		printf("newlocale failed\n");
		return 1;
	}
	test_strto();
	test_scanf(argv[1]);
	return 0;
}
