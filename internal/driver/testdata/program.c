/* An executable exercising what breaks first on old glibc: constructors,
   destructors, threads, thread-locals, stat, fcntl (built with
   _FILE_OFFSET_BITS=64), dlopen of a plugin, atexit. */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int constructed;
static __thread int per_thread = 1;

__attribute__((constructor)) static void ctor(void) { constructed = 1; }
__attribute__((destructor)) static void dtor(void) { printf("destructor ran\n"); fflush(stdout); }
static void at_exit(void) { printf("atexit ran\n"); }

static void *worker(void *arg) {
	per_thread += (int)(long)arg;
	return (void *)(long)per_thread;
}

int main(int argc, char **argv) {
	printf("constructor ran: %s\n", constructed ? "yes" : "NO");
	atexit(at_exit);
	pthread_t t;
	void *ret;
	if (pthread_create(&t, NULL, worker, (void *)41L) != 0 || pthread_join(t, &ret) != 0)
		return 10;
	printf("thread-local: main %d, thread %ld\n", per_thread, (long)ret);
	struct stat st;
	if (stat(argv[0], &st) != 0 || st.st_size <= 0)
		return 11;
	printf("stat: ok\n");
	int flags = fcntl(1, F_GETFD);
	printf("fcntl: %s\n", flags >= 0 ? "ok" : "failed");
	if (argc > 1) {
		void *h = dlopen(argv[1], RTLD_NOW);
		if (!h) {
			printf("dlopen: %s\n", dlerror());
			return 12;
		}
		int (*entry)(const char *) = (int (*)(const char *))dlsym(h, "plugin_entry");
		if (!entry)
			return 13;
		printf("plugin returned %d\n", entry(argv[0]));
	}
	return 0;
}
