/* fcntl64 (glibc 2.28): what <fcntl.h> calls under _FILE_OFFSET_BITS=64.
 * On LP64 struct flock already has 64-bit offsets, so plain fcntl does the
 * same job. On the 32-bit ABIs (i386, arm) the fcntl of glibc before 2.28
 * hands every command to the kernel's fcntl64 system call unchanged, as
 * 2.28's fcntl64 does, so F_GETLK64/F_SETLK64/F_SETLKW64 with a struct
 * flock64 (what F_GETLK & co. are under _FILE_OFFSET_BITS=64) work through
 * it too. The optional third argument is an int or a pointer; passing it
 * on as a pointer-sized value preserves either. */
#include <stdarg.h>
#include "compat.h"

#if __SIZEOF_POINTER__ != __SIZEOF_LONG__
# error "fcntl64 polyfill: needs LP64 or ILP32"
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
