/* strfromd, strfromf, strfroml (glibc 2.25): a floating-point number as
 * text, with a format of the form "%[.precision]conversion" and nothing
 * else: conversion one of aAeEfFgG, precision digits ("%." alone means
 * 0). Like glibc, a format that does not start with '%' or lacks a valid
 * conversion aborts the program; characters after the conversion are
 * ignored; the output follows the locale's decimal point, as snprintf's.
 *
 * One archive member (strfrom) for the three; each is compiled in only
 * where the target lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include "compat.h"

extern int snprintf(char *s, size_t n, const char *fmt, ...);
extern void abort(void) __attribute__((noreturn));

/* compat_strfrom_format turns format into a printf format for one
 * argument with a "*" precision, in out (8 bytes), with long_mod 'L' for
 * long double; *prec gets the precision, -1 for none. */
static void compat_strfrom_format(const char *format, int long_mod, char *out, int *prec)
{
	int i = 0;

	if (*format++ != '%')
		abort();
	*prec = -1;
	if (*format == '.') {
		long p = 0;
		format++;
		while (*format >= '0' && *format <= '9') {
			if (p <= 0x7fffffff)
				p = p * 10 + (*format - '0');
			format++;
		}
		*prec = p > 0x7fffffff ? -1 : (int)p;
	}
	switch (*format) {
	case 'a': case 'A': case 'e': case 'E':
	case 'f': case 'F': case 'g': case 'G':
		break;
	default:
		abort();
	}
	out[i++] = '%';
	out[i++] = '.';
	out[i++] = '*';
	if (long_mod)
		out[i++] = 'L';
	out[i++] = *format;
	out[i] = 0;
}

#ifdef COMPAT_OBJ_strfromd
COMPAT_HIDDEN int strfromd(char *dest, size_t size, const char *format, double f)
{
	char fmt[8];
	int prec;
	compat_strfrom_format(format, 0, fmt, &prec);
	return snprintf(dest, size, fmt, prec, f);
}
#endif

#ifdef COMPAT_OBJ_strfromf
COMPAT_HIDDEN int strfromf(char *dest, size_t size, const char *format, float f)
{
	char fmt[8];
	int prec;
	compat_strfrom_format(format, 0, fmt, &prec);
	return snprintf(dest, size, fmt, prec, (double)f);
}
#endif

#ifdef COMPAT_OBJ_strfroml
COMPAT_HIDDEN int strfroml(char *dest, size_t size, const char *format, long double f)
{
	char fmt[8];
	int prec;
	compat_strfrom_format(format, 1, fmt, &prec);
	return snprintf(dest, size, fmt, prec, f);
}
#endif
