/* wcslcpy, wcslcat (glibc 2.38): strlcpy and strlcat for wide strings (see
 * lcpy.h). One archive member for both; each is compiled in only where the
 * target lacks it (COMPAT_OBJ_<name>). */
#include "lcpy.h"

#ifdef COMPAT_OBJ_wcslcpy
COMPAT_HIDDEN size_t wcslcpy(compat_wchar *dst, const compat_wchar *src, size_t size)
{
	return compat_wcslcpy(dst, src, size);
}
#endif

#ifdef COMPAT_OBJ_wcslcat
COMPAT_HIDDEN size_t wcslcat(compat_wchar *dst, const compat_wchar *src, size_t size)
{
	return compat_wcslcat(dst, src, size);
}
#endif
