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

}

/* C23 through each of the twelve functions: %i with "0b", %b, and where
 * the input stands afterwards. Each stream holds the line twice. */
#define C23_LINE "0b101 0B11 -0b11 1012\n"
#define C23_FMT "%i %b %i %b%n%*[^\n]"
#define C23_ARGS &i1, &u1, &i2, &u2, &n
#define C23_RESET() (i1 = i2 = n = -1, u1 = u2 = 0)
#define C23_SHOW(name, r) printf("%s C23: %d: %d %u %d %u, consumed %d\n", name, r, i1, u1, i2, u2, n)

static void test_c23_entry_points(const char *dir)
{
	char path[4096];
	wchar_t wline[64];
	int i1, i2, n, r;
	unsigned u1, u2;
	FILE *f;

	snprintf(path, sizeof path, "%s/c23", dir);
	f = fopen(path, "w");
	fputs(C23_LINE C23_LINE, f);
	fclose(f);
	widen(wline, C23_LINE);

	C23_RESET(), r = __isoc23_sscanf(C23_LINE, C23_FMT, C23_ARGS), C23_SHOW("__isoc23_sscanf", r);
	C23_RESET(), r = v_sscanf(C23_LINE, C23_FMT, C23_ARGS), C23_SHOW("__isoc23_vsscanf", r);
	f = fopen(path, "r");
	C23_RESET(), r = __isoc23_fscanf(f, C23_FMT, C23_ARGS), C23_SHOW("__isoc23_fscanf", r);
	C23_RESET(), r = v_fscanf(f, C23_FMT, C23_ARGS), C23_SHOW("__isoc23_vfscanf", r);
	fclose(f);
	if (freopen(path, "r", stdin) == NULL)
		printf("freopen failed\n");
	C23_RESET(), r = __isoc23_scanf(C23_FMT, C23_ARGS), C23_SHOW("__isoc23_scanf", r);
	C23_RESET(), r = v_scanf(C23_FMT, C23_ARGS), C23_SHOW("__isoc23_vscanf", r);

	C23_RESET(), r = __isoc23_swscanf(wline, L"" C23_FMT, C23_ARGS), C23_SHOW("__isoc23_swscanf", r);
	C23_RESET(), r = v_swscanf(wline, L"" C23_FMT, C23_ARGS), C23_SHOW("__isoc23_vswscanf", r);
	f = fopen(path, "r");
	C23_RESET(), r = __isoc23_fwscanf(f, L"" C23_FMT, C23_ARGS), C23_SHOW("__isoc23_fwscanf", r);
	C23_RESET(), r = v_fwscanf(f, L"" C23_FMT, C23_ARGS), C23_SHOW("__isoc23_vfwscanf", r);
	fclose(f);
	if (freopen(path, "r", stdin) == NULL)
		printf("freopen failed\n");
	C23_RESET(), r = __isoc23_wscanf(L"" C23_FMT, C23_ARGS), C23_SHOW("__isoc23_wscanf", r);
	C23_RESET(), r = v_wscanf(L"" C23_FMT, C23_ARGS), C23_SHOW("__isoc23_vwscanf", r);
}

/* C23 scanf cases. Each input is read with its format by sscanf, swscanf,
 * fscanf and fwscanf (the streams from a file holding the input). The
 * pointers go to six 8-byte slots filled with 0xa5 first, so the output
 * shows every byte written; for the streams, it also shows where the
 * stream stands afterwards and what is left. */
#define ONES70 "1111111111111111111111111111111111111111111111111111111111111111111111"
#define ZEROS63 "000000000000000000000000000000000000000000000000000000000000000"
#define POS16 "%1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d %1$d "
#define POS17 POS16 "%1$d "
static const struct {
	const char *in, *fmt;
} c23cases[] = {
	/* %i */
	{"0b101", "%i"}, {"0B11", "%i"}, {"-0b1", "%i"}, {"+0b1", "%i"}, {"0x1f", "%i"},
	{"017", "%i"}, {"-17", "%i"}, {"0", "%i"}, {"-0", "%i"}, {"00b1", "%i"},
	{"  \n\t0b11 7", "%i"}, {" 0b1 ", "%i "}, {" 0b1", " %i\n"},
	/* a prefix with no digit after it */
	{"0b", "%i"}, {"0b2", "%i"}, {"0B", "%i"}, {"0bx", "%i"}, {"0xg", "%i"},
	/* no number, no input */
	{"+", "%i"}, {"-x", "%i"}, {"x", "%i"}, {"", "%i"}, {"   ", "%i"},
	/* field widths */
	{"0b101", "%3i"}, {"0b101", "%2i"}, {"0b101", "%1i"}, {"-0b101", "%3i"},
	{"-0b101", "%4i"}, {"0b101", "%0i"}, {"0b101", "%99999999999i"},
	/* range and length modifiers */
	{"0b" ONES70, "%i"}, {"0b" ONES70, "%li"}, {"-0b1" ZEROS63, "%li"},
	{"-0b10" ZEROS63, "%li"}, {"0b10000000", "%hhi"}, {"0b11111111111111111", "%hi"},
	{"-0b1", "%lli"}, {"-0b1", "%ji"}, {"0b1", "%zi"}, {"0b1", "%ti"}, {"0b1", "%qi"},
	{"0b101", "%'i"}, {"0b101", "%Ii"}, {"0b101", "%I'3i"},
	/* %b */
	{"101", "%b"}, {"0b101", "%b"}, {"0B101", "%b"}, {"2", "%b"}, {"0x1", "%b"},
	{"-101", "%b"}, {"+0b1", "%b"}, {"0b", "%b"}, {"0b2", "%b"}, {"   11z", "%b"},
	{"0b101", "%3b"}, {"0b101", "%2b"}, {"111111111", "%hhb"}, {"", "%b"}, {"+", "%b"},
	{"0b" ONES70, "%lb"}, {"-0b" ONES70, "%b"}, {"0b1", "%Lb"},
	/* suppression, %n */
	{"0b11 5", "%*i%d"}, {"101 7", "%*b%i"}, {"0b1 0b1", "%*i %*b"}, {"0b1 2", "%*hhi%n"},
	{"0b101 7", "%i%n %hhn%d%ln"}, {"0b1", "%n%i"}, {"0b1", "%*n%i"},
	/* mixed with other conversions and literals */
	{"12 0b11 abc 101 rest", "%d %i %7s %b %n"}, {"0b1,0b1", "%i,%b"}, {"0b1%1", "%i%%%b"},
	{"0b12", "%i%c"}, {"0b1ab11", "%i%[abc]%b"}, {"0b1]%x1", "%i%[]%x]%b"},
	{"0b1ab]1", "%i%[^]]]%b"}, {"0b1 0x1p3", "%i %lf"}, {"0b1 0x10", "%i %p"},
	{"0x10 0b1", "%x %i"}, {"0b1 x", "%i x"}, {"0b1\t\n101", "%i\n%b"},
	/* failures after some conversions, and EOF */
	{"5", "%d %i"}, {"5", "%*d%i"}, {"5", "%*d %b"}, {"abc", "abc%i"}, {"abc", "abc %b"},
	{"0b1 ", "%i x"}, {"0b1 2", "%i %y"}, {"0b1 2", "%i %l"}, {"0b1 2", "%i %"},
	{"0b1 2", "%i %[2"},
	/* argument positions; 36 pointers take two C99 calls in the polyfill */
	{"0b11 101", "%2$i %1$b"}, {"0b11 101", "%2$i %3$n%1$b"}, {"0b1", "%0$i"},
	{"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 "
	 "33 34 35 0b1",
	 POS17 POS16 "%2$d %3$d %4$i"},
	/* C23's wN and wfN length modifiers (glibc 2.39) */
	{"0b101", "%w32i"}, {"111111111", "%w8b"}, {"0b11111111111111111", "%w16i"},
	{"-0b1", "%wf16i"}, {"0b1", "%w64b"}, {"0b1", "%wf8i"}, {"5", "%w32d"}, {"5 6", "%d %w64u"},
	{"0b1", "%w7i"}, {"0b1", "%wi"}, {"5 6", "%d %w7i"},
};

struct c23res {
	int r, e;
	unsigned char slot[6][8];
	long at;
	char rest[64];
};

static void c23_show(char *b, size_t n, const struct c23res *x)
{
	int k = snprintf(b, n, "%d", x->r);
	const char *sep = "";

	if (x->e)
		k += snprintf(b + k, n - k, " %s", errname(x->e));
	k += snprintf(b + k, n - k, " [");
	for (int i = 0; i < 6; i++) {
		int used = 0;
		for (int j = 0; j < 8; j++)
			used |= x->slot[i][j] != 0xa5;
		if (!used)
			continue;
		k += snprintf(b + k, n - k, "%s%d:", sep, i + 1);
		sep = " ";
		for (int j = 0; j < 8; j++)
			k += snprintf(b + k, n - k, "%02x", x->slot[i][j]);
	}
	snprintf(b + k, n - k, "]");
}

/* s with C escapes for white space. */
static const char *escaped(const char *s)
{
	static char buf[2][256];
	static int next;
	char *b = buf[next++ % 2], *p = b;

	for (; *s && p < b + sizeof buf[0] - 3; s++) {
		if (*s == '\n' || *s == '\t') {
			*p++ = '\\';
			*p++ = *s == '\n' ? 'n' : 't';
		} else {
			*p++ = *s;
		}
	}
	*p = 0;
	return b;
}

static void test_c23_cases(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/c23case", dir);
	for (size_t c = 0; c < sizeof c23cases / sizeof c23cases[0]; c++) {
		const char *in = c23cases[c].in, *fmt = c23cases[c].fmt;
		struct c23res x[4];
		wchar_t win[256], wfmt[512];
		char r0[512], r[512], pf[128], pw[128];

		widen(win, in);
		widen(wfmt, fmt);
		for (int m = 0; m < 4; m++) {
			struct c23res *p = &x[m];
			FILE *f = NULL;
			void *s[6];

			memset(p, 0, sizeof *p);
			memset(p->slot, 0xa5, sizeof p->slot);
			for (int i = 0; i < 6; i++)
				s[i] = p->slot[i];
			if (m >= 2) {
				f = fopen(path, "w");
				fputs(in, f);
				fclose(f);
				f = fopen(path, "r");
			}
			errno = 0;
			switch (m) {
			case 0:
				p->r = __isoc23_sscanf(in, fmt, s[0], s[1], s[2], s[3], s[4], s[5]);
				break;
			case 1:
				p->r = __isoc23_swscanf(win, wfmt, s[0], s[1], s[2], s[3], s[4], s[5]);
				break;
			case 2:
				p->r = __isoc23_fscanf(f, fmt, s[0], s[1], s[2], s[3], s[4], s[5]);
				break;
			default:
				p->r = __isoc23_fwscanf(f, wfmt, s[0], s[1], s[2], s[3], s[4], s[5]);
				break;
			}
			p->e = errno;
			if (f == NULL)
				continue;
			p->at = ftell(f);
			if (m == 2) {
				if (fgets(p->rest, sizeof p->rest, f) == NULL)
					p->rest[0] = 0;
			} else {
				wchar_t w[64];
				if (fgetws(w, 64, f) == NULL)
					w[0] = 0;
				for (int i = 0; i < 63 && (p->rest[i] = (char)w[i]) != 0; i++)
					;
			}
			fclose(f);
		}
		/* One line per case: the sscanf result, then what the others
		 * do where it differs, and where the streams stop. */
		c23_show(r0, sizeof r0, &x[0]);
		printf("\"%s\" \"%s\": %s", escaped(in), escaped(fmt), r0);
		c23_show(r, sizeof r, &x[1]);
		if (strcmp(r, r0))
			printf("; swscanf %s", r);
		c23_show(r, sizeof r, &x[2]);
		if (strcmp(r, r0))
			printf("; fscanf %s", r);
		snprintf(pf, sizeof pf, "at %ld rest \"%s\"", x[2].at, escaped(x[2].rest));
		printf("; stream %s", pf);
		c23_show(r, sizeof r, &x[3]);
		if (strcmp(r, r0))
			printf("; fwscanf %s", r);
		snprintf(pw, sizeof pw, "at %ld rest \"%s\"", x[3].at, escaped(x[3].rest));
		if (strcmp(pw, pf))
			printf(", wide %s", pw);
		printf("\n");
	}
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
	test_c23_entry_points(argv[1]);
	test_c23_cases(argv[1]);
	return 0;
}
