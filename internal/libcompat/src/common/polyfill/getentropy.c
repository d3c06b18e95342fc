/* getentropy (glibc 2.25): fill up to 256 bytes from the kernel's random
 * pool, retrying on interruption and short reads. */
#include <sys/types.h>
#include <errno.h>
#include "compat.h"

COMPAT_HIDDEN int getentropy(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t done = 0;

	if (len > 256) {
		errno = EIO;
		return -1;
	}
	while (done < len) {
		long n = syscall(COMPAT_SYS_getrandom, p + done, len - done, 0u);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}
