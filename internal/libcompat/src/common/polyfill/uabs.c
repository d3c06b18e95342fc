/* uabs, ulabs, ullabs, uimaxabs (glibc 2.42), umaxabs (2.43): the
 * absolute value as the unsigned type, defined for the most negative value
 * too. One archive member (uabs) for all; each is compiled in only where
 * the target lacks it (COMPAT_OBJ_<name>). */
#include "compat.h"

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
