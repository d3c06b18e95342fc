/* The reference for glibc 2.42's pown, powr, rootn, rsqrt and compoundn,
 * which no glibc runtime of the tests has: for the arguments check.h gives
 * the check program, MPFR's correctly rounded result in each rounding
 * direction, with the errno and exceptions glibc's implementation
 * (math/s_*_template.c) gives, in the check's output format. Built and run
 * on the host by math_test.go. */
#define MPFR_WANT_FLOAT128 1
#include <stdint.h> /* before mpfr.h: the intmax_t functions */
#include <mpfr.h>
#include "check.h"

static const mpfr_rnd_t rnds[4] = {MPFR_RNDN, MPFR_RNDU, MPFR_RNDD, MPFR_RNDZ};

/* The formats: precision, mpfr exponent range, output bytes. */
static const struct {
	int prec;
	mpfr_exp_t emin, emax;
} fmts[4] = {{24, -148, 128}, {53, -1073, 1024}, {64, -16444, 16384}, {113, -16493, 16384}};

static mpfr_t X, Y, R, T;

static void set_arg(mpfr_t d, int ty, int i)
{
	switch (ty) {
	case 0: mpfr_set_flt(d, argF[i], MPFR_RNDN); break;
	case 1: mpfr_set_d(d, argD[i], MPFR_RNDN); break;
	case 2: mpfr_set_ld(d, argL[i], MPFR_RNDN); break;
	case 3: mpfr_set_float128(d, argQ[i], MPFR_RNDN); break;
	}
}

static int is_nan_arg(int ty, int i)
{
	switch (ty) {
	case 0: return argF[i] != argF[i];
	case 1: return argD[i] != argD[i];
	case 2: return argL[i] != argL[i];
	default: return argQ[i] != argQ[i];
	}
}

static int is_snan_arg(int ty, int i)
{
	switch (ty) {
	case 0: { uint32_t u; memcpy(&u, &argF[i], 4); u &= 0x7fffffff; return u > 0x7f800000 && !(u & 0x400000); }
	case 1: { uint64_t u; memcpy(&u, &argD[i], 8); u &= ~(1ULL << 63); return u > 0x7ff0000000000000ULL && !(u & (1ULL << 51)); }
	case 2: { uint64_t m; uint16_t se; memcpy(&m, &argL[i], 8); memcpy(&se, (char *)&argL[i] + 8, 2);
		return (se & 0x7fff) == 0x7fff && (m >> 62) == 2 && (m << 2) != 0; }
	default: { unsigned __int128 u; memcpy(&u, &argQ[i], 16); u &= ~((unsigned __int128)1 << 127);
		return u > ((unsigned __int128)0x7fff << 112) && !(u & ((unsigned __int128)1 << 111)); }
	}
}

/* Rounds the exact value in R to format ty in direction m, prints it with
 * errno and the flags IEEE rounding raises (underflow when tiny after
 * rounding and inexact, as x86 reports it), plus extra flags. */
static void emit(const char *name, int ty, int m, int i, int err, int extra)
{
	mpfr_set_emin(fmts[ty].emin);
	mpfr_set_emax(fmts[ty].emax);
	mpfr_clear_flags();
	mpfr_t r;
	mpfr_init2(r, fmts[ty].prec);
	int inex = mpfr_set(r, R, rnds[m]);
	inex = mpfr_check_range(r, inex, rnds[m]);
	inex = mpfr_subnormalize(r, inex, rnds[m]);
	int flags = extra;
	if (!mpfr_nan_p(R) && !mpfr_inf_p(R)) {
		if (mpfr_overflow_p())
			flags |= FE_OVERFLOW | FE_INEXACT;
		if (mpfr_underflow_p() && inex)
			flags |= FE_UNDERFLOW;
		if (inex)
			flags |= FE_INEXACT;
	}
	mpfr_set_emin(mpfr_get_emin_min());
	mpfr_set_emax(mpfr_get_emax_max());
	printf("%s %d %d", name, m, i);
	switch (ty) {
	case 0: { F v = mpfr_get_flt(r, MPFR_RNDN); BITS(v); break; }
	case 1: { D v = mpfr_get_d(r, MPFR_RNDN); BITS(v); break; }
	case 2: { L v = mpfr_get_ld(r, MPFR_RNDN); BITS(v); break; }
	case 3: { Q v = mpfr_get_float128(r, MPFR_RNDN); BITS(v); break; }
	}
	printf(" %d %x\n", err, flags);
	mpfr_clear(r);
}

static int finite_arg(mpfr_t a) { return mpfr_number_p(a); }

/* An exact result beyond MPFR's own exponent range (pown(2, 2^62)) comes
 * back as an infinity or zero with the overflow or underflow flag: make
 * it a finite value far outside every format instead, so rounding to the
 * format sees an overflow or underflow of the right sign. */
static void exact_range(void)
{
	if (mpfr_overflow_p() && mpfr_inf_p(R))
		mpfr_set_si_2exp(R, mpfr_signbit(R) ? -1 : 1, mpfr_get_emax() - 2, MPFR_RNDN);
	else if (mpfr_underflow_p() && mpfr_zero_p(R))
		mpfr_set_si_2exp(R, mpfr_signbit(R) ? -1 : 1, mpfr_get_emin() + 2, MPFR_RNDN);
}

/* Range errors of pown, powr, compoundn: an infinite or zero result of
 * finite arguments (the caller says which zeros count). */
static int range_errno(void)
{
	return mpfr_inf_p(R) || mpfr_zero_p(R) ? ERANGE : 0;
}

/* Whether the exact result R rounds to infinity or to zero in format ty,
 * direction m (for errno, which glibc sets from its rounded result). */
static int rounds_to_inf_or_zero(int ty, int m, int want_zero)
{
	mpfr_set_emin(fmts[ty].emin);
	mpfr_set_emax(fmts[ty].emax);
	mpfr_t r;
	mpfr_init2(r, fmts[ty].prec);
	int inex = mpfr_set(r, R, rnds[m]);
	inex = mpfr_check_range(r, inex, rnds[m]);
	mpfr_subnormalize(r, inex, rnds[m]);
	int res = want_zero ? mpfr_zero_p(r) : mpfr_inf_p(r);
	mpfr_clear(r);
	mpfr_set_emin(mpfr_get_emin_min());
	mpfr_set_emax(mpfr_get_emax_max());
	return res;
}

static void pown_ref(const char *name, int ty, int nm, int n)
{
	LOOP(nm, n) {
		long long k = (long long)(i * 37 % 21) - 10;
		if (i % 7 == 0)
			k = next_k(i);
		set_arg(X, ty, i);
		mpfr_clear_flags();
		mpfr_pow_sj(R, X, k, MPFR_RNDN);
		exact_range();
		int err = 0, extra = 0;
		if (is_snan_arg(ty, i))
			extra |= FE_INVALID;
		if (finite_arg(X)) {
			if (rounds_to_inf_or_zero(ty, m, 0))
				err = ERANGE;
			else if (!mpfr_zero_p(X) && rounds_to_inf_or_zero(ty, m, 1))
				err = ERANGE;
			if (mpfr_zero_p(X) && k < 0)
				extra |= FE_DIVBYZERO;
		}
		emit(name, ty, m, i, err, extra);
	}
}

static void rootn_ref(const char *name, int ty, int nm, int n)
{
	LOOP(nm, n) {
		long long k = (long long)(i * 37 % 21) - 10;
		if (i % 7 == 0)
			k = next_k(i);
		set_arg(X, ty, i);
		int err = 0, extra = 0;
		if (k == 0) {
			mpfr_set_nan(R);
			err = EDOM;
			extra = FE_INVALID;
		} else if (is_nan_arg(ty, i)) {
			mpfr_set_nan(R);
			if (is_snan_arg(ty, i))
				extra = FE_INVALID;
		} else {
			mpfr_clear_flags();
			mpfr_rootn_si(R, X, k, MPFR_RNDN);
			exact_range();
			if (mpfr_nan_p(R)) {
				err = EDOM;
				extra = FE_INVALID;
			} else if (mpfr_zero_p(X) && k < 0) {
				err = ERANGE;
				extra = FE_DIVBYZERO;
			} else if (k == -1 && finite_arg(X) && rounds_to_inf_or_zero(ty, m, 0)) {
				err = ERANGE;
			}
		}
		emit(name, ty, m, i, err, extra);
	}
}

static void compoundn_ref(const char *name, int ty, int nm, int n)
{
	LOOP(nm, n) {
		long long k = (long long)(i * 37 % 21) - 10;
		if (i % 7 == 0)
			k = next_k(i);
		set_arg(X, ty, i);
		int err = 0, extra = 0;
		if (is_snan_arg(ty, i)) {
			mpfr_set_nan(R);
			extra = FE_INVALID;
		} else if (mpfr_cmp_si(X, -1) < 0 && !mpfr_nan_p(X)) {
			mpfr_set_nan(R);
			err = EDOM;
			extra = FE_INVALID;
		} else if (k == 0) {
			mpfr_set_ui(R, 1, MPFR_RNDN);
		} else if (mpfr_nan_p(X)) {
			mpfr_set_nan(R);
		} else if (mpfr_cmp_si(X, -1) == 0) {
			if (k > 0) {
				mpfr_set_zero(R, 1);
			} else {
				mpfr_set_inf(R, 1);
				err = ERANGE;
				extra = FE_DIVBYZERO;
			}
		} else if (mpfr_inf_p(X)) {
			if (k > 0)
				mpfr_set_inf(R, 1);
			else
				mpfr_set_zero(R, 1);
		} else {
			mpfr_clear_flags();
			mpfr_compound_si(R, X, k, MPFR_RNDN);
			exact_range();
			if (rounds_to_inf_or_zero(ty, m, 0) || rounds_to_inf_or_zero(ty, m, 1))
				err = ERANGE;
		}
		emit(name, ty, m, i, err, extra);
	}
}

static void powr_ref(const char *name, int ty, int nm, int n)
{
	LOOP(nm, n) {
		set_arg(X, ty, i);
		set_arg(Y, ty, J(i, 7));
		int err = 0, extra = 0;
		int xnan = is_nan_arg(ty, i), ynan = is_nan_arg(ty, J(i, 7));
		if ((!xnan && mpfr_sgn(X) < 0 && !mpfr_zero_p(X)) || (!xnan && !ynan && mpfr_zero_p(X) && mpfr_zero_p(Y)) ||
		    (!xnan && mpfr_cmp_ui(X, 1) == 0 && mpfr_inf_p(Y)) || (mpfr_inf_p(X) && !ynan && mpfr_zero_p(Y))) {
			mpfr_set_nan(R);
			err = EDOM;
			extra = FE_INVALID;
		} else if (xnan || ynan) {
			mpfr_set_nan(R);
			if (is_snan_arg(ty, i) || is_snan_arg(ty, J(i, 7)))
				extra = FE_INVALID;
		} else {
			mpfr_abs(T, X, MPFR_RNDN);
			mpfr_clear_flags();
			mpfr_pow(R, T, Y, MPFR_RNDN);
			exact_range();
			if (finite_arg(X) && finite_arg(Y)) {
				if (rounds_to_inf_or_zero(ty, m, 0))
					err = ERANGE;
				else if (!mpfr_zero_p(X) && rounds_to_inf_or_zero(ty, m, 1))
					err = ERANGE;
				if (mpfr_zero_p(X) && mpfr_sgn(Y) < 0)
					extra |= FE_DIVBYZERO;
			}
		}
		emit(name, ty, m, i, err, extra);
	}
}

static void rsqrt_ref(const char *name, int ty, int nm, int n)
{
	LOOP(nm, n) {
		set_arg(X, ty, i);
		int err = 0, extra = 0;
		if (is_nan_arg(ty, i)) {
			mpfr_set_nan(R);
			if (is_snan_arg(ty, i))
				extra = FE_INVALID;
		} else if (mpfr_zero_p(X)) {
			mpfr_set_inf(R, mpfr_signbit(X) ? -1 : 1);
			err = ERANGE;
			extra = FE_DIVBYZERO;
		} else if (mpfr_sgn(X) < 0) {
			mpfr_set_nan(R);
			err = EDOM;
			extra = FE_INVALID;
		} else {
			mpfr_rec_sqrt(R, X, MPFR_RNDN);
		}
		emit(name, ty, m, i, err, extra);
	}
}

int main(void)
{
	init_args();
	mpfr_set_default_prec(300);
	mpfr_inits2(300, X, Y, R, T, (mpfr_ptr)0);
	static const char *suffix[4] = {"f", "", "l", "f128"};
	char name[32];
	for (int ty = 0; ty < 4; ty++) {
		snprintf(name, sizeof name, "pown%s", suffix[ty]);
		pown_ref(name, ty, 4, NIN);
		snprintf(name, sizeof name, "rootn%s", suffix[ty]);
		rootn_ref(name, ty, 4, NIN);
		snprintf(name, sizeof name, "compoundn%s", suffix[ty]);
		compoundn_ref(name, ty, 4, NIN);
		snprintf(name, sizeof name, "powr%s", suffix[ty]);
		powr_ref(name, ty, 4, NIN);
		snprintf(name, sizeof name, "rsqrt%s", suffix[ty]);
		rsqrt_ref(name, ty, 4, NIN);
	}
	return 0;
}
