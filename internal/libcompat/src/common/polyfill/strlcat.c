/* strlcat (glibc 2.38): append src to the string in dst (a buffer of size
 * bytes), truncating and terminating; return the length of the string it
 * tried to create. If dst holds no terminator within size bytes it is left
 * alone and size + strlen(src) is returned. */
#include <stddef.h>
#include "compat.h"

COMPAT_HIDDEN size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = 0, slen = __builtin_strlen(src), room, n;

	while (dlen < size && dst[dlen] != '\0')
		dlen++;
	if (dlen == size)
		return size + slen;
	room = size - dlen - 1;
	n = slen < room ? slen : room;
	__builtin_memcpy(dst + dlen, src, n);
	dst[dlen + n] = '\0';
	return dlen + slen;
}
