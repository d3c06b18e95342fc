/* gettid (glibc 2.30) and __libc_single_threaded (2.32). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/single_threaded.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

static void *worker(void *arg)
{
	pid_t t = gettid();
	(void)arg;
	printf("gettid in a thread: %s syscall(SYS_gettid), %s getpid()\n",
	       t == (pid_t)syscall(SYS_gettid) ? "equals" : "DIFFERS FROM",
	       t == getpid() ? "EQUALS" : "differs from");
	return NULL;
}

int main(void)
{
	pid_t t = gettid();
	printf("gettid in main: %s syscall(SYS_gettid), %s getpid()\n",
	       t == (pid_t)syscall(SYS_gettid) ? "equals" : "DIFFERS FROM",
	       t == getpid() ? "equals" : "DIFFERS FROM");
	printf("__libc_single_threaded before threads: %d\n", (int)__libc_single_threaded);
	fflush(stdout);
	pthread_t th;
	if (pthread_create(&th, NULL, worker, NULL) != 0 || pthread_join(th, NULL) != 0) {
		printf("pthread failed\n");
		return 1;
	}
	printf("__libc_single_threaded after a thread: %d\n", (int)__libc_single_threaded);
	return 0;
}
