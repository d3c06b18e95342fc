/* The stat family: stat, fstat, lstat, fstatat, their *64 forms, mknod
 * and mknodat (real libc symbols since glibc 2.33; before that wrappers
 * around __xstat & co. in libc_nonshared.a), and statx (2.28).
 * Built without _FILE_OFFSET_BITS so that each name is called as itself.
 * argv[1]: an empty scratch directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "check.h"

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "file" : S_ISLNK(m) ? "symlink" : S_ISDIR(m) ? "dir" : S_ISFIFO(m) ? "fifo" : "other";
}

#define SHOW(what, call, st)                                                                        \
	do {                                                                                        \
		int r_ = (call);                                                                    \
		printf("%s: %d, %s, size %lld, mode %o\n", what, r_, kind((st).st_mode),            \
		       (long long)(st).st_size, (unsigned)((st).st_mode & 07777));                   \
	} while (0)

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: stat DIR\n");
		return 2;
	}
	umask(0);
	static char data[12345];
	int fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || write(fd, data, sizeof data) != sizeof data || symlink("file", "link") != 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	struct stat st;
	struct stat64 st64;

	SHOW("stat file", stat("file", &st), st);
	SHOW("stat link", stat("link", &st), st);
	SHOW("lstat link", lstat("link", &st), st);
	SHOW("fstat", fstat(fd, &st), st);
	SHOW("fstatat file", fstatat(dir, "file", &st, 0), st);
	SHOW("fstatat link nofollow", fstatat(dir, "link", &st, AT_SYMLINK_NOFOLLOW), st);
	SHOW("stat64 file", stat64("file", &st64), st64);
	SHOW("lstat64 link", lstat64("link", &st64), st64);
	SHOW("fstat64", fstat64(fd, &st64), st64);
	SHOW("fstatat64 link nofollow", fstatat64(dir, "link", &st64, AT_SYMLINK_NOFOLLOW), st64);
	printf("stat missing: %s\n", RESULT(stat("missing", &st)));
	printf("fstat64 bad fd: %s\n", RESULT(fstat64(-1, &st64)));

	/* The structure layout must be the one libc fills: compare fields. */
	struct stat a;
	struct stat64 b;
	struct statx x;
	stat("file", &a);
	stat64("file", &b);
	int xr = statx(AT_FDCWD, "file", 0, STATX_BASIC_STATS, &x);
	printf("statx file: %d, %s, size %llu, mode %o, mask has size %s\n", xr, kind(x.stx_mode),
	       (unsigned long long)x.stx_size, (unsigned)(x.stx_mode & 07777),
	       x.stx_mask & STATX_SIZE ? "yes" : "no");
	printf("stat, stat64, statx agree on inode, device, links, uid, mtime: %s\n",
	       a.st_ino == b.st_ino && a.st_ino == x.stx_ino && a.st_dev == b.st_dev &&
			       major(a.st_dev) == x.stx_dev_major && minor(a.st_dev) == x.stx_dev_minor &&
			       a.st_nlink == 1 && b.st_nlink == 1 && x.stx_nlink == 1 && a.st_uid == x.stx_uid &&
			       a.st_mtim.tv_sec == x.stx_mtime.tv_sec && a.st_mtim.tv_nsec == (long)x.stx_mtime.tv_nsec &&
			       b.st_mtim.tv_nsec == a.st_mtim.tv_nsec
		       ? "yes"
		       : "NO");
	xr = statx(dir, "link", AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE, &x);
	printf("statx link nofollow: %d, %s, size %llu\n", xr, kind(x.stx_mode), (unsigned long long)x.stx_size);
	printf("statx missing: %s\n", RESULT(statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &x)));

	printf("mknod fifo: %d\n", mknod("fifo", S_IFIFO | 0604, 0));
	SHOW("stat fifo", stat("fifo", &st), st);
	printf("mknodat fifo: %d\n", mknodat(dir, "fifo2", S_IFIFO | 0620, 0));
	SHOW("lstat fifo2", lstat("fifo2", &st), st);
	errno = 0;
	printf("mknod existing: %s\n", RESULT(mknod("fifo", S_IFIFO | 0600, 0)));
	return 0;
}
