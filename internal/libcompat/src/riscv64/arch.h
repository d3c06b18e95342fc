/* Per-architecture facts for the C sources of libcompat (riscv64, lp64d).
 *
 * System call numbers are Linux's asm-generic/unistd.h (what riscv's
 * <asm/unistd.h> includes), spelled out so the sources build with any
 * headers; TestSyscallNumbersMatchHeaders checks them against the cross
 * compiler's <asm/unistd.h>. */
#ifndef COMPAT_ARCH_H
#define COMPAT_ARCH_H

/* Pre-2.33 stat/mknod versions: glibc's generic layout
 * (_STAT_VER_KERNEL 0, _MKNOD_VER_LINUX 0). */
#define COMPAT_STAT_VER  0
#define COMPAT_MKNOD_VER 0

#define COMPAT_SYS_gettid          178
#define COMPAT_SYS_getrandom       278
#define COMPAT_SYS_memfd_create    279
#define COMPAT_SYS_copy_file_range 285
#define COMPAT_SYS_statx           291
#define COMPAT_SYS_close_range     436

#define COMPAT_DLFO_HAS_EH_DBASE 0
#define COMPAT_DLFO_HAS_EH_COUNT 0

#endif
