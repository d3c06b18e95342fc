/* __isoc23_*scanf (glibc 2.38): forwarded to the __isoc99_* functions that
 * glibc has had since 2.7. Not covered: the C23 additions to scanf itself,
 * i.e. the %b conversion and "0b" prefixes for %i; those behave as in C99.
 * One object per function (COMPAT_OBJ_<name>). */
#include <stdarg.h>
#include <stddef.h>
#include "compat.h"

struct _IO_FILE;
typedef struct _IO_FILE compat_FILE;

extern int __isoc99_vsscanf(const char *s, const char *fmt, va_list ap);
extern int __isoc99_vfscanf(compat_FILE *f, const char *fmt, va_list ap);
extern int __isoc99_vscanf(const char *fmt, va_list ap);
extern int __isoc99_vswscanf(const wchar_t *s, const wchar_t *fmt, va_list ap);
extern int __isoc99_vfwscanf(compat_FILE *f, const wchar_t *fmt, va_list ap);
extern int __isoc99_vwscanf(const wchar_t *fmt, va_list ap);

#define COMPAT_VARIADIC(NAME, TARGET, FIRST_T)                      \
	COMPAT_HIDDEN int NAME(FIRST_T first, ...)                  \
	{                                                           \
		va_list ap;                                         \
		int r;                                              \
		va_start(ap, first);                                \
		r = TARGET(first, ap);                              \
		va_end(ap);                                         \
		return r;                                           \
	}

#define COMPAT_VARIADIC2(NAME, TARGET, FIRST_T, FMT_T)              \
	COMPAT_HIDDEN int NAME(FIRST_T first, FMT_T fmt, ...)       \
	{                                                           \
		va_list ap;                                         \
		int r;                                              \
		va_start(ap, fmt);                                  \
		r = TARGET(first, fmt, ap);                         \
		va_end(ap);                                         \
		return r;                                           \
	}

#define COMPAT_VA(NAME, TARGET, FIRST_T)                            \
	COMPAT_HIDDEN int NAME(FIRST_T first, va_list ap)           \
	{                                                           \
		return TARGET(first, ap);                           \
	}

#define COMPAT_VA2(NAME, TARGET, FIRST_T, FMT_T)                    \
	COMPAT_HIDDEN int NAME(FIRST_T first, FMT_T fmt, va_list ap) \
	{                                                           \
		return TARGET(first, fmt, ap);                      \
	}

#ifdef COMPAT_OBJ_isoc23_sscanf
COMPAT_VARIADIC2(__isoc23_sscanf, __isoc99_vsscanf, const char *, const char *)
#endif
#ifdef COMPAT_OBJ_isoc23_fscanf
COMPAT_VARIADIC2(__isoc23_fscanf, __isoc99_vfscanf, compat_FILE *, const char *)
#endif
#ifdef COMPAT_OBJ_isoc23_scanf
COMPAT_VARIADIC(__isoc23_scanf, __isoc99_vscanf, const char *)
#endif
#ifdef COMPAT_OBJ_isoc23_vsscanf
COMPAT_VA2(__isoc23_vsscanf, __isoc99_vsscanf, const char *, const char *)
#endif
#ifdef COMPAT_OBJ_isoc23_vfscanf
COMPAT_VA2(__isoc23_vfscanf, __isoc99_vfscanf, compat_FILE *, const char *)
#endif
#ifdef COMPAT_OBJ_isoc23_vscanf
COMPAT_VA(__isoc23_vscanf, __isoc99_vscanf, const char *)
#endif
#ifdef COMPAT_OBJ_isoc23_swscanf
COMPAT_VARIADIC2(__isoc23_swscanf, __isoc99_vswscanf, const wchar_t *, const wchar_t *)
#endif
#ifdef COMPAT_OBJ_isoc23_fwscanf
COMPAT_VARIADIC2(__isoc23_fwscanf, __isoc99_vfwscanf, compat_FILE *, const wchar_t *)
#endif
#ifdef COMPAT_OBJ_isoc23_wscanf
COMPAT_VARIADIC(__isoc23_wscanf, __isoc99_vwscanf, const wchar_t *)
#endif
#ifdef COMPAT_OBJ_isoc23_vswscanf
COMPAT_VA2(__isoc23_vswscanf, __isoc99_vswscanf, const wchar_t *, const wchar_t *)
#endif
#ifdef COMPAT_OBJ_isoc23_vfwscanf
COMPAT_VA2(__isoc23_vfwscanf, __isoc99_vfwscanf, compat_FILE *, const wchar_t *)
#endif
#ifdef COMPAT_OBJ_isoc23_vwscanf
COMPAT_VA(__isoc23_vwscanf, __isoc99_vwscanf, const wchar_t *)
#endif
