/* The strlcpy family (glibc 2.38) for char and wchar_t, shared by the plain
 * functions and their _FORTIFY_SOURCE checking variants, which must not
 * call each other (each archive member stands alone).
 *
 * xlcpy: copy at most size-1 characters, terminate when size > 0, return
 * the length of src. xlcat: append src to the string in dst (a buffer of
 * size characters), truncating and terminating; return the length of the
 * string it tried to create; if dst holds no terminator within size
 * characters it is left alone and size + length of src is returned. */
#ifndef COMPAT_LCPY_H
#define COMPAT_LCPY_H

#include <stddef.h>
#include "compat.h"

typedef int compat_wchar; /* wchar_t on x86_64 Linux */

#define COMPAT_LCPY(name, T)                                              \
	static inline size_t name(T *dst, const T *src, size_t size)      \
	{                                                                 \
		size_t len = 0, n;                                        \
		while (src[len] != 0)                                     \
			len++;                                            \
		if (size != 0) {                                          \
			n = len < size - 1 ? len : size - 1;              \
			for (size_t i = 0; i < n; i++)                    \
				dst[i] = src[i];                          \
			dst[n] = 0;                                       \
		}                                                         \
		return len;                                               \
	}

#define COMPAT_LCAT(name, T)                                              \
	static inline size_t name(T *dst, const T *src, size_t size)      \
	{                                                                 \
		size_t dlen = 0, slen = 0, room, n;                       \
		while (src[slen] != 0)                                    \
			slen++;                                           \
		while (dlen < size && dst[dlen] != 0)                     \
			dlen++;                                           \
		if (dlen == size)                                         \
			return size + slen;                               \
		room = size - dlen - 1;                                   \
		n = slen < room ? slen : room;                            \
		for (size_t i = 0; i < n; i++)                            \
			dst[dlen + i] = src[i];                           \
		dst[dlen + n] = 0;                                        \
		return dlen + slen;                                       \
	}

COMPAT_LCPY(compat_strlcpy, char)
COMPAT_LCAT(compat_strlcat, char)
COMPAT_LCPY(compat_wcslcpy, compat_wchar)
COMPAT_LCAT(compat_wcslcat, compat_wchar)

#endif
