/* posix_spawn's newer file actions and attributes, and the posix_spawn
 * that honours them:
 *
 *   posix_spawn_file_actions_addchdir_np, _addfchdir_np   2.29
 *   posix_spawn_file_actions_addclosefrom_np              2.34
 *   posix_spawn_file_actions_addtcsetpgrp_np              2.35
 *   posix_spawnattr_setcgroup_np, _getcgroup_np,
 *   pidfd_spawn, pidfd_spawnp                             2.39
 *
 * The objects are glibc's: the actions are struct __spawn_action records
 * in the array posix_spawn_file_actions_t points to, with glibc's tags
 * (close 0, dup2 1, open 2 since 2.2; chdir 3, fchdir 4 since 2.29;
 * closefrom 5 since 2.34, tcsetpgrp 6 since 2.35) and its growth (realloc
 * by 8 records), so the add functions of the target's glibc and these
 * append to the same list, and posix_spawn_file_actions_destroy frees it.
 * The cgroup is posix_spawnattr_t's int after __policy, where 2.39 keeps
 * __cgroup (posix_spawnattr_init zeroes it in every release).
 *
 * The target's posix_spawn skips tags it does not know, so this member
 * also replaces posix_spawn and posix_spawnp (catalogue/overrides.tsv):
 * an output that uses one of the functions above gets, for all its
 * posix_spawn calls, an implementation of glibc 2.41's: the child shares
 * the parent's memory on a stack of its own (clone3 with CLONE_VM,
 * CLONE_VFORK and CLONE_CLEAR_SIGHAND, or clone where the kernel lacks
 * clone3 or CLONE_CLEAR_SIGHAND), the parent waits until it has exec'ed or
 * failed, and an error of any step in the child is posix_spawn's return
 * value. Every attribute flag (RESETIDS, SETPGROUP, SETSIGDEF, SETSIGMASK,
 * SETSID, SETCGROUP; USEVFORK, SETSCHEDPARAM and SETSCHEDULER change
 * nothing, as in glibc) and every file action, in order, as glibc does
 * them.
 * Where the kernel lacks clone3 (before 5.3): SETCGROUP fails with
 * ENOTSUP (EINVAL where clone3 rejects CLONE_INTO_CGROUP, before 5.7),
 * as glibc; pidfd_spawn fails with ENOSYS where waitid(P_PIDFD) does not
 * work (before 5.4) and otherwise takes the pidfd from clone
 * (CLONE_PIDFD). posix_spawnattr_setflags is replaced too where glibc's
 * refuses POSIX_SPAWN_SETCGROUP (before 2.39), and
 * posix_spawn_file_actions_destroy where this member's addchdir copies
 * paths glibc's destroy does not free (before 2.29).
 *
 * The replacements sit in libcompat_override.a, which the link reads
 * after libc.so.6, so a link that does not use these symbols never takes
 * them (COMPAT_LATE below); the rest is here.
 *
 * Differences from glibc: the child's stack is never executable (glibc
 * makes it so when the program's stack is), and the stack of the
 * posix_spawnp child that searches PATH is this member's, not bounded by
 * the caller thread's stack size. */
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include "compat.h"

/* glibc's objects (posix/spawn.h, posix/spawn_int.h). */
struct compat_sigset {
	unsigned long val[1024 / (8 * sizeof(unsigned long))];
};

struct compat_spawnattr {
	short flags;
	int pgrp;
	struct compat_sigset sd, ss;
	int sched_priority; /* struct sched_param */
	int policy;
	int cgroup; /* __pad[0] before 2.39 */
	int pad[15];
};

enum { COMPAT_DO_CLOSE, COMPAT_DO_DUP2, COMPAT_DO_OPEN, COMPAT_DO_CHDIR, COMPAT_DO_FCHDIR, COMPAT_DO_CLOSEFROM, COMPAT_DO_TCSETPGRP };

struct compat_spawn_action {
	int tag;
	union {
		struct { int fd; } close_action;
		struct { int fd, newfd; } dup2_action;
		struct { int fd; char *path; int oflag; unsigned int mode; } open_action;
		struct { char *path; } chdir_action;
		struct { int fd; } fchdir_action;
		struct { int from; } closefrom_action;
		struct { int fd; } setpgrp_action;
	} action;
};

struct compat_file_actions {
	int allocated, used;
	struct compat_spawn_action *actions;
	int pad[16];
};

#define COMPAT_SPAWN_RESETIDS      0x01
#define COMPAT_SPAWN_SETPGROUP     0x02
#define COMPAT_SPAWN_SETSIGDEF     0x04
#define COMPAT_SPAWN_SETSIGMASK    0x08
#define COMPAT_SPAWN_SETSCHEDPARAM 0x10
#define COMPAT_SPAWN_SETSCHEDULER  0x20
#define COMPAT_SPAWN_USEVFORK      0x40
#define COMPAT_SPAWN_SETSID        0x80
#define COMPAT_SPAWN_SETCGROUP     0x100
#define COMPAT_SPAWN_ALL_FLAGS     0x1ff

#define COMPAT_XFLAGS_USE_PATH  1
#define COMPAT_XFLAGS_RET_PIDFD 4

extern void *realloc(void *p, size_t n);
extern void free(void *p);
extern char *strdup(const char *s);
extern long sysconf(int name);
#define COMPAT_SC_OPEN_MAX 4
#define COMPAT_SC_PAGESIZE 30

/* The implementations the overrides in libcompat_override.a call. */
#define COMPAT_INTERNAL __attribute__((visibility("hidden")))
extern int __compat_spawn(int *pid, const char *file, const struct compat_file_actions *fa, const struct compat_spawnattr *attr,
			  char *const argv[], char *const envp[], int xflags) COMPAT_INTERNAL;
extern int __compat_spawnattr_setflags(struct compat_spawnattr *attr, short flags) COMPAT_INTERNAL;
extern int __compat_spawn_file_actions_destroy(struct compat_file_actions *fa) COMPAT_INTERNAL;

#ifndef COMPAT_LATE
#include "clone_vm.h"
#include "libcsym.h"

/* The override member comes with this one (see COMPAT_LATE). */
extern char __compat_override_spawn COMPAT_INTERNAL;
static char *const compat_pull_overrides __attribute__((used)) = &__compat_override_spawn;

/* glibc's __spawn_valid_fd. */
static __attribute__((unused)) int compat_valid_fd(int fd)
{
	long max = sysconf(COMPAT_SC_OPEN_MAX);
	return fd >= 0 && (max < 0 || fd < max);
}

/* compat_append returns a new record at the end of fa, or NULL when the
 * list cannot grow. */
static __attribute__((unused)) struct compat_spawn_action *compat_append(struct compat_file_actions *fa)
{
	if (fa->used == fa->allocated) {
		int n = fa->allocated + 8;
		void *p = realloc(fa->actions, (size_t)n * sizeof *fa->actions);
		if (p == NULL)
			return NULL;
		fa->actions = p;
		fa->allocated = n;
	}
	return &fa->actions[fa->used++];
}

#ifdef COMPAT_OBJ_posix_spawn_file_actions_addchdir_np
COMPAT_HIDDEN int posix_spawn_file_actions_addchdir_np(struct compat_file_actions *fa, const char *path)
{
	char *copy = strdup(path);
	struct compat_spawn_action *rec;

	if (copy == NULL)
		return ENOMEM;
	if ((rec = compat_append(fa)) == NULL) {
		free(copy);
		return ENOMEM;
	}
	rec->tag = COMPAT_DO_CHDIR;
	rec->action.chdir_action.path = copy;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_posix_spawn_file_actions_addfchdir_np
COMPAT_HIDDEN int posix_spawn_file_actions_addfchdir_np(struct compat_file_actions *fa, int fd)
{
	struct compat_spawn_action *rec = compat_append(fa);
	if (rec == NULL)
		return ENOMEM;
	rec->tag = COMPAT_DO_FCHDIR;
	rec->action.fchdir_action.fd = fd;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_posix_spawn_file_actions_addclosefrom_np
COMPAT_HIDDEN int posix_spawn_file_actions_addclosefrom_np(struct compat_file_actions *fa, int from)
{
	struct compat_spawn_action *rec;
	if (!compat_valid_fd(from))
		return EBADF;
	if ((rec = compat_append(fa)) == NULL)
		return ENOMEM;
	rec->tag = COMPAT_DO_CLOSEFROM;
	rec->action.closefrom_action.from = from;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_posix_spawn_file_actions_addtcsetpgrp_np
COMPAT_HIDDEN int posix_spawn_file_actions_addtcsetpgrp_np(struct compat_file_actions *fa, int fd)
{
	struct compat_spawn_action *rec;
	if (!compat_valid_fd(fd))
		return EBADF;
	if ((rec = compat_append(fa)) == NULL)
		return ENOMEM;
	rec->tag = COMPAT_DO_TCSETPGRP;
	rec->action.setpgrp_action.fd = fd;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_posix_spawnattr_setcgroup_np
COMPAT_HIDDEN int posix_spawnattr_setcgroup_np(struct compat_spawnattr *attr, int cgroup)
{
	attr->cgroup = cgroup;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_posix_spawnattr_getcgroup_np
COMPAT_HIDDEN int posix_spawnattr_getcgroup_np(const struct compat_spawnattr *attr, int *cgroup)
{
	*cgroup = attr->cgroup;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_pidfd_spawn
COMPAT_HIDDEN int pidfd_spawn(int *pidfd, const char *path, const struct compat_file_actions *fa,
			      const struct compat_spawnattr *attr, char *const argv[], char *const envp[])
{
	return __compat_spawn(pidfd, path, fa, attr, argv, envp, COMPAT_XFLAGS_RET_PIDFD);
}
#endif

#ifdef COMPAT_OBJ_pidfd_spawnp
COMPAT_HIDDEN int pidfd_spawnp(int *pidfd, const char *file, const struct compat_file_actions *fa,
			       const struct compat_spawnattr *attr, char *const argv[], char *const envp[])
{
	return __compat_spawn(pidfd, file, fa, attr, argv, envp, COMPAT_XFLAGS_USE_PATH | COMPAT_XFLAGS_RET_PIDFD);
}
#endif

#ifdef COMPAT_OVERRIDE_posix_spawnattr_setflags
/* posix_spawnattr_setflags as glibc 2.39's, which accepts SETCGROUP (and
 * SETSID, which glibc before 2.26 refuses too). */
COMPAT_HIDDEN int __compat_spawnattr_setflags(struct compat_spawnattr *attr, short flags)
{
	if (flags & ~COMPAT_SPAWN_ALL_FLAGS)
		return EINVAL;
	attr->flags = flags;
	return 0;
}
#endif

#ifdef COMPAT_OVERRIDE_posix_spawn_file_actions_destroy
/* posix_spawn_file_actions_destroy, where this member's addchdir copied
 * paths: it frees them and turns their records into no-ops (a close of
 * -1, which no destroy frees), then lets the running glibc's destroy free
 * the rest as it knows it (open paths from 2.20 on). */
COMPAT_HIDDEN int __compat_spawn_file_actions_destroy(struct compat_file_actions *fa)
{
	static void *real;
	int (*destroy)(struct compat_file_actions *) = (int (*)(struct compat_file_actions *))compat_libc_function_cached(
		&real, "posix_spawn_file_actions_destroy", COMPAT_VERSION_posix_spawn_file_actions_destroy);

	for (int i = 0; i < fa->used; i++) {
		struct compat_spawn_action *a = &fa->actions[i];
		if (a->tag == COMPAT_DO_CHDIR) {
			free(a->action.chdir_action.path);
			a->tag = COMPAT_DO_CLOSE;
			a->action.close_action.fd = -1;
		}
	}
	if (destroy == NULL) {
		free(fa->actions);
		return 0;
	}
	return destroy(fa);
}
#endif

#include "spawn_run.h"

#else /* COMPAT_LATE: libcompat_override.a's member, pulled only by the
       * reference above, so only into outputs that use this one. */

COMPAT_INTERNAL char __compat_override_spawn;

#ifdef COMPAT_OVERRIDE_posix_spawn
COMPAT_HIDDEN int posix_spawn(int *pid, const char *path, const struct compat_file_actions *fa,
			      const struct compat_spawnattr *attr, char *const argv[], char *const envp[])
{
	return __compat_spawn(pid, path, fa, attr, argv, envp, 0);
}
#endif

#ifdef COMPAT_OVERRIDE_posix_spawnp
COMPAT_HIDDEN int posix_spawnp(int *pid, const char *file, const struct compat_file_actions *fa,
			       const struct compat_spawnattr *attr, char *const argv[], char *const envp[])
{
	return __compat_spawn(pid, file, fa, attr, argv, envp, COMPAT_XFLAGS_USE_PATH);
}
#endif

#ifdef COMPAT_OVERRIDE_posix_spawnattr_setflags
COMPAT_HIDDEN int posix_spawnattr_setflags(struct compat_spawnattr *attr, short flags)
{
	return __compat_spawnattr_setflags(attr, flags);
}
#endif

#ifdef COMPAT_OVERRIDE_posix_spawn_file_actions_destroy
COMPAT_HIDDEN int posix_spawn_file_actions_destroy(struct compat_file_actions *fa)
{
	return __compat_spawn_file_actions_destroy(fa);
}
#endif

#endif
