/* statx (glibc 2.28): the system call (kernel >= 4.11, else ENOSYS).
 * Rust's std and others call it through a weak reference, which does not
 * pull this object in; only direct references do. */
#include "compat.h"

struct statx;

COMPAT_HIDDEN int statx(int dirfd, const char *path, int flags, unsigned int mask,
			struct statx *buf)
{
	return (int)syscall(COMPAT_SYS_statx, dirfd, path, flags, mask, buf);
}
