/* The time64 entry points of file times and tree walks (glibc 2.34, i386
 * and arm): utime, utimes, lutimes, futimes, futimesat (through the
 * time64 utimensat polyfill, as glibc 2.34 implements them), ftw, nftw and
 * glob.
 *
 * ftw and nftw call the program's function with a time64 struct stat;
 * glob with GLOB_ALTDIRFUNC calls the program's gl_stat and gl_lstat with
 * one. The target's ftw64, nftw64 and glob64 pass 32-bit ones, so a
 * trampoline converts. Which program function a trampoline calls is kept
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

static inline void compat_stat_widen64(const struct stat64 *in, struct compat_stat_t64 *out)
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
	out->st_atim.tv_sec = in->st_atim.tv_sec;
	out->st_atim.tv_nsec = in->st_atim.tv_nsec;
	out->st_mtim.tv_sec = in->st_mtim.tv_sec;
	out->st_mtim.tv_nsec = in->st_mtim.tv_nsec;
	out->st_ctim.tv_sec = in->st_ctim.tv_sec;
	out->st_ctim.tv_nsec = in->st_ctim.tv_nsec;
	out->st_atim.pad = out->st_mtim.pad = out->st_ctim.pad = 0;
}
#endif

#ifdef COMPAT_OBJ_ftw64_time64
typedef int (*compat_ftw_fn)(const char *path, const struct compat_stat_t64 *st, int flag);
extern int ftw64(const char *dir, int (*fn)(const char *, const struct stat64 *, int), int nfd);

static int compat_ftw_tramp(const char *path, const struct stat64 *st, int flag)
{
	struct compat_stat_t64 s = {0};

	if (st)
		compat_stat_widen64(st, &s);
	return ((compat_ftw_fn)compat_top().fn)(path, &s, flag);
}

COMPAT_HIDDEN int __ftw64_time64(const char *dir, compat_ftw_fn fn, int nfd)
{
	int slot = compat_push((uintptr_t)__builtin_frame_address(0), (void *)fn, 0), r;

	if (slot < 0)
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
	struct compat_stat_t64 s = {0};

	if (st)
		compat_stat_widen64(st, &s);
	return ((compat_nftw_fn)compat_top().fn)(path, &s, flag, ftw);
}

COMPAT_HIDDEN int __nftw64_time64(const char *dir, compat_nftw_fn fn, int nfd, int flags)
{
	int slot = compat_push((uintptr_t)__builtin_frame_address(0), (void *)fn, 0), r;

	if (slot < 0)
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

/* Without GLOB_ALTDIRFUNC glob64 runs unchanged; with it, the program's
 * gl_lstat and gl_stat are called through the trampolines and put back
 * before returning. */
COMPAT_HIDDEN int __glob64_time64(const char *pattern, int flags, int (*errfunc)(const char *, int), struct compat_glob *g)
{
	int (*lstat)(const char *, void *) = g->lstat, (*stat)(const char *, void *) = g->stat;
	int slot, r;

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
