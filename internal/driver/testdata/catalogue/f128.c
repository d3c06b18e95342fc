/* The _Float128 text conversions in all four rounding modes: strtof128
 * (and its wide, locale and __*_internal forms) on fixed and generated
 * inputs, decimal and hexadecimal, near overflow and among subnormals,
 * NaN payloads; strfromf128 with every conversion on generated values.
 * Prints the bits, where parsing stopped and errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

_Float128 __strtof128_internal(const char *, char **, int);
_Float128 __wcstof128_internal(const wchar_t *, wchar_t **, int);

static unsigned long long state = 88172645463325252ull;
static unsigned long long next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static void show(const char *what, const char *in, _Float128 v, long used, int err)
{
	unsigned long long w[2];
	memcpy(w, &v, 16);
	printf("%s %s: %016llx%016llx +%ld %s\n", what, in, w[1], w[0], used, err == ERANGE ? "ERANGE" : err ? "errno" : "0");
}

static void parse(const char *in, int all)
{
	char *end;
	errno = 0;
	_Float128 v = strtof128(in, &end);
	show("strtof128", in, v, end - in, errno);
	if (!all)
		return;
	wchar_t w[256], *wend;
	mbstowcs(w, in, 256);
	errno = 0;
	v = wcstof128(w, &wend);
	show("wcstof128", in, v, wend - w, errno);
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	errno = 0;
	v = strtof128_l(in, &end, c);
	show("strtof128_l", in, v, end - in, errno);
	errno = 0;
	v = wcstof128_l(w, &wend, c);
	show("wcstof128_l", in, v, wend - w, errno);
	errno = 0;
	v = __strtof128_internal(in, &end, 0);
	show("__strtof128_internal", in, v, end - in, errno);
	errno = 0;
	v = __wcstof128_internal(w, &wend, 0);
	show("__wcstof128_internal", in, v, wend - w, errno);
	freelocale(c);
}

static void format(const char *f, _Float128 v)
{
	char b[6000];
	int n = strfromf128(b, sizeof b, f, v);
	printf("strfromf128 %s: %d %s\n", f, n, b);
}

int main(void)
{
	static const char *fixed[] = {"nan(123)", "-nan", "nan(0x7)", "nan(abc)", "nan()", "1e-4966", "1e-4965", "1.5",
				      "0x1.8p1", "1e4933", "1e4932", "inf", "-INFINITY", "infin", "  +3.25xyz", "0x1p-16494",
				      "0x1p-16495", "0x1.8p-16495", "0x", ".", "-.5e3", "1e", "1e+",
				      "1.18973149535723176508575932662800702e4932", "3.3621031431120935062626778173217526e-4932",
				      "0x1.ffffffffffffffffffffffffffff8p-16383", "3.2375875597190125554622194791138232762498e-4966"};
	static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
	static const char *fmts[] = {"%a", "%.3a", "%.0a", "%A", "%e", "%.0e", "%.40e", "%E", "%f", "%.0f", "%.30f", "%g", "%.0g", "%.36g", "%G"};
	char buf[200];
	for (int m = 0; m < 4; m++) {
		fesetround(modes[m]);
		printf("rounding mode %d\n", m);
		for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
			parse(fixed[i], m == 0);
		for (int i = 0; i < 150; i++) {
			int nd = 1 + (int)(next() % 45), dot = (int)(next() % (unsigned)(nd + 1));
			char *p = buf;
			if (next() % 2)
				*p++ = '-';
			for (int k = 0; k < nd; k++) {
				if (k == dot)
					*p++ = '.';
				*p++ = (char)('0' + next() % 10);
			}
			int ex = next() % 3 ? (int)(next() % 9940) - 4970 : (int)(next() % 80) - 40;
			sprintf(p, "e%d", ex);
			parse(buf, i < 10 && m == 0);
			sprintf(buf, "0x%llx.%llxp%d", next() % 100000, next(), (int)(next() % 33000) - 16500);
			parse(buf, 0);
		}
		for (int i = 0; i < 40; i++) {
			unsigned long long w[2] = {next(), next()};
			if (i % 3 == 0) /* moderate exponents, so %f stays short */
				w[1] = (w[1] & 0x8000ffffffffffffull) | ((unsigned long long)(16383 + (int)(next() % 200) - 100) << 48);
			if (i % 7 == 0) /* subnormal */
				w[1] &= 0x8000ffffffffffffull;
			_Float128 v;
			memcpy(&v, w, 16);
			for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++)
				if (i % 3 == 0 || strchr(fmts[f], 'f') == NULL)
					format(fmts[f], v);
		}
	}
	return 0;
}
