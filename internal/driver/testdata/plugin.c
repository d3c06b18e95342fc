/* A shared library with threads, thread-locals, stat, fcntl and a
   constructor: loaded by program.c with dlopen. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

static int constructed;
static __thread int counter;

__attribute__((constructor)) static void ctor(void) { constructed = 1; }

static void *worker(void *arg) {
	counter += 5;
	return (void *)(long)counter;
}

int plugin_entry(const char *path) {
	pthread_t t;
	struct stat st;
	void *in_thread;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return -1;
	pthread_join(t, &in_thread);
	if (stat(path, &st) != 0)
		return -2;
	printf("plugin: constructor %s, thread-local main %d thread %ld, fcntl %s\n", constructed ? "yes" : "NO", counter, (long)in_thread,
	       fcntl(0, F_GETFD) >= 0 ? "ok" : "failed");
	return 42;
}
