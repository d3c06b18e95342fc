/* fcntl64 (glibc 2.28): what <fcntl.h> calls under _FILE_OFFSET_BITS=64.
 * On LP64 struct flock already has 64-bit offsets, so plain fcntl does the
 * same job. The optional third argument is an int or a pointer; passing it
 * on as a pointer-sized value preserves either. */
#include <stdarg.h>
#include "compat.h"

#if __SIZEOF_POINTER__ != 8 || __SIZEOF_LONG__ != 8
# error "fcntl64 polyfill: only LP64 is handled (32-bit needs F_*64 translation)"
#endif

extern int fcntl(int fd, int cmd, ...);

COMPAT_HIDDEN int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl(fd, cmd, arg);
}
