/* Functions from glibc releases newer than any runtime the tests have
 * (2.42, 2.43): checked against what glibc documents for them. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>
#include "../polyfills/check.h"

unsigned int uabs(int);
unsigned long ulabs(long);
unsigned long long ullabs(long long);
uintmax_t uimaxabs(intmax_t);
uintmax_t umaxabs(intmax_t);
unsigned int cfgetibaud(const struct termios *), cfgetobaud(const struct termios *);
int cfsetibaud(struct termios *, unsigned int), cfsetobaud(struct termios *, unsigned int), cfsetbaud(struct termios *, unsigned int);
pid_t pthread_gettid_np(pthread_t);
size_t memalignment(const void *);
void free_sized(void *, size_t);
void free_aligned_sized(void *, size_t, size_t);
int mseal(void *, size_t, unsigned long);
int openat2(int, const char *, void *, size_t);

static pid_t tid_in_thread;
static int done;
static void *thread(void *a)
{
	(void)a;
	__atomic_store_n(&tid_in_thread, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		usleep(1000);
	return NULL;
}

int main(void)
{
	printf("uabs: %u %u %u\n", uabs(-5), uabs(7), uabs(INT_MIN));
	printf("ulabs: %lu %lu\n", ulabs(-5), ulabs(LONG_MIN));
	printf("ullabs: %llu\n", ullabs(LLONG_MIN));
	printf("uimaxabs: %ju, umaxabs: %ju %ju\n", uimaxabs(INTMAX_MIN), umaxabs(-1), umaxabs(42));

	struct termios t = {0};
	const char *res = RESULT(cfsetobaud(&t, 115200));
	printf("cfsetobaud 115200: %s, cfgetobaud %u\n", res, cfgetobaud(&t));
	res = RESULT(cfsetibaud(&t, 9600));
	printf("cfsetibaud 9600: %s, cfgetibaud %u\n", res, cfgetibaud(&t));
	res = RESULT(cfsetbaud(&t, 4000000));
	printf("cfsetbaud 4000000: %s, in %u out %u\n", res, cfgetibaud(&t), cfgetobaud(&t));
	res = RESULT(cfsetibaud(&t, 0));
	printf("cfsetibaud 0 (as output): %s, cfgetibaud %u\n", res, cfgetibaud(&t));
	res = RESULT(cfsetobaud(&t, 12345));
	printf("cfsetobaud 12345: %s, unchanged %u\n", res, cfgetobaud(&t));
	printf("cfgetospeed is B4000000: %d\n", cfgetospeed(&t) == B4000000);

	pthread_t th;
	pthread_create(&th, NULL, thread, NULL);
	while (__atomic_load_n(&tid_in_thread, __ATOMIC_ACQUIRE) == 0)
		usleep(1000);
	pid_t got = pthread_gettid_np(th);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	printf("pthread_gettid_np running thread: %s\n", got == tid_in_thread && got > 0 ? "its tid" : "wrong");
	printf("pthread_gettid_np self: %s\n", pthread_gettid_np(pthread_self()) == (pid_t)syscall(SYS_gettid) ? "own tid" : "wrong");
	pthread_join(th, NULL);

	char *p = aligned_alloc(64, 128);
	printf("memalignment NULL %zu, 64-aligned %d, +1 %zu, +2 %zu\n", memalignment(NULL), memalignment(p) % 64 == 0, memalignment(p + 1), memalignment(p + 2));
	free_aligned_sized(p, 64, 128);
	char *q = malloc(10);
	free_sized(q, 10);
	free_sized(NULL, 0);
	printf("free_sized, free_aligned_sized: done\n");

	/* The kernel decides (ENOSYS before Linux 6.10 and 5.6). */
	void *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r = mseal(page, 4096, 1);
	printf("mseal bad flags: %s\n", r == -1 && (errno == EINVAL || errno == ENOSYS) ? "refused" : RESULT(r));
	r = openat2(AT_FDCWD, "/", NULL, 3);
	printf("openat2 bad size: %s\n", r == -1 && (errno == EINVAL || errno == ENOSYS) ? "refused" : RESULT(r));
	struct { unsigned long long flags, mode, resolve; } how = {O_RDONLY | O_DIRECTORY, 0, 0};
	int fd = openat2(AT_FDCWD, "/", &how, sizeof how);
	printf("openat2 /: %s\n", fd >= 0 || errno == ENOSYS ? "fd (or ENOSYS)" : RESULT(fd));
	return 0;
}
