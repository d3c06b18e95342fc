/* The waits with a chosen clock (glibc 2.30, pthread_clockjoin_np 2.31):
 * pthread_cond_clockwait, pthread_mutex_clocklock,
 * pthread_rwlock_clockrdlock, pthread_rwlock_clockwrlock, sem_clockwait,
 * pthread_clockjoin_np. libstdc++'s headers call them for every timed wait
 * (condition_variable, timed_mutex, shared_timed_mutex,
 * counting_semaphore), so C++ built on a new system needs them.
 *
 * Each is its timed variant (glibc 2.17: deadline on CLOCK_REALTIME, or on
 * the condition variable's own clock) when the clocks agree. Otherwise the
 * deadline is converted: the wait runs to an absolute deadline on the
 * other clock computed from the time left now, and when it times out the
 * deadline on the requested clock decides: passed, ETIMEDOUT; not yet (the
 * realtime clock was set forward), wait again for what is left. So setting
 * the realtime clock never cuts a CLOCK_MONOTONIC wait short. Setting it
 * back while a wait sleeps delays the wake-up by as much (the timed
 * variants of glibc before 2.30 only take realtime deadlines), after which
 * the wait ends on time.
 * Like glibc: EINVAL for a clock other than CLOCK_REALTIME and
 * CLOCK_MONOTONIC and for tv_nsec outside [0, 1e9) (where glibc checks
 * it); the locks try once even when the deadline has passed.
 *
 * One archive member for the six (each calls only libpthread functions a
 * threaded program has anyway); each is compiled in only where the target
 * lacks it (COMPAT_OBJ_<name>). */
#include <errno.h>
#include <stddef.h>
#include "compat.h"

struct compat_timespec {
	long tv_sec, tv_nsec;
};
typedef int compat_clockid_t;
#define COMPAT_CLOCK_REALTIME 0
#define COMPAT_CLOCK_MONOTONIC 1

extern int clock_gettime(compat_clockid_t clock, struct compat_timespec *ts);

#define NS 1000000000L

static int compat_valid(const struct compat_timespec *t)
{
	return t->tv_nsec >= 0 && t->tv_nsec < NS;
}

static int compat_supported(compat_clockid_t c)
{
	return c == COMPAT_CLOCK_REALTIME || c == COMPAT_CLOCK_MONOTONIC;
}

/* A wait operation on a deadline of its own clock; returns 0, an error
 * number, or ETIMEDOUT. */
typedef int (*compat_timed_op)(void *obj, void *arg, const struct compat_timespec *abstime);

/* compat_wait_converted runs op on its clock (op_clock) until abstime on
 * clock passes. */
static int compat_wait_converted(compat_timed_op op, void *obj, void *arg, compat_clockid_t op_clock,
				 compat_clockid_t clock, const struct compat_timespec *abstime)
{
	for (;;) {
		struct compat_timespec now, other, dl;
		clock_gettime(clock, &now);
		clock_gettime(op_clock, &other);
		long long left = 0;
		if (abstime->tv_sec >= now.tv_sec - 1) {
			/* Far deadlines wait in steps of ~31 years (no overflow). */
			long secs = abstime->tv_sec - now.tv_sec;
			if (secs > 1000000000L)
				secs = 1000000000L;
			left = (long long)secs * NS + (abstime->tv_nsec - now.tv_nsec);
			if (left < 0)
				left = 0;
		}
		dl.tv_sec = other.tv_sec + (long)(left / NS);
		dl.tv_nsec = other.tv_nsec + (long)(left % NS);
		if (dl.tv_nsec >= NS) {
			dl.tv_sec++;
			dl.tv_nsec -= NS;
		}
		int r = op(obj, arg, &dl);
		if (r != ETIMEDOUT)
			return r;
		clock_gettime(clock, &now);
		if (now.tv_sec > abstime->tv_sec || (now.tv_sec == abstime->tv_sec && now.tv_nsec >= abstime->tv_nsec))
			return ETIMEDOUT;
	}
}

#ifdef COMPAT_OBJ_pthread_cond_clockwait
struct compat_cond;
struct compat_mutex;
/* pthread_cond_t is 48 bytes, pthread_condattr_t 4. */
typedef union {
	unsigned int w[12];
	long align;
} compat_cond_storage;
typedef struct {
	int v;
} compat_condattr;
extern int pthread_cond_timedwait(struct compat_cond *c, struct compat_mutex *m, const struct compat_timespec *t);
extern int pthread_cond_init(compat_cond_storage *c, const compat_condattr *a);
extern int pthread_cond_destroy(compat_cond_storage *c);
extern int pthread_condattr_init(compat_condattr *a);
extern int pthread_condattr_setclock(compat_condattr *a, compat_clockid_t clock);
extern int pthread_condattr_destroy(compat_condattr *a);

/* The clock a condition variable's timed wait uses
 * (pthread_condattr_setclock). glibc keeps it in one bit of the object,
 * but which bit depends on the release running the program (bit 0 of
 * word 10 before 2.25, bit 1 of word 9 until 2.40, of word 7 from 2.41)
 * and distributions backport changes: so it is found out once per
 * process, by initialising a condition variable with each clock and
 * comparing them. The bit never changes after pthread_cond_init. */
static compat_clockid_t compat_cond_clock(struct compat_cond *c)
{
	static int word = -1; /* -1 not known yet, -2 none found */
	static unsigned int mask;
	int w = __atomic_load_n(&word, __ATOMIC_ACQUIRE);
	if (w == -1) {
		compat_cond_storage def = {{0}}, mono = {{0}};
		compat_condattr a;
		w = -2;
		if (pthread_condattr_init(&a) == 0 && pthread_condattr_setclock(&a, COMPAT_CLOCK_MONOTONIC) == 0 &&
		    pthread_cond_init(&def, 0) == 0 && pthread_cond_init(&mono, &a) == 0) {
			for (int i = 0; i < 12; i++) {
				unsigned int d = def.w[i] ^ mono.w[i];
				if (d != 0 && (d & (d - 1)) == 0 && (mono.w[i] & d) != 0) {
					__atomic_store_n(&mask, d, __ATOMIC_RELAXED);
					w = i;
					break;
				}
			}
			pthread_cond_destroy(&def);
			pthread_cond_destroy(&mono);
		}
		pthread_condattr_destroy(&a);
		__atomic_store_n(&word, w, __ATOMIC_RELEASE);
	}
	if (w < 0)
		return COMPAT_CLOCK_REALTIME;
	return (__atomic_load_n(&((const unsigned int *)c)[w], __ATOMIC_RELAXED) & __atomic_load_n(&mask, __ATOMIC_RELAXED)) ? COMPAT_CLOCK_MONOTONIC : COMPAT_CLOCK_REALTIME;
}

static int compat_cond_op(void *c, void *m, const struct compat_timespec *t)
{
	return pthread_cond_timedwait(c, m, t);
}

COMPAT_HIDDEN int pthread_cond_clockwait(struct compat_cond *c, struct compat_mutex *m, compat_clockid_t clock,
					 const struct compat_timespec *abstime)
{
	if (!compat_valid(abstime) || !compat_supported(clock))
		return EINVAL;
	compat_clockid_t own = compat_cond_clock(c);
	if (own == clock)
		return pthread_cond_timedwait(c, m, abstime);
	return compat_wait_converted(compat_cond_op, c, m, own, clock, abstime);
}
#endif

#ifdef COMPAT_OBJ_pthread_mutex_clocklock
struct compat_mutex;
extern int pthread_mutex_timedlock(struct compat_mutex *m, const struct compat_timespec *t);

static int compat_mutex_op(void *m, void *unused, const struct compat_timespec *t)
{
	(void)unused;
	return pthread_mutex_timedlock(m, t);
}

COMPAT_HIDDEN int pthread_mutex_clocklock(struct compat_mutex *m, compat_clockid_t clock, const struct compat_timespec *abstime)
{
	if (!compat_supported(clock))
		return EINVAL;
	/* An invalid deadline is glibc's to judge: EINVAL only if the mutex
	 * cannot be taken at once. */
	if (clock == COMPAT_CLOCK_REALTIME || !compat_valid(abstime))
		return pthread_mutex_timedlock(m, abstime);
	return compat_wait_converted(compat_mutex_op, m, 0, COMPAT_CLOCK_REALTIME, clock, abstime);
}
#endif

#if defined(COMPAT_OBJ_pthread_rwlock_clockrdlock) || defined(COMPAT_OBJ_pthread_rwlock_clockwrlock)
struct compat_rwlock;
typedef int (*compat_rwlock_timed)(struct compat_rwlock *l, const struct compat_timespec *t);

static int compat_rwlock_op(void *l, void *fn, const struct compat_timespec *t)
{
	return (*(compat_rwlock_timed *)fn)(l, t);
}

static int compat_rwlock_clock(compat_rwlock_timed fn, struct compat_rwlock *l, compat_clockid_t clock,
			       const struct compat_timespec *abstime)
{
	if (!compat_supported(clock) || !compat_valid(abstime))
		return EINVAL;
	if (clock == COMPAT_CLOCK_REALTIME)
		return fn(l, abstime);
	return compat_wait_converted(compat_rwlock_op, l, &fn, COMPAT_CLOCK_REALTIME, clock, abstime);
}
#endif

#ifdef COMPAT_OBJ_pthread_rwlock_clockrdlock
extern int pthread_rwlock_timedrdlock(struct compat_rwlock *l, const struct compat_timespec *t);

COMPAT_HIDDEN int pthread_rwlock_clockrdlock(struct compat_rwlock *l, compat_clockid_t clock, const struct compat_timespec *abstime)
{
	return compat_rwlock_clock(pthread_rwlock_timedrdlock, l, clock, abstime);
}
#endif

#ifdef COMPAT_OBJ_pthread_rwlock_clockwrlock
extern int pthread_rwlock_timedwrlock(struct compat_rwlock *l, const struct compat_timespec *t);

COMPAT_HIDDEN int pthread_rwlock_clockwrlock(struct compat_rwlock *l, compat_clockid_t clock, const struct compat_timespec *abstime)
{
	return compat_rwlock_clock(pthread_rwlock_timedwrlock, l, clock, abstime);
}
#endif

#ifdef COMPAT_OBJ_sem_clockwait
struct compat_sem;
extern int sem_timedwait(struct compat_sem *s, const struct compat_timespec *t);

/* sem_timedwait reports through errno; the converted loop wants the error
 * number back. */
static int compat_sem_op(void *s, void *unused, const struct compat_timespec *t)
{
	(void)unused;
	return sem_timedwait(s, t) == 0 ? 0 : errno;
}

COMPAT_HIDDEN int sem_clockwait(struct compat_sem *s, compat_clockid_t clock, const struct compat_timespec *abstime)
{
	if (!compat_supported(clock) || !compat_valid(abstime)) {
		errno = EINVAL;
		return -1;
	}
	if (clock == COMPAT_CLOCK_REALTIME)
		return sem_timedwait(s, abstime);
	int r = compat_wait_converted(compat_sem_op, s, 0, COMPAT_CLOCK_REALTIME, clock, abstime);
	if (r == 0)
		return 0;
	errno = r;
	return -1;
}
#endif

#ifdef COMPAT_OBJ_pthread_clockjoin_np
typedef unsigned long compat_pthread_t;
extern int pthread_timedjoin_np(compat_pthread_t t, void **ret, const struct compat_timespec *abstime);
extern int pthread_join(compat_pthread_t t, void **ret);

static int compat_join_op(void *t, void *ret, const struct compat_timespec *abstime)
{
	return pthread_timedjoin_np(*(compat_pthread_t *)t, ret, abstime);
}

/* abstime NULL waits without a deadline, as pthread_join. */
COMPAT_HIDDEN int pthread_clockjoin_np(compat_pthread_t t, void **ret, compat_clockid_t clock, const struct compat_timespec *abstime)
{
	if (!compat_supported(clock))
		return EINVAL;
	if (abstime == NULL)
		return pthread_join(t, ret);
	if (clock == COMPAT_CLOCK_REALTIME || !compat_valid(abstime))
		return pthread_timedjoin_np(t, ret, abstime);
	return compat_wait_converted(compat_join_op, &t, ret, COMPAT_CLOCK_REALTIME, clock, abstime);
}
#endif
