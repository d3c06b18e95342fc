/* The time64 entry points of file times and tree walks (glibc 2.34, i386
 * and arm): utime, utimes, lutimes, futimes, futimesat (through the
 * time64 utimensat polyfill, as glibc 2.34 implements them), ftw, nftw and
 * glob.
 *
 * ftw and nftw call the program's function with a time64 struct stat;
 * glob with GLOB_ALTDIRFUNC calls the program's gl_stat and gl_lstat with
 * one. On glibc 2.34 and later, glibc's own time64 functions run. On an
 * older glibc the target's ftw64, nftw64 and glob64 walk, and a trampoline
 * calls the program's function: the walk's own 32-bit stat result would
 * lose a time after 2038, so ftw's and nftw's trampolines stat the entry
 * again the way glibc 2.34 does (statx); glob's gives the program's
 * time64 stat result to glob, which reads its type. Which program function a trampoline calls is kept
 * per call in a frame: the walk calls back on the thread that started it,
 * so the trampoline finds the innermost frame of its own thread in a table
 * that a spin lock guards (the archive's members use no TLS). Walks on
 * other threads, nested walks and a callback that leaves by longjmp
 * (whose frame the thread's next walk reuses) all work. */
#include "time64.h"
#include <sys/stat.h>

#if defined(COMPAT_OBJ_utime64) || defined(COMPAT_OBJ_utimes64) || defined(COMPAT_OBJ_lutimes64) || \
    defined(COMPAT_OBJ_futimes64) || defined(COMPAT_OBJ_futimesat64)
extern int __utimensat64(int dirfd, const char *path, const struct compat_ts64 times[2], int flags);

/* compat_utimes sets times given as timevals (NULL: now); an out-of-range
 * tv_usec is EINVAL, as in glibc. */
static int compat_utimes(int dirfd, const char *path, const struct compat_tv64 tv[2], int flags)
{
	struct compat_ts64 ts[2];

	if (!tv)
		return __utimensat64(dirfd, path, 0, flags);
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return compat_fail(COMPAT_EINVAL);
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = (int32_t)tv[i].tv_usec * 1000;
		ts[i].pad = 0;
	}
	return __utimensat64(dirfd, path, ts, flags);
}
#endif

#ifdef COMPAT_OBJ_utime64
struct compat_utimbuf64 {
	compat_time64 actime, modtime;
};

COMPAT_HIDDEN int __utime64(const char *path, const struct compat_utimbuf64 *t)
{
	struct compat_tv64 tv[2];

	if (!t)
		return compat_utimes(COMPAT_AT_FDCWD, path, 0, 0);
	tv[0].tv_sec = t->actime;
	tv[1].tv_sec = t->modtime;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	return compat_utimes(COMPAT_AT_FDCWD, path, tv, 0);
}
#endif

#ifdef COMPAT_OBJ_utimes64
COMPAT_HIDDEN int __utimes64(const char *path, const struct compat_tv64 tv[2])
{
	return compat_utimes(COMPAT_AT_FDCWD, path, tv, 0);
}
#endif

#ifdef COMPAT_OBJ_lutimes64
COMPAT_HIDDEN int __lutimes64(const char *path, const struct compat_tv64 tv[2])
{
	return compat_utimes(COMPAT_AT_FDCWD, path, tv, COMPAT_AT_SYMLINK_NOFOLLOW);
}
#endif

#ifdef COMPAT_OBJ_futimes64
/* A NULL path: the times of fd itself (utimensat's form of futimens). */
COMPAT_HIDDEN int __futimes64(int fd, const struct compat_tv64 tv[2])
{
	return compat_utimes(fd, 0, tv, 0);
}
#endif

#ifdef COMPAT_OBJ_futimesat64
COMPAT_HIDDEN int __futimesat64(int dirfd, const char *path, const struct compat_tv64 tv[2])
{
	return compat_utimes(dirfd, path, tv, 0);
}
#endif

#if defined(COMPAT_OBJ_ftw64_time64) || defined(COMPAT_OBJ_nftw64_time64) || defined(COMPAT_OBJ_glob64_time64)
#include "libcsym.h"
#include "time64_stat.h"

extern unsigned long pthread_self(void);
extern int sched_yield(void);

/* A walk in progress: the program's functions, the thread, and where on
 * that thread's stack the walk began (stacks grow down on i386 and arm). */
struct compat_frame {
	unsigned long thread;
	uintptr_t sp;
	void *fn, *fn2;
};

#define COMPAT_FRAMES 256
static struct compat_frame compat_frames[COMPAT_FRAMES];
static int compat_frames_lock;

static void compat_lock(void)
{
	while (__atomic_exchange_n(&compat_frames_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void compat_unlock(void)
{
	__atomic_store_n(&compat_frames_lock, 0, __ATOMIC_RELEASE);
}

/* compat_push records a walk; it returns its slot, or -1 (ENOMEM) when
 * COMPAT_FRAMES walks run at once. A frame of this thread deeper on the
 * stack than sp is from a walk a longjmp left: its slot is reused. */
static int compat_push(uintptr_t sp, void *fn, void *fn2)
{
	unsigned long self = pthread_self();
	int slot = -1;

	compat_lock();
	for (int i = 0; i < COMPAT_FRAMES; i++) {
		struct compat_frame *f = &compat_frames[i];
		if (f->sp && f->thread == self && f->sp <= sp)
			f->sp = 0;
		if (!f->sp && slot < 0)
			slot = i;
	}
	if (slot >= 0)
		compat_frames[slot] = (struct compat_frame){self, sp, fn, fn2};
	compat_unlock();
	if (slot < 0)
		compat_fail(12 /* ENOMEM */);
	return slot;
}

static void compat_pop(int slot)
{
	compat_lock();
	compat_frames[slot].sp = 0;
	compat_unlock();
}

/* The innermost walk of this thread: the deepest on its stack. */
static struct compat_frame compat_top(void)
{
	unsigned long self = pthread_self();
	struct compat_frame top = {0, 0, 0, 0};

	compat_lock();
	for (int i = 0; i < COMPAT_FRAMES; i++) {
		struct compat_frame *f = &compat_frames[i];
		if (f->sp && f->thread == self && (!top.sp || f->sp < top.sp))
			top = *f;
	}
	compat_unlock();
	return top;
}

/* compat_host_walk is glibc's own time64 walk or glob (name at
 * GLIBC_2.34) when the running glibc has one, else NULL. The target's
 * walk on glibc 2.34 and later stats through the 32-bit stat64, which
 * fails with EOVERFLOW for a time after 2038 (ending the walk); glibc's
 * own is the time64 one, exact. */
static void *compat_host_walk(void **cache, const char *name)
{
	void *p = __atomic_load_n(cache, __ATOMIC_ACQUIRE);

	if (p == 0) {
		p = compat_libc_function(name, "GLIBC_2.34");
		if (p == 0)
			p = (void *)cache;
		__atomic_store_n(cache, p, __ATOMIC_RELEASE);
	}
	return p == (void *)cache ? 0 : p;
}
#endif

#if defined(COMPAT_OBJ_ftw64_time64) || defined(COMPAT_OBJ_nftw64_time64)
#include <fcntl.h>
extern int openat(int dirfd, const char *path, int flags, ...);
extern int close(int fd);
extern size_t strlen(const char *s);
extern void *memcpy(void *d, const void *s, size_t n);

/* <ftw.h>'s flags and type flags, the same on every ABI. */
#define COMPAT_FTW_PHYS  1
#define COMPAT_FTW_CHDIR 4
#define COMPAT_FTW_NS    3
#define COMPAT_FTW_DP    5
#define COMPAT_FTW_SLN   6
#define COMPAT_ENOENT    2
#define COMPAT_EACCES    13
#define COMPAT_ENAMETOOLONG 36
#define COMPAT_PATH_MAX  4096

struct compat_ftw {
	int base, level;
};

/* compat_statat_deep is compat_statat of a path of PATH_MAX bytes or more
 * (a deep walk's callback gets such paths: glibc stats each entry
 * relative to its directory's descriptor): the directories on the way are
 * opened in pieces shorter than PATH_MAX. */
static int compat_statat_deep(const char *path, struct compat_stat_t64 *st, int flags)
{
	char part[COMPAT_PATH_MAX];
	int dirfd = COMPAT_AT_FDCWD, r, err;

	while (strlen(path) >= COMPAT_PATH_MAX) {
		size_t cut = COMPAT_PATH_MAX - 1;
		int fd;

		while (cut > 0 && path[cut] != '/')
			cut--;
		if (cut == 0) {
			r = compat_fail(COMPAT_ENAMETOOLONG);
			goto out;
		}
		memcpy(part, path, cut);
		part[cut] = 0;
		fd = openat(dirfd, part, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0)
			close(dirfd);
		if ((dirfd = fd) < 0)
			return -1;
		while (path[cut] == '/')
			cut++;
		path += cut;
	}
	r = compat_statat(dirfd, path, st, flags);
out:
	err = *__errno_location();
	if (dirfd >= 0)
		close(dirfd);
	*__errno_location() = err;
	return r;
}

/* compat_walk_stat puts in *s the entry's stat as glibc 2.34's walk takes
 * it (statx), where the target's walk gave its 32-bit one (on glibc 2.31
 * and older the kernel's stat64 keeps the low 32 bits of a time: a time
 * after 2038 would come out silently wrong). wflags are nftw's (0 for
 * ftw); ftw is NULL for ftw, which has no FTW_CHDIR.
 *
 * The entry is stat'ed as the walk stat'ed it: the path the callback
 * gets, or under FTW_CHDIR, where the walk stands in the entry's
 * directory, its last component (".", for the directory itself after its
 * contents, FTW_DP); symbolic links are followed but under FTW_PHYS and
 * for FTW_SLN and FTW_NS (glibc 2.35 and later fill a dangling link's
 * stat from lstat). On a kernel without statx (before 4.11) the target's
 * result is widened, which is what glibc 2.34's fallback (fstatat64, the
 * same system call) gives there. An entry that can no longer be stat'ed
 * (removed, or access lost, since the walk stat'ed it) becomes FTW_NS, as
 * glibc reports it; another error returns -1 (errno set), which ends the
 * walk with -1, as it ends glibc's. */
static int compat_walk_stat(const char *path, const struct stat64 *old, int *flag, int wflags,
			    const struct compat_ftw *ftw, struct compat_stat_t64 *s)
{
	int at = (wflags & COMPAT_FTW_PHYS) || *flag == COMPAT_FTW_SLN || *flag == COMPAT_FTW_NS ?
		     COMPAT_AT_SYMLINK_NOFOLLOW : 0;
	int r, err;

	*s = (struct compat_stat_t64){0};
	if ((wflags & COMPAT_FTW_CHDIR) && ftw) {
		path += ftw->base;
		if (*flag == COMPAT_FTW_DP || !*path)
			path = ".";
	}
	r = compat_statat(COMPAT_AT_FDCWD, path, s, at);
	if (r != 0 && *__errno_location() == COMPAT_ENAMETOOLONG)
		r = compat_statat_deep(path, s, at);
	if (r == 0)
		return 0;
	err = *__errno_location();
	/* compat_statat widened its own fstatat64 on ENOSYS; a failure is
	   the walk's own stat result, widened. */
	if (old)
		compat_stat_widen(old, s);
	else
		*s = (struct compat_stat_t64){0};
	if (*flag == COMPAT_FTW_NS)
		return 0;
	if (err == COMPAT_ENOENT || err == COMPAT_EACCES) {
		*flag = COMPAT_FTW_NS;
		return 0;
	}
	*__errno_location() = err;
	return -1;
}
#endif

#ifdef COMPAT_OBJ_ftw64_time64
typedef int (*compat_ftw_fn)(const char *path, const struct compat_stat_t64 *st, int flag);
extern int ftw64(const char *dir, int (*fn)(const char *, const struct stat64 *, int), int nfd);

static int compat_ftw_tramp(const char *path, const struct stat64 *st, int flag)
{
	struct compat_stat_t64 s;

	if (compat_walk_stat(path, st, &flag, 0, 0, &s) != 0)
		return -1;
	return ((compat_ftw_fn)compat_top().fn)(path, &s, flag);
}

COMPAT_HIDDEN int __ftw64_time64(const char *dir, compat_ftw_fn fn, int nfd)
{
	static void *host;
	int (*own)(const char *, compat_ftw_fn, int) = compat_host_walk(&host, "__ftw64_time64");
	int slot, r;

	if (own)
		return own(dir, fn, nfd);
	if ((slot = compat_push((uintptr_t)__builtin_frame_address(0), (void *)fn, 0)) < 0)
		return -1;
	r = ftw64(dir, compat_ftw_tramp, nfd);
	compat_pop(slot);
	return r;
}
#endif

#ifdef COMPAT_OBJ_nftw64_time64
struct FTW;
typedef int (*compat_nftw_fn)(const char *path, const struct compat_stat_t64 *st, int flag, struct FTW *ftw);
extern int nftw64(const char *dir, int (*fn)(const char *, const struct stat64 *, int, struct FTW *), int nfd, int flags);

static int compat_nftw_tramp(const char *path, const struct stat64 *st, int flag, struct FTW *ftw)
{
	struct compat_frame top = compat_top();
	struct compat_stat_t64 s;

	if (compat_walk_stat(path, st, &flag, (int)(uintptr_t)top.fn2, (const struct compat_ftw *)ftw, &s) != 0)
		return -1;
	return ((compat_nftw_fn)top.fn)(path, &s, flag, ftw);
}

/* The walk's flags ride in the frame's second word. */
COMPAT_HIDDEN int __nftw64_time64(const char *dir, compat_nftw_fn fn, int nfd, int flags)
{
	static void *host;
	int (*own)(const char *, compat_nftw_fn, int, int) = compat_host_walk(&host, "__nftw64_time64");
	int slot, r;

	if (own)
		return own(dir, fn, nfd, flags);
	if ((slot = compat_push((uintptr_t)__builtin_frame_address(0), (void *)fn, (void *)(uintptr_t)flags)) < 0)
		return -1;
	r = nftw64(dir, compat_nftw_tramp, nfd, flags);
	compat_pop(slot);
	return r;
}
#endif

#ifdef COMPAT_OBJ_glob64_time64
/* glob64_t: the same words under _TIME_BITS=64; only gl_lstat and gl_stat
 * take a struct stat. */
struct compat_glob {
	size_t pathc;
	char **pathv;
	size_t offs;
	int flags;
	void (*closedir)(void *);
	void *(*readdir)(void *);
	void *(*opendir)(const char *);
	int (*lstat)(const char *, void *);
	int (*stat)(const char *, void *);
};
typedef int (*compat_stat_fn)(const char *, struct compat_stat_t64 *);
extern int glob64(const char *pattern, int flags, int (*errfunc)(const char *, int), struct compat_glob *g);

#define COMPAT_GLOB_ALTDIRFUNC (1 << 9)

/* glob wants a struct stat64 from the program's functions; it reads
 * st_mode (and nothing that holds a time), so times are narrowed without
 * failing. */
static void compat_stat_narrow64(const struct compat_stat_t64 *in, struct stat64 *out)
{
	out->st_dev = in->st_dev;
	out->st_ino = in->st_ino;
	out->st_mode = in->st_mode;
	out->st_nlink = in->st_nlink;
	out->st_uid = in->st_uid;
	out->st_gid = in->st_gid;
	out->st_rdev = in->st_rdev;
	out->st_size = in->st_size;
	out->st_blksize = in->st_blksize;
	out->st_blocks = in->st_blocks;
	out->st_atim.tv_sec = (int32_t)in->st_atim.tv_sec;
	out->st_atim.tv_nsec = in->st_atim.tv_nsec;
	out->st_mtim.tv_sec = (int32_t)in->st_mtim.tv_sec;
	out->st_mtim.tv_nsec = in->st_mtim.tv_nsec;
	out->st_ctim.tv_sec = (int32_t)in->st_ctim.tv_sec;
	out->st_ctim.tv_nsec = in->st_ctim.tv_nsec;
}

static int compat_glob_call(compat_stat_fn fn, const char *path, void *st)
{
	struct compat_stat_t64 s = {0};
	int r = fn(path, &s);

	if (r == 0)
		compat_stat_narrow64(&s, st);
	return r;
}

static int compat_glob_lstat(const char *path, void *st)
{
	return compat_glob_call((compat_stat_fn)compat_top().fn, path, st);
}

static int compat_glob_stat(const char *path, void *st)
{
	return compat_glob_call((compat_stat_fn)compat_top().fn2, path, st);
}

/* On a glibc with its own __glob64_time64 (2.34 and later) that one runs:
 * the target's glob64 there stats through the 32-bit stat64, which fails
 * with EOVERFLOW for a time after 2038, so GLOB_MARK and GLOB_ONLYDIR
 * would miss such a directory and a pattern without wildcards such a
 * file. On an older glibc the target's glob64 runs: without
 * GLOB_ALTDIRFUNC it stats through that glibc's own stat64 (whose times
 * are never EOVERFLOW there) and reads only whether the name exists and
 * its type, which time does not change; with it, the program's gl_lstat
 * and gl_stat (time64 struct stat: the program's own stat and lstat are
 * time64.c's, statx) are called through the trampolines and put back
 * before returning. */
COMPAT_HIDDEN int __glob64_time64(const char *pattern, int flags, int (*errfunc)(const char *, int), struct compat_glob *g)
{
	static void *host;
	int (*own)(const char *, int, int (*)(const char *, int), struct compat_glob *) =
		compat_host_walk(&host, "__glob64_time64");
	int (*lstat)(const char *, void *) = g->lstat, (*stat)(const char *, void *) = g->stat;
	int slot, r;

	if (own)
		return own(pattern, flags, errfunc, g);
	if (!(flags & COMPAT_GLOB_ALTDIRFUNC))
		return glob64(pattern, flags, errfunc, g);
	if ((slot = compat_push((uintptr_t)__builtin_frame_address(0), (void *)lstat, (void *)stat)) < 0)
		return 1 /* GLOB_NOSPACE */;
	g->lstat = compat_glob_lstat;
	g->stat = compat_glob_stat;
	r = glob64(pattern, flags, errfunc, g);
	compat_pop(slot);
	g->lstat = lstat;
	g->stat = stat;
	return r;
}
#endif
