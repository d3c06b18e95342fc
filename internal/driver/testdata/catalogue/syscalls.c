/* The system-call wrappers glibc added after 2.17, on this kernel: each
 * called so that its result does not depend on IDs, privileges or timing
 * (mostly the argument checks the kernel makes first), and the wrappers
 * with a fallback in glibc (preadv2/pwritev2, mlock2, renameat2,
 * pkey_mprotect) both ways. argv[1]: an empty scratch directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../polyfills/check.h"

/* Declared here: glibc 2.36's headers lack some. */
int fsopen(const char *, unsigned int);
int fsmount(int, unsigned int, unsigned int);
int fsconfig(int, unsigned int, const char *, const void *, int);
int fspick(int, const char *, unsigned int);
int open_tree(int, const char *, unsigned int);
int move_mount(int, const char *, int, const char *, unsigned int);
int mount_setattr(int, const char *, unsigned int, void *, size_t);
int epoll_pwait2(int, struct epoll_event *, int, const struct timespec *, const sigset_t *);
int pidfd_getpid(int);
int sched_getattr(pid_t, void *, unsigned int, unsigned int);
int sched_setattr(pid_t, void *, unsigned int);
ssize_t getdents64(int, void *, size_t);

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: syscalls DIR\n");
		return 2;
	}
	int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char a[6] = "hello", b[8] = "", c[8] = "";
	struct iovec w = {a, 5}, r2[2] = {{b, 3}, {c, 2}};
	printf("pwritev2 at 10: %s\n", RESULT(pwritev2(fd, &w, 1, 10, 0)));
	printf("pwritev64v2 at -1: %s\n", RESULT(pwritev64v2(fd, &w, 1, -1, 0)));
	printf("preadv2 at 10: %s \"%s\" \"%s\"\n", RESULT(preadv2(fd, r2, 2, 10, 0)), b, c);
	lseek(fd, 0, SEEK_SET);
	memset(b, 0, sizeof b);
	printf("preadv64v2 at -1: %s \"%s\"\n", RESULT(preadv64v2(fd, r2, 1, -1, 0)), b);
	printf("preadv2 bad flags: %s\n", RESULT(preadv2(fd, r2, 1, 0, 0x40000000)));
	printf("preadv2 bad fd: %s\n", RESULT(preadv2(-1, r2, 1, 0, 0)));

	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mlock2 flags 0: %s\n", RESULT(mlock2(page, 4096, 0)));
	printf("mlock2 bad flags: %s\n", RESULT(mlock2(page, 4096, 0x100)));
	printf("pkey_mprotect key -1: %s\n", RESULT(pkey_mprotect(page, 4096, PROT_READ, -1)));
	printf("pkey_mprotect bad key: %s\n", RESULT(pkey_mprotect(page, 4096, PROT_READ, 99)));
	printf("pkey_free bad key: %s\n", RESULT(pkey_free(99)));
	printf("pkey_alloc bad flags: %s\n", RESULT(pkey_alloc(1, 0)));
	printf("pkey_get bad key: %s, pkey_set bad rights: %s\n", RESULT(pkey_get(16)), RESULT(pkey_set(0, 4)));
	int key = pkey_alloc(0, 0);
	if (key >= 0) {
		int set = pkey_set(key, PKEY_DISABLE_WRITE), got = pkey_get(key);
		printf("pkey: set %d, get %d\n", set, got);
		pkey_free(key);
	} else {
		printf("pkey: unsupported here\n");
	}

	int f2 = open("other", O_CREAT | O_WRONLY, 0600);
	close(f2);
	printf("renameat2 flags 0: %s\n", RESULT(renameat2(AT_FDCWD, "other", AT_FDCWD, "moved", 0)));
	printf("renameat2 NOREPLACE onto a file: %s\n", RESULT(renameat2(AT_FDCWD, "moved", AT_FDCWD, "data", RENAME_NOREPLACE)));
	printf("renameat2 bad flags: %s\n", RESULT(renameat2(AT_FDCWD, "moved", AT_FDCWD, "x", 0x80000000u)));

	unsigned int cpu = 99999, node = 99999;
	const char *r = RESULT(getcpu(&cpu, &node));
	printf("getcpu: %s, cpu set %d, node set %d\n", r, cpu != 99999, node != 99999);
	printf("tgkill self 0: %s, bad signal: %s\n", RESULT(tgkill(getpid(), gettid(), 0)), RESULT(tgkill(getpid(), gettid(), 9999)));

	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	char dents[4096];
	ssize_t n = getdents64(dfd, dents, sizeof dents);
	int names = 0;
	for (ssize_t off = 0; off < n;) {
		struct dirent64 *d = (struct dirent64 *)(dents + off);
		names += d->d_name[0] != '.';
		off += d->d_reclen;
	}
	printf("getdents64: %s entries besides dot ones\n", n > 0 ? (names == 2 ? "2" : "wrong") : RESULT(n));
	printf("getdents64 bad fd: %s\n", RESULT(getdents64(-1, dents, sizeof dents)));

	char *noargs[] = {NULL};
	printf("execveat bad fd: %s\n", RESULT(execveat(-1, "", noargs, noargs, AT_EMPTY_PATH)));
	printf("execveat bad flags: %s\n", RESULT(execveat(AT_FDCWD, "data", noargs, noargs, 0x7fff0000)));

	int ep = epoll_create1(0);
	struct epoll_event ev;
	struct timespec zero = {0, 0};
	printf("epoll_pwait2 nothing ready: %s\n", RESULT(epoll_pwait2(ep, &ev, 1, &zero, NULL)));
	printf("epoll_pwait2 bad fd: %s\n", RESULT(epoll_pwait2(-1, &ev, 1, &zero, NULL)));

	printf("fsmount bad fd: %s\n", RESULT(fsmount(-1, 0, 0)));
	printf("fsconfig bad fd: %s\n", RESULT(fsconfig(-1, 0, NULL, NULL, 0)));
	printf("move_mount bad flags: %s\n", RESULT(move_mount(-1, "", -1, "", 0xffffffffu)));
	printf("open_tree bad flags: %s\n", RESULT(open_tree(-1, "", 0xffffffffu)));
	printf("fspick bad flags: %s\n", RESULT(fspick(-1, "", 0xffffffffu)));
	printf("fsopen bad flags: %s\n", RESULT(fsopen("tmpfs", 0xffffffffu)));
	printf("mount_setattr bad flags: %s\n", RESULT(mount_setattr(-1, "", 0xffffffffu, NULL, 0)));

	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	int pidfd = pidfd_open(child, 0);
	printf("pidfd_open child: %s\n", pidfd >= 0 ? "fd" : RESULT(pidfd));
	printf("pidfd_getpid: %s\n", pidfd_getpid(pidfd) == child ? "the child's pid" : RESULT(pidfd_getpid(pidfd)));
	printf("pidfd_getpid bad fd: %s, not a pidfd: %s, negative: %s\n", RESULT(pidfd_getpid(999)), RESULT(pidfd_getpid(fd)), RESULT(pidfd_getpid(-3)));
	int got = pidfd_getfd(pidfd, 999, 0);
	printf("pidfd_getfd closed fd: %s\n", RESULT(got));
	printf("pidfd_getfd bad flags: %s\n", RESULT(pidfd_getfd(pidfd, 0, 1)));
	struct iovec iv = {page, 4096};
	printf("process_madvise bad advice: %s\n", RESULT(process_madvise(pidfd, &iv, 1, 9999, 0)));
	printf("process_mrelease live process: %s\n", RESULT(process_mrelease(pidfd, 0)));
	printf("pidfd_send_signal SIGKILL: %s\n", RESULT(pidfd_send_signal(pidfd, SIGKILL, NULL, 0)));
	int st;
	waitpid(child, &st, 0);
	printf("child killed: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	printf("pidfd_getpid ended: %s\n", RESULT(pidfd_getpid(pidfd)));
	printf("pidfd_open bad flags: %s\n", RESULT(pidfd_open(getpid(), 0x1234)));

	unsigned int attr[14];
	memset(attr, 0, sizeof attr);
	r = RESULT(sched_getattr(0, attr, sizeof attr, 0));
	printf("sched_getattr self: %s, size %u, policy %u\n", r, attr[0], attr[1]);
	printf("sched_getattr bad flags: %s\n", RESULT(sched_getattr(0, attr, sizeof attr, 1)));
	printf("sched_setattr same: %s\n", RESULT(sched_setattr(0, attr, 0)));
	printf("sched_setattr bad flags: %s\n", RESULT(sched_setattr(0, attr, 0x80000000u)));
	return 0;
}
