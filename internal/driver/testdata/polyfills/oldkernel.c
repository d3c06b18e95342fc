/* The kernel-facing polyfills on a kernel that lacks their system calls,
 * as CentOS 7's 3.10 lacks getrandom, memfd_create, copy_file_range, statx
 * and close_range: a seccomp filter makes those calls fail with ENOSYS,
 * then each polyfill must behave as glibc does there (fail with ENOSYS) or
 * fall back (arc4random to /dev/urandom, close_range to closing by hand).
 * argv[1]: an empty scratch directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#include <sys/uio.h>
#include <sys/pidfd.h>

#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS)

static int old_kernel(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		DENY(__NR_getrandom),
		DENY(__NR_memfd_create),
		DENY(__NR_copy_file_range),
		DENY(__NR_statx),
		DENY(__NR_close_range),
		DENY(__NR_pidfd_open),
		DENY(__NR_preadv2),
		DENY(__NR_pwritev2),
		DENY(__NR_mlock2),
		DENY(__NR_renameat2),
		DENY(434 + 3 /* openat2 */),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: oldkernel DIR\n");
		return 2;
	}
	if (old_kernel() != 0) {
		printf("installing the seccomp filter failed: %s\n", errname(errno));
		return 1;
	}
	printf("filter: raw getrandom %s\n", RESULT(syscall(__NR_getrandom, NULL, 0, 0)));

	unsigned char a[2048], b[2048];
	printf("getrandom: %s\n", RESULT(getrandom(a, 16, 0)));
	printf("getentropy: %s\n", RESULT(getentropy(a, 16)));

	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	errno = 0;
	arc4random_buf(a, sizeof a);
	arc4random_buf(b, sizeof b);
	int e = errno;
	int seen[256] = {0}, distinct = 0;
	for (size_t i = 0; i < sizeof a; i++)
		if (!seen[a[i]]++)
			distinct++;
	printf("arc4random_buf from /dev/urandom: bytes %s, two calls %s, errno %s\n",
	       distinct > 200 ? "random" : "NOT RANDOM", memcmp(a, b, sizeof a) ? "differ" : "SAME", errname(e));
	int out = 0;
	for (int i = 0; i < 1000; i++)
		out += arc4random_uniform(6) >= 6;
	uint32_t first = arc4random(), same = 1;
	for (int i = 0; i < 16; i++)
		same &= arc4random() == first;
	printf("arc4random_uniform(6): %d out of range; arc4random %s\n", out, same ? "CONSTANT" : "varies");

	int fd = open("/dev/null", O_RDONLY);
	for (int i = 100; i <= 103; i++)
		dup2(fd, i);
	close(fd);
	const char *r = RESULT(close_range(100, 102, 0));
	printf("close_range(100, 102, 0) by hand: %s; open: %d %d %d %d\n", r, is_open(100),
	       is_open(101), is_open(102), is_open(103));
	r = RESULT(close_range(103, 103, CLOSE_RANGE_CLOEXEC));
	printf("close_range(103, 103, CLOEXEC) by hand: %s; open %d, %s\n", r, is_open(103),
	       fcntl(103, F_GETFD) & FD_CLOEXEC ? "FD_CLOEXEC" : "NO CLOEXEC");
	printf("close_range(5, 4, 0): %s\n", RESULT(close_range(5, 4, 0)));
	r = RESULT(close_range(103, 103, CLOSE_RANGE_UNSHARE));
	printf("close_range UNSHARE: %s; open %d\n", r, is_open(103));
	dup2(103, 300);
	r = RESULT(close_range(103, ~0u, 0));
	printf("close_range(103, ~0, 0) by hand: %s; open: %d %d; stdout open %d\n", r, is_open(103), is_open(300),
	       is_open(1));

	printf("memfd_create: %s\n", RESULT(memfd_create("x", MFD_CLOEXEC)));
	int in = open("in", O_RDWR | O_CREAT | O_TRUNC, 0600), outfd = open("out", O_RDWR | O_CREAT | O_TRUNC, 0600);
	printf("copy_file_range: %s\n", RESULT(copy_file_range(in, NULL, outfd, NULL, 10, 0)));
	struct statx x;
	printf("statx: %s\n", RESULT(statx(AT_FDCWD, "in", 0, STATX_SIZE, &x)));

	/* Wrappers with glibc's fallbacks for kernels without the call. */
	printf("pidfd_open: %s\n", RESULT(pidfd_open(getpid(), 0)));
	char w[] = "abcdef", rd[4] = "";
	struct iovec wv = {w, 6}, rv = {rd, 3};
	r = RESULT(pwritev2(in, &wv, 1, 0, 0));
	printf("pwritev2 flags 0 (pwritev): %s\n", r);
	r = RESULT(preadv2(in, &rv, 1, 2, 0));
	printf("preadv2 flags 0 (preadv): %s \"%s\"\n", r, rd);
	lseek(in, 1, SEEK_SET);
	r = RESULT(preadv2(in, &rv, 1, -1, 0));
	printf("preadv2 at -1 (readv): %s \"%s\"\n", r, rd);
	printf("preadv2 flags RWF_NOWAIT: %s\n", RESULT(preadv2(in, &rv, 1, 0, RWF_NOWAIT)));
	printf("pwritev2 flags RWF_DSYNC: %s\n", RESULT(pwritev2(in, &wv, 1, 0, RWF_DSYNC)));
	static char page[4096] __attribute__((aligned(4096)));
	printf("mlock2 flags 0 (mlock): %s\n", RESULT(mlock2(page, sizeof page, 0)));
	printf("mlock2 MLOCK_ONFAULT: %s\n", RESULT(mlock2(page, sizeof page, MLOCK_ONFAULT)));
	printf("renameat2 flags 0 (renameat): %s\n", RESULT(renameat2(AT_FDCWD, "out", AT_FDCWD, "moved", 0)));
	printf("renameat2 RENAME_NOREPLACE: %s\n", RESULT(renameat2(AT_FDCWD, "moved", AT_FDCWD, "other", RENAME_NOREPLACE)));
	for (int i = 200; i <= 202; i++)
		dup2(1, i);
	closefrom(201);
	printf("closefrom(201) by hand: open %d %d %d\n", is_open(200), is_open(201), is_open(202));
	return 0;
}
