/* System-call wrappers glibc added after 2.17, as glibc writes them: the
 * system call, failing with ENOSYS (errno) on a kernel that lacks it, and
 * where glibc has a fallback for that case (mlock2, renameat2 with flags 0,
 * preadv2/pwritev2, pkey_mprotect with key -1), the same fallback.
 *
 *   getrandom getentropy   2.25
 *   preadv2 preadv64v2 pwritev2 pwritev64v2   2.26
 *   copy_file_range memfd_create mlock2 pkey_alloc pkey_free pkey_mprotect
 *   pkey_get pkey_set   2.27     statx   2.28
 *   renameat2   2.28      getcpu   2.29      getdents64 gettid tgkill   2.30
 *   execveat   2.34       epoll_pwait2   2.35
 *   fsconfig fsmount fsopen fspick mount_setattr move_mount open_tree
 *   pidfd_getfd pidfd_open pidfd_send_signal process_madvise
 *   process_mrelease   2.36
 *   pidfd_getpid   2.39   sched_getattr sched_setattr   2.41
 *   mseal openat2   2.43
 *
 * One archive member for all (each wrapper is a few instructions, and they
 * call nothing but syscall and a few old libc functions); each function is
 * compiled in only where the target lacks it (COMPAT_OBJ_<name>). Struct
 * arguments are passed through as opaque pointers: the kernel defines them. */
#include <stddef.h>
#include <errno.h>
#include "compat.h"

typedef long compat_ssize_t;
typedef long compat_off_t;
struct iovec;

extern compat_ssize_t readv(int fd, const struct iovec *iov, int n);
extern compat_ssize_t writev(int fd, const struct iovec *iov, int n);
extern compat_ssize_t preadv(int fd, const struct iovec *iov, int n, compat_off_t off);
extern compat_ssize_t pwritev(int fd, const struct iovec *iov, int n, compat_off_t off);
extern int mlock(const void *addr, size_t len);
extern int mprotect(void *addr, size_t len, int prot);
extern int renameat(int oldfd, const char *old, int newfd, const char *new_);
extern int open(const char *path, int flags, ...);
extern compat_ssize_t read(int fd, void *buf, size_t n);
extern int close(int fd);

#define COMPAT_ENOTSUP 95 /* EOPNOTSUPP on Linux */

/* syscall returns long; the int-returning wrappers narrow it as glibc's
 * INLINE_SYSCALL does. */
#define SYS_INT(...) ((int)syscall(__VA_ARGS__))

#ifdef COMPAT_OBJ_getrandom
COMPAT_HIDDEN compat_ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	return syscall(COMPAT_SYS_getrandom, buf, len, flags);
}
#endif

#ifdef COMPAT_OBJ_getentropy
/* Up to 256 bytes from the kernel's random pool, retrying on
 * interruption and short reads. */
COMPAT_HIDDEN int getentropy(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t done = 0;

	if (len > 256) {
		errno = EIO;
		return -1;
	}
	while (done < len) {
		long n = syscall(COMPAT_SYS_getrandom, p + done, len - done, 0u);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}
#endif

#ifdef COMPAT_OBJ_gettid
COMPAT_HIDDEN int gettid(void)
{
	return SYS_INT(COMPAT_SYS_gettid);
}
#endif

#ifdef COMPAT_OBJ_memfd_create
COMPAT_HIDDEN int memfd_create(const char *name, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_memfd_create, name, flags);
}
#endif

#ifdef COMPAT_OBJ_copy_file_range
/* Kernel >= 4.5, else ENOSYS, which is also what glibc >= 2.30 reports. */
COMPAT_HIDDEN compat_ssize_t copy_file_range(int in_fd, long long *in_off, int out_fd, long long *out_off, size_t len,
					     unsigned int flags)
{
	return syscall(COMPAT_SYS_copy_file_range, in_fd, in_off, out_fd, out_off, len, flags);
}
#endif

#ifdef COMPAT_OBJ_statx
struct statx;

COMPAT_HIDDEN int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
	return SYS_INT(COMPAT_SYS_statx, dirfd, path, flags, mask, buf);
}
#endif

#if defined(COMPAT_OBJ_preadv2) || defined(COMPAT_OBJ_preadv64v2)
/* 64-bit: the offset goes in one register, the high half is 0. Without
 * the system call (Linux < 4.6), flags cannot be emulated (ENOTSUP) and
 * offset -1 means "at the file position", as glibc does. */
static compat_ssize_t compat_preadv2(int fd, const struct iovec *iov, int n, compat_off_t off, int flags)
{
	compat_ssize_t r = syscall(COMPAT_SYS_preadv2, fd, iov, n, off, 0L, flags);
	if (r >= 0 || errno != ENOSYS)
		return r;
	if (flags != 0) {
		errno = COMPAT_ENOTSUP;
		return -1;
	}
	return off == -1 ? readv(fd, iov, n) : preadv(fd, iov, n, off);
}
#endif
#ifdef COMPAT_OBJ_preadv2
COMPAT_HIDDEN compat_ssize_t preadv2(int fd, const struct iovec *iov, int n, compat_off_t off, int flags)
{
	return compat_preadv2(fd, iov, n, off, flags);
}
#endif
#ifdef COMPAT_OBJ_preadv64v2
COMPAT_HIDDEN compat_ssize_t preadv64v2(int fd, const struct iovec *iov, int n, compat_off_t off, int flags)
{
	return compat_preadv2(fd, iov, n, off, flags);
}
#endif

#if defined(COMPAT_OBJ_pwritev2) || defined(COMPAT_OBJ_pwritev64v2)
static compat_ssize_t compat_pwritev2(int fd, const struct iovec *iov, int n, compat_off_t off, int flags)
{
	compat_ssize_t r = syscall(COMPAT_SYS_pwritev2, fd, iov, n, off, 0L, flags);
	if (r >= 0 || errno != ENOSYS)
		return r;
	if (flags != 0) {
		errno = COMPAT_ENOTSUP;
		return -1;
	}
	return off == -1 ? writev(fd, iov, n) : pwritev(fd, iov, n, off);
}
#endif
#ifdef COMPAT_OBJ_pwritev2
COMPAT_HIDDEN compat_ssize_t pwritev2(int fd, const struct iovec *iov, int n, compat_off_t off, int flags)
{
	return compat_pwritev2(fd, iov, n, off, flags);
}
#endif
#ifdef COMPAT_OBJ_pwritev64v2
COMPAT_HIDDEN compat_ssize_t pwritev64v2(int fd, const struct iovec *iov, int n, compat_off_t off, int flags)
{
	return compat_pwritev2(fd, iov, n, off, flags);
}
#endif

#ifdef COMPAT_OBJ_mlock2
/* Flags 0 is mlock; without the system call (Linux < 4.4) any flag is
 * treated as invalid. */
COMPAT_HIDDEN int mlock2(const void *addr, size_t len, unsigned int flags)
{
	if (flags == 0)
		return mlock(addr, len);
	int r = SYS_INT(COMPAT_SYS_mlock2, addr, len, flags);
	if (r == 0 || errno != ENOSYS)
		return r;
	errno = EINVAL;
	return -1;
}
#endif

#ifdef COMPAT_OBJ_pkey_alloc
COMPAT_HIDDEN int pkey_alloc(unsigned int flags, unsigned int rights)
{
	return SYS_INT(COMPAT_SYS_pkey_alloc, flags, rights);
}
#endif

#ifdef COMPAT_OBJ_pkey_free
COMPAT_HIDDEN int pkey_free(int key)
{
	return SYS_INT(COMPAT_SYS_pkey_free, key);
}
#endif

#ifdef COMPAT_OBJ_pkey_mprotect
/* Key -1 is exactly mprotect. */
COMPAT_HIDDEN int pkey_mprotect(void *addr, size_t len, int prot, int key)
{
	if (key == -1)
		return mprotect(addr, len, prot);
	return SYS_INT(COMPAT_SYS_pkey_mprotect, addr, len, prot, key);
}
#endif

#if defined(COMPAT_OBJ_pkey_get) || defined(COMPAT_OBJ_pkey_set)
/* The access rights live in the PKRU register, two bits per key; like
 * glibc's, these use RDPKRU/WRPKRU directly (a CPU without protection
 * keys raises SIGILL, as it does under glibc). */
static unsigned int compat_rdpkru(void)
{
	unsigned int eax, edx;
	__asm__ __volatile__(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}
#endif

#ifdef COMPAT_OBJ_pkey_get
COMPAT_HIDDEN int pkey_get(int key)
{
	if (key < 0 || key > 15) {
		errno = EINVAL;
		return -1;
	}
	return (int)((compat_rdpkru() >> (2 * key)) & 3);
}
#endif

#ifdef COMPAT_OBJ_pkey_set
COMPAT_HIDDEN int pkey_set(int key, unsigned int rights)
{
	if (key < 0 || key > 15 || rights > 3) {
		errno = EINVAL;
		return -1;
	}
	unsigned int mask = 3u << (2 * key);
	unsigned int pkru = (compat_rdpkru() & ~mask) | (rights << (2 * key));
	__asm__ __volatile__(".byte 0x0f, 0x01, 0xef" : : "a"(pkru), "c"(0), "d"(0) : "memory");
	return 0;
}
#endif

#ifdef COMPAT_OBJ_renameat2
/* Flags 0 is renameat; without the system call (Linux < 3.15) every flag
 * is unknown. */
COMPAT_HIDDEN int renameat2(int oldfd, const char *old, int newfd, const char *new_, unsigned int flags)
{
	if (flags == 0)
		return renameat(oldfd, old, newfd, new_);
	int r = SYS_INT(COMPAT_SYS_renameat2, oldfd, old, newfd, new_, flags);
	if (r != -1 || errno != ENOSYS)
		return r;
	errno = EINVAL;
	return -1;
}
#endif

#ifdef COMPAT_OBJ_getcpu
COMPAT_HIDDEN int getcpu(unsigned int *cpu, unsigned int *node)
{
	return SYS_INT(COMPAT_SYS_getcpu, cpu, node, 0L);
}
#endif

#ifdef COMPAT_OBJ_getdents64
COMPAT_HIDDEN compat_ssize_t getdents64(int fd, void *buf, size_t n)
{
	/* The kernel takes an unsigned int count. */
	if (n > 0x7fffffff)
		n = 0x7fffffff;
	return syscall(COMPAT_SYS_getdents64, fd, buf, n);
}
#endif

#ifdef COMPAT_OBJ_tgkill
COMPAT_HIDDEN int tgkill(int tgid, int tid, int sig)
{
	return SYS_INT(COMPAT_SYS_tgkill, tgid, tid, sig);
}
#endif

#ifdef COMPAT_OBJ_execveat
COMPAT_HIDDEN int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	return SYS_INT(COMPAT_SYS_execveat, dirfd, path, argv, envp, flags);
}
#endif

#ifdef COMPAT_OBJ_epoll_pwait2
/* The kernel wants the size of its signal set: _NSIG / 8. */
COMPAT_HIDDEN int epoll_pwait2(int epfd, void *events, int maxevents, const void *timeout, const void *sigmask)
{
	return SYS_INT(COMPAT_SYS_epoll_pwait2, epfd, events, maxevents, timeout, sigmask, 8L);
}
#endif

#ifdef COMPAT_OBJ_fsconfig
COMPAT_HIDDEN int fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
	return SYS_INT(COMPAT_SYS_fsconfig, fd, cmd, key, value, aux);
}
#endif

#ifdef COMPAT_OBJ_fsmount
COMPAT_HIDDEN int fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
	return SYS_INT(COMPAT_SYS_fsmount, fd, flags, attr_flags);
}
#endif

#ifdef COMPAT_OBJ_fsopen
COMPAT_HIDDEN int fsopen(const char *fsname, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_fsopen, fsname, flags);
}
#endif

#ifdef COMPAT_OBJ_fspick
COMPAT_HIDDEN int fspick(int dfd, const char *path, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_fspick, dfd, path, flags);
}
#endif

#ifdef COMPAT_OBJ_mount_setattr
COMPAT_HIDDEN int mount_setattr(int dfd, const char *path, unsigned int flags, void *attr, size_t size)
{
	return SYS_INT(COMPAT_SYS_mount_setattr, dfd, path, flags, attr, size);
}
#endif

#ifdef COMPAT_OBJ_move_mount
COMPAT_HIDDEN int move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
#endif

#ifdef COMPAT_OBJ_open_tree
COMPAT_HIDDEN int open_tree(int dfd, const char *path, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_open_tree, dfd, path, flags);
}
#endif

#ifdef COMPAT_OBJ_pidfd_getfd
COMPAT_HIDDEN int pidfd_getfd(int pidfd, int targetfd, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_pidfd_getfd, pidfd, targetfd, flags);
}
#endif

#ifdef COMPAT_OBJ_pidfd_open
COMPAT_HIDDEN int pidfd_open(int pid, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_pidfd_open, pid, flags);
}
#endif

#ifdef COMPAT_OBJ_pidfd_send_signal
COMPAT_HIDDEN int pidfd_send_signal(int pidfd, int sig, void *info, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_pidfd_send_signal, pidfd, sig, info, flags);
}
#endif

#ifdef COMPAT_OBJ_process_madvise
COMPAT_HIDDEN compat_ssize_t process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice, unsigned int flags)
{
	return syscall(COMPAT_SYS_process_madvise, pidfd, iov, n, advice, flags);
}
#endif

#ifdef COMPAT_OBJ_process_mrelease
COMPAT_HIDDEN int process_mrelease(int pidfd, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_process_mrelease, pidfd, flags);
}
#endif

#ifdef COMPAT_OBJ_pidfd_getpid
/* The process a pidfd refers to, from the "Pid:" line of
 * /proc/self/fdinfo/<fd>, read as glibc reads it: no such line or a
 * malformed one is EBADF, 0 (another PID namespace) EREMOTE, -1 (the
 * process has ended) ESRCH. Kernels before 5.3 have no pidfds, so every
 * descriptor is EBADF there, as with glibc. */
COMPAT_HIDDEN int pidfd_getpid(int fd)
{
	char path[40] = "/proc/self/fdinfo/", digits[12], buf[4096];
	int i = 0, n = 0, len = 0, fdinfo, found = 0, pid = 0;
	unsigned int v = (unsigned int)fd;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 18; n > 0; i++)
		path[i] = digits[--n];
	path[i] = 0;
	fdinfo = open(path, 02000000 /* O_CLOEXEC */);
	if (fdinfo < 0) {
		errno = EBADF;
		return -1;
	}
	for (;;) {
		compat_ssize_t r = read(fdinfo, buf + len, sizeof buf - 1 - (size_t)len);
		if (r <= 0)
			break;
		len += (int)r;
		if (len == (int)sizeof buf - 1)
			break;
	}
	close(fdinfo);
	buf[len] = 0;
	for (char *l = buf; *l != 0;) {
		char *end = l;
		while (*end != 0 && *end != '\n')
			end++;
		char next = *end;
		*end = 0;
		if (l[0] == 'P' && l[1] == 'i' && l[2] == 'd' && l[3] == ':') {
			const char *p = l + 4;
			int neg = 0, bad = 0;
			while (*p == ' ' || (unsigned int)(*p - '\t') < 5)
				p++;
			if (*p == '-') {
				neg = 1;
				p++;
			} else if (*p == '+')
				bad = 1;
			if (!bad && *p != 0) {
				long long val = 0;
				for (; *p != 0 && !bad; p++) {
					if (*p < '0' || *p > '9' || (val = val * 10 + (*p - '0')) > 0x7fffffff)
						bad = 1;
				}
				if (!bad && neg && val != 1)
					bad = 1;
				if (bad) {
					errno = EBADF;
					return -1;
				}
				pid = neg ? -(int)val : (int)val;
				found = 1;
				break;
			}
			if (bad) {
				errno = EBADF;
				return -1;
			}
		}
		if (next == 0)
			break;
		l = end + 1;
	}
	if (!found) {
		errno = EBADF;
		return -1;
	}
	if (pid == 0) {
		errno = 66; /* EREMOTE */
		return -1;
	}
	if (pid < 0) {
		errno = ESRCH;
		return -1;
	}
	return pid;
}
#endif

#ifdef COMPAT_OBJ_sched_getattr
COMPAT_HIDDEN int sched_getattr(int pid, void *attr, unsigned int size, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_sched_getattr, pid, attr, size, flags);
}
#endif

#ifdef COMPAT_OBJ_sched_setattr
COMPAT_HIDDEN int sched_setattr(int pid, void *attr, unsigned int flags)
{
	return SYS_INT(COMPAT_SYS_sched_setattr, pid, attr, flags);
}
#endif

#ifdef COMPAT_OBJ_mseal
COMPAT_HIDDEN int mseal(void *addr, size_t len, unsigned long flags)
{
	return SYS_INT(COMPAT_SYS_mseal, addr, len, flags);
}
#endif

#ifdef COMPAT_OBJ_openat2
COMPAT_HIDDEN int openat2(int dfd, const char *path, void *how, size_t size)
{
	return SYS_INT(COMPAT_SYS_openat2, dfd, path, how, size);
}
#endif
