/* Small functions glibc added after 2.17 that need nothing but old libc:
 *
 *   reallocarray   2.26: realloc(p, n * size) with an overflow check
 *   twalk_r   2.30    mallinfo2   2.33    timespec_getres   2.34
 *   uabs ulabs ullabs uimaxabs   2.42    umaxabs memalignment   2.43
 *
 * mallinfo2 is mallinfo with size_t fields. The older mallinfo's int
 * fields are the same counters truncated to int; read back as unsigned
 * they are exact up to 4 GiB, beyond that they wrap (glibc's own mallinfo2
 * does not). timespec_getres knows only TIME_UTC (1, CLOCK_REALTIME), as
 * glibc: it returns base, or 0 for any other base; ts may be NULL.
 * memalignment is the largest power of two dividing the address (0 for
 * NULL); the u*abs functions give the absolute value as the unsigned type,
 * defined for the most negative value too.
 *
 * twalk_r is twalk with a closure argument instead of the depth, visiting
 * the nodes of a tsearch tree in twalk's order (preorder, postorder,
 * endorder for inner nodes; leaf for leaves). The tree belongs to the
 * running glibc, so it is read as every release lays out its nodes: the
 * key first, then the left and the right child, where releases from 2.27
 * keep the node's colour in the low bit of the left pointer (always 0
 * there before).
 *
 * One archive member for all; each is compiled in only where the target
 * lacks it (COMPAT_OBJ_<name>). */
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include "compat.h"

#ifdef COMPAT_OBJ_reallocarray
extern void *realloc(void *p, size_t size);

COMPAT_HIDDEN void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}
#endif

#ifdef COMPAT_OBJ_timespec_getres
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
#endif

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

#ifdef COMPAT_OBJ_uabs
COMPAT_HIDDEN unsigned int uabs(int x)
{
	return x < 0 ? 0u - (unsigned int)x : (unsigned int)x;
}
#endif

#ifdef COMPAT_OBJ_ulabs
COMPAT_HIDDEN unsigned long ulabs(long x)
{
	return x < 0 ? 0ul - (unsigned long)x : (unsigned long)x;
}
#endif

#ifdef COMPAT_OBJ_ullabs
COMPAT_HIDDEN unsigned long long ullabs(long long x)
{
	return x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
}
#endif

#ifdef COMPAT_OBJ_uimaxabs
COMPAT_HIDDEN __UINTMAX_TYPE__ uimaxabs(__INTMAX_TYPE__ x)
{
	return x < 0 ? (__UINTMAX_TYPE__)0 - (__UINTMAX_TYPE__)x : (__UINTMAX_TYPE__)x;
}
#endif

#ifdef COMPAT_OBJ_umaxabs
COMPAT_HIDDEN __UINTMAX_TYPE__ umaxabs(__INTMAX_TYPE__ x)
{
	return x < 0 ? (__UINTMAX_TYPE__)0 - (__UINTMAX_TYPE__)x : (__UINTMAX_TYPE__)x;
}
#endif

#ifdef COMPAT_OBJ_twalk_r
struct compat_node {
	const void *key;
	uintptr_t left;
	struct compat_node *right;
};

typedef void (*compat_action)(const void *node, int visit, void *closure);
enum { compat_preorder, compat_postorder, compat_endorder, compat_leaf };

static void compat_walk(const struct compat_node *n, compat_action action, void *closure)
{
	const struct compat_node *left = (const struct compat_node *)(n->left & ~(uintptr_t)1);

	if (left == NULL && n->right == NULL) {
		action(n, compat_leaf, closure);
		return;
	}
	action(n, compat_preorder, closure);
	if (left != NULL)
		compat_walk(left, action, closure);
	action(n, compat_postorder, closure);
	if (n->right != NULL)
		compat_walk(n->right, action, closure);
	action(n, compat_endorder, closure);
}

COMPAT_HIDDEN void twalk_r(const void *root, compat_action action, void *closure)
{
	if (root != NULL && action != NULL)
		compat_walk(root, action, closure);
}
#endif
