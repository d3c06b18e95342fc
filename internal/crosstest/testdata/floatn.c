/* The _FloatN names of functions glibc 2.17 has, and on the ABIs whose
 * long double is IEEE binary128 the _Float128 ones (glibc 2.26/2.27),
 * called from a program built for an older glibc: compatbuild binds them
 * to the float, double and long double functions (catalogue/abi.tsv). */
#define __STDC_WANT_IEC_60559_TYPES_EXT__ 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Through memory, so x87 excess precision (i386) does not decide. */
#define SAME(T, a, b) do { volatile T x_ = (a), y_ = (b); ok &= x_ == y_; } while (0)

int main(int argc, char **argv)
{
	volatile float half = 0.5f;
	int ok = 1;
	(void)argv;
	SAME(float, sinf32(half * argc), sinf(half * argc));
	SAME(double, acosf64(half), acos(half));
	SAME(double, cbrtf32x(27.0 * argc), cbrt(27.0 * argc));
#if __LDBL_MANT_DIG__ == 113
	SAME(long double, acosf128(half), acosl(half));
	SAME(long double, expf128(half), expl(half));
	SAME(long double, acosf64x(half), acosl(half));
	SAME(long double, strtof128("0.1", NULL), strtold("0.1", NULL));
	printf("binary128 long double: %s\n", ok ? "ok" : "wrong");
#else
	printf("floatn: %s\n", ok ? "ok" : "wrong");
#endif
	return !ok;
}
