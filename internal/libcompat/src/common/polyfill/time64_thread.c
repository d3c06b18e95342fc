/* The time64 entry points of the waits with a deadline or timeout (glibc
 * 2.34, i386 and arm): the waits on a chosen clock (pthread_*clock*,
 * sem_clockwait), the joins, C11's cnd_timedwait, mtx_timedlock and
 * thrd_sleep, aio_suspend and gai_suspend. Each narrows its time (EINVAL,
 * EOVERFLOW... as its 32-bit function reports errors) and calls the
 * 32-bit function: the target's, or where the target is older than that
 * function, the catalogue's polyfill of it (clockwait.c, threads.c), so
 * a CLOCK_MONOTONIC deadline gets the same treatment as in a program
 * built without _TIME_BITS=64. */
#include "time64.h"

#ifdef COMPAT_OBJ_pthread_cond_clockwait64
extern int pthread_cond_clockwait(void *c, void *m, int clk, const struct compat_ts32 *t);

COMPAT_HIDDEN int __pthread_cond_clockwait64(void *c, void *m, int clk, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? err : pthread_cond_clockwait(c, m, clk, &t);
}
#endif

#ifdef COMPAT_OBJ_pthread_mutex_clocklock64
extern int pthread_mutex_clocklock(void *m, int clk, const struct compat_ts32 *t);

COMPAT_HIDDEN int __pthread_mutex_clocklock64(void *m, int clk, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? err : pthread_mutex_clocklock(m, clk, &t);
}
#endif

#ifdef COMPAT_OBJ_pthread_rwlock_clockrdlock64
extern int pthread_rwlock_clockrdlock(void *l, int clk, const struct compat_ts32 *t);

COMPAT_HIDDEN int __pthread_rwlock_clockrdlock64(void *l, int clk, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? err : pthread_rwlock_clockrdlock(l, clk, &t);
}
#endif

#ifdef COMPAT_OBJ_pthread_rwlock_clockwrlock64
extern int pthread_rwlock_clockwrlock(void *l, int clk, const struct compat_ts32 *t);

COMPAT_HIDDEN int __pthread_rwlock_clockwrlock64(void *l, int clk, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? err : pthread_rwlock_clockwrlock(l, clk, &t);
}
#endif

#ifdef COMPAT_OBJ_sem_clockwait64
extern int sem_clockwait(void *s, int clk, const struct compat_ts32 *t);

COMPAT_HIDDEN int __sem_clockwait64(void *s, int clk, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? compat_fail(err) : sem_clockwait(s, clk, &t);
}
#endif

#if defined(COMPAT_OBJ_pthread_clockjoin_np64) || defined(COMPAT_OBJ_pthread_timedjoin_np64)
extern int pthread_clockjoin_np(unsigned long th, void **ret, int clk, const struct compat_ts32 *t);
extern int pthread_timedjoin_np(unsigned long th, void **ret, const struct compat_ts32 *t);
extern int pthread_join(unsigned long th, void **ret);
#endif

#ifdef COMPAT_OBJ_pthread_clockjoin_np64
/* abstime NULL waits without a deadline. */
COMPAT_HIDDEN int __pthread_clockjoin_np64(unsigned long th, void **ret, int clk, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err;

	if (!abstime)
		return pthread_clockjoin_np(th, ret, clk, 0);
	if ((err = compat_narrow(abstime, &t)) != 0)
		return err;
	return pthread_clockjoin_np(th, ret, clk, &t);
}
#endif

#ifdef COMPAT_OBJ_pthread_timedjoin_np64
/* glibc 2.31 made a NULL abstime wait without a deadline; the target's
 * pthread_timedjoin_np may be older, so that case is pthread_join. */
COMPAT_HIDDEN int __pthread_timedjoin_np64(unsigned long th, void **ret, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err;

	if (!abstime)
		return pthread_join(th, ret);
	if ((err = compat_narrow(abstime, &t)) != 0)
		return err;
	return pthread_timedjoin_np(th, ret, &t);
}
#endif

#ifdef COMPAT_OBJ_cnd_timedwait64
extern int cnd_timedwait(void *c, void *m, const struct compat_ts32 *t);

/* thrd_error (2) for a deadline past 2038, as glibc's EOVERFLOW maps. */
COMPAT_HIDDEN int __cnd_timedwait64(void *c, void *m, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;

	if (compat_narrow(abstime, &t) != 0)
		return 2;
	return cnd_timedwait(c, m, &t);
}
#endif

#ifdef COMPAT_OBJ_mtx_timedlock64
extern int mtx_timedlock(void *m, const struct compat_ts32 *t);

COMPAT_HIDDEN int __mtx_timedlock64(void *m, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;

	if (compat_narrow(abstime, &t) != 0)
		return 2;
	return mtx_timedlock(m, &t);
}
#endif

#ifdef COMPAT_OBJ_thrd_sleep64
extern int __clock_nanosleep_time64(int clk, int flags, const struct compat_ts64 *req, struct compat_ts64 *rem);

/* 0 after the whole sleep, -1 when a signal cut it short, -2 (< -1) on
 * another error: C11's contract, as glibc's thrd_sleep. */
COMPAT_HIDDEN int __thrd_sleep64(const struct compat_ts64 *req, struct compat_ts64 *rem)
{
	int err = __clock_nanosleep_time64(0 /* CLOCK_REALTIME */, 0, req, rem);

	if (err == 0)
		return 0;
	return err == 4 /* EINTR */ ? -1 : -2;
}
#endif

#ifdef COMPAT_OBJ_aio_suspend_time64
extern int aio_suspend(const void *const list[], int n, const struct compat_ts32 *t);

COMPAT_HIDDEN int __aio_suspend_time64(const void *const list[], int n, const struct compat_ts64 *timeout)
{
	struct compat_ts32 t;
	int err;

	if (!timeout)
		return aio_suspend(list, n, 0);
	if ((err = compat_narrow(timeout, &t)) != 0)
		return compat_fail(err);
	return aio_suspend(list, n, &t);
}
#endif

#ifdef COMPAT_OBJ_gai_suspend_time64
extern int gai_suspend(const void *const list[], int n, const struct compat_ts32 *t);

/* Returns an EAI_ code, not -1: EAI_SYSTEM (-11) with errno EOVERFLOW. */
COMPAT_HIDDEN int __gai_suspend_time64(const void *const list[], int n, const struct compat_ts64 *timeout)
{
	struct compat_ts32 t;
	int err;

	if (!timeout)
		return gai_suspend(list, n, 0);
	if ((err = compat_narrow(timeout, &t)) != 0) {
		compat_fail(err);
		return -11;
	}
	return gai_suspend(list, n, &t);
}
#endif
