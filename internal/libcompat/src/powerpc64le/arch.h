/* Per-architecture facts for the C sources of libcompat (powerpc64le,
 * ELFv2).
 *
 * System call numbers are Linux's arch/powerpc table (<asm/unistd.h>),
 * spelled out so the sources build with any headers;
 * TestSyscallNumbersMatchHeaders checks them against the cross compiler's
 * <asm/unistd.h>. */
#ifndef COMPAT_ARCH_H
#define COMPAT_ARCH_H

/* Pre-2.33 stat/mknod versions of glibc's 64-bit powerpc port
 * (_STAT_VER_KERNEL 1, _MKNOD_VER_LINUX 1). */
#define COMPAT_STAT_VER  1
#define COMPAT_MKNOD_VER 1

#define COMPAT_SYS_clone             120
#define COMPAT_SYS_getdents64        202
#define COMPAT_SYS_gettid            207
#define COMPAT_SYS_tgkill            250
#define COMPAT_SYS_get_robust_list   299
#define COMPAT_SYS_set_robust_list   300
#define COMPAT_SYS_getcpu            302
#define COMPAT_SYS_sched_setattr     355
#define COMPAT_SYS_sched_getattr     356
#define COMPAT_SYS_renameat2         357
#define COMPAT_SYS_getrandom         359
#define COMPAT_SYS_memfd_create      360
#define COMPAT_SYS_execveat          362
#define COMPAT_SYS_mlock2            378
#define COMPAT_SYS_copy_file_range   379
#define COMPAT_SYS_preadv2           380
#define COMPAT_SYS_pwritev2          381
#define COMPAT_SYS_statx             383
#define COMPAT_SYS_pkey_alloc        384
#define COMPAT_SYS_pkey_free         385
#define COMPAT_SYS_pkey_mprotect     386
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

#define COMPAT_DLFO_HAS_EH_DBASE 0
#define COMPAT_DLFO_HAS_EH_COUNT 0

/* What the spawn and signal-mask polyfills (spawn_run.h, sigmask.c) call
 * directly. */
#define COMPAT_SYS_rt_sigaction      173
#define COMPAT_SYS_rt_sigprocmask    174
#define COMPAT_SYS_setresuid         164
#define COMPAT_SYS_setresgid         169
#define COMPAT_SYS_waitid            272

/* Signals: the kernel's _NSIG and the size of its sigset_t (what
 * rt_sigprocmask and rt_sigaction take). */
#define COMPAT_NSIG         65
#define COMPAT_KSIGSET_SIZE 8

/* The version of the glibc functions that the overrides
 * (catalogue/overrides.tsv) look up at run time: what a link for a target
 * below the override's release binds, powerpc64le's base version
 * (GLIBC_2.17, though its first release is 2.19); TestOverrideVersions
 * checks them against the ABI database. */
#define COMPAT_VERSION_pthread_create                   "GLIBC_2.17"
#define COMPAT_VERSION_pthread_attr_init                "GLIBC_2.17"
#define COMPAT_VERSION_pthread_attr_destroy             "GLIBC_2.17"
#define COMPAT_VERSION_posix_spawn_file_actions_destroy "GLIBC_2.17"

/* glibc's struct termios and its c_cflag speed fields on powerpc (the
 * kernel's arch/powerpc termbits, glibc's powerpc bits/termios-struct.h):
 * 19 control characters, c_line after them; the output speed code in
 * CBAUD, the input speed code in CIBAUD (CBAUD shifted by IBSHIFT);
 * B57600 is 020 and the higher rates follow it; IBAUD0 is the c_iflag bit
 * glibc < 2.42's cfsetispeed(t, 0) sets and its tcsetattr clears. */
#define COMPAT_TERMIOS_NCCS        19
#define COMPAT_TERMIOS_C_LINE_FIRST 0
#define COMPAT_TERMIOS_CBAUD       0x000000ffu
#define COMPAT_TERMIOS_CIBAUD      0x00ff0000u
#define COMPAT_TERMIOS_IBSHIFT     16
#define COMPAT_TERMIOS_B57600      020u
#define COMPAT_TERMIOS_IBAUD0      020000000000u

#endif
