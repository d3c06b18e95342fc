/* pthread_atfork: fork handlers owned by this module, so that dlclose of a
 * shared library removes them. */
#include "compat.h"

extern int __register_atfork(void (*prepare)(void), void (*parent)(void),
			     void (*child)(void), void *dso);
extern void *__dso_handle __attribute__((weak));

COMPAT_HIDDEN int pthread_atfork(void (*prepare)(void), void (*parent)(void),
				 void (*child)(void))
{
	return __register_atfork(prepare, parent, child,
				 &__dso_handle != 0 ? __dso_handle : (void *)0);
}
