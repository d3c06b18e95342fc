/* The stat and mknod family, each through the call a program built with
   _FILE_OFFSET_BITS=64 makes: before glibc 2.33 these are libc_nonshared.a
   wrappers passing the ABI's structure version (_STAT_VER, _MKNOD_VER) to
   __xstat64 & co., which fail with EINVAL on a wrong one. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
	struct stat a, b, c, d;
	char fifo[4096];
	(void)argc;
	if (stat(argv[0], &a) != 0 || fstat(0, &b) != 0 || lstat(argv[0], &c) != 0 ||
	    fstatat(AT_FDCWD, argv[0], &d, 0) != 0) {
		perror("stat family");
		return 1;
	}
	if (a.st_size <= 0 || a.st_size != c.st_size || a.st_ino != d.st_ino || !S_ISREG(a.st_mode)) {
		printf("stat results disagree\n");
		return 2;
	}
	snprintf(fifo, sizeof fifo, "%s.fifo", argv[0]);
	unlink(fifo);
	if (mknod(fifo, S_IFIFO | 0600, 0) != 0 || stat(fifo, &a) != 0 || !S_ISFIFO(a.st_mode)) {
		perror("mknod");
		return 3;
	}
	unlink(fifo);
	if (mknodat(AT_FDCWD, fifo, S_IFIFO | 0600, 0) != 0 || lstat(fifo, &a) != 0 || !S_ISFIFO(a.st_mode)) {
		perror("mknodat");
		return 4;
	}
	unlink(fifo);
	printf("stat family: ok\n");
	return 0;
}
