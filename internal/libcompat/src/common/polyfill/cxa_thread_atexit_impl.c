/* __cxa_thread_atexit_impl (glibc 2.18): run dtor(obj) when the calling
 * thread exits. C++ thread_local objects with destructors register here
 * (through libstdc++'s __cxa_thread_atexit, which GCC builds against glibc
 * >= 2.18 call unconditionally, so -static-libstdc++ needs it on 2.17).
 *
 * Each thread keeps its destructors in a list, newest first, behind a
 * pthread key whose destructor runs them when the thread ends (and again
 * for any registered while they run). The main thread's key destructor
 * never runs: an exit handler, registered on first use, runs the list of
 * the thread that calls exit. glibc runs these before all exit handlers;
 * here they run before the handlers registered earlier than the first
 * thread_local destructor (libstdc++'s own fallback does the same).
 *
 * The pthread functions are weak references: at glibc < 2.34 they live in
 * libpthread, which a program that starts threads links (pthread_create is
 * there too) and a single-threaded one does not. Without them there is
 * only the main thread, and its list is a plain static one.
 *
 * Unlike glibc, this does not keep the registering library loaded until
 * its destructors have run: when a library is unloaded, the calling
 * thread's destructors run and other threads' are dropped.
 *
 * So all of the above is only the answer of a glibc without the function:
 * on any glibc from 2.18 on (the output built for 2.17 running on a newer
 * system, the common case) each call goes to glibc's own
 * __cxa_thread_atexit_impl@GLIBC_2.18, found at run time (libcsym.h),
 * which runs the destructors before every exit handler and keeps an
 * unloaded library's code until they have run, as the program would get
 * if it had been built there. (GLIBC_2.18 is the version on every ABI
 * whose first release is older: i386, arm, aarch64, s390x, x86_64.)
 * COMPAT_TEST_OWN_TLS_DTORS skips the lookup, for the tests of the
 * fallback. */
#include <stddef.h>
#include "compat.h"
#include "libcsym.h"

typedef unsigned int compat_pthread_key_t;
typedef int compat_pthread_once_t;

extern int pthread_key_create(compat_pthread_key_t *, void (*)(void *)) __attribute__((weak));
extern void *pthread_getspecific(compat_pthread_key_t) __attribute__((weak));
extern int pthread_setspecific(compat_pthread_key_t, const void *) __attribute__((weak));
extern int pthread_once(compat_pthread_once_t *, void (*)(void)) __attribute__((weak));
extern int pthread_key_delete(compat_pthread_key_t) __attribute__((weak));
extern void *malloc(size_t);
extern void free(void *);
extern int __cxa_atexit(void (*)(void *), void *, void *);
extern void *__dso_handle __attribute__((weak));

struct compat_tls_dtor {
	void (*fn)(void *);
	void *obj;
	struct compat_tls_dtor *next;
};

static compat_pthread_key_t compat_tls_key;
static compat_pthread_once_t compat_tls_once; /* PTHREAD_ONCE_INIT is 0 */
static int compat_tls_key_ok;
static struct compat_tls_dtor *compat_tls_single; /* no libpthread: main thread only */
static int compat_tls_exit_registered;

static int compat_tls_threads(void)
{
	return pthread_key_create && pthread_getspecific && pthread_setspecific && pthread_once;
}

static struct compat_tls_dtor *compat_tls_take(void)
{
	struct compat_tls_dtor *list;

	if (!compat_tls_threads()) {
		list = compat_tls_single;
		compat_tls_single = 0;
		return list;
	}
	if (!compat_tls_key_ok)
		return 0;
	list = pthread_getspecific(compat_tls_key);
	pthread_setspecific(compat_tls_key, 0);
	return list;
}

/* Runs a list, newest first; destructors may register new ones, which the
 * caller finds on the next take. */
static void compat_tls_run(struct compat_tls_dtor *list)
{
	while (list) {
		struct compat_tls_dtor *next = list->next;

		list->fn(list->obj);
		free(list);
		list = next;
	}
}

/* Key destructor, at the end of a thread other than the main one. */
static void compat_tls_thread_exit(void *list)
{
	struct compat_tls_dtor *more;

	compat_tls_run(list);
	while ((more = compat_tls_take()) != 0)
		compat_tls_run(more);
}

/* Exit handler, at exit or when the library holding this copy is
 * unloaded: the list of the calling thread. Deleting the key then keeps
 * threads that end later from calling into an unloaded library (their
 * lists are left, as their destructors' code may be gone). */
static void compat_tls_process_exit(void *unused)
{
	struct compat_tls_dtor *list;

	(void)unused;
	while ((list = compat_tls_take()) != 0)
		compat_tls_run(list);
	if (compat_tls_key_ok && pthread_key_delete) {
		compat_tls_key_ok = 0;
		pthread_key_delete(compat_tls_key);
	}
}

static void compat_tls_make_key(void)
{
	compat_tls_key_ok = pthread_key_create(&compat_tls_key, compat_tls_thread_exit) == 0;
}

typedef int (*compat_tls_impl)(void (*)(void *), void *, void *);

/* glibc's own function, or NULL; looked up once (a race only repeats the
 * same lookup). */
static compat_tls_impl compat_tls_glibc(void)
{
#ifdef COMPAT_TEST_OWN_TLS_DTORS
	return 0;
#else
	static void *cache; /* the function, or &cache for "none" */
	void *p = __atomic_load_n(&cache, __ATOMIC_ACQUIRE);
	if (p == 0) {
		p = compat_libc_function("__cxa_thread_atexit_impl", "GLIBC_2.18");
		if (p == 0)
			p = &cache;
		__atomic_store_n(&cache, p, __ATOMIC_RELEASE);
	}
	return p == (void *)&cache ? 0 : (compat_tls_impl)p;
#endif
}

COMPAT_HIDDEN int __cxa_thread_atexit_impl(void (*fn)(void *), void *obj, void *dso)
{
	compat_tls_impl glibc = compat_tls_glibc();
	if (glibc)
		return glibc(fn, obj, dso);

	struct compat_tls_dtor *d = malloc(sizeof *d);

	if (!d)
		return -1;
	d->fn = fn;
	d->obj = obj;
	if (compat_tls_threads()) {
		pthread_once(&compat_tls_once, compat_tls_make_key);
		if (!compat_tls_key_ok) {
			free(d);
			return -1;
		}
		d->next = pthread_getspecific(compat_tls_key);
		pthread_setspecific(compat_tls_key, d);
	} else {
		d->next = compat_tls_single;
		compat_tls_single = d;
	}
	/* Racy only among threads that all register: each sees 0 or 1, and
	 * a second registration of the handler is harmless (the list is
	 * taken once). */
	if (!compat_tls_exit_registered) {
		compat_tls_exit_registered = 1;
		__cxa_atexit(compat_tls_process_exit, 0, &__dso_handle != 0 ? __dso_handle : 0);
	}
	return 0;
}
