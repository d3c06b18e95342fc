/* The stat family as it was before glibc 2.33: small wrappers, linked into
 * each module, that pass the structure layout version to libc's
 * __xstat-style entry points. One object per function (COMPAT_OBJ_<name>).
 *
 * No <sys/stat.h>: older headers define these names as inline functions and
 * newer ones no longer declare __xstat. The structures are only passed
 * through, so incomplete types suffice. */
#include <sys/types.h>
#include "compat.h"

struct stat;
struct stat64;

extern int __xstat(int ver, const char *path, struct stat *st);
extern int __fxstat(int ver, int fd, struct stat *st);
extern int __lxstat(int ver, const char *path, struct stat *st);
extern int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
extern int __xstat64(int ver, const char *path, struct stat64 *st);
extern int __fxstat64(int ver, int fd, struct stat64 *st);
extern int __lxstat64(int ver, const char *path, struct stat64 *st);
extern int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
extern int __xmknod(int ver, const char *path, mode_t mode, dev_t *dev);
extern int __xmknodat(int ver, int dirfd, const char *path, mode_t mode, dev_t *dev);

#ifdef COMPAT_OBJ_stat
COMPAT_HIDDEN COMPAT_MEMBER(stat) int stat(const char *path, struct stat *st)
{
	return __xstat(COMPAT_STAT_VER, path, st);
}
#endif

#ifdef COMPAT_OBJ_fstat
COMPAT_HIDDEN COMPAT_MEMBER(stat) int fstat(int fd, struct stat *st)
{
	return __fxstat(COMPAT_STAT_VER, fd, st);
}
#endif

#ifdef COMPAT_OBJ_lstat
COMPAT_HIDDEN COMPAT_MEMBER(stat) int lstat(const char *path, struct stat *st)
{
	return __lxstat(COMPAT_STAT_VER, path, st);
}
#endif

#ifdef COMPAT_OBJ_fstatat
COMPAT_HIDDEN COMPAT_MEMBER(stat) int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return __fxstatat(COMPAT_STAT_VER, dirfd, path, st, flags);
}
#endif

#ifdef COMPAT_OBJ_stat64
COMPAT_HIDDEN COMPAT_MEMBER(stat) int stat64(const char *path, struct stat64 *st)
{
	return __xstat64(COMPAT_STAT_VER, path, st);
}
#endif

#ifdef COMPAT_OBJ_fstat64
COMPAT_HIDDEN COMPAT_MEMBER(stat) int fstat64(int fd, struct stat64 *st)
{
	return __fxstat64(COMPAT_STAT_VER, fd, st);
}
#endif

#ifdef COMPAT_OBJ_lstat64
COMPAT_HIDDEN COMPAT_MEMBER(stat) int lstat64(const char *path, struct stat64 *st)
{
	return __lxstat64(COMPAT_STAT_VER, path, st);
}
#endif

#ifdef COMPAT_OBJ_fstatat64
COMPAT_HIDDEN COMPAT_MEMBER(stat) int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return __fxstatat64(COMPAT_STAT_VER, dirfd, path, st, flags);
}
#endif

#ifdef COMPAT_OBJ_mknod
COMPAT_HIDDEN COMPAT_MEMBER(stat) int mknod(const char *path, mode_t mode, dev_t dev)
{
	return __xmknod(COMPAT_MKNOD_VER, path, mode, &dev);
}
#endif

#ifdef COMPAT_OBJ_mknodat
COMPAT_HIDDEN COMPAT_MEMBER(stat) int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	return __xmknodat(COMPAT_MKNOD_VER, dirfd, path, mode, &dev);
}
#endif
