/* arc4random, arc4random_buf, arc4random_uniform (glibc 2.36), drawing
 * straight from the kernel on every call (no user-space state, so nothing
 * to reseed after fork). One archive member for the three; each is compiled
 * in only where the target lacks it (COMPAT_OBJ_<name>). */
#include <stdint.h>
#include "random_fill.h"

#ifdef COMPAT_OBJ_arc4random
COMPAT_HIDDEN uint32_t arc4random(void)
{
	uint32_t v;

	compat_random_fill(&v, sizeof v);
	return v;
}
#endif

#ifdef COMPAT_OBJ_arc4random_buf
COMPAT_HIDDEN void arc4random_buf(void *buf, size_t len)
{
	compat_random_fill(buf, len);
}
#endif

#ifdef COMPAT_OBJ_arc4random_uniform
/* Uniform in [0, bound): reject the lowest 2^32 mod bound values so that
 * every residue has the same number of preimages. */
COMPAT_HIDDEN uint32_t arc4random_uniform(uint32_t bound)
{
	uint32_t floor, v;

	if (bound < 2)
		return 0;
	floor = (uint32_t)(-bound) % bound; /* == 2^32 mod bound */
	do
		compat_random_fill(&v, sizeof v);
	while (v < floor);
	return v % bound;
}
#endif
