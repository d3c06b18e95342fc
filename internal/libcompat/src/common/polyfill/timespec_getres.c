/* timespec_getres (glibc 2.34): the resolution of the clock behind a
 * timespec_get base, which glibc knows only for TIME_UTC (1,
 * CLOCK_REALTIME); returns base, or 0 for any other base. ts may be NULL. */
#include "compat.h"

struct compat_timespec {
	long tv_sec, tv_nsec;
};
extern int clock_getres(int clock, struct compat_timespec *ts);

COMPAT_HIDDEN int timespec_getres(struct compat_timespec *ts, int base)
{
	if (base != 1)
		return 0;
	clock_getres(0 /* CLOCK_REALTIME */, ts);
	return base;
}
