/* explicit_bzero (glibc 2.25): memset that the compiler may not drop. */
#include <stddef.h>
#include "compat.h"

COMPAT_HIDDEN void explicit_bzero(void *p, size_t len)
{
	__builtin_memset(p, 0, len);
	/* The buffer escapes into an opaque asm that "reads memory". */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
