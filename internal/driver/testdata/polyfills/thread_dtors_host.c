/* Loads a plugin with a thread_local object (thread_dtors_plugin.cc), uses
 * it from a thread that ends, from one that outlives the plugin's dlclose,
 * and from the main thread. glibc keeps the plugin loaded until every
 * thread's destructor has run; the polyfill (below 2.18) runs the main
 * thread's at dlclose and drops the outliving thread's. Either way nothing
 * calls into unloaded code. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
static const char *(*touch)(void);
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int touched, closed;
static void *early(void *a) { printf("early thread: %s\n", touch()); return a; }
static void *late(void *a) {
	printf("late thread: %s\n", touch()); fflush(stdout);
	pthread_mutex_lock(&m);
	touched = 1;
	pthread_cond_broadcast(&c);
	while (!closed) pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	printf("late thread ends after dlclose\n"); fflush(stdout);
	return a;
}
int main(int argc, char **argv) {
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
	touch = (const char *(*)(void))dlsym(h, "touch");
	pthread_t t1, t2;
	pthread_create(&t1, 0, early, 0); pthread_join(t1, 0);
	pthread_create(&t2, 0, late, 0);
	pthread_mutex_lock(&m); while (!touched) pthread_cond_wait(&c, &m); pthread_mutex_unlock(&m);
	printf("main: %s\n", touch());
	printf("dlclose: %d\n", dlclose(h)); fflush(stdout);
	pthread_mutex_lock(&m); closed = 1; pthread_cond_broadcast(&c); pthread_mutex_unlock(&m);
	pthread_join(t2, 0);
	printf("done\n");
	return 0;
}
