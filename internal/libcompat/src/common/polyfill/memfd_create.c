/* memfd_create (glibc 2.27). */
#include "compat.h"

COMPAT_HIDDEN int memfd_create(const char *name, unsigned int flags)
{
	return (int)syscall(COMPAT_SYS_memfd_create, name, flags);
}
