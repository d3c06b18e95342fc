/* Memory functions glibc added after 2.17.
 *
 * mallinfo2 (2.33) is mallinfo with size_t fields. The older mallinfo's
 * int fields are the same counters truncated to int; read back as
 * unsigned they are exact up to 4 GiB, beyond that they wrap (glibc's own
 * mallinfo2 does not).
 *
 * memalignment (2.43): the largest power of two that divides the address,
 * 0 for a null pointer.
 *
 * One archive member for both; each is compiled in only where the target
 * lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include "compat.h"

#ifdef COMPAT_OBJ_mallinfo2
struct compat_mallinfo {
	int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
struct compat_mallinfo2 {
	size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
extern struct compat_mallinfo mallinfo(void);

COMPAT_HIDDEN struct compat_mallinfo2 mallinfo2(void)
{
	struct compat_mallinfo m = mallinfo();
	struct compat_mallinfo2 r = {
		(unsigned int)m.arena, (unsigned int)m.ordblks, (unsigned int)m.smblks, (unsigned int)m.hblks,
		(unsigned int)m.hblkhd, (unsigned int)m.usmblks, (unsigned int)m.fsmblks, (unsigned int)m.uordblks,
		(unsigned int)m.fordblks, (unsigned int)m.keepcost,
	};
	return r;
}
#endif

#ifdef COMPAT_OBJ_memalignment
COMPAT_HIDDEN size_t memalignment(const void *p)
{
	size_t a = (size_t)p;
	return a & -a;
}
#endif
