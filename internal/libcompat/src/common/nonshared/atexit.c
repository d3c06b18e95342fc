/* atexit: register FN to run at exit of the program or at dlclose of the
 * shared object it is linked into. The owner is identified by __dso_handle,
 * which crtbegin.o/crtbeginS.o define (hidden) in every module. */
#include "compat.h"

extern int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);
extern void *__dso_handle __attribute__((weak));

COMPAT_HIDDEN int atexit(void (*fn)(void))
{
	return __cxa_atexit((void (*)(void *))fn, (void *)0,
			    &__dso_handle != 0 ? __dso_handle : (void *)0);
}
