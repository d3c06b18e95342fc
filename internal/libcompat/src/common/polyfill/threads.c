/* C11 <threads.h> (glibc 2.28 in libpthread, 2.34 in libc) over POSIX
 * threads, as glibc implements it: the same objects (mtx_t is a
 * pthread_mutex_t, cnd_t a pthread_cond_t, tss_t a pthread_key_t,
 * once_flag a pthread_once_t), pthread error numbers mapped to thrd_*
 * results the same way (0 success, ENOMEM nomem, ETIMEDOUT timedout, EBUSY
 * busy, anything else error).
 *
 * One archive member for all; each function is compiled in only where the
 * target lacks it (COMPAT_OBJ_<name>). */
#include <errno.h>
#include <stddef.h>
#include "compat.h"

enum { compat_thrd_success = 0, compat_thrd_busy = 1, compat_thrd_error = 2, compat_thrd_nomem = 3, compat_thrd_timedout = 4 };
enum { compat_mtx_plain = 0, compat_mtx_recursive = 1, compat_mtx_timed = 2 };

static __attribute__((unused)) int compat_thrd_err(int e)
{
	switch (e) {
	case 0:
		return compat_thrd_success;
	case ENOMEM:
		return compat_thrd_nomem;
	case ETIMEDOUT:
		return compat_thrd_timedout;
	case EBUSY:
		return compat_thrd_busy;
	}
	return compat_thrd_error;
}

typedef unsigned long compat_pthread_t;
struct compat_timespec {
	long tv_sec, tv_nsec;
};

/* ---- thrd_* ---- */

#ifdef COMPAT_OBJ_thrd_create
extern int pthread_create(compat_pthread_t *t, const void *attr, void *(*fn)(void *), void *arg);
extern void *malloc(size_t n);
extern void free(void *p);

struct compat_thrd_start {
	int (*fn)(void *);
	void *arg;
};

/* A C11 thread function returns int; pthread's returns void *. The result
 * travels through the pointer, as in glibc. */
static void *compat_thrd_start(void *p)
{
	struct compat_thrd_start s = *(struct compat_thrd_start *)p;
	free(p);
	return (void *)(long)s.fn(s.arg);
}

COMPAT_HIDDEN int thrd_create(compat_pthread_t *t, int (*fn)(void *), void *arg)
{
	struct compat_thrd_start *s = malloc(sizeof *s);
	if (s == NULL)
		return compat_thrd_nomem;
	s->fn = fn;
	s->arg = arg;
	int e = pthread_create(t, NULL, compat_thrd_start, s);
	if (e != 0)
		free(s);
	return compat_thrd_err(e);
}
#endif

#ifdef COMPAT_OBJ_thrd_current
extern compat_pthread_t pthread_self(void);

COMPAT_HIDDEN compat_pthread_t thrd_current(void)
{
	return pthread_self();
}
#endif

#ifdef COMPAT_OBJ_thrd_detach
extern int pthread_detach(compat_pthread_t t);

COMPAT_HIDDEN int thrd_detach(compat_pthread_t t)
{
	return compat_thrd_err(pthread_detach(t));
}
#endif

#ifdef COMPAT_OBJ_thrd_equal
extern int pthread_equal(compat_pthread_t a, compat_pthread_t b);

COMPAT_HIDDEN int thrd_equal(compat_pthread_t a, compat_pthread_t b)
{
	return pthread_equal(a, b);
}
#endif

#ifdef COMPAT_OBJ_thrd_exit
extern void pthread_exit(void *ret) __attribute__((noreturn));

COMPAT_HIDDEN __attribute__((noreturn)) void thrd_exit(int res)
{
	pthread_exit((void *)(long)res);
}
#endif

#ifdef COMPAT_OBJ_thrd_join
extern int pthread_join(compat_pthread_t t, void **ret);

COMPAT_HIDDEN int thrd_join(compat_pthread_t t, int *res)
{
	void *v;
	int e = pthread_join(t, &v);
	if (e == 0 && res != NULL)
		*res = (int)(long)v;
	return compat_thrd_err(e);
}
#endif

#ifdef COMPAT_OBJ_thrd_sleep
extern int clock_nanosleep(int clock, int flags, const struct compat_timespec *req, struct compat_timespec *rem);

/* 0 when the time has passed, -1 when a signal interrupted the sleep
 * (remaining then holds what is left), -2 on another error. */
COMPAT_HIDDEN int thrd_sleep(const struct compat_timespec *duration, struct compat_timespec *remaining)
{
	switch (clock_nanosleep(0 /* CLOCK_REALTIME */, 0, duration, remaining)) {
	case 0:
		return 0;
	case EINTR:
		return -1;
	}
	return -2;
}
#endif

#ifdef COMPAT_OBJ_thrd_yield
extern int sched_yield(void);

COMPAT_HIDDEN void thrd_yield(void)
{
	sched_yield();
}
#endif

/* ---- mtx_* ---- */

struct compat_mutex;

#ifdef COMPAT_OBJ_mtx_init
/* pthread_mutexattr_t is 4 bytes; an int array keeps its alignment. */
typedef struct {
	int v;
} compat_mutexattr;
extern int pthread_mutexattr_init(compat_mutexattr *a);
extern int pthread_mutexattr_settype(compat_mutexattr *a, int type);
extern int pthread_mutexattr_destroy(compat_mutexattr *a);
extern int pthread_mutex_init(struct compat_mutex *m, const compat_mutexattr *a);

/* mtx_recursive with plain or timed makes a recursive mutex; every other
 * type, valid or not, a normal one (glibc accepts any). */
COMPAT_HIDDEN int mtx_init(struct compat_mutex *m, int type)
{
	compat_mutexattr a;
	pthread_mutexattr_init(&a);
	switch (type) {
	case compat_mtx_plain | compat_mtx_recursive:
	case compat_mtx_timed | compat_mtx_recursive:
		pthread_mutexattr_settype(&a, 1 /* PTHREAD_MUTEX_RECURSIVE */);
		break;
	default:
		pthread_mutexattr_settype(&a, 0 /* PTHREAD_MUTEX_NORMAL */);
	}
	int e = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return compat_thrd_err(e);
}
#endif

#ifdef COMPAT_OBJ_mtx_destroy
extern int pthread_mutex_destroy(struct compat_mutex *m);

COMPAT_HIDDEN void mtx_destroy(struct compat_mutex *m)
{
	pthread_mutex_destroy(m);
}
#endif

#ifdef COMPAT_OBJ_mtx_lock
extern int pthread_mutex_lock(struct compat_mutex *m);

COMPAT_HIDDEN int mtx_lock(struct compat_mutex *m)
{
	return compat_thrd_err(pthread_mutex_lock(m));
}
#endif

#ifdef COMPAT_OBJ_mtx_timedlock
extern int pthread_mutex_timedlock(struct compat_mutex *m, const struct compat_timespec *t);

COMPAT_HIDDEN int mtx_timedlock(struct compat_mutex *m, const struct compat_timespec *t)
{
	return compat_thrd_err(pthread_mutex_timedlock(m, t));
}
#endif

#ifdef COMPAT_OBJ_mtx_trylock
extern int pthread_mutex_trylock(struct compat_mutex *m);

COMPAT_HIDDEN int mtx_trylock(struct compat_mutex *m)
{
	return compat_thrd_err(pthread_mutex_trylock(m));
}
#endif

#ifdef COMPAT_OBJ_mtx_unlock
extern int pthread_mutex_unlock(struct compat_mutex *m);

COMPAT_HIDDEN int mtx_unlock(struct compat_mutex *m)
{
	return compat_thrd_err(pthread_mutex_unlock(m));
}
#endif

/* ---- cnd_* ---- */

struct compat_cond;

#ifdef COMPAT_OBJ_cnd_init
extern int pthread_cond_init(struct compat_cond *c, const void *attr);

COMPAT_HIDDEN int cnd_init(struct compat_cond *c)
{
	return compat_thrd_err(pthread_cond_init(c, NULL));
}
#endif

#ifdef COMPAT_OBJ_cnd_destroy
extern int pthread_cond_destroy(struct compat_cond *c);

COMPAT_HIDDEN void cnd_destroy(struct compat_cond *c)
{
	pthread_cond_destroy(c);
}
#endif

#ifdef COMPAT_OBJ_cnd_signal
extern int pthread_cond_signal(struct compat_cond *c);

COMPAT_HIDDEN int cnd_signal(struct compat_cond *c)
{
	return compat_thrd_err(pthread_cond_signal(c));
}
#endif

#ifdef COMPAT_OBJ_cnd_broadcast
extern int pthread_cond_broadcast(struct compat_cond *c);

COMPAT_HIDDEN int cnd_broadcast(struct compat_cond *c)
{
	return compat_thrd_err(pthread_cond_broadcast(c));
}
#endif

#ifdef COMPAT_OBJ_cnd_wait
extern int pthread_cond_wait(struct compat_cond *c, struct compat_mutex *m);

COMPAT_HIDDEN int cnd_wait(struct compat_cond *c, struct compat_mutex *m)
{
	return compat_thrd_err(pthread_cond_wait(c, m));
}
#endif

#ifdef COMPAT_OBJ_cnd_timedwait
extern int pthread_cond_timedwait(struct compat_cond *c, struct compat_mutex *m, const struct compat_timespec *t);

COMPAT_HIDDEN int cnd_timedwait(struct compat_cond *c, struct compat_mutex *m, const struct compat_timespec *t)
{
	return compat_thrd_err(pthread_cond_timedwait(c, m, t));
}
#endif

/* ---- tss_* and call_once ---- */

#ifdef COMPAT_OBJ_tss_create
extern int pthread_key_create(unsigned int *key, void (*dtor)(void *));

COMPAT_HIDDEN int tss_create(unsigned int *key, void (*dtor)(void *))
{
	return compat_thrd_err(pthread_key_create(key, dtor));
}
#endif

#ifdef COMPAT_OBJ_tss_delete
extern int pthread_key_delete(unsigned int key);

COMPAT_HIDDEN void tss_delete(unsigned int key)
{
	pthread_key_delete(key);
}
#endif

#ifdef COMPAT_OBJ_tss_get
extern void *pthread_getspecific(unsigned int key);

COMPAT_HIDDEN void *tss_get(unsigned int key)
{
	return pthread_getspecific(key);
}
#endif

#ifdef COMPAT_OBJ_tss_set
extern int pthread_setspecific(unsigned int key, const void *v);

COMPAT_HIDDEN int tss_set(unsigned int key, void *v)
{
	return compat_thrd_err(pthread_setspecific(key, v));
}
#endif

#ifdef COMPAT_OBJ_call_once
extern int pthread_once(int *flag, void (*fn)(void));

COMPAT_HIDDEN void call_once(int *flag, void (*fn)(void))
{
	pthread_once(flag, fn);
}
#endif
