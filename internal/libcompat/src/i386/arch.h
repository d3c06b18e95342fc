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

#define COMPAT_SYS_clone             120
#define COMPAT_SYS_getdents64        220
#define COMPAT_SYS_gettid            224
#define COMPAT_SYS_tgkill            270
#define COMPAT_SYS_set_robust_list   311
#define COMPAT_SYS_get_robust_list   312
#define COMPAT_SYS_getcpu            318
#define COMPAT_SYS_sched_setattr     351
#define COMPAT_SYS_sched_getattr     352
#define COMPAT_SYS_renameat2         353
#define COMPAT_SYS_getrandom         355
#define COMPAT_SYS_memfd_create      356
#define COMPAT_SYS_execveat          358
#define COMPAT_SYS_mlock2            376
#define COMPAT_SYS_copy_file_range   377
#define COMPAT_SYS_preadv2           378
#define COMPAT_SYS_pwritev2          379
#define COMPAT_SYS_pkey_mprotect     380
#define COMPAT_SYS_pkey_alloc        381
#define COMPAT_SYS_pkey_free         382
#define COMPAT_SYS_statx             383
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

/* The time64 system calls of Linux 5.1 (32-bit ABIs only). */
#define COMPAT_SYS_clock_gettime64        403
#define COMPAT_SYS_clock_getres_time64    406
#define COMPAT_SYS_clock_nanosleep_time64 407
#define COMPAT_SYS_utimensat_time64       412
#define COMPAT_SYS_clock_adjtime64        405
#define COMPAT_SYS_timerfd_gettime64      410
#define COMPAT_SYS_timerfd_settime64      411
#define COMPAT_SYS_pselect6_time64        413
#define COMPAT_SYS_ppoll_time64           414
#define COMPAT_SYS_recvmmsg_time64        417
#define COMPAT_SYS_mq_timedsend_time64    418
#define COMPAT_SYS_mq_timedreceive_time64 419
#define COMPAT_SYS_semtimedop_time64      420
#define COMPAT_SYS_sched_rr_get_interval_time64 423

/* i386's struct dl_find_object has dlfo_eh_dbase (the unwinder's
 * DW_EH_PE_datarel base, glibc's DLFO_STRUCT_HAS_EH_DBASE). */
#define COMPAT_DLFO_HAS_EH_DBASE 1
#define COMPAT_DLFO_HAS_EH_COUNT 0

/* What the spawn and signal-mask polyfills (spawn_run.h, sigmask.c) call
 * directly. The 32-bit id variants: the plain setresuid and setresgid of
 * this ABI take 16-bit ids. */
#define COMPAT_SYS_rt_sigaction      174
#define COMPAT_SYS_rt_sigprocmask    175
#define COMPAT_SYS_setresuid32       208
#define COMPAT_SYS_setresgid32       210
#define COMPAT_SYS_waitid            284

/* Signals: the kernel's _NSIG and the size of its sigset_t (what
 * rt_sigprocmask and rt_sigaction take). */
#define COMPAT_NSIG         65
#define COMPAT_KSIGSET_SIZE 8

/* The version of the glibc functions that the overrides
 * (catalogue/overrides.tsv) look up at run time: what a link for a target
 * below the override's release binds, i386's base versions (pthread_create
 * and pthread_attr_init were redone in 2.1; the 2.0 ones are the
 * LinuxThreads-era compat symbols); TestOverrideVersions checks them
 * against the ABI database. */
#define COMPAT_VERSION_pthread_create                   "GLIBC_2.1"
#define COMPAT_VERSION_pthread_attr_init                "GLIBC_2.1"
#define COMPAT_VERSION_pthread_attr_destroy             "GLIBC_2.0"
#define COMPAT_VERSION_posix_spawn_file_actions_destroy "GLIBC_2.2"

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
