/* Per-architecture facts for the C sources of libcompat (i386).
 *
 * System call numbers are Linux's arch/x86 32-bit table (<asm/unistd_32.h>),
 * spelled out so the sources build with any headers;
 * TestSyscallNumbersMatchHeaders checks them against the cross compiler's
 * <asm/unistd.h>. */
#ifndef COMPAT_ARCH_H
#define COMPAT_ARCH_H

/* Pre-2.33 stat/mknod versions of glibc's i386 port (x86/bits/stat.h
 * without __x86_64__: _STAT_VER_LINUX 3, _MKNOD_VER_LINUX 1). */
#define COMPAT_STAT_VER  3
#define COMPAT_MKNOD_VER 1

#define COMPAT_SYS_gettid          224
#define COMPAT_SYS_getrandom       355
#define COMPAT_SYS_memfd_create    356
#define COMPAT_SYS_copy_file_range 377
#define COMPAT_SYS_statx           383
#define COMPAT_SYS_close_range     436

/* The time64 system calls of Linux 5.1 (32-bit ABIs only). */
#define COMPAT_SYS_clock_gettime64        403
#define COMPAT_SYS_clock_getres_time64    406
#define COMPAT_SYS_clock_nanosleep_time64 407
#define COMPAT_SYS_utimensat_time64       412

/* i386's struct dl_find_object has dlfo_eh_dbase (the unwinder's
 * DW_EH_PE_datarel base, glibc's DLFO_STRUCT_HAS_EH_DBASE). */
#define COMPAT_DLFO_HAS_EH_DBASE 1
#define COMPAT_DLFO_HAS_EH_COUNT 0

#endif
