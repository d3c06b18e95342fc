/* The behaviour check of the libm polyfills and aliases (math_test.go):
 * each CALL_* macro calls one function on a fixed set of arguments in the
 * four rounding directions and prints, per call, one line
 *
 *	symbol mode index result errno flags
 *
 * with the result's bits in hex (long double: its 10 bytes), errno in
 * decimal and the raised exception flags in hex. The same source is linked
 * for 2.17 (every function polyfilled or aliased, run under glibc 2.31)
 * and for 2.41 (glibc's own, run under glibc 2.41); math_test.go compares
 * the outputs. Functions are declared here, not taken from <math.h>: the
 * host's headers may lack them or give them other types. The arguments
 * are the same in every build: a fixed pseudo-random sequence. */
#include <errno.h>
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef float F;
typedef double D;
typedef long double L;
typedef __float128 Q;
typedef _Complex float CF;
typedef _Complex double CD;
typedef _Complex long double CL;
typedef _Complex float __attribute__((mode(TC))) CQ;

#define NIN 192
static F argF[NIN];
static D argD[NIN];
static L argL[NIN];
static Q argQ[NIN];
/* x87 values with any bit pattern, non-canonical ones included, for the
 * functions whose contract covers every encoding. */
static L rawL[NIN];
static const int modes[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static Q q_from_bits(uint64_t hi, uint64_t lo)
{
	Q q;
	unsigned __int128 u = ((unsigned __int128)hi << 64) | lo;
	memcpy(&q, &u, 16);
	return q;
}

static L l_from_bits(uint16_t se, uint64_t m)
{
	L l = 0;
	memcpy(&l, &m, 8);
	memcpy((char *)&l + 8, &se, 2);
	return l;
}

/* One value of each kind per slot: specials, then random bit patterns,
 * then random values of moderate size, then values near integers and
 * halves (rounding functions), then tiny and huge ones. */
static void init_args(void)
{
	static const double special[] = {
		0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 0.25, -0.25, 0.75, 1.5, -1.5, 2.0, -2.0, 2.5, -2.5, 3.0,
		4.5, 10.0, -10.0, 100.0, 0x1p-1022, -0x1p-1022, 0x1p-1074, 0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023,
		0x1p-149, 0x1p-126, 0x1.fffffep127, 1e-30, -1e-30, 1e30, 0x1p52, 0x1p53 + 2, 0x1p63, -0x1p63, 0x1p64,
		127.0, 128.0, 1024.0, -1024.0, 0.1, -0.1, 9.0, 99.0, 1e-8, -1e-8, 16383.0, 16384.0, -16445.0,
	};
	int n = (int)(sizeof special / sizeof special[0]);
	int i = 0;
	for (; i < n; i++) {
		argD[i] = special[i];
		argF[i] = (F)special[i];
		argL[i] = special[i];
		argQ[i] = special[i];
	}
	/* Infinities, NaNs (quiet, signaling, with payloads, negative). */
	argD[i] = __builtin_inf(); argF[i] = __builtin_inff(); argL[i] = __builtin_infl(); argQ[i] = __builtin_inf(); i++;
	argD[i] = -__builtin_inf(); argF[i] = -__builtin_inff(); argL[i] = -__builtin_infl(); argQ[i] = -__builtin_inf(); i++;
	argD[i] = __builtin_nan(""); argF[i] = __builtin_nanf(""); argL[i] = __builtin_nanl(""); argQ[i] = __builtin_nan(""); i++;
	argD[i] = -__builtin_nan("0x1234"); argF[i] = -__builtin_nanf("0x123"); argL[i] = -__builtin_nanl("0x1234"); argQ[i] = q_from_bits(0xffff800000000000ULL, 0x1234); i++;
	argD[i] = __builtin_nans(""); argF[i] = __builtin_nansf(""); argL[i] = __builtin_nansl(""); argQ[i] = q_from_bits(0x7fff000000000000ULL, 1); i++;
	/* extreme long double and _Float128 values */
	argL[i] = l_from_bits(0x7ffe, ~0ULL); argQ[i] = q_from_bits(0x7ffeffffffffffffULL, ~0ULL); argD[i] = 0x1p-1050; argF[i] = 0x1p-140f; i++;
	argL[i] = l_from_bits(0x0000, 1); argQ[i] = q_from_bits(0, 1); argD[i] = -0x1p-1060; argF[i] = -0x1p-145f; i++;
	argL[i] = l_from_bits(0x0001, 1ULL << 63); argQ[i] = q_from_bits(0x0001000000000000ULL, 0); argD[i] = 0x1.8p1023; argF[i] = 0x1.8p127f; i++;
	for (; i < 96; i++) {
		uint64_t a = next(), b = next();
		memcpy(&argD[i], &a, 8);
		uint32_t w = (uint32_t)b;
		memcpy(&argF[i], &w, 4);
		uint16_t se = (uint16_t)(b >> 32);
		/* canonical: integer bit as the exponent says */
		argL[i] = l_from_bits(se, (se & 0x7fff) ? a | (1ULL << 63) : a & ~(1ULL << 63));
		argQ[i] = q_from_bits(b, a);
	}
	for (; i < 150; i++) {
		double scale[] = {1e-6, 1e-3, 0.01, 0.1, 0.3, 0.5, 1, 2, 5, 10, 30, 100, 700, 1e4, 1e8, 1e15};
		double v = (double)(next() >> 11) / 9007199254740992.0 * scale[next() % 16];
		if (next() & 1)
			v = -v;
		argD[i] = v;
		argF[i] = (F)v;
		argL[i] = (L)v + (L)v * 0x1p-60L;
		argQ[i] = (Q)v + (Q)v * 0x1p-70Q;
	}
	for (; i < 176; i++) {
		int64_t k = (int64_t)(next() % 2000) - 1000;
		double frac[] = {0, 0.5, 0.25, 0.75, 0x1p-30, -0x1p-30, 0.5 + 0x1p-40, 0.5 - 0x1p-40};
		double v = (double)k + frac[next() % 8];
		argD[i] = v;
		argF[i] = (F)v;
		argL[i] = v;
		argQ[i] = v;
	}
	for (; i < NIN; i++) {
		int e = (int)(next() % 600) - 300;
		double v = __builtin_ldexp(1.0 + (double)(next() >> 12) * 0x1p-52, e);
		argD[i] = (next() & 1) ? v : -v;
		argF[i] = (F)__builtin_ldexp(1.0 + (double)(next() >> 12) * 0x1p-52, e / 3);
		argL[i] = (L)argD[i] * __builtin_ldexpl(1.0L, e * 40);
		argQ[i] = (Q)argD[i] * (Q)__builtin_ldexpl(1.0L, e * 40);
	}
	for (i = 0; i < NIN; i++) {
		uint64_t a = next(), b = next();
		rawL[i] = i < 64 ? argL[i] : l_from_bits((uint16_t)b, a);
	}
}

static void put_bits(const void *p, int n)
{
	const unsigned char *b = p;
	putchar(' ');
	for (int k = n - 1; k >= 0; k--)
		printf("%02x", b[k]);
}

#define BITS(v) put_bits(&(v), __builtin_types_compatible_p(__typeof__(v), L) ? 10 : \
			 __builtin_types_compatible_p(__typeof__(v), CL) ? 26 : (int)sizeof(v))
/* complex long double: real part's 10 bytes, 6 of padding, imaginary 10 */

#define CALL_BEGIN(m)                                                          \
	fesetround(modes[m]);                                                   \
	errno = 0;                                                             \
	feclearexcept(FE_ALL_EXCEPT);
#define CALL_END(name, m, i)                                                   \
	int e_ = errno, x_ = fetestexcept(FE_ALL_EXCEPT);                       \
	fesetround(FE_TONEAREST);                                              \
	printf("%s %d %d", name, m, i);
#define CALL_TAIL() printf(" %d %x\n", e_, x_)

/* nm: how many rounding directions; n: how many arguments. */
#define LOOP(nm, n) for (int m = 0; m < (nm); m++) for (int i = 0; i < (n); i++)
#define J(i, k) (((i) * (k) + 3) % NIN)

#define CALL_R1(f, T, nm, n) { extern T f(T); LOOP(nm, n) { T a = arg##T[i]; CALL_BEGIN(m) T r = f(a); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_R2(f, T, nm, n) { extern T f(T, T); LOOP(nm, n) { T a = arg##T[i], b = arg##T[J(i, 7)]; CALL_BEGIN(m) T r = f(a, b); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_R3(f, T, nm, n) { extern T f(T, T, T); LOOP(nm, n) { T a = arg##T[i], b = arg##T[J(i, 7)], c = arg##T[J(i, 11)]; CALL_BEGIN(m) T r = f(a, b, c); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_RI(f, T, nm, n) { extern T f(T, int); LOOP(nm, n) { T a = arg##T[i]; int k = (int)(i * 37 % 201) - 100; if (i % 5 == 0) k *= 170; CALL_BEGIN(m) T r = f(a, k); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_RLG(f, T, nm, n) { extern T f(T, long); LOOP(nm, n) { T a = arg##T[i]; long k = (long)(i * 37 % 201) - 100; if (i % 5 == 0) k *= 170; CALL_BEGIN(m) T r = f(a, k); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_RLL(f, T, nm, n) { extern T f(T, long long); LOOP(nm, n) { T a = arg##T[i]; long long k = (long long)(i * 37 % 21) - 10; if (i % 7 == 0) k = (long long)(next_k(i)); CALL_BEGIN(m) T r = f(a, k); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_IR(f, T, nm, n) { extern T f(int, T); LOOP(nm, n) { T a = arg##T[i]; int k = (int)(i % 9) - 2; CALL_BEGIN(m) T r = f(k, a); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_RPI(f, T, nm, n) { extern T f(T, int *); LOOP(nm, n) { T a = arg##T[i]; int k = 0x5a5a; CALL_BEGIN(m) T r = f(a, &k); CALL_END(#f, m, i) BITS(r); printf(" %d", k); CALL_TAIL(); } }
#define CALL_RPR(f, T, nm, n) { extern T f(T, T *); LOOP(nm, n) { T a = arg##T[i], k = 0; CALL_BEGIN(m) T r = f(a, &k); CALL_END(#f, m, i) BITS(r); BITS(k); CALL_TAIL(); } }
#define CALL_R2PI(f, T, nm, n) { extern T f(T, T, int *); LOOP(nm, n) { T a = arg##T[i], b = arg##T[J(i, 7)]; int k = 0x5a5a; CALL_BEGIN(m) T r = f(a, b, &k); CALL_END(#f, m, i) BITS(r); printf(" %d", k); CALL_TAIL(); } }
#define CALL_SC(f, T, nm, n) { extern void f(T, T *, T *); LOOP(nm, n) { T a = arg##T[i], s = 0, c = 0; CALL_BEGIN(m) f(a, &s, &c); CALL_END(#f, m, i) BITS(s); BITS(c); CALL_TAIL(); } }
#define CALL_I1(f, T, nm, n, src) { extern int f(T); LOOP(nm, n) { T a = src[i]; CALL_BEGIN(m) int r = f(a); CALL_END(#f, m, i) printf(" %d", r); CALL_TAIL(); } }
#define CALL_I2(f, T, nm, n) { extern int f(T, T); LOOP(nm, n) { T a = arg##T[i], b = arg##T[J(i, 5)]; CALL_BEGIN(m) int r = f(a, b); CALL_END(#f, m, i) printf(" %d", r); CALL_TAIL(); } }
#define CALL_LG1(f, T, nm, n, RT) { extern RT f(T); LOOP(nm, n) { T a = arg##T[i]; CALL_BEGIN(m) RT r = f(a); CALL_END(#f, m, i) printf(" %lld", (long long)r); CALL_TAIL(); } }
#define CALL_TO(f, T, nm, n, src) { extern int f(const T *, const T *); LOOP(nm, n) { T a = src[i], b = src[J(i, 5)]; CALL_BEGIN(m) int r = f(&a, &b); CALL_END(#f, m, i) printf(" %d", r); CALL_TAIL(); } }
#define CALL_CAN(f, T, nm, n, src) { extern int f(T *, const T *); LOOP(nm, n) { T a = src[i], r; memset(&r, 0x5a, sizeof r); CALL_BEGIN(m) int k = f(&r, &a); CALL_END(#f, m, i) printf(" %d", k); BITS(r); CALL_TAIL(); } }
#define CALL_GP(f, T, nm, n, src) { extern T f(const T *); LOOP(nm, n) { T a = src[i]; CALL_BEGIN(m) T r = f(&a); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_SP(f, T, nm, n) { extern int f(T *, T); LOOP(nm, n) { T a = i % 3 ? arg##T[i] : (T)(long long)(next_k(i) & 0x3fffff); T r; memset(&r, 0x5a, sizeof r); CALL_BEGIN(m) int k = f(&r, a); CALL_END(#f, m, i) printf(" %d", k); BITS(r); CALL_TAIL(); } }
#define CALL_FFP(f, T, nm, n, RT) { extern RT f(T, int, unsigned); LOOP(nm, n) { T a = arg##T[i]; int rnd = i % 6; unsigned w = (unsigned)(i * 13 % 70); CALL_BEGIN(m) RT r = f(a, rnd, w); CALL_END(#f, m, i) printf(" %lld", (long long)r); CALL_TAIL(); } }
#define CALL_NAN(f, T, nm, n) { extern T f(const char *); static const char *tags[] = {"", "1", "0x1234", "077", "99999999999999999999999", "abc", "0b1", "-1", " 1", "123_", "0x", "18446744073709551615"}; LOOP(nm, n) { const char *s = tags[i % 12]; CALL_BEGIN(m) T r = f(s); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_C1(f, T, CT, nm, n) { extern CT f(CT); LOOP(nm, n) { CT a; __real__ a = arg##T[i]; __imag__ a = arg##T[J(i, 7)]; CALL_BEGIN(m) CT r = f(a); CALL_END(#f, m, i) T re = __real__ r, im = __imag__ r; BITS(re); BITS(im); CALL_TAIL(); } }
#define CALL_C2(f, T, CT, nm, n) { extern CT f(CT, CT); LOOP(nm, n) { CT a, b; __real__ a = arg##T[i]; __imag__ a = arg##T[J(i, 7)]; __real__ b = arg##T[J(i, 11)]; __imag__ b = arg##T[J(i, 13)]; CALL_BEGIN(m) CT r = f(a, b); CALL_END(#f, m, i) T re = __real__ r, im = __imag__ r; BITS(re); BITS(im); CALL_TAIL(); } }
#define CALL_CR(f, T, CT, nm, n) { extern T f(CT); LOOP(nm, n) { CT a; __real__ a = arg##T[i]; __imag__ a = arg##T[J(i, 7)]; CALL_BEGIN(m) T r = f(a); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
/* Narrowing: N f(W, W), N f(W), N f(W, W, W); the second argument is
 * sometimes close to the first, so sums and differences cancel. */
#define CALL_N2(f, N, W, nm, n) { extern N f(W, W); LOOP(nm, n) { W a = arg##W[i], b = arg##W[J(i, 7)]; if (i % 4 == 1) b = -a * (1 + (W)1 / (W)(1LL << (i % 50))); if (i % 4 == 2) b = a / (W)(1LL << (i % 60)); CALL_BEGIN(m) N r = f(a, b); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_N1(f, N, W, nm, n) { extern N f(W); LOOP(nm, n) { W a = arg##W[i]; CALL_BEGIN(m) N r = f(a); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
#define CALL_N3(f, N, W, nm, n) { extern N f(W, W, W); LOOP(nm, n) { W a = arg##W[i], b = arg##W[J(i, 7)], c = arg##W[J(i, 11)]; if (i % 3 == 1) c = -a * b; CALL_BEGIN(m) N r = f(a, b, c); CALL_END(#f, m, i) BITS(r); CALL_TAIL(); } }
/* lgamma also sets signgam */
#define CALL_LGAMMA(f, T, nm, n) { extern T f(T); extern int signgam; LOOP(nm, n) { T a = arg##T[i]; signgam = 7; CALL_BEGIN(m) T r = f(a); CALL_END(#f, m, i) BITS(r); printf(" %d", signgam); CALL_TAIL(); } }

static long long next_k(int i)
{
	static const long long ks[] = {0, 1, -1, 2, -2, 3, 7, -7, 64, 1LL << 40, -(1LL << 40) - 1, 0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1};
	return ks[i % 13];
}
