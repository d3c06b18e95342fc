/* Thread functions glibc added after 2.17 that older releases can answer.
 *
 * pthread_getattr_default_np (2.18): the attributes a thread created
 * without any gets. glibc 2.17 has no settable defaults: they are
 * pthread_attr_init's, with the stack size pthread_attr_getstacksize
 * reports for it (the one derived from RLIMIT_STACK at start-up).
 *
 * pthread_gettid_np (2.42): the kernel thread ID of a thread, from its
 * descriptor (see arch.h), or -1 once the thread has ended.
 *
 * (pthread_attr_getsigmask_np is sigmask.c's, with the mask it reads.)
 *
 * One archive member for the two; each is compiled in only where the
 * target lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include "compat.h"

#ifdef COMPAT_OBJ_pthread_getattr_default_np
/* pthread_attr_t: 56 bytes on x86_64. */
typedef union {
	char size[56];
	long align;
} compat_pthread_attr;
extern int pthread_attr_init(compat_pthread_attr *a);
extern int pthread_attr_getstacksize(const compat_pthread_attr *a, size_t *size);
extern int pthread_attr_setstacksize(compat_pthread_attr *a, size_t size);

COMPAT_HIDDEN int pthread_getattr_default_np(compat_pthread_attr *out)
{
	size_t size = 0;
	int e = pthread_attr_init(out);
	if (e == 0 && pthread_attr_getstacksize(out, &size) == 0 && size != 0)
		e = pthread_attr_setstacksize(out, size);
	return e;
}
#endif

#ifdef COMPAT_OBJ_pthread_gettid_np
COMPAT_HIDDEN int pthread_gettid_np(unsigned long thread)
{
	int tid = __atomic_load_n((int *)(thread + COMPAT_PTHREAD_TID_OFFSET), __ATOMIC_RELAXED);
	return tid <= 0 ? -1 : tid;
}
#endif
