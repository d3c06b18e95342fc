#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

static void *bump(void *arg) { ++*(int *)arg; return 0; }

int counter_run(const char *path) {
	int n = 0;
	pthread_t t;
	struct stat st;
	pthread_create(&t, 0, bump, &n);
	pthread_join(t, 0);
	if (stat(path, &st) == 0 && fcntl(0, F_GETFD) >= 0) n++;
	return n;
}
