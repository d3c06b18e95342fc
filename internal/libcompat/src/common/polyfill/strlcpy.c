/* strlcpy (glibc 2.38): copy at most size-1 bytes, always terminate when
 * size > 0, return strlen(src). */
#include <stddef.h>
#include "compat.h"

COMPAT_HIDDEN size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = __builtin_strlen(src);

	if (size != 0) {
		size_t n = len < size - 1 ? len : size - 1;
		__builtin_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
