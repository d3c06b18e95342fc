/* Per-architecture facts for the C sources of libcompat (aarch64, LP64).
 *
 * System call numbers are Linux's asm-generic/unistd.h (what aarch64's
 * <asm/unistd.h> includes), spelled out so the sources build with any
 * headers; TestSyscallNumbersMatchHeaders checks them against the cross
 * compiler's <asm/unistd.h>. From Linux 5.1 on (424 and up) every
 * architecture numbers new system calls alike. */
#ifndef COMPAT_ARCH_H
#define COMPAT_ARCH_H

/* Version arguments of the pre-2.33 stat/mknod entry points: aarch64 uses
 * glibc's generic layout, where struct stat is the kernel's
 * (_STAT_VER_KERNEL 0, _MKNOD_VER_LINUX 0). */
#define COMPAT_STAT_VER  0
#define COMPAT_MKNOD_VER 0

#define COMPAT_SYS_getdents64        61
#define COMPAT_SYS_set_robust_list   99
#define COMPAT_SYS_get_robust_list   100
#define COMPAT_SYS_tgkill            131
#define COMPAT_SYS_getcpu            168
#define COMPAT_SYS_gettid            178
#define COMPAT_SYS_clone             220
#define COMPAT_SYS_sched_setattr     274
#define COMPAT_SYS_sched_getattr     275
#define COMPAT_SYS_renameat2         276
#define COMPAT_SYS_getrandom         278
#define COMPAT_SYS_memfd_create      279
#define COMPAT_SYS_execveat          281
#define COMPAT_SYS_mlock2            284
#define COMPAT_SYS_copy_file_range   285
#define COMPAT_SYS_preadv2           286
#define COMPAT_SYS_pwritev2          287
#define COMPAT_SYS_pkey_mprotect     288
#define COMPAT_SYS_pkey_alloc        289
#define COMPAT_SYS_pkey_free         290
#define COMPAT_SYS_statx             291
#define COMPAT_SYS_pidfd_send_signal 424
#define COMPAT_SYS_open_tree         428
#define COMPAT_SYS_move_mount        429
#define COMPAT_SYS_fsopen            430
#define COMPAT_SYS_fsconfig          431
#define COMPAT_SYS_fsmount           432
#define COMPAT_SYS_fspick            433
#define COMPAT_SYS_pidfd_open        434
#define COMPAT_SYS_clone3            435
#define COMPAT_SYS_close_range       436
#define COMPAT_SYS_openat2           437
#define COMPAT_SYS_pidfd_getfd       438
#define COMPAT_SYS_process_madvise   440
#define COMPAT_SYS_epoll_pwait2      441
#define COMPAT_SYS_mount_setattr     442
#define COMPAT_SYS_process_mrelease  448
#define COMPAT_SYS_mseal             462

/* struct dl_find_object has neither optional member on aarch64. */
#define COMPAT_DLFO_HAS_EH_DBASE 0
#define COMPAT_DLFO_HAS_EH_COUNT 0

/* What the spawn and signal-mask polyfills (spawn_run.h, sigmask.c) call
 * directly. */
#define COMPAT_SYS_rt_sigaction      134
#define COMPAT_SYS_rt_sigprocmask    135
#define COMPAT_SYS_setresuid         147
#define COMPAT_SYS_setresgid         149
#define COMPAT_SYS_waitid            95

/* Signals: the kernel's _NSIG and the size of its sigset_t (what
 * rt_sigprocmask and rt_sigaction take). */
#define COMPAT_NSIG         65
#define COMPAT_KSIGSET_SIZE 8

/* The version of the glibc functions that the overrides
 * (catalogue/overrides.tsv) look up at run time: what a link for a target
 * below the override's release binds, aarch64's base version (its first
 * release, 2.17); TestOverrideVersions checks them against the ABI
 * database. */
#define COMPAT_VERSION_pthread_create                   "GLIBC_2.17"
#define COMPAT_VERSION_pthread_attr_init                "GLIBC_2.17"
#define COMPAT_VERSION_pthread_attr_destroy             "GLIBC_2.17"
#define COMPAT_VERSION_posix_spawn_file_actions_destroy "GLIBC_2.17"

/* glibc's struct termios and its c_cflag speed fields on this
 * architecture (asm-generic termbits, glibc bits/termios-struct.h): NCCS
 * control characters, c_line before them; the output speed code in CBAUD
 * (CBAUDEX its high bit), the input speed code in CIBAUD (CBAUD shifted by
 * IBSHIFT); B57600 the first CBAUDEX code, the higher rates following it;
 * IBAUD0 is the c_iflag bit glibc < 2.42's cfsetispeed(t, 0) sets and its
 * tcsetattr clears. */
#define COMPAT_TERMIOS_NCCS        32
#define COMPAT_TERMIOS_C_LINE_FIRST 1
#define COMPAT_TERMIOS_CBAUD       0010017u
#define COMPAT_TERMIOS_CIBAUD      002003600000u
#define COMPAT_TERMIOS_IBSHIFT     16
#define COMPAT_TERMIOS_B57600      0010001u
#define COMPAT_TERMIOS_IBAUD0      020000000000u

#endif
