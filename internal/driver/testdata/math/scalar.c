/* The scalar side of vloop.c, compiled without -ffast-math and with
 * -fno-builtin: libm's own functions, one call per element (GCC would
 * otherwise merge sin and cos of one argument into a sincos call, which in
 * glibc 2.31 differs from sin and cos by an ulp). */
#include <math.h>

#define N 4096
extern double in[N], in2[N], sout[7][N];
extern float inf_[N], soutf[7][N];

void scalar_all(void)
{
	for (int i = 0; i < N; i++) {
		sout[0][i] = exp(in[i]);
		sout[1][i] = log(in2[i]);
		sout[2][i] = sin(in[i]);
		sout[3][i] = cos(in[i]);
		sout[4][i] = tan(in[i]);
		sout[5][i] = pow(in2[i], in[i]);
		sout[6][i] = erf(in[i]);
		soutf[0][i] = expf(inf_[i]);
		soutf[1][i] = logf(inf_[i] + 100);
		soutf[2][i] = sinf(inf_[i]);
		soutf[3][i] = cosf(inf_[i]);
		soutf[4][i] = tanf(inf_[i]);
		soutf[5][i] = powf(inf_[i] + 100, inf_[i] / 8);
		soutf[6][i] = erff(inf_[i]);
	}
}
