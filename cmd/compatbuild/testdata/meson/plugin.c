#include <pthread.h>

static void *work(void *arg) { return (char *)arg + 1; }

/* pthread_create is GLIBC_2.34 in a plain build on a new glibc. */
int plugin_answer(void) {
	pthread_t t;
	void *res;
	if (pthread_create(&t, NULL, work, (void *)41) != 0 || pthread_join(t, &res) != 0)
		return -1;
	return (int)(long)res;
}
