/* The waits on a chosen clock: pthread_cond_clockwait (on a default and on
 * a CLOCK_MONOTONIC condition variable), pthread_mutex_clocklock,
 * pthread_rwlock_clock{rd,wr}lock, sem_clockwait, pthread_clockjoin_np,
 * each with both clocks: a timeout must come neither early nor more than
 * 50 ms late, a wake-up or a free lock must end the wait, other clocks and
 * bad deadlines are EINVAL. Prints facts only. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 120

static const char *name(int e)
{
	switch (e) {
	case 0: return "0";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EDEADLK: return "EDEADLK";
	}
	return strerror(e);
}

static long long now_ms(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static struct timespec in_ms(clockid_t c, long ms)
{
	struct timespec t;
	clock_gettime(c, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) { t.tv_sec++; t.tv_nsec -= 1000000000L; }
	return t;
}

static const char *clockname(clockid_t c) { return c == CLOCK_MONOTONIC ? "MONOTONIC" : "REALTIME"; }

/* timing runs op (which waits WAIT_MS on clock c and should time out) and
 * says whether it was on time: not early, under 50 ms late. A busy
 * machine can delay a wake-up, so a late result is measured again (up to
 * 5 times); an early one never is. */
typedef int (*op_fn)(clockid_t c, const struct timespec *dl);
static void timing(const char *what, op_fn op, clockid_t c)
{
	const char *verdict = "late";
	int r = 0;
	for (int i = 0; i < 5; i++) {
		long long start = now_ms(CLOCK_MONOTONIC);
		struct timespec dl = in_ms(c, WAIT_MS);
		r = op(c, &dl);
		long long took = now_ms(CLOCK_MONOTONIC) - start;
		if (took < WAIT_MS - 1) { verdict = "EARLY"; break; }
		if (took < WAIT_MS + 50) { verdict = "on time"; break; }
	}
	printf("%s %s: %s, %s\n", what, clockname(c), name(r), verdict);
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER, held = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER, mono_cv;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t sem;
static pthread_cond_t *cur_cv;

static int cond_op(clockid_t c, const struct timespec *dl)
{
	pthread_mutex_lock(&m);
	int r = pthread_cond_clockwait(cur_cv, &m, c, dl);
	pthread_mutex_unlock(&m);
	return r;
}
static int mutex_op(clockid_t c, const struct timespec *dl) { return pthread_mutex_clocklock(&held, c, dl); }
static int rd_op(clockid_t c, const struct timespec *dl) { return pthread_rwlock_clockrdlock(&rw, c, dl); }
static int wr_op(clockid_t c, const struct timespec *dl) { return pthread_rwlock_clockwrlock(&rw, c, dl); }
static int sem_op(clockid_t c, const struct timespec *dl) { return sem_clockwait(&sem, c, dl) == 0 ? 0 : errno; }

static pthread_t sleeper;
static void *sleep_long(void *a) { (void)a; usleep(1500000); return (void *)7; }
static int join_op(clockid_t c, const struct timespec *dl) { return pthread_clockjoin_np(sleeper, NULL, c, dl); }

static void *hold_locks(void *a)
{
	(void)a;
	pthread_mutex_lock(&held);
	pthread_rwlock_wrlock(&rw);
	usleep(6000000);
	pthread_rwlock_unlock(&rw);
	pthread_mutex_unlock(&held);
	return NULL;
}

static int signalled;
static void *signal_soon(void *a)
{
	usleep(30000);
	pthread_mutex_lock(&m);
	signalled = 1;
	pthread_cond_signal((pthread_cond_t *)a);
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mono_cv, &ca);
	sem_init(&sem, 0, 0);

	struct timespec dl = in_ms(CLOCK_MONOTONIC, 100), bad = {0, 1000000000L};
	for (int k = 0; k < 2; k++) {
		cur_cv = k == 0 ? &cv : &mono_cv;
		const char *which = k == 0 ? "cond" : "monotonic cond";
		for (int i = 0; i < 2; i++) {
			char what[64];
			snprintf(what, sizeof what, "%s clockwait", which);
			timing(what, cond_op, clocks[i]);
			pthread_t t;
			signalled = 0;
			pthread_mutex_lock(&m);
			pthread_create(&t, NULL, signal_soon, cur_cv);
			struct timespec far = in_ms(clocks[i], 5000);
			int r = 0;
			while (!signalled && r == 0)
				r = pthread_cond_clockwait(cur_cv, &m, clocks[i], &far);
			pthread_mutex_unlock(&m);
			pthread_join(t, NULL);
			printf("%s signalled %s: %s, woken %d\n", what, clockname(clocks[i]), name(r), signalled);
		}
		pthread_mutex_lock(&m);
		printf("%s clockwait CPUTIME: %s\n", which, name(pthread_cond_clockwait(cur_cv, &m, CLOCK_PROCESS_CPUTIME_ID, &dl)));
		printf("%s clockwait bad nsec: %s\n", which, name(pthread_cond_clockwait(cur_cv, &m, CLOCK_MONOTONIC, &bad)));
		pthread_mutex_unlock(&m);
	}

	/* Free locks are taken, with any deadline, even a past one. */
	struct timespec past = {1, 0};
	printf("mutex clocklock free, past deadline: %s\n", name(pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &past)));
	printf("mutex clocklock own normal mutex CPUTIME: %s\n", name(pthread_mutex_clocklock(&held, CLOCK_PROCESS_CPUTIME_ID, &dl)));
	pthread_mutex_unlock(&held);
	printf("rwlock clockrdlock free: %s\n", name(pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &dl)));
	pthread_rwlock_unlock(&rw);
	printf("rwlock clockwrlock free: %s\n", name(pthread_rwlock_clockwrlock(&rw, CLOCK_REALTIME, &past)));
	printf("rwlock clockwrlock again: %s\n", name(pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &dl)));
	pthread_rwlock_unlock(&rw);
	printf("rwlock clockrdlock CPUTIME: %s, bad nsec: %s\n", name(pthread_rwlock_clockrdlock(&rw, CLOCK_PROCESS_CPUTIME_ID, &dl)),
	       name(pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &bad)));
	sem_post(&sem);
	printf("sem clockwait posted: %s\n", name(sem_clockwait(&sem, CLOCK_MONOTONIC, &dl) == 0 ? 0 : errno));
	printf("sem clockwait CPUTIME: %s, bad nsec: %s\n", name(sem_clockwait(&sem, CLOCK_PROCESS_CPUTIME_ID, &dl) == 0 ? 0 : errno),
	       name(sem_clockwait(&sem, CLOCK_MONOTONIC, &bad) == 0 ? 0 : errno));

	pthread_t holder;
	pthread_create(&holder, NULL, hold_locks, NULL);
	usleep(100000);
	for (int i = 0; i < 2; i++) {
		timing("mutex clocklock", mutex_op, clocks[i]);
		timing("rwlock clockrdlock", rd_op, clocks[i]);
		timing("rwlock clockwrlock", wr_op, clocks[i]);
		timing("sem clockwait", sem_op, clocks[i]);
	}
	pthread_join(holder, NULL);

	for (int i = 0; i < 2; i++) {
		pthread_create(&sleeper, NULL, sleep_long, NULL);
		timing("clockjoin", join_op, clocks[i]);
		void *ret = NULL;
		struct timespec later = in_ms(clocks[i], 5000);
		int r = pthread_clockjoin_np(sleeper, &ret, clocks[i], &later);
		printf("clockjoin %s after exit: %s, result %ld\n", clockname(clocks[i]), name(r), (long)ret);
	}
	pthread_create(&sleeper, NULL, sleep_long, NULL);
	void *ret = NULL;
	int r = pthread_clockjoin_np(sleeper, &ret, CLOCK_MONOTONIC, NULL);
	printf("clockjoin no deadline: %s, result %ld\n", name(r), (long)ret);
	return 0;
}
