/* What the time64 polyfills (time64*.c) share: glibc's time64 layouts
 * (struct __timespec64, __timeval64, __stat64_t64), written out with
 * fixed-width fields so the compiler gives them the ABI's alignment, as it
 * does for glibc's; on these little-endian ABIs the kernel's 64-bit
 * tv_nsec fills tv_nsec and the padding after it. Narrowing to the
 * target's 32-bit types fails with EOVERFLOW, as glibc's own time64
 * functions do where only 32-bit kernel interfaces exist. */
#ifndef COMPAT_TIME64_H
#define COMPAT_TIME64_H

#define _LARGEFILE64_SOURCE 1
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include "compat.h"

#if __SIZEOF_POINTER__ != 4 || !defined(COMPAT_SYS_clock_gettime64)
# error "time64 polyfills: for the 32-bit ABIs (i386, arm) only"
#endif

#define COMPAT_ENOSYS    38
#define COMPAT_EOVERFLOW 75
#define COMPAT_EINVAL    22
#define COMPAT_AT_FDCWD  (-100)
#define COMPAT_AT_SYMLINK_NOFOLLOW 0x100

typedef int64_t compat_time64;

struct compat_ts64 {
	compat_time64 tv_sec;
	int32_t tv_nsec;
	int32_t pad;
};

struct compat_tv64 {
	compat_time64 tv_sec;
	int64_t tv_usec;
};

struct compat_ts32 {
	int32_t tv_sec;
	int32_t tv_nsec;
};

struct compat_tv32 {
	int32_t tv_sec;
	int32_t tv_usec;
};

/* glibc's struct __stat64_t64: struct stat under _TIME_BITS=64. */
struct compat_stat_t64 {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	int64_t st_size;
	int32_t st_blksize;
	int64_t st_blocks;
	struct compat_ts64 st_atim, st_mtim, st_ctim;
};

struct tm;

extern int *__errno_location(void);

static inline int compat_fail(int err)
{
	*__errno_location() = err;
	return -1;
}

static inline int compat_fits(compat_time64 t)
{
	return t >= INT32_MIN && t <= INT32_MAX;
}

/* narrow copies a time64 timespec into a 32-bit one; 0, or EOVERFLOW. */
static inline int compat_narrow(const struct compat_ts64 *in, struct compat_ts32 *out)
{
	if (!compat_fits(in->tv_sec))
		return COMPAT_EOVERFLOW;
	out->tv_sec = (int32_t)in->tv_sec;
	out->tv_nsec = in->tv_nsec;
	return 0;
}

static inline void compat_widen(const struct compat_ts32 *in, struct compat_ts64 *out)
{
	out->tv_sec = in->tv_sec;
	out->tv_nsec = in->tv_nsec;
	out->pad = 0;
}

extern int clock_gettime(int clk, struct compat_ts32 *ts);

/* realtime64 reads a clock as time64: the time64 system call, else the
 * target's clock_gettime. */
static inline int compat_clock64(int clk, struct compat_ts64 *ts)
{
	struct compat_ts32 t;

	if (syscall(COMPAT_SYS_clock_gettime64, clk, ts) == 0) {
		ts->pad = 0;
		return 0;
	}
	if (*__errno_location() != COMPAT_ENOSYS)
		return -1;
	if (clock_gettime(clk, &t) != 0)
		return -1;
	compat_widen(&t, ts);
	return 0;
}


/* narrowtv copies a time64 timeval into a 32-bit one; 0, or EOVERFLOW. */
static inline int compat_narrowtv(const struct compat_tv64 *in, struct compat_tv32 *out)
{
	if (!compat_fits(in->tv_sec))
		return COMPAT_EOVERFLOW;
	out->tv_sec = (int32_t)in->tv_sec;
	out->tv_usec = (int32_t)in->tv_usec;
	return 0;
}

static inline void compat_widentv(const struct compat_tv32 *in, struct compat_tv64 *out)
{
	out->tv_sec = in->tv_sec;
	out->tv_usec = in->tv_usec;
}

/* compat_syscall64 runs a time64 system call; it returns 1 when the kernel
 * has it (the result in *ret, errno set on failure), 0 on ENOSYS, when the
 * caller falls back to the target's 32-bit function. */
#define compat_syscall64(ret, ...)                                               \
	((*(ret) = syscall(__VA_ARGS__)) != -1 || *__errno_location() != COMPAT_ENOSYS)

#endif
