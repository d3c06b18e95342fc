/* __libc_csu_init/__libc_csu_fini for targets before glibc 2.34, whose
 * __libc_start_main calls the init argument instead of running the
 * executable's initialisers itself. The linker defines the array bounds
 * in every executable.
 *
 * Only dynamically linked programs are built against this archive, and in
 * those the dynamic linker itself runs the executable's .preinit_array
 * (before any shared object's constructors), so it is not run here: doing
 * so would run each entry twice. */
#include "compat.h"

typedef void (*compat_init_fn)(int, char **, char **);

extern compat_init_fn __init_array_start[] COMPAT_HIDDEN;
extern compat_init_fn __init_array_end[] COMPAT_HIDDEN;
extern void _init(void) COMPAT_HIDDEN;

COMPAT_HIDDEN COMPAT_MEMBER(libc_csu) void __libc_csu_init(int argc, char **argv, char **envp)
{
	unsigned long n, i;

	_init();

	n = (unsigned long)(__init_array_end - __init_array_start);
	for (i = 0; i < n; i++)
		__init_array_start[i](argc, argv, envp);
}

/* In a dynamically linked program the dynamic linker runs the executable's
 * .fini_array and _fini (it registered itself via rtld_fini), so this must
 * do nothing or destructors would run twice. */
COMPAT_HIDDEN COMPAT_MEMBER(libc_csu) void __libc_csu_fini(void)
{
}
