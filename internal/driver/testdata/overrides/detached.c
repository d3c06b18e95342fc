/* The only threads function it calls is pthread_create (a detached
 * thread, which reports through a pipe), with an attribute carrying a
 * signal mask: compatbuild's pthread_create replaces glibc's, and must
 * still find glibc's at run time, so libpthread.so.0 must stay needed
 * with every linker. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int pthread_attr_setsigmask_np(pthread_attr_t *, const sigset_t *);
static int fds[2];

static void *report(void *arg)
{
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	char c = sigismember(&m, SIGUSR1) ? 'y' : 'n';
	write(fds[1], &c, 1);
	return arg;
}

int main(void)
{
	pthread_attr_t a;
	pthread_t t;
	sigset_t s;
	char c = '?';
	if (pipe(fds) != 0)
		return 1;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_attr_setsigmask_np(&a, &s);
	if (pthread_create(&t, &a, report, NULL) != 0 || read(fds[0], &c, 1) != 1)
		return 1;
	printf("detached thread blocks USR1: %c\n", c);
	return 0;
}
