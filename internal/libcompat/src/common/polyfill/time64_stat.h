/* The time64 stat of the 32-bit ABIs (i386, arm), shared by the stat
 * family (time64.c) and the tree walks (time64_fs.c): statx first, as
 * glibc 2.34's __fstatat64_time64 does (sysdeps/unix/sysv/linux/
 * fstatat64.c), else the target's fstatat64 widened. */
#ifndef COMPAT_TIME64_STAT_H
#define COMPAT_TIME64_STAT_H

#include "time64.h"

/* fstat64 and fstatat64 are libc_nonshared.a's wrappers below 2.33 and
 * libc's own from 2.33; their struct stat64 (from the header, which
 * redirects nothing without _FILE_OFFSET_BITS and _TIME_BITS) has 32-bit
 * times. */
#include <sys/stat.h>
extern int fstat64(int fd, struct stat64 *st);
extern int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags);

static inline void compat_stat_widen(const struct stat64 *in, struct compat_stat_t64 *out)
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
	out->st_atim.pad = 0;
	out->st_mtim.tv_sec = in->st_mtim.tv_sec;
	out->st_mtim.tv_nsec = in->st_mtim.tv_nsec;
	out->st_mtim.pad = 0;
	out->st_ctim.tv_sec = in->st_ctim.tv_sec;
	out->st_ctim.tv_nsec = in->st_ctim.tv_nsec;
	out->st_ctim.pad = 0;
}

/* The kernel's struct statx (<linux/stat.h>, Linux 4.11). */
struct compat_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct compat_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct compat_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare2[14];
};

/* glibc's makedev (<bits/sysmacros.h>). */
static inline uint64_t compat_makedev(uint32_t major, uint32_t minor)
{
	return ((uint64_t)(major & 0xfffff000u) << 32) | ((uint64_t)(major & 0xfffu) << 8) |
	       ((uint64_t)(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}

/* compat_statat: statx first, as glibc 2.34's __fstatat64_time64 does on
 * the 32-bit ABIs, so times after 2038 come back whole (the old stat64
 * system calls keep 32 bits of them: on i386 they would be silently
 * wrong); on a kernel before 4.11 (ENOSYS) the target's fstatat64,
 * widened. */
static inline int compat_statat(int dirfd, const char *path, struct compat_stat_t64 *st, int flags)
{
	struct compat_statx x;
	struct stat64 s;

	if (syscall(COMPAT_SYS_statx, dirfd, path, flags | 0x800 /* AT_NO_AUTOMOUNT */,
		    0x7ffu /* STATX_BASIC_STATS */, &x) == 0) {
		*st = (struct compat_stat_t64){0};
		st->st_dev = compat_makedev(x.dev_major, x.dev_minor);
		st->st_ino = x.ino;
		st->st_mode = x.mode;
		st->st_nlink = x.nlink;
		st->st_uid = x.uid;
		st->st_gid = x.gid;
		st->st_rdev = compat_makedev(x.rdev_major, x.rdev_minor);
		st->st_size = (int64_t)x.size;
		st->st_blksize = (int32_t)x.blksize;
		st->st_blocks = (int64_t)x.blocks;
		st->st_atim = (struct compat_ts64){x.atime.tv_sec, (int32_t)x.atime.tv_nsec, 0};
		st->st_mtim = (struct compat_ts64){x.mtime.tv_sec, (int32_t)x.mtime.tv_nsec, 0};
		st->st_ctim = (struct compat_ts64){x.ctime.tv_sec, (int32_t)x.ctime.tv_nsec, 0};
		return 0;
	}
	if (*__errno_location() != COMPAT_ENOSYS)
		return -1;
	if (fstatat64(dirfd, path, &s, flags) != 0)
		return -1;
	compat_stat_widen(&s, st);
	return 0;
}

#endif
