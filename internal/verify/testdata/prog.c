/* A program that needs pthread_create and prints its arguments. It exits
 * with status 3 when its first argument is "fail", and sleeps for ever when
 * it is "hang". */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *worker(void *arg)
{
	*(int *)arg = 7;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int v = 0, i;
	if (argc > 1 && strcmp(argv[1], "hang") == 0)
		for (;;)
			pause();
	pthread_create(&t, NULL, worker, &v);
	pthread_join(t, NULL);
	printf("thread said %d; args:", v);
	for (i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return argc > 1 && strcmp(argv[1], "fail") == 0 ? 3 : 0;
}
