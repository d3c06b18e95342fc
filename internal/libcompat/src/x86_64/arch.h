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
#define COMPAT_SYS_rt_sigaction      13
#define COMPAT_SYS_rt_sigprocmask    14
#define COMPAT_SYS_clone             56
#define COMPAT_SYS_setresuid         117
#define COMPAT_SYS_setresgid         119
#define COMPAT_SYS_gettid            186
#define COMPAT_SYS_getdents64        217
#define COMPAT_SYS_tgkill            234
#define COMPAT_SYS_waitid            247
#define COMPAT_SYS_set_robust_list   273
#define COMPAT_SYS_get_robust_list   274
#define COMPAT_SYS_getcpu            309
#define COMPAT_SYS_sched_setattr     314
#define COMPAT_SYS_sched_getattr     315
#define COMPAT_SYS_renameat2         316
#define COMPAT_SYS_getrandom         318
#define COMPAT_SYS_memfd_create      319
#define COMPAT_SYS_execveat          322
#define COMPAT_SYS_mlock2            325
#define COMPAT_SYS_copy_file_range   326
#define COMPAT_SYS_preadv2           327
#define COMPAT_SYS_pwritev2          328
#define COMPAT_SYS_pkey_mprotect     329
#define COMPAT_SYS_pkey_alloc        330
#define COMPAT_SYS_pkey_free         331
#define COMPAT_SYS_statx             332
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

/* Offsets in glibc's struct pthread (x86_64), the same in every release
 * from 2.17 on: the thread's kernel thread ID (TID in glibc's
 * tcb-offsets.sym, after the 704-byte tcbhead_t and a list_t), the pid
 * cache that glibc < 2.25 keeps next to it (unused since), and where the
 * thread pointer keeps the thread's own address (tcbhead_t.self). */
#define COMPAT_PTHREAD_TID_OFFSET 0x2d0
#define COMPAT_PTHREAD_PID_OFFSET 0x2d4
#define COMPAT_TCB_SELF_OFFSET    0x10

/* Optional members of struct dl_find_object on this architecture
 * (glibc: DLFO_STRUCT_HAS_EH_DBASE, DLFO_STRUCT_HAS_EH_COUNT). */
#define COMPAT_DLFO_HAS_EH_DBASE 0
#define COMPAT_DLFO_HAS_EH_COUNT 0

/* Signals: the kernel's _NSIG and the size of its sigset_t (what
 * rt_sigprocmask and rt_sigaction take). */
#define COMPAT_NSIG         65
#define COMPAT_KSIGSET_SIZE 8

/* The version of the glibc functions that the overrides
 * (catalogue/overrides.tsv) look up at run time: what a link for a target
 * below the override's release binds, x86_64's base version (glibc 2.34
 * moved pthread_create to libc.so.6 at GLIBC_2.34 and keeps this one). */
#define COMPAT_VERSION_pthread_create                   "GLIBC_2.2.5"
#define COMPAT_VERSION_pthread_attr_init                "GLIBC_2.2.5"
#define COMPAT_VERSION_pthread_attr_destroy             "GLIBC_2.2.5"
#define COMPAT_VERSION_posix_spawn_file_actions_destroy "GLIBC_2.2.5"

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
