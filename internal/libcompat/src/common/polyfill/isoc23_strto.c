/* __isoc23_strto* and __isoc23_wcsto* (glibc 2.38): what <stdlib.h>,
 * <wchar.h> and <inttypes.h> of glibc >= 2.38 call under _GNU_SOURCE or C23
 * (g++ always defines _GNU_SOURCE). They differ from the old functions only
 * in accepting a "0b"/"0B" prefix when base is 0 or 2.
 *
 * Method: run the old function first. Where C23 sees a binary prefix, the
 * old one stops right after the "0" (base 0: "0" is an octal zero and 'b' is
 * no digit; base 2: "0" is a digit and 'b' is not). In that case, and if the
 * "0" was the first digit, the rest is re-read as base-2 digits with the
 * unsigned long long function and range-checked for the result type. All
 * whitespace, sign and locale handling stays with the old function.
 *
 * One archive member for all twenty; each function is compiled in only
 * where the target lacks it (COMPAT_OBJ_<name>). No <stdlib.h>/<wchar.h>:
 * glibc >= 2.38 headers would redirect the old names to these very ones. */
#include <stddef.h>
#include <errno.h>
#include "compat.h"

struct __locale_struct;
typedef struct __locale_struct *compat_locale_t;

extern unsigned long long strtoull(const char *s, char **end, int base);
extern unsigned long long wcstoull(const wchar_t *s, wchar_t **end, int base);
extern unsigned long long strtoull_l(const char *s, char **end, int base, compat_locale_t l);
extern unsigned long long wcstoull_l(const wchar_t *s, wchar_t **end, int base, compat_locale_t l);

extern long strtol(const char *s, char **end, int base);
extern unsigned long strtoul(const char *s, char **end, int base);
extern long long strtoll(const char *s, char **end, int base);
extern __INTMAX_TYPE__ strtoimax(const char *s, char **end, int base);
extern __UINTMAX_TYPE__ strtoumax(const char *s, char **end, int base);
extern long strtol_l(const char *s, char **end, int base, compat_locale_t l);
extern unsigned long strtoul_l(const char *s, char **end, int base, compat_locale_t l);
extern long long strtoll_l(const char *s, char **end, int base, compat_locale_t l);
extern long wcstol(const wchar_t *s, wchar_t **end, int base);
extern unsigned long wcstoul(const wchar_t *s, wchar_t **end, int base);
extern long long wcstoll(const wchar_t *s, wchar_t **end, int base);
extern __INTMAX_TYPE__ wcstoimax(const wchar_t *s, wchar_t **end, int base);
extern __UINTMAX_TYPE__ wcstoumax(const wchar_t *s, wchar_t **end, int base);
extern long wcstol_l(const wchar_t *s, wchar_t **end, int base, compat_locale_t l);
extern unsigned long wcstoul_l(const wchar_t *s, wchar_t **end, int base, compat_locale_t l);
extern long long wcstoll_l(const wchar_t *s, wchar_t **end, int base, compat_locale_t l);

/* Did the old function stop at a C23 binary prefix? s: start of the input,
 * e: where the old function stopped. Before the digits there can only be
 * whitespace and a sign, so "e[-1] is the first digit" means "e[-2] is not
 * a digit". */
#define COMPAT_AT_BIN_PREFIX(s, e, base)                                    \
	(((base) == 0 || (base) == 2) && (e) > (s) && (e)[-1] == '0' &&     \
	 ((e)[0] == 'b' || (e)[0] == 'B') &&                                \
	 ((e)[1] == '0' || (e)[1] == '1') &&                                \
	 ((e) - 1 == (s) || (e)[-2] < '0' || (e)[-2] > '9'))

#define COMPAT_NEGATIVE(s, e) ((e) - 1 > (s) && (e)[-2] == '-')

/* Turn the magnitude of the binary digits into the bit pattern of the
 * result type (range [-(tmax+1), tmax] if signed, [0, tmax] with C's
 * negation rule if unsigned) and set errno like the old functions do. */
static inline __attribute__((unused)) unsigned long long
compat_bin_result(unsigned long long mag, int overflow, int neg, int is_signed,
		  unsigned long long tmax, int saved_errno)
{
	if (is_signed) {
		unsigned long long lim = neg ? tmax + 1u : tmax;
		if (overflow || mag > lim) {
			errno = ERANGE;
			return neg ? 0u - (tmax + 1u) : tmax;
		}
	} else if (overflow || mag > tmax) {
		errno = ERANGE;
		return tmax;
	}
	errno = saved_errno;
	return neg ? 0u - mag : mag;
}

/* CH: character type; T: result type; OLD: the pre-C23 function with the
 * same signature; ULL: the unsigned long long function that reads the
 * binary digits. */
#define COMPAT_STRTO(NAME, CH, T, IS_SIGNED, TMAX, OLD, ULL)                \
	COMPAT_HIDDEN T NAME(const CH *s, CH **end, int base)               \
	{                                                                   \
		CH *e;                                                      \
		T r = OLD(s, &e, base);                                     \
		if (COMPAT_AT_BIN_PREFIX(s, e, base)) {                     \
			int saved = errno, neg = COMPAT_NEGATIVE(s, e);     \
			unsigned long long mag;                             \
			errno = 0;                                          \
			mag = ULL(e + 1, &e, 2);                            \
			r = (T)compat_bin_result(mag, errno == ERANGE, neg, \
						 IS_SIGNED, TMAX, saved);   \
		}                                                           \
		if (end)                                                    \
			*end = e;                                           \
		return r;                                                   \
	}

/* The same with a locale argument, passed on to both calls. */
#define COMPAT_STRTO_L(NAME, CH, T, IS_SIGNED, TMAX, OLD, ULL)              \
	COMPAT_HIDDEN T NAME(const CH *s, CH **end, int base,               \
			     compat_locale_t loc)                           \
	{                                                                   \
		CH *e;                                                      \
		T r = OLD(s, &e, base, loc);                                \
		if (COMPAT_AT_BIN_PREFIX(s, e, base)) {                     \
			int saved = errno, neg = COMPAT_NEGATIVE(s, e);     \
			unsigned long long mag;                             \
			errno = 0;                                          \
			mag = ULL(e + 1, &e, 2, loc);                       \
			r = (T)compat_bin_result(mag, errno == ERANGE, neg, \
						 IS_SIGNED, TMAX, saved);   \
		}                                                           \
		if (end)                                                    \
			*end = e;                                           \
		return r;                                                   \
	}

#define COMPAT_ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)
#define COMPAT_ULLONG_MAX (__LONG_LONG_MAX__ * 2ULL + 1ULL)

#ifdef COMPAT_OBJ_isoc23_strtol
COMPAT_STRTO(__isoc23_strtol, char, long, 1, __LONG_MAX__, strtol, strtoull)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoul
COMPAT_STRTO(__isoc23_strtoul, char, unsigned long, 0, COMPAT_ULONG_MAX, strtoul, strtoull)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoll
COMPAT_STRTO(__isoc23_strtoll, char, long long, 1, __LONG_LONG_MAX__, strtoll, strtoull)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoull
COMPAT_STRTO(__isoc23_strtoull, char, unsigned long long, 0, COMPAT_ULLONG_MAX, strtoull, strtoull)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoimax
COMPAT_STRTO(__isoc23_strtoimax, char, __INTMAX_TYPE__, 1, __INTMAX_MAX__, strtoimax, strtoull)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoumax
COMPAT_STRTO(__isoc23_strtoumax, char, __UINTMAX_TYPE__, 0, __UINTMAX_MAX__, strtoumax, strtoull)
#endif
#ifdef COMPAT_OBJ_isoc23_strtol_l
COMPAT_STRTO_L(__isoc23_strtol_l, char, long, 1, __LONG_MAX__, strtol_l, strtoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoul_l
COMPAT_STRTO_L(__isoc23_strtoul_l, char, unsigned long, 0, COMPAT_ULONG_MAX, strtoul_l, strtoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoll_l
COMPAT_STRTO_L(__isoc23_strtoll_l, char, long long, 1, __LONG_LONG_MAX__, strtoll_l, strtoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_strtoull_l
COMPAT_STRTO_L(__isoc23_strtoull_l, char, unsigned long long, 0, COMPAT_ULLONG_MAX, strtoull_l, strtoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstol
COMPAT_STRTO(__isoc23_wcstol, wchar_t, long, 1, __LONG_MAX__, wcstol, wcstoull)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoul
COMPAT_STRTO(__isoc23_wcstoul, wchar_t, unsigned long, 0, COMPAT_ULONG_MAX, wcstoul, wcstoull)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoll
COMPAT_STRTO(__isoc23_wcstoll, wchar_t, long long, 1, __LONG_LONG_MAX__, wcstoll, wcstoull)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoull
COMPAT_STRTO(__isoc23_wcstoull, wchar_t, unsigned long long, 0, COMPAT_ULLONG_MAX, wcstoull, wcstoull)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoimax
COMPAT_STRTO(__isoc23_wcstoimax, wchar_t, __INTMAX_TYPE__, 1, __INTMAX_MAX__, wcstoimax, wcstoull)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoumax
COMPAT_STRTO(__isoc23_wcstoumax, wchar_t, __UINTMAX_TYPE__, 0, __UINTMAX_MAX__, wcstoumax, wcstoull)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstol_l
COMPAT_STRTO_L(__isoc23_wcstol_l, wchar_t, long, 1, __LONG_MAX__, wcstol_l, wcstoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoul_l
COMPAT_STRTO_L(__isoc23_wcstoul_l, wchar_t, unsigned long, 0, COMPAT_ULONG_MAX, wcstoul_l, wcstoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoll_l
COMPAT_STRTO_L(__isoc23_wcstoll_l, wchar_t, long long, 1, __LONG_LONG_MAX__, wcstoll_l, wcstoull_l)
#endif
#ifdef COMPAT_OBJ_isoc23_wcstoull_l
COMPAT_STRTO_L(__isoc23_wcstoull_l, wchar_t, unsigned long long, 0, COMPAT_ULLONG_MAX, wcstoull_l, wcstoull_l)
#endif
