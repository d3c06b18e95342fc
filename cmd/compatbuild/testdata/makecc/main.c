#include <pthread.h>
#include <stdio.h>

int is_dir(const char *path);

static void *work(void *arg) { return (void *)(long)is_dir((const char *)arg); }

/* pthread_create is GLIBC_2.34 in a plain build on a new glibc. */
int main(void) {
	pthread_t t;
	void *res;
	if (pthread_create(&t, NULL, work, (void *)"/") != 0 || pthread_join(t, &res) != 0)
		return 1;
	printf("/ is a directory: %s\n", res ? "yes" : "no");
	return 0;
}
