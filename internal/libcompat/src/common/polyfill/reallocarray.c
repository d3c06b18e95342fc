/* reallocarray (glibc 2.26): realloc(p, n * size) with overflow check. */
#include <stddef.h>
#include <errno.h>
#include "compat.h"

extern void *realloc(void *p, size_t size);

COMPAT_HIDDEN void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}
