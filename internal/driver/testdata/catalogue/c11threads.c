/* C11 <threads.h>: threads with results and thrd_exit, detach, plain,
 * recursive and timed mutexes, condition variables (signal, broadcast,
 * timeout), thread-specific storage whose destructors run at thread exit,
 * call_once, thrd_sleep, thrd_yield. Prints facts, no timings or IDs. */
#include <stdio.h>
#include <threads.h>
#include <time.h>
#include <errno.h>

static mtx_t m;
static cnd_t c;
static int ready, woken;
static tss_t key;
static int dtor_runs;
static once_flag once = ONCE_FLAG_INIT;
static int once_runs;

static void count_once(void) { once_runs++; }
static void dtor(void *p) { mtx_lock(&m); dtor_runs += *(int *)p; mtx_unlock(&m); }

static int worker(void *arg)
{
	static int values[8];
	int i = *(int *)arg;
	values[i] = i + 1;
	tss_set(key, &values[i]);
	call_once(&once, count_once);
	mtx_lock(&m);
	while (!ready)
		cnd_wait(&c, &m);
	woken++;
	mtx_unlock(&m);
	if (i == 3)
		thrd_exit(100 + i);
	return i * 10;
}

static int sleeper(void *arg) { (void)arg; struct timespec d = {0, 1000000}; return thrd_sleep(&d, NULL); }

int main(void)
{
	printf("mtx_init plain: %d\n", mtx_init(&m, mtx_plain) == thrd_success);
	printf("cnd_init: %d\n", cnd_init(&c) == thrd_success);
	printf("tss_create: %d\n", tss_create(&key, dtor) == thrd_success);
	thrd_t t[4];
	int ids[4] = {0, 1, 2, 3};
	for (int i = 0; i < 4; i++)
		if (thrd_create(&t[i], worker, &ids[i]) != thrd_success)
			printf("thrd_create %d failed\n", i);
	thrd_yield();
	mtx_lock(&m);
	ready = 1;
	cnd_broadcast(&c);
	mtx_unlock(&m);
	for (int i = 0; i < 4; i++) {
		int res = -1;
		int r = thrd_join(t[i], &res);
		printf("thrd_join %d: %s, result %d\n", i, r == thrd_success ? "success" : "error", res);
	}
	printf("woken %d, call_once ran %d time(s), tss destructors saw %d\n", woken, once_runs, dtor_runs);
	printf("main's tss value: %s\n", tss_get(key) == NULL ? "NULL" : "set");

	/* Through a pointer: <threads.h> also has thrd_equal inline. */
	int (*volatile equal)(thrd_t, thrd_t) = thrd_equal;
	printf("thrd_equal(self, self): %d, thrd_equal(self, t[0]): %d\n", equal(thrd_current(), thrd_current()) != 0, equal(thrd_current(), t[0]) != 0);

	thrd_t s;
	thrd_create(&s, sleeper, NULL);
	int sres = -5;
	thrd_join(s, &sres);
	printf("thrd_sleep 1ms: %d\n", sres);
	struct timespec bad = {0, -1};
	printf("thrd_sleep invalid: %d\n", thrd_sleep(&bad, NULL));

	thrd_t d;
	thrd_create(&d, sleeper, NULL);
	printf("thrd_detach: %s\n", thrd_detach(d) == thrd_success ? "success" : "error");

	/* A timed wait that times out, with the mutex held again after. */
	struct timespec ts;
	timespec_get(&ts, TIME_UTC);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
	mtx_lock(&m);
	int r = cnd_timedwait(&c, &m, &ts);
	printf("cnd_timedwait: %s, mutex held: %s\n", r == thrd_timedout ? "timedout" : "other", mtx_trylock(&m) == thrd_busy ? "yes" : "no");
	printf("cnd_signal without waiters: %s\n", cnd_signal(&c) == thrd_success ? "success" : "error");
	mtx_unlock(&m);

	mtx_t rm, tm;
	printf("mtx_init recursive: %d\n", mtx_init(&rm, mtx_plain | mtx_recursive) == thrd_success);
	printf("recursive lock twice: %d %d, unlock twice: %d %d\n", mtx_lock(&rm), mtx_lock(&rm), mtx_unlock(&rm), mtx_unlock(&rm));
	printf("mtx_init timed: %d\n", mtx_init(&tm, mtx_timed) == thrd_success);
	mtx_lock(&tm);
	timespec_get(&ts, TIME_UTC);
	printf("mtx_trylock held: %s\n", mtx_trylock(&tm) == thrd_busy ? "busy" : "other");
	mtx_unlock(&tm);
	printf("mtx_timedlock free: %s\n", mtx_timedlock(&tm, &ts) == thrd_success ? "success" : "other");
	mtx_unlock(&tm);
	mtx_destroy(&rm);
	mtx_destroy(&tm);
	tss_delete(key);
	cnd_destroy(&c);
	mtx_destroy(&m);
	return 0;
}
