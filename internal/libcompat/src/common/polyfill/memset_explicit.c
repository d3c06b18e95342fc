/* memset_explicit (glibc 2.43, C23): memset that the compiler may not drop. */
#include <stddef.h>
#include "compat.h"

COMPAT_HIDDEN void *memset_explicit(void *p, int c, size_t len)
{
	__builtin_memset(p, c, len);
	/* The buffer escapes into an opaque asm that "reads memory". */
	__asm__ __volatile__("" : : "r"(p) : "memory");
	return p;
}
