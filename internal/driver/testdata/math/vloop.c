/* The loop of issue 8: compiled with -O3 -ffast-math, GCC calls libmvec's
 * vector variants (_ZGVbN2v_exp, _ZGVdN4v_sin, ...) for these, which
 * glibc before 2.22 lacks entirely and before 2.35 lacks for tan and erf.
 * Linked with scalar.c, compiled without -ffast-math, which computes the
 * same functions one by one; main prints, per function, the largest
 * difference in ulps. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define N 4096
double in[N], in2[N], vout[7][N], sout[7][N];
float inf_[N], voutf[7][N], soutf[7][N];

void scalar_all(void);

static void vector_all(void)
{
	for (int i = 0; i < N; i++) vout[0][i] = exp(in[i]);
	for (int i = 0; i < N; i++) vout[1][i] = log(in2[i]);
	for (int i = 0; i < N; i++) vout[2][i] = sin(in[i]);
	for (int i = 0; i < N; i++) vout[3][i] = cos(in[i]);
	for (int i = 0; i < N; i++) vout[4][i] = tan(in[i]);
	for (int i = 0; i < N; i++) vout[5][i] = pow(in2[i], in[i]);
	for (int i = 0; i < N; i++) vout[6][i] = erf(in[i]);
	for (int i = 0; i < N; i++) voutf[0][i] = expf(inf_[i]);
	for (int i = 0; i < N; i++) voutf[1][i] = logf(inf_[i] + 100);
	for (int i = 0; i < N; i++) voutf[2][i] = sinf(inf_[i]);
	for (int i = 0; i < N; i++) voutf[3][i] = cosf(inf_[i]);
	for (int i = 0; i < N; i++) voutf[4][i] = tanf(inf_[i]);
	for (int i = 0; i < N; i++) voutf[5][i] = powf(inf_[i] + 100, inf_[i] / 8);
	for (int i = 0; i < N; i++) voutf[6][i] = erff(inf_[i]);
}

static int64_t key(double d)
{
	int64_t k;
	memcpy(&k, &d, 8);
	return k < 0 ? INT64_MIN - k : k;
}
static int32_t keyf(float f)
{
	int32_t k;
	memcpy(&k, &f, 4);
	return k < 0 ? INT32_MIN - k : k;
}

int main(void)
{
	uint64_t r = 12345;
	for (int i = 0; i < N; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		in[i] = ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 20;
		in2[i] = (double)(r >> 11) / 9007199254740992.0 * 100 + 0.001;
		inf_[i] = (float)in[i];
	}
	vector_all();
	scalar_all();
	static const char *names[7] = {"exp", "log", "sin", "cos", "tan", "pow", "erf"};
	for (int f = 0; f < 7; f++) {
		int64_t md = 0, mf = 0;
		for (int i = 0; i < N; i++) {
			int64_t d = key(vout[f][i]) - key(sout[f][i]);
			int64_t e = (int64_t)keyf(voutf[f][i]) - keyf(soutf[f][i]);
			if (d < 0) d = -d;
			if (e < 0) e = -e;
			if (d > md) md = d;
			if (e > mf) mf = e;
		}
		printf("%s %lld %sf %lld\n", names[f], (long long)md, names[f], (long long)mf);
	}
	return 0;
}
