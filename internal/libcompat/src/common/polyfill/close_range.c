/* close_range (glibc 2.34): the system call (kernel >= 5.9). On older
 * kernels (ENOSYS) the common cases are done by hand: flags 0 closes each
 * descriptor in the range, CLOSE_RANGE_CLOEXEC sets FD_CLOEXEC on each.
 * CLOSE_RANGE_UNSHARE cannot be emulated and still fails with ENOSYS. */
#include <errno.h>
#include <dirent.h>
#include <sys/resource.h>
#include "compat.h"

#define COMPAT_CLOSE_RANGE_UNSHARE 2u
#define COMPAT_CLOSE_RANGE_CLOEXEC 4u
#define COMPAT_F_GETFD 1
#define COMPAT_F_SETFD 2
#define COMPAT_FD_CLOEXEC 1

extern int close(int fd);
extern int fcntl(int fd, int cmd, ...);

/* Highest open descriptor number, or -1 if none; -2 if unknown. */
static long compat_highest_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long hi = -1;
	int self;

	if (d == 0)
		return -2;
	self = dirfd(d);
	while ((e = readdir(d)) != 0) {
		const char *s = e->d_name;
		long v = 0;
		if (*s < '0' || *s > '9')
			continue;
		while (*s >= '0' && *s <= '9')
			v = v * 10 + (*s++ - '0');
		if (v != self && v > hi)
			hi = v;
	}
	closedir(d);
	return hi;
}

COMPAT_HIDDEN int close_range(unsigned int first, unsigned int last, int flags)
{
	unsigned long fd, end;
	long hi;
	int saved;

	long r = syscall(COMPAT_SYS_close_range, first, last, flags);
	if (r == 0 || errno != ENOSYS)
		return (int)r;

	if (first > last || ((unsigned int)flags & ~COMPAT_CLOSE_RANGE_CLOEXEC) != 0) {
		errno = first > last ? EINVAL : ENOSYS;
		return -1;
	}
	saved = errno;
	hi = compat_highest_fd();
	if (hi == -2) {
		struct rlimit rl;
		hi = 65535;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < 1048576)
			hi = (long)rl.rlim_cur - 1;
	}
	if (hi < 0 || (unsigned long)hi < first) {
		errno = saved;
		return 0;
	}
	end = (unsigned long)hi < last ? (unsigned long)hi : last;
	for (fd = first; fd <= end; fd++) {
		if (flags != 0) {
			int fl = fcntl((int)fd, COMPAT_F_GETFD);
			if (fl >= 0)
				fcntl((int)fd, COMPAT_F_SETFD, fl | COMPAT_FD_CLOEXEC);
		} else {
			close((int)fd);
		}
	}
	errno = saved;
	return 0;
}
