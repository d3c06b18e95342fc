/* mbrtoc8 and c8rtomb (glibc 2.36): conversions between the locale's
 * multibyte encoding and UTF-8 code units (char8_t), one unit per call,
 * over mbrtowc and wcrtomb. Pending code units are kept in the mbstate_t
 * as glibc keeps them (top bit of __count set; the units in __value, their
 * count or next index in byte 3), so a state can pass between these and
 * glibc's own functions; the locale's own converter never uses that bit.
 * A NULL state means a private static one, as in glibc.
 *
 * One archive member for both; each is compiled in only where the target
 * lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include <errno.h>
#include "compat.h"

typedef struct {
	int count;
	union {
		unsigned int wch;
		unsigned char b[4];
	} value;
} compat_mbstate;

#define PENDING 0x80000000u

#ifdef COMPAT_OBJ_mbrtoc8
extern size_t mbrtowc(int *wc, const char *s, size_t n, compat_mbstate *ps);

/* Returns what mbrtowc returns, and (size_t)-3 for each further code unit
 * of a character, which consumes no input. */
COMPAT_HIDDEN size_t mbrtoc8(unsigned char *pc8, const char *s, size_t n, compat_mbstate *ps)
{
	static compat_mbstate private_state;
	int wc = 0;

	if (ps == NULL)
		ps = &private_state;
	if ((unsigned int)ps->count & PENDING) {
		/* Units are stored last first; b[3] is the next one's index. */
		unsigned int i = ps->value.b[3];
		if (pc8 != NULL)
			*pc8 = ps->value.b[i];
		if (i == 0) {
			ps->count = (int)((unsigned int)ps->count & ~PENDING);
			ps->value.wch = 0;
		} else
			ps->value.b[3] = (unsigned char)(i - 1);
		return (size_t)-3;
	}
	if (s == NULL) {
		pc8 = NULL;
		s = "";
		n = 1;
	}
	size_t r = mbrtowc(&wc, s, n, ps);
	if (r <= n) {
		unsigned int c = (unsigned int)wc;
		unsigned char lead;
		int more;
		if (c <= 0x7f) {
			lead = (unsigned char)c;
			more = 0;
		} else if (c <= 0x7ff) {
			lead = (unsigned char)(0xc0 | (c >> 6));
			more = 1;
		} else if (c <= 0xffff) {
			lead = (unsigned char)(0xe0 | (c >> 12));
			more = 2;
		} else {
			lead = (unsigned char)(0xf0 | ((c >> 18) & 0x07));
			more = 3;
		}
		if (pc8 != NULL)
			*pc8 = lead;
		if (more > 0) {
			for (int k = 0; k < more; k++)
				ps->value.b[k] = (unsigned char)(0x80 | ((c >> (6 * k)) & 0x3f));
			ps->value.b[3] = (unsigned char)(more - 1);
			ps->count = (int)((unsigned int)ps->count | PENDING);
		}
	}
	/* A character that was the rest of an earlier multibyte sequence. */
	if (r == 0 && wc != 0)
		r = (size_t)-3;
	return r;
}
#endif

#ifdef COMPAT_OBJ_c8rtomb
extern size_t wcrtomb(char *s, int wc, compat_mbstate *ps);

/* Collects the code units of one character (returning 0 until it is
 * complete), then converts it with wcrtomb. Invalid UTF-8 fails with
 * EILSEQ. */
COMPAT_HIDDEN size_t c8rtomb(char *s, unsigned char c8, compat_mbstate *ps)
{
	static compat_mbstate private_state;
	unsigned int wc;

	if (ps == NULL)
		ps = &private_state;
	if (s == NULL)
		c8 = 0;
	if (!((unsigned int)ps->count & PENDING)) {
		if ((c8 >= 0x80 && c8 <= 0xc1) || c8 >= 0xf5) {
			errno = EILSEQ;
			return (size_t)-1;
		}
		if (c8 >= 0xc2) {
			ps->count = (int)((unsigned int)ps->count | PENDING);
			ps->value.b[0] = c8;
			ps->value.b[3] = 1;
			return 0;
		}
		wc = c8;
	} else {
		unsigned char first = ps->value.b[0], seen = ps->value.b[3];
		/* Continuation units are 80..BF; the second unit's range is
		 * narrower after E0, ED, F0 and F4 (no overlong forms, no
		 * surrogates, nothing above 10FFFF). */
		if (c8 < 0x80 || c8 > 0xbf ||
		    (seen == 1 && ((first == 0xe0 && c8 < 0xa0) || (first == 0xed && c8 > 0x9f) ||
				   (first == 0xf0 && c8 < 0x90) || (first == 0xf4 && c8 > 0x8f)))) {
			errno = EILSEQ;
			return (size_t)-1;
		}
		unsigned int need = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
		if (seen + 1u < need) {
			ps->value.b[seen] = c8;
			ps->value.b[3] = (unsigned char)(seen + 1);
			return 0;
		}
		if (need == 2)
			wc = ((first & 0x1fu) << 6) | (c8 & 0x3fu);
		else if (need == 3)
			wc = ((first & 0x0fu) << 12) | ((ps->value.b[1] & 0x3fu) << 6) | (c8 & 0x3fu);
		else
			wc = ((first & 0x07u) << 18) | ((ps->value.b[1] & 0x3fu) << 12) | ((ps->value.b[2] & 0x3fu) << 6) | (c8 & 0x3fu);
		ps->count = (int)((unsigned int)ps->count & ~PENDING);
		ps->value.wch = 0;
	}
	return wcrtomb(s, (int)wc, ps);
}
#endif
