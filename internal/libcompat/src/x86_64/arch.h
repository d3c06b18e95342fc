/* Per-architecture facts for the C sources of libcompat (x86_64).
 *
 * Numbers are spelled out here instead of taken from <sys/syscall.h> so the
 * sources build with any host's headers, including ones older than the
 * system call. */
#ifndef COMPAT_ARCH_H
#define COMPAT_ARCH_H

/* Version arguments of the pre-2.33 stat/mknod entry points. */
#define COMPAT_STAT_VER  1 /* _STAT_VER_LINUX */
#define COMPAT_MKNOD_VER 0 /* _MKNOD_VER_LINUX */

/* Linux x86_64 system call numbers. */
#define COMPAT_SYS_gettid          186
#define COMPAT_SYS_getrandom       318
#define COMPAT_SYS_memfd_create    319
#define COMPAT_SYS_copy_file_range 326
#define COMPAT_SYS_statx           332
#define COMPAT_SYS_close_range     436

/* Optional members of struct dl_find_object on this architecture
 * (glibc: DLFO_STRUCT_HAS_EH_DBASE, DLFO_STRUCT_HAS_EH_COUNT). */
#define COMPAT_DLFO_HAS_EH_DBASE 0
#define COMPAT_DLFO_HAS_EH_COUNT 0

#endif
