/* Per-architecture facts for the C sources of libcompat (s390x).
 *
 * System call numbers are Linux's arch/s390 table (<asm/unistd.h>),
 * spelled out so the sources build with any headers;
 * TestSyscallNumbersMatchHeaders checks them against the cross compiler's
 * <asm/unistd.h>. */
#ifndef COMPAT_ARCH_H
#define COMPAT_ARCH_H

/* Pre-2.33 stat/mknod versions of glibc's 64-bit s390 port
 * (_STAT_VER_LINUX 1, _MKNOD_VER_LINUX 0). */
#define COMPAT_STAT_VER  1
#define COMPAT_MKNOD_VER 0

#define COMPAT_SYS_gettid          236
#define COMPAT_SYS_getrandom       349
#define COMPAT_SYS_memfd_create    350
#define COMPAT_SYS_copy_file_range 375
#define COMPAT_SYS_statx           379
#define COMPAT_SYS_close_range     436

#define COMPAT_DLFO_HAS_EH_DBASE 0
#define COMPAT_DLFO_HAS_EH_COUNT 0

#endif
