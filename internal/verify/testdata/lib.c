/* A plugin that needs pthread_create: glibc 2.34 when linked by plain gcc
 * on glibc >= 2.34, 2.2.5 when linked by compatbuild for 2.17. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *worker(void *arg)
{
	*(int *)arg = 42;
	return NULL;
}

void hello(void)
{
	pthread_t t;
	int v = 0;
	pthread_create(&t, NULL, worker, &v);
	pthread_join(t, NULL);
	printf("hello from the library: %d\n", v);
}

int answer(void)
{
	return 42;
}

void leave(void)
{
	printf("leaving\n");
	fflush(stdout);
	_exit(3);
}

void crash(void)
{
	volatile int *p = (int *)0;
	*p = 1;
}
