/* __rseq_offset, __rseq_size, __rseq_flags (glibc 2.35, in ld.so): where
 * glibc registered the thread's restartable-sequences area, relative to
 * the thread pointer, and its size; size 0 means glibc registered none,
 * which is the truth on every release before 2.35. On a newer glibc the
 * constructor copies the loader's values, so a program built for an old
 * target still sees the registration the running glibc made.
 *
 * One archive member (rseq) for the three. */
#include <stddef.h>
#include "compat.h"

extern void *dlsym(void *handle, const char *name);

#ifdef COMPAT_OBJ_rseq_offset
COMPAT_HIDDEN long __rseq_offset;
#endif
#ifdef COMPAT_OBJ_rseq_size
COMPAT_HIDDEN unsigned int __rseq_size;
#endif
#ifdef COMPAT_OBJ_rseq_flags
COMPAT_HIDDEN unsigned int __rseq_flags;
#endif

__attribute__((constructor)) static void compat_rseq_init(void)
{
	/* RTLD_DEFAULT: the global scope, where the loader's symbols are
	 * (the hidden copies here are not in the dynamic symbol table). */
	const long *off = dlsym(NULL, "__rseq_offset");
	const unsigned int *size = dlsym(NULL, "__rseq_size");
	const unsigned int *flags = dlsym(NULL, "__rseq_flags");

	if (off == NULL || size == NULL || flags == NULL)
		return;
#ifdef COMPAT_OBJ_rseq_offset
	__rseq_offset = *off;
#endif
#ifdef COMPAT_OBJ_rseq_size
	__rseq_size = *size;
#endif
#ifdef COMPAT_OBJ_rseq_flags
	__rseq_flags = *flags;
#endif
}
