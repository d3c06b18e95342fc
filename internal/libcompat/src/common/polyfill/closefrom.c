/* closefrom (glibc 2.34): close every descriptor from lowfd up, through
 * close_range (which falls back to closing them one by one on kernels
 * without it). Like glibc, a failure there ends the process: the caller
 * cannot go on believing descriptors are closed that are not. */
#include "compat.h"

extern int close_range(unsigned int first, unsigned int last, int flags);
extern long write(int fd, const void *buf, unsigned long n);
extern void abort(void) __attribute__((noreturn));

COMPAT_HIDDEN void closefrom(int lowfd)
{
	static const char msg[] = "*** closefrom failed to close a file descriptor ***: terminated\n";

	if (close_range(lowfd < 0 ? 0u : (unsigned int)lowfd, ~0u, 0) == 0)
		return;
	write(2, msg, sizeof msg - 1);
	abort();
}
