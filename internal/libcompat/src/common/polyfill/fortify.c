/* The _FORTIFY_SOURCE checking variants of newer functions: what a newer
 * glibc's headers call, when a program is compiled with _FORTIFY_SOURCE and
 * the compiler knows the size of the destination. Each checks that size
 * against the request, as glibc does, and on overflow calls __chk_fail
 * (glibc 2.3.4), which reports "buffer overflow detected" and aborts; then
 * does the work without calling another polyfill. One archive member for
 * all; each is compiled in only where the target lacks it
 * (COMPAT_OBJ_<name>).
 *
 *   __explicit_bzero_chk   glibc 2.25
 *   __strlcpy_chk, __strlcat_chk, __wcslcpy_chk, __wcslcat_chk   2.38
 *   __inet_pton_chk, __inet_ntop_chk   2.42
 *   __memset_explicit_chk   2.43
 *
 * Sizes are in characters for the wide functions: the headers pass the
 * object size divided by sizeof(wchar_t). */
#include <stddef.h>
#include "lcpy.h"

extern void __chk_fail(void) __attribute__((noreturn));

#ifdef COMPAT_OBJ_explicit_bzero_chk
COMPAT_HIDDEN void __explicit_bzero_chk(void *p, size_t len, size_t dstlen)
{
	if (dstlen < len)
		__chk_fail();
	__builtin_memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
#endif

#ifdef COMPAT_OBJ_memset_explicit_chk
COMPAT_HIDDEN void *__memset_explicit_chk(void *p, int c, size_t len, size_t dstlen)
{
	if (dstlen < len)
		__chk_fail();
	__builtin_memset(p, c, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
	return p;
}
#endif

#ifdef COMPAT_OBJ_strlcpy_chk
COMPAT_HIDDEN size_t __strlcpy_chk(char *dst, const char *src, size_t size, size_t dstlen)
{
	if (dstlen < size)
		__chk_fail();
	return compat_strlcpy(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_strlcat_chk
COMPAT_HIDDEN size_t __strlcat_chk(char *dst, const char *src, size_t size, size_t dstlen)
{
	if (dstlen < size)
		__chk_fail();
	return compat_strlcat(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_wcslcpy_chk
COMPAT_HIDDEN size_t __wcslcpy_chk(compat_wchar *dst, const compat_wchar *src, size_t size, size_t dstlen)
{
	if (dstlen < size)
		__chk_fail();
	return compat_wcslcpy(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_wcslcat_chk
COMPAT_HIDDEN size_t __wcslcat_chk(compat_wchar *dst, const compat_wchar *src, size_t size, size_t dstlen)
{
	if (dstlen < size)
		__chk_fail();
	return compat_wcslcat(dst, src, size);
}
#endif

/* Address families (<sys/socket.h>), fixed by the Linux ABI. */
#define COMPAT_AF_INET 2
#define COMPAT_AF_INET6 10

#ifdef COMPAT_OBJ_inet_pton_chk
extern int inet_pton(int af, const char *src, void *dst);

COMPAT_HIDDEN int __inet_pton_chk(int af, const char *src, void *dst, size_t dstlen)
{
	if ((af == COMPAT_AF_INET && dstlen < 4) || (af == COMPAT_AF_INET6 && dstlen < 16))
		__chk_fail();
	return inet_pton(af, src, dst);
}
#endif

#ifdef COMPAT_OBJ_inet_ntop_chk
extern const char *inet_ntop(int af, const void *src, char *dst, unsigned int size);

COMPAT_HIDDEN const char *__inet_ntop_chk(int af, const void *src, char *dst, unsigned int size, size_t dstlen)
{
	if (size > dstlen)
		__chk_fail();
	return inet_ntop(af, src, dst, size);
}
#endif
