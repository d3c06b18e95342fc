/* The 64-bit time_t entry points that glibc 2.34 added on the 32-bit ABIs
 * (i386, arm): what <time.h>, <sys/stat.h>, <pthread.h> ... call under
 * -D_TIME_BITS=64 (with -D_FILE_OFFSET_BITS=64). One object per function
 * (COMPAT_OBJ_<name>).
 *
 * Where Linux has a time64 system call (clock_gettime64, clock_getres_time64,
 * clock_nanosleep_time64, utimensat_time64; kernel 5.1) it is used first,
 * so times after 2038 are right on a kernel that has them; on ENOSYS, and
 * for every other function, the call goes to the target's 32-bit function
 * with the times narrowed: a time that does not fit a 32-bit time_t fails
 * with EOVERFLOW, as glibc's own time64 functions do where only 32-bit
 * kernel interfaces exist. Results are widened back. The layouts and
 * helpers are time64.h's; the other time64_*.c hold the rest of the set by
 * theme (time64_cal.c the calendar functions). */
#include "time64.h"

#ifdef COMPAT_OBJ_clock_gettime64
COMPAT_HIDDEN int __clock_gettime64(int clk, struct compat_ts64 *ts)
{
	return compat_clock64(clk, ts);
}
#endif

#ifdef COMPAT_OBJ_clock_getres64
extern int clock_getres(int clk, struct compat_ts32 *ts);

COMPAT_HIDDEN int __clock_getres64(int clk, struct compat_ts64 *ts)
{
	struct compat_ts32 t;

	if (syscall(COMPAT_SYS_clock_getres_time64, clk, ts) == 0) {
		if (ts)
			ts->pad = 0;
		return 0;
	}
	if (*__errno_location() != COMPAT_ENOSYS)
		return -1;
	if (clock_getres(clk, ts ? &t : 0) != 0)
		return -1;
	if (ts)
		compat_widen(&t, ts);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_clock_settime64
extern int clock_settime(int clk, const struct compat_ts32 *ts);

COMPAT_HIDDEN int __clock_settime64(int clk, const struct compat_ts64 *ts)
{
	struct compat_ts32 t;
	int err = compat_narrow(ts, &t);

	return err ? compat_fail(err) : clock_settime(clk, &t);
}
#endif

#ifdef COMPAT_OBJ_time64
COMPAT_HIDDEN compat_time64 __time64(compat_time64 *out)
{
	struct compat_ts64 ts;

	if (compat_clock64(0 /* CLOCK_REALTIME */, &ts) != 0)
		return -1;
	if (out)
		*out = ts.tv_sec;
	return ts.tv_sec;
}
#endif

#ifdef COMPAT_OBJ_timespec_get64
COMPAT_HIDDEN int __timespec_get64(struct compat_ts64 *ts, int base)
{
	if (base != 1 /* TIME_UTC */ || compat_clock64(0, ts) != 0)
		return 0;
	return base;
}
#endif

#ifdef COMPAT_OBJ_gettimeofday64
extern int gettimeofday(struct compat_tv32 *tv, void *tz);

COMPAT_HIDDEN int __gettimeofday64(struct compat_tv64 *tv, void *tz)
{
	struct compat_ts64 ts;

	if (tz && gettimeofday(0, tz) != 0)
		return -1;
	if (!tv)
		return 0;
	if (compat_clock64(0, &ts) != 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}
#endif

#ifdef COMPAT_OBJ_settimeofday64
extern int settimeofday(const struct compat_tv32 *tv, const void *tz);

COMPAT_HIDDEN int __settimeofday64(const struct compat_tv64 *tv, const void *tz)
{
	struct compat_tv32 t;

	if (!tv)
		return settimeofday(0, tz);
	if (!compat_fits(tv->tv_sec))
		return compat_fail(COMPAT_EOVERFLOW);
	t.tv_sec = (int32_t)tv->tv_sec;
	t.tv_usec = (int32_t)tv->tv_usec;
	return settimeofday(&t, tz);
}
#endif

#ifdef COMPAT_OBJ_difftime64
COMPAT_HIDDEN double __difftime64(compat_time64 t1, compat_time64 t0)
{
	/* Exact whenever the difference is: subtract first, in 64 bits, when
	 * that cannot overflow. */
	if ((t1 >= 0) == (t0 >= 0))
		return (double)(t1 - t0);
	return (double)t1 - (double)t0;
}
#endif

#ifdef COMPAT_OBJ_clock_nanosleep_time64
extern int clock_nanosleep(int clk, int flags, const struct compat_ts32 *req, struct compat_ts32 *rem);

/* Returns the error number, like clock_nanosleep. */
COMPAT_HIDDEN int __clock_nanosleep_time64(int clk, int flags, const struct compat_ts64 *req, struct compat_ts64 *rem)
{
	struct compat_ts32 r, left;
	int err;

	if (syscall(COMPAT_SYS_clock_nanosleep_time64, clk, flags, req, rem) == 0)
		return 0;
	if ((err = *__errno_location()) != COMPAT_ENOSYS)
		return err;
	if ((err = compat_narrow(req, &r)) != 0)
		return err;
	err = clock_nanosleep(clk, flags, &r, rem ? &left : 0);
	if (err == 4 /* EINTR */ && rem)
		compat_widen(&left, rem);
	return err;
}
#endif

#ifdef COMPAT_OBJ_nanosleep64
COMPAT_HIDDEN int __nanosleep64(const struct compat_ts64 *req, struct compat_ts64 *rem)
{
	struct compat_ts32 r, left;
	extern int nanosleep(const struct compat_ts32 *req, struct compat_ts32 *rem);

	if (syscall(COMPAT_SYS_clock_nanosleep_time64, 0, 0, req, rem) == 0)
		return 0;
	if (*__errno_location() != COMPAT_ENOSYS)
		return -1;
	if (compat_narrow(req, &r) != 0)
		return compat_fail(COMPAT_EOVERFLOW);
	if (nanosleep(&r, rem ? &left : 0) == 0)
		return 0;
	if (rem)
		compat_widen(&left, rem);
	return -1;
}
#endif

#if defined(COMPAT_OBJ_stat64_time64) || defined(COMPAT_OBJ_fstat64_time64) || \
    defined(COMPAT_OBJ_lstat64_time64) || defined(COMPAT_OBJ_fstatat64_time64)
#include "time64_stat.h"
#endif

#ifdef COMPAT_OBJ_stat64_time64
COMPAT_HIDDEN int __stat64_time64(const char *path, struct compat_stat_t64 *st)
{
	return compat_statat(COMPAT_AT_FDCWD, path, st, 0);
}
#endif

#ifdef COMPAT_OBJ_lstat64_time64
COMPAT_HIDDEN int __lstat64_time64(const char *path, struct compat_stat_t64 *st)
{
	return compat_statat(COMPAT_AT_FDCWD, path, st, COMPAT_AT_SYMLINK_NOFOLLOW);
}
#endif

#ifdef COMPAT_OBJ_fstatat64_time64
COMPAT_HIDDEN int __fstatat64_time64(int dirfd, const char *path, struct compat_stat_t64 *st, int flags)
{
	return compat_statat(dirfd, path, st, flags);
}
#endif

#ifdef COMPAT_OBJ_fstat64_time64
COMPAT_HIDDEN int __fstat64_time64(int fd, struct compat_stat_t64 *st)
{
	if (fd < 0)
		return compat_fail(9 /* EBADF */);
	return compat_statat(fd, "", st, 0x1000 /* AT_EMPTY_PATH */);
}
#endif

#if defined(COMPAT_OBJ_utimensat64) || defined(COMPAT_OBJ_futimens64)
extern int utimensat(int dirfd, const char *path, const struct compat_ts32 times[2], int flags);

static inline int compat_utimensat(int dirfd, const char *path, const struct compat_ts64 times[2], int flags)
{
	struct compat_ts32 t[2];

	if (syscall(COMPAT_SYS_utimensat_time64, dirfd, path, times, flags) == 0)
		return 0;
	if (*__errno_location() != COMPAT_ENOSYS)
		return -1;
	if (!times)
		return utimensat(dirfd, path, 0, flags);
	/* UTIME_NOW and UTIME_OMIT live in tv_nsec; tv_sec is then ignored. */
	for (int i = 0; i < 2; i++) {
		t[i].tv_nsec = times[i].tv_nsec;
		t[i].tv_sec = compat_fits(times[i].tv_sec) ? (int32_t)times[i].tv_sec : 0;
		if (!compat_fits(times[i].tv_sec) && times[i].tv_nsec < 0x3ffffffe)
			return compat_fail(COMPAT_EOVERFLOW);
	}
	return utimensat(dirfd, path, t, flags);
}
#endif

#ifdef COMPAT_OBJ_utimensat64
COMPAT_HIDDEN int __utimensat64(int dirfd, const char *path, const struct compat_ts64 times[2], int flags)
{
	return compat_utimensat(dirfd, path, times, flags);
}
#endif

#ifdef COMPAT_OBJ_futimens64
COMPAT_HIDDEN int __futimens64(int fd, const struct compat_ts64 times[2])
{
	return compat_utimensat(fd, 0, times, 0);
}
#endif

/* Absolute timeouts of the pthread and semaphore calls: narrowed. */
#define COMPAT_TIMED(name, old, type)                                              \
	extern int old(type *obj, const struct compat_ts32 *abstime);              \
	COMPAT_HIDDEN int name(type *obj, const struct compat_ts64 *abstime)       \
	{                                                                          \
		struct compat_ts32 t;                                              \
		int err = compat_narrow(abstime, &t);                              \
		return err ? err : old(obj, &t);                                   \
	}

#ifdef COMPAT_OBJ_pthread_mutex_timedlock64
COMPAT_TIMED(__pthread_mutex_timedlock64, pthread_mutex_timedlock, void)
#endif
#ifdef COMPAT_OBJ_pthread_rwlock_timedrdlock64
COMPAT_TIMED(__pthread_rwlock_timedrdlock64, pthread_rwlock_timedrdlock, void)
#endif
#ifdef COMPAT_OBJ_pthread_rwlock_timedwrlock64
COMPAT_TIMED(__pthread_rwlock_timedwrlock64, pthread_rwlock_timedwrlock, void)
#endif

#ifdef COMPAT_OBJ_pthread_cond_timedwait64
extern int pthread_cond_timedwait(void *cond, void *mutex, const struct compat_ts32 *abstime);
COMPAT_HIDDEN int __pthread_cond_timedwait64(void *cond, void *mutex, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? err : pthread_cond_timedwait(cond, mutex, &t);
}
#endif

#ifdef COMPAT_OBJ_sem_timedwait64
extern int sem_timedwait(void *sem, const struct compat_ts32 *abstime);
/* Returns -1 and errno, unlike the pthread calls. */
COMPAT_HIDDEN int __sem_timedwait64(void *sem, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	int err = compat_narrow(abstime, &t);

	return err ? compat_fail(err) : sem_timedwait(sem, &t);
}
#endif
