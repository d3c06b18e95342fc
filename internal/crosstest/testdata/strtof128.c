/* strtof128 and strfromf128 where _Float128 is its own type (i386,
 * powerpc64le): compatbuild's f128.c below glibc 2.26, which reads the
 * rounding direction the way glibc does on each ABI. 0.1 lies between two
 * binary128 values; the rounding direction picks one. */
#define __STDC_WANT_IEC_60559_TYPES_EXT__ 1
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t low(_Float128 x)
{
	uint64_t w[2];
	memcpy(w, &x, sizeof w); /* little endian: w[0] is the low half */
	return w[0];
}

int main(void)
{
	static const struct { int mode; const char *name; uint64_t want; } cases[] = {
		{FE_TONEAREST, "nearest", 0x999999999999999aULL},
		{FE_DOWNWARD, "down", 0x9999999999999999ULL},
		{FE_UPWARD, "up", 0x999999999999999aULL},
		{FE_TOWARDZERO, "toward zero", 0x9999999999999999ULL},
	};
	int ok = 1;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fesetround(cases[i].mode);
		uint64_t got = low(strtof128("0.1", NULL));
		if (got != cases[i].want) {
			printf("%s: %016llx\n", cases[i].name, (unsigned long long)got);
			ok = 0;
		}
	}
	fesetround(FE_TONEAREST);
	char buf[64];
	strfromf128(buf, sizeof buf, "%.20g", strtof128("2.5", NULL));
	ok &= strcmp(buf, "2.5") == 0;
	printf("strtof128: %s\n", ok ? "ok" : "wrong");
	return !ok;
}
