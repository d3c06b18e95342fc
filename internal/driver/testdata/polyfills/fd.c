/* fcntl64 (glibc 2.28, what <fcntl.h> calls under _FILE_OFFSET_BITS=64),
 * close_range (2.34), memfd_create (2.27), copy_file_range (2.27).
 * argv[1]: an empty scratch directory. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static void test_fcntl(const char *dir)
{
	int fd = open("/dev/null", O_RDWR | O_APPEND);
	int fl = fcntl(fd, F_GETFL);
	printf("fcntl64 F_GETFL: %s%s\n", (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "WRONG ACCESS MODE",
	       fl & O_APPEND ? "|O_APPEND" : "");
	int set = fcntl(fd, F_SETFD, FD_CLOEXEC), get = fcntl(fd, F_GETFD);
	printf("fcntl64 F_SETFD/F_GETFD: %d %s\n", set, get == FD_CLOEXEC ? "FD_CLOEXEC" : "WRONG");
	int d = fcntl(fd, F_DUPFD, 90);
	printf("fcntl64 F_DUPFD 90: %d\n", d);
	close(d);
	close(fd);
	errno = 0;
	int bad = fcntl(-1, F_GETFL), e = errno;
	printf("fcntl64 bad fd: %d %s\n", bad, errname(e));

	/* A record lock beyond 4 GiB: only right if struct flock's 64-bit
	 * offsets reach the kernel intact. A child sees the parent's lock. */
	char path[4096];
	snprintf(path, sizeof path, "%s/locked", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct flock lk;
	memset(&lk, 0, sizeof lk);
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	lk.l_start = 5LL << 30;
	lk.l_len = 100;
	set = fcntl(fd, F_SETLK, &lk);
	pid_t parent = getpid();
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		struct flock q;
		memset(&q, 0, sizeof q);
		q.l_type = F_WRLCK;
		q.l_whence = SEEK_SET;
		q.l_start = (5LL << 30) + 50;
		q.l_len = 1;
		int g = fcntl(fd, F_GETLK, &q);
		printf("fcntl64 F_SETLK at 5 GiB: %d; child F_GETLK: %d, %s at %lld+%lld by %s\n", set, g,
		       q.l_type == F_WRLCK ? "F_WRLCK" : "NOT LOCKED", (long long)q.l_start, (long long)q.l_len,
		       q.l_pid == parent ? "parent" : "SOMEONE ELSE");
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	close(fd);
}

static void test_close_range(void)
{
	int fd = open("/dev/null", O_RDONLY);
	for (int i = 100; i <= 103; i++)
		dup2(fd, i);
	close(fd);
	int r = close_range(100, 102, 0);
	printf("close_range(100, 102, 0): %d; open: %d %d %d %d\n", r, is_open(100), is_open(101), is_open(102),
	       is_open(103));
	r = close_range(103, 103, CLOSE_RANGE_CLOEXEC);
	printf("close_range(103, 103, CLOEXEC): %d; open %d, %s\n", r, is_open(103),
	       fcntl(103, F_GETFD) & FD_CLOEXEC ? "FD_CLOEXEC" : "NO CLOEXEC");
	errno = 0;
	r = close_range(5, 4, 0);
	int e = errno;
	printf("close_range(5, 4, 0): %d %s\n", r, errname(e));
	dup2(103, 200);
	r = close_range(103, ~0u, 0);
	printf("close_range(103, ~0, 0): %d; open: %d %d\n", r, is_open(103), is_open(200));
}

static void test_memfd(void)
{
	int fd = memfd_create("polyfill-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	char link[64], target[256] = {0}, back[16] = {0};
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t tl = readlink(link, target, sizeof target - 1);
	printf("memfd_create: fd %s, %s, %s\n", fd >= 0 ? "valid" : "INVALID",
	       tl > 0 && strcmp(target, "/memfd:polyfill-test (deleted)") == 0 ? target : "WRONG NAME",
	       fcntl(fd, F_GETFD) & FD_CLOEXEC ? "FD_CLOEXEC" : "NO CLOEXEC");
	ssize_t w = write(fd, "hello memfd", 11);
	struct stat st;
	fstat(fd, &st);
	ssize_t rd = pread(fd, back, 11, 0);
	printf("memfd write: %zd, size %lld, read back %zd \"%s\"\n", w, (long long)st.st_size, rd, back);
	int s = fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);
	errno = 0;
	w = write(fd, "x", 1);
	int e = errno;
	printf("memfd seal: F_ADD_SEALS %d, F_GET_SEALS %s, write %zd %s\n", s,
	       fcntl(fd, F_GET_SEALS) == F_SEAL_WRITE ? "F_SEAL_WRITE" : "WRONG", w, errname(e));
	close(fd);
	errno = 0;
	fd = memfd_create("bad", 0x1000);
	e = errno;
	printf("memfd_create bad flags: %d %s\n", fd, errname(e));
}

static void test_copy_file_range(const char *dir)
{
	static char data[100000], back[100000];
	char src[4096], dst[4096];
	snprintf(src, sizeof src, "%s/src", dir);
	snprintf(dst, sizeof dst, "%s/dst", dir);
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7 + i / 251);
	int in = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600), out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (write(in, data, sizeof data) != sizeof data || lseek(in, 0, SEEK_SET) != 0) {
		printf("copy_file_range: setup failed\n");
		return;
	}
	size_t done = 0;
	ssize_t n = 0;
	while (done < sizeof data) {
		n = copy_file_range(in, NULL, out, NULL, sizeof data - done, 0);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	printf("copy_file_range: copied %zu, positions %lld %lld, %s\n", done,
	       (long long)lseek(in, 0, SEEK_CUR), (long long)lseek(out, 0, SEEK_CUR),
	       pread(out, back, sizeof back, 0) == sizeof back && memcmp(data, back, sizeof data) == 0 ? "same bytes"
												      : "DIFFERENT");
	loff_t ioff = 100, ooff = 200000;
	n = copy_file_range(in, &ioff, out, &ooff, 50, 0);
	struct stat st;
	fstat(out, &st);
	printf("copy_file_range at offsets: %zd, offsets now %lld %lld, size %lld, %s, file positions %lld %lld\n", n,
	       (long long)ioff, (long long)ooff, (long long)st.st_size,
	       pread(out, back, 50, 200000) == 50 && memcmp(back, data + 100, 50) == 0 ? "same bytes" : "DIFFERENT",
	       (long long)lseek(in, 0, SEEK_CUR), (long long)lseek(out, 0, SEEK_CUR));
	errno = 0;
	n = copy_file_range(in, NULL, out, NULL, 10, 1);
	int e = errno;
	printf("copy_file_range bad flags: %zd %s\n", n, errname(e));
	close(in);
	close(out);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fd DIR\n");
		return 2;
	}
	test_fcntl(argv[1]);
	test_close_range();
	test_memfd();
	test_copy_file_range(argv[1]);
	return 0;
}
