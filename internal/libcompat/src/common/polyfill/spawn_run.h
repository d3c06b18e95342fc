/* The spawn of spawn.c (included by it once): glibc 2.41's posix_spawn,
 * posix_spawnp, pidfd_spawn and pidfd_spawnp in one function,
 * __compat_spawn. The child runs compat_spawn_child on a stack of its own
 * in the parent's memory (clone_vm.h) and reports a failure through
 * args->err; the parent waits for its exec or exit (CLONE_VFORK). */
#ifndef COMPAT_SPAWN_RUN_H
#define COMPAT_SPAWN_RUN_H

/* For their constants, which differ between architectures (O_DIRECTORY,
 * MAP_STACK, RLIMIT_NOFILE): the compiler's headers are the target's. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>

extern int pthread_setcancelstate(int state, int *old);
extern void _exit(int status) __attribute__((noreturn));
extern int execve(const char *path, char *const argv[], char *const envp[]);
extern char *getenv(const char *name);
extern char *strchr(const char *s, int c);
extern size_t strnlen(const char *s, size_t max);
extern size_t strlen(const char *s);
extern void *memcpy(void *d, const void *s, size_t n);
extern int close(int fd);
extern int open64(const char *path, int flags, ...);
extern int dup2(int fd, int newfd);
extern int chdir(const char *path);
extern int fchdir(int fd);
extern long long lseek64(int fd, long long off, int whence);
extern int tcsetpgrp(int fd, int pgrp);
extern int getpgid(int pid);
extern int setsid(void);
extern int setpgid(int pid, int pgrp);
extern unsigned int getuid(void);
extern unsigned int getgid(void);
extern int getrlimit64(int resource, void *rlim);

/* The system calls that take 32-bit ids: on i386 and arm the plain
 * setresuid and setresgid take 16-bit ones (arch.h names the 32 ones). */
#ifdef COMPAT_SYS_setresuid32
#define COMPAT_SYS_setresuid_ids COMPAT_SYS_setresuid32
#define COMPAT_SYS_setresgid_ids COMPAT_SYS_setresgid32
#else
#define COMPAT_SYS_setresuid_ids COMPAT_SYS_setresuid
#define COMPAT_SYS_setresgid_ids COMPAT_SYS_setresgid
#endif

#define COMPAT_P_PID         1
#define COMPAT_P_PIDFD       3
#define COMPAT_WNOHANG       1
#define COMPAT_WEXITED       4
#define COMPAT_SIG_BLOCK     0
#define COMPAT_SIG_SETMASK   2
#define COMPAT_NAME_MAX      255
#define COMPAT_PATH_MAX      4096

#define COMPAT_CLONE_VM            0x00000100ul
#define COMPAT_CLONE_PIDFD         0x00001000ul
#define COMPAT_CLONE_VFORK         0x00004000ul
#define COMPAT_CLONE_CLEAR_SIGHAND 0x100000000ull
#define COMPAT_CLONE_INTO_CGROUP   0x200000000ull

/* The kernel's struct clone_args (88 bytes, Linux 5.7). */
struct compat_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#define COMPAT_KSIGSET_WORDS (COMPAT_KSIGSET_SIZE / sizeof(unsigned long))

/* The kernel's struct sigaction, far enough for a handler of SIG_DFL or
 * SIG_IGN without flags on every layout (the handler comes first). */
struct compat_ksigaction {
	void *handler;
	unsigned long rest[4];
};

struct compat_spawn_args {
	unsigned long oldmask[COMPAT_KSIGSET_WORDS];
	const char *file;
	const struct compat_file_actions *fa;
	const struct compat_spawnattr *attr;
	char *const *argv;
	char *const *envp;
	int xflags;
	int use_clone3;
	int err;
	int pidfd;
};

static int compat_sigismember(const struct compat_sigset *s, int sig)
{
	unsigned long bit = (unsigned long)(sig - 1);
	return (s->val[bit / (8 * sizeof(unsigned long))] >> (bit % (8 * sizeof(unsigned long)))) & 1;
}

/* glibc's internal signals (SIGCANCEL and SIGSETXID), which its
 * sigprocmask never blocks. */
static int compat_internal_signal(int sig)
{
	return sig == 32 || sig == 33;
}

static long compat_sigprocmask_raw(int how, const unsigned long *set, unsigned long *old)
{
	return syscall(COMPAT_SYS_rt_sigprocmask, how, set, old, COMPAT_KSIGSET_SIZE);
}

/* glibc's __closefrom_fallback without its descriptor-freeing retry:
 * closes every descriptor from lowfd up that /proc/self/fd lists. */
static int compat_closefrom_proc(int lowfd)
{
	int dirfd = open64("/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
	if (dirfd == -1)
		return 0;
	char buf[1024];
	int ok = 0;
	for (;;) {
		long n = syscall(COMPAT_SYS_getdents64, dirfd, buf, sizeof buf);
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		int closed = 0;
		for (long off = 0; off < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, sizeof reclen); /* struct linux_dirent64 */
			const char *name = buf + off + 19;
			off += reclen;
			if (name[0] == '.')
				continue;
			int fd = 0;
			for (const char *s = name; (unsigned int)(*s - '0') < 10; s++)
				fd = 10 * fd + (*s - '0');
			if (fd == dirfd || fd < lowfd)
				continue;
			close(fd);
			closed = 1;
		}
		if (closed && lseek64(dirfd, 0, 0) < 0)
			goto out;
	}
	ok = 1;
out:
	close(dirfd);
	return ok;
}

/* glibc's __execvpex: execvpe without running ENOEXEC files as scripts. */
static void compat_execvpex(const char *file, char *const argv[], char *const envp[])
{
	if (*file == '\0') {
		errno = ENOENT;
		return;
	}
	if (strchr(file, '/') != NULL) {
		execve(file, argv, envp);
		return;
	}
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/bin:/usr/bin";
	size_t file_len = strnlen(file, COMPAT_NAME_MAX + 1) + 1;
	size_t path_len = strnlen(path, COMPAT_PATH_MAX - 1) + 1;
	if (file_len - 1 > COMPAT_NAME_MAX) {
		errno = ENAMETOOLONG;
		return;
	}
	char buffer[path_len + file_len + 1];
	int eacces = 0;
	for (const char *p = path, *end;; p = end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) >= path_len) {
			if (*end == '\0')
				break;
			continue;
		}
		memcpy(buffer, p, (size_t)(end - p));
		char *q = buffer + (end - p);
		if (end > p)
			*q++ = '/';
		memcpy(q, file, file_len);
		execve(buffer, argv, envp);
		switch (errno) {
		case EACCES:
			eacces = 1;
			/* fall through */
		case ENOENT:
		case ESTALE:
		case ENOTDIR:
		case ENODEV:
		case ETIMEDOUT:
			break;
		default:
			return;
		}
		if (*end++ == '\0')
			break;
	}
	if (eacces)
		errno = EACCES;
}

/* compat_spawn_child runs in the child, on its own stack, in the parent's
 * memory, with every signal blocked: it never returns. */
static int compat_spawn_child(void *p)
{
	struct compat_spawn_args *a = p;
	const struct compat_spawnattr *attr = a->attr;
	const struct compat_file_actions *fa = a->fa;
	int flags = attr->flags;

	/* No handler of the parent may run here: with clone3's
	 * CLONE_CLEAR_SIGHAND the kernel has reset them; otherwise every
	 * handled signal goes back to SIG_DFL (glibc's own to SIG_IGN). */
	for (int sig = 1; sig < COMPAT_NSIG; sig++) {
		struct compat_ksigaction sa = {0, {0, 0, 0, 0}};
		if ((flags & COMPAT_SPAWN_SETSIGDEF) && compat_sigismember(&attr->sd, sig)) {
			sa.handler = SIG_DFL;
		} else if (!a->use_clone3) {
			if (compat_internal_signal(sig)) {
				sa.handler = SIG_IGN;
			} else {
				struct compat_ksigaction cur = {0, {0, 0, 0, 0}};
				syscall(COMPAT_SYS_rt_sigaction, sig, NULL, &cur, COMPAT_KSIGSET_SIZE);
				if (cur.handler == SIG_IGN || cur.handler == SIG_DFL)
					continue;
				sa.handler = SIG_DFL;
			}
		} else {
			continue;
		}
		syscall(COMPAT_SYS_rt_sigaction, sig, &sa, NULL, COMPAT_KSIGSET_SIZE);
	}

	/* No POSIX_SPAWN_SETSCHEDPARAM or POSIX_SPAWN_SETSCHEDULER step:
	 * glibc's Linux posix_spawn (2.24 to 2.41 at least) compiles it out
	 * (spawni.c tests _POSIX_PRIORITY_SCHEDULING, which nothing it
	 * includes defines), so the flags change nothing there; measured
	 * under 2.31, 2.36 and 2.41. */
	if ((flags & COMPAT_SPAWN_SETSID) && setsid() < 0)
		goto fail;
	if ((flags & COMPAT_SPAWN_SETPGROUP) && setpgid(0, attr->pgrp) != 0)
		goto fail;
	/* Only this process's ids: glibc's setuid would signal the parent's
	 * threads to change theirs. */
	if ((flags & COMPAT_SPAWN_RESETIDS) &&
	    (syscall(COMPAT_SYS_setresuid_ids, -1, getuid(), -1) != 0 || syscall(COMPAT_SYS_setresgid_ids, -1, getgid(), -1) != 0))
		goto fail;

	if (fa != NULL) {
		struct { uint64_t cur, max; } fdlimit;
		int have_fdlimit = 0;
		for (int i = 0; i < fa->used; i++) {
			const struct compat_spawn_action *act = &fa->actions[i];
			switch (act->tag) {
			case COMPAT_DO_CLOSE:
				if (close(act->action.close_action.fd) != 0) {
					if (!have_fdlimit) {
						getrlimit64(RLIMIT_NOFILE, &fdlimit);
						have_fdlimit = 1;
					}
					/* Only a descriptor out of range is an error. */
					if (act->action.close_action.fd < 0 || (uint64_t)act->action.close_action.fd >= fdlimit.cur)
						goto fail;
				}
				break;
			case COMPAT_DO_OPEN: {
				int fd = act->action.open_action.fd;
				close(fd);
				int got = open64(act->action.open_action.path, act->action.open_action.oflag,
						 act->action.open_action.mode);
				if (got == -1)
					goto fail;
				if (got != fd && (dup2(got, fd) != fd || close(got) != 0))
					goto fail;
				break;
			}
			case COMPAT_DO_DUP2: {
				int fd = act->action.dup2_action.fd, newfd = act->action.dup2_action.newfd;
				if (fd == newfd) {
					/* POSIX: the same descriptor loses FD_CLOEXEC. */
					int fl = fcntl(fd, F_GETFD, 0);
					if (fl == -1 || fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) == -1)
						goto fail;
				} else if (dup2(fd, newfd) != newfd) {
					goto fail;
				}
				break;
			}
			case COMPAT_DO_CHDIR:
				if (chdir(act->action.chdir_action.path) != 0)
					goto fail;
				break;
			case COMPAT_DO_FCHDIR:
				if (fchdir(act->action.fchdir_action.fd) != 0)
					goto fail;
				break;
			case COMPAT_DO_CLOSEFROM: {
				int from = act->action.closefrom_action.from;
				if (syscall(COMPAT_SYS_close_range, (unsigned int)from, ~0u, 0) != 0 && !compat_closefrom_proc(from))
					goto fail;
				break;
			}
			case COMPAT_DO_TCSETPGRP: {
				/* Signals are still blocked, so a child in a
				 * background group gets no SIGTTOU for it. */
				int pgrp = (flags & COMPAT_SPAWN_SETPGROUP) && attr->pgrp != 0 ? attr->pgrp : getpgid(0);
				if (tcsetpgrp(act->action.setpgrp_action.fd, pgrp) != 0)
					goto fail;
				break;
			}
			}
		}
	}

	if (flags & COMPAT_SPAWN_SETSIGMASK) {
		unsigned long m[COMPAT_KSIGSET_WORDS];
		memcpy(m, attr->ss.val, sizeof m);
		for (int sig = 32; sig <= 33; sig++)
			m[(sig - 1) / (8 * sizeof(unsigned long))] &= ~(1ul << ((sig - 1) % (8 * sizeof(unsigned long))));
		compat_sigprocmask_raw(COMPAT_SIG_SETMASK, m, NULL);
	} else {
		compat_sigprocmask_raw(COMPAT_SIG_SETMASK, a->oldmask, NULL);
	}

	if (a->xflags & COMPAT_XFLAGS_USE_PATH)
		compat_execvpex(a->file, a->argv, a->envp);
	else
		execve(a->file, a->argv, a->envp);

fail:
	a->err = errno ? errno : ECHILD;
	_exit(127);
}

/* glibc's __clone_pidfd_supported: the kernel has pidfds with
 * waitid(P_PIDFD) (5.4), which answers EBADF for a descriptor never
 * allocated. */
static int compat_pidfd_supported(void)
{
	static int state; /* 0 unknown, 1 yes, -1 no */
	int s = __atomic_load_n(&state, __ATOMIC_RELAXED);
	if (s == 0) {
		int saved = errno;
		long r = syscall(COMPAT_SYS_waitid, COMPAT_P_PIDFD, 0x7fffffff, NULL, COMPAT_WEXITED | COMPAT_WNOHANG, NULL);
		s = r == -1 && errno == EBADF ? 1 : -1;
		errno = saved;
		__atomic_store_n(&state, s, __ATOMIC_RELAXED);
	}
	return s > 0;
}

COMPAT_HIDDEN int __compat_spawn(int *pid, const char *file, const struct compat_file_actions *fa,
				 const struct compat_spawnattr *attr, char *const argv[], char *const envp[], int xflags)
{
	static const struct compat_spawnattr no_attr;
	int use_pidfd = (xflags & COMPAT_XFLAGS_RET_PIDFD) != 0;

	if (use_pidfd && !compat_pidfd_supported())
		return ENOSYS;

	long argc = 0;
	while (argv[argc++] != NULL)
		if (argc == 0x7fffffff - 1) {
			errno = E2BIG;
			return E2BIG;
		}

	size_t page = (size_t)sysconf(COMPAT_SC_PAGESIZE);
	size_t stack_size = ((size_t)argc * sizeof(void *) + 512 + 32 * 1024 + page - 1) & ~(page - 1);
	void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return errno;

	int cancel_state = 0;
	pthread_setcancelstate(1 /* PTHREAD_CANCEL_DISABLE */, &cancel_state);

	struct compat_spawn_args args = {{0}, file, fa, attr ? attr : &no_attr, argv, envp, xflags, 1, 0, 0};
	unsigned long all[COMPAT_KSIGSET_WORDS];
	for (size_t i = 0; i < COMPAT_KSIGSET_WORDS; i++)
		all[i] = ~0ul;
	compat_sigprocmask_raw(COMPAT_SIG_BLOCK, all, args.oldmask);

	int set_cgroup = attr != NULL && (attr->flags & COMPAT_SPAWN_SETCGROUP);
	struct compat_clone_args ca = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	ca.flags = (set_cgroup ? COMPAT_CLONE_INTO_CGROUP : 0) | (use_pidfd ? COMPAT_CLONE_PIDFD : 0) |
		   COMPAT_CLONE_CLEAR_SIGHAND | COMPAT_CLONE_VM | COMPAT_CLONE_VFORK;
	ca.exit_signal = SIGCHLD;
	ca.stack = (uintptr_t)stack;
	ca.stack_size = stack_size;
	ca.cgroup = set_cgroup ? (uint64_t)(int64_t)attr->cgroup : 0; /* as glibc: -1 is all ones */
	ca.pidfd = use_pidfd ? (uintptr_t)&args.pidfd : 0;
	ca.parent_tid = ca.pidfd;

	long r = compat_clone3_vm(&ca, sizeof ca, compat_spawn_child, &args);
	/* clone3 is from Linux 5.3, CLONE_CLEAR_SIGHAND from 5.5. */
	if (r == -ENOSYS || r == -EINVAL) {
		args.use_clone3 = 0;
		if (!set_cgroup)
			r = compat_clone_vm(COMPAT_CLONE_VM | COMPAT_CLONE_VFORK | SIGCHLD | (use_pidfd ? COMPAT_CLONE_PIDFD : 0),
					    (char *)stack + stack_size, use_pidfd ? &args.pidfd : NULL, compat_spawn_child, &args);
		else if (r == -ENOSYS)
			r = -ENOTSUP; /* no CLONE_INTO_CGROUP without clone3 */
	}

	int ec;
	if (r > 0) {
		/* The child has exec'ed or ended. An error in it is positive;
		 * a child killed before its exec counts as spawned. */
		ec = __atomic_load_n(&args.err, __ATOMIC_RELAXED);
		if (ec > 0) {
			syscall(COMPAT_SYS_waitid, use_pidfd ? COMPAT_P_PIDFD : COMPAT_P_PID, use_pidfd ? args.pidfd : (int)r,
				NULL, COMPAT_WEXITED, NULL);
			if (use_pidfd)
				close(args.pidfd);
		}
	} else {
		ec = (int)-r;
	}
	munmap(stack, stack_size);
	if (ec == 0 && pid != NULL)
		*pid = use_pidfd ? args.pidfd : (int)r;
	compat_sigprocmask_raw(COMPAT_SIG_SETMASK, args.oldmask, NULL);
	pthread_setcancelstate(cancel_state, NULL);
	return ec;
}

#endif
