/* at_quick_exit: like atexit, for quick_exit. */
#include "compat.h"

extern int __cxa_at_quick_exit(void (*fn)(void *), void *dso);
extern void *__dso_handle __attribute__((weak));

COMPAT_HIDDEN int at_quick_exit(void (*fn)(void))
{
	return __cxa_at_quick_exit((void (*)(void *))fn,
				   &__dso_handle != 0 ? __dso_handle : (void *)0);
}
