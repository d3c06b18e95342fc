/* Shared by the arc4random objects: fill a buffer with kernel randomness.
 * It cannot fail: getrandom, or /dev/urandom on kernels without it, or abort.
 * static, so every object carries its own copy and none references another. */
#ifndef COMPAT_RANDOM_FILL_H
#define COMPAT_RANDOM_FILL_H

#include <stddef.h>
#include <errno.h>
#include "compat.h"

#define COMPAT_O_RDONLY  0
#define COMPAT_O_CLOEXEC 02000000

extern int open(const char *path, int flags, ...);
extern long read(int fd, void *buf, size_t len);
extern int close(int fd);
extern void abort(void) __attribute__((noreturn));

static __attribute__((unused)) int compat_urandom(unsigned char *p, size_t len)
{
	int fd = open("/dev/urandom", COMPAT_O_RDONLY | COMPAT_O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len > 0) {
		long n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	close(fd);
	return 0;
}

static __attribute__((unused)) void compat_random_fill(void *buf, size_t len)
{
	unsigned char *p = buf;
	int saved = errno;

	while (len > 0) {
		long n = syscall(COMPAT_SYS_getrandom, p, len, 0u);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS && compat_urandom(p, len) == 0)
				break;
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
	errno = saved;
}

#endif
