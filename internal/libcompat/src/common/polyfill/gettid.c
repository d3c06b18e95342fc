/* gettid (glibc 2.30). */
#include <sys/types.h>
#include "compat.h"

COMPAT_HIDDEN pid_t gettid(void)
{
	return (pid_t)syscall(COMPAT_SYS_gettid);
}
