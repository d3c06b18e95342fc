/* String and memory functions glibc added after 2.17:
 *
 *   explicit_bzero   2.25: memset to 0 that the compiler may not drop
 *   strlcpy strlcat wcslcpy wcslcat   2.38: see lcpy.h
 *   memset_explicit  2.43 (C23): memset that the compiler may not drop
 *
 * One archive member for all; each is compiled in only where the target
 * lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include "lcpy.h"

#ifdef COMPAT_OBJ_explicit_bzero
COMPAT_HIDDEN void explicit_bzero(void *p, size_t len)
{
	__builtin_memset(p, 0, len);
	/* The buffer escapes into an opaque asm that "reads memory". */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
#endif

#ifdef COMPAT_OBJ_memset_explicit
COMPAT_HIDDEN void *memset_explicit(void *p, int c, size_t len)
{
	__builtin_memset(p, c, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
	return p;
}
#endif

#ifdef COMPAT_OBJ_strlcpy
COMPAT_HIDDEN size_t strlcpy(char *dst, const char *src, size_t size)
{
	return compat_strlcpy(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_strlcat
COMPAT_HIDDEN size_t strlcat(char *dst, const char *src, size_t size)
{
	return compat_strlcat(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_wcslcpy
COMPAT_HIDDEN size_t wcslcpy(compat_wchar *dst, const compat_wchar *src, size_t size)
{
	return compat_wcslcpy(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_wcslcat
COMPAT_HIDDEN size_t wcslcat(compat_wchar *dst, const compat_wchar *src, size_t size)
{
	return compat_wcslcat(dst, src, size);
}
#endif
