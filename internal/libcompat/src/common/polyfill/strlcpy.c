/* strlcpy (glibc 2.38): see lcpy.h. */
#include "lcpy.h"

COMPAT_HIDDEN size_t strlcpy(char *dst, const char *src, size_t size)
{
	return compat_strlcpy(dst, src, size);
}
