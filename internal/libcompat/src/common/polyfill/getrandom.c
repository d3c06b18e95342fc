/* getrandom (glibc 2.25): the system call. On kernels without it (< 3.17)
 * this fails with ENOSYS, as the real function does. */
#include <sys/types.h>
#include "compat.h"

COMPAT_HIDDEN ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	return (ssize_t)syscall(COMPAT_SYS_getrandom, buf, len, flags);
}
