/* copy_file_range (glibc 2.27): the system call (kernel >= 4.5, else
 * ENOSYS, which is also what glibc >= 2.30 reports). */
#include <sys/types.h>
#include "compat.h"

COMPAT_HIDDEN ssize_t copy_file_range(int in_fd, long long *in_off, int out_fd,
				      long long *out_off, size_t len, unsigned int flags)
{
	return (ssize_t)syscall(COMPAT_SYS_copy_file_range, in_fd, in_off, out_fd,
				out_off, len, flags);
}
