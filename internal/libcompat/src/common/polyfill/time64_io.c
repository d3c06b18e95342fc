/* The time64 entry points of descriptor I/O (glibc 2.34, i386 and arm):
 * select, pselect, ppoll, the socket options and messages that carry
 * times. As glibc 2.34 does: the kernel's time64 system call
 * first (Linux 5.1), else the target's 32-bit function with the times
 * narrowed (EOVERFLOW when they do not fit), results widened back.
 *
 * Sockets: under _TIME_BITS=64 the kernel's headers name the 64-bit
 * options (SO_RCVTIMEO_NEW, SO_TIMESTAMP_NEW ...). A kernel before 5.1
 * refuses those with ENOPROTOOPT; then, like glibc's setsockopt64 and
 * getsockopt64, the _OLD option is used with the value converted. Socket
 * timestamps arrive as _OLD control messages on such kernels (and
 * whenever the program asks for the _OLD option): recvmsg64 and
 * recvmmsg64 append the 64-bit message after them, as glibc's
 * __convert_scm_timestamps does, or set MSG_CTRUNC when the buffer has no
 * room for it. */
#include "time64.h"

#define COMPAT_ENOPROTOOPT 92
#define COMPAT_SOL_SOCKET  1
#define COMPAT_MSG_CTRUNC  0x8

/* asm-generic/socket.h's numbers, shared by i386 and arm. */
#define COMPAT_SO_RCVTIMEO_OLD     20
#define COMPAT_SO_SNDTIMEO_OLD     21
#define COMPAT_SO_TIMESTAMP_OLD    29
#define COMPAT_SO_TIMESTAMPNS_OLD  35
#define COMPAT_SO_TIMESTAMPING_OLD 37
#define COMPAT_SO_TIMESTAMP_NEW    63
#define COMPAT_SO_TIMESTAMPNS_NEW  64
#define COMPAT_SO_TIMESTAMPING_NEW 65
#define COMPAT_SO_RCVTIMEO_NEW     66
#define COMPAT_SO_SNDTIMEO_NEW     67

/* The kernel's sigset_t, as pselect6 and ppoll take its size. */
#define COMPAT_KSIGSET 8

extern void *memcpy(void *d, const void *s, size_t n);

/* <sys/types.h> declares select and pselect with the header's types;
 * these name the same functions with the 32-bit ones. */
extern int compat_select(int n, void *r, void *w, void *e, struct compat_tv32 *t) __asm__("select");
extern int compat_pselect(int n, void *r, void *w, void *e, const struct compat_ts32 *t, const void *mask) __asm__("pselect");

#ifdef COMPAT_OBJ_select64

/* Like Linux's select, the time left is written back into timeout. */
COMPAT_HIDDEN int __select64(int n, void *r, void *w, void *e, struct compat_tv64 *timeout)
{
	struct compat_ts64 ts;
	struct compat_tv32 tv;
	long ret;

	if (!timeout)
		return compat_select(n, r, w, e, 0);
	if (timeout->tv_sec < 0 || timeout->tv_usec < 0)
		return compat_fail(COMPAT_EINVAL);
	ts.tv_sec = timeout->tv_sec + timeout->tv_usec / 1000000;
	ts.tv_nsec = (int32_t)(timeout->tv_usec % 1000000) * 1000;
	ts.pad = 0;
	if (compat_syscall64(&ret, COMPAT_SYS_pselect6_time64, n, r, w, e, &ts, 0)) {
		timeout->tv_sec = ts.tv_sec;
		timeout->tv_usec = ts.tv_nsec / 1000;
		return (int)ret;
	}
	if (!compat_fits(ts.tv_sec))
		return compat_fail(COMPAT_EOVERFLOW);
	tv.tv_sec = (int32_t)ts.tv_sec;
	tv.tv_usec = ts.tv_nsec / 1000;
	ret = compat_select(n, r, w, e, &tv);
	compat_widentv(&tv, timeout);
	return (int)ret;
}
#endif

#ifdef COMPAT_OBJ_pselect64

/* The timeout is not written back (glibc passes the kernel a copy). */
COMPAT_HIDDEN int __pselect64(int n, void *r, void *w, void *e, const struct compat_ts64 *timeout, const void *mask)
{
	struct compat_ts64 copy;
	struct compat_ts32 t;
	uint32_t data[2] = {(uint32_t)(uintptr_t)mask, COMPAT_KSIGSET};
	long ret;
	int err;

	if (timeout)
		copy = *timeout;
	if (compat_syscall64(&ret, COMPAT_SYS_pselect6_time64, n, r, w, e, timeout ? &copy : 0, data))
		return (int)ret;
	if (!timeout)
		return compat_pselect(n, r, w, e, 0, mask);
	if ((err = compat_narrow(timeout, &t)) != 0)
		return compat_fail(err);
	return compat_pselect(n, r, w, e, &t, mask);
}
#endif

#ifdef COMPAT_OBJ_ppoll64
extern int ppoll(void *fds, unsigned long n, const struct compat_ts32 *t, const void *mask);

COMPAT_HIDDEN int __ppoll64(void *fds, unsigned long n, const struct compat_ts64 *timeout, const void *mask)
{
	struct compat_ts64 copy;
	struct compat_ts32 t;
	long ret;
	int err;

	if (timeout)
		copy = *timeout;
	if (compat_syscall64(&ret, COMPAT_SYS_ppoll_time64, fds, n, timeout ? &copy : 0, mask, COMPAT_KSIGSET))
		return (int)ret;
	if (!timeout)
		return ppoll(fds, n, 0, mask);
	if ((err = compat_narrow(timeout, &t)) != 0)
		return compat_fail(err);
	return ppoll(fds, n, &t, mask);
}
#endif

#ifdef COMPAT_OBJ_setsockopt64
extern int setsockopt(int fd, int level, int name, const void *val, uint32_t len);

COMPAT_HIDDEN int __setsockopt64(int fd, int level, int name, const void *val, uint32_t len)
{
	struct compat_tv32 tv;
	int r = setsockopt(fd, level, name, val, len);

	if (r == 0 || level != COMPAT_SOL_SOCKET || *__errno_location() != COMPAT_ENOPROTOOPT)
		return r;
	switch (name) {
	case COMPAT_SO_RCVTIMEO_NEW:
	case COMPAT_SO_SNDTIMEO_NEW: {
		struct compat_tv64 v;
		int err;
		if (len < sizeof v)
			return compat_fail(COMPAT_EINVAL);
		memcpy(&v, val, sizeof v);
		if ((err = compat_narrowtv(&v, &tv)) != 0)
			return compat_fail(err);
		name = name == COMPAT_SO_RCVTIMEO_NEW ? COMPAT_SO_RCVTIMEO_OLD : COMPAT_SO_SNDTIMEO_OLD;
		return setsockopt(fd, level, name, &tv, sizeof tv);
	}
	case COMPAT_SO_TIMESTAMP_NEW:
		return setsockopt(fd, level, COMPAT_SO_TIMESTAMP_OLD, val, len);
	case COMPAT_SO_TIMESTAMPNS_NEW:
		return setsockopt(fd, level, COMPAT_SO_TIMESTAMPNS_OLD, val, len);
	case COMPAT_SO_TIMESTAMPING_NEW:
		return setsockopt(fd, level, COMPAT_SO_TIMESTAMPING_OLD, val, len);
	}
	return r;
}
#endif

#ifdef COMPAT_OBJ_getsockopt64
extern int getsockopt(int fd, int level, int name, void *val, uint32_t *len);

COMPAT_HIDDEN int __getsockopt64(int fd, int level, int name, void *val, uint32_t *len)
{
	int r = getsockopt(fd, level, name, val, len);

	if (r == 0 || level != COMPAT_SOL_SOCKET || *__errno_location() != COMPAT_ENOPROTOOPT)
		return r;
	switch (name) {
	case COMPAT_SO_RCVTIMEO_NEW:
	case COMPAT_SO_SNDTIMEO_NEW: {
		struct compat_tv32 tv;
		struct compat_tv64 v;
		uint32_t n = sizeof tv;
		if (*len < sizeof v)
			return compat_fail(COMPAT_EINVAL);
		name = name == COMPAT_SO_RCVTIMEO_NEW ? COMPAT_SO_RCVTIMEO_OLD : COMPAT_SO_SNDTIMEO_OLD;
		if (getsockopt(fd, level, name, &tv, &n) != 0)
			return -1;
		compat_widentv(&tv, &v);
		memcpy(val, &v, sizeof v);
		*len = sizeof v;
		return 0;
	}
	case COMPAT_SO_TIMESTAMP_NEW:
		return getsockopt(fd, level, COMPAT_SO_TIMESTAMP_OLD, val, len);
	case COMPAT_SO_TIMESTAMPNS_NEW:
		return getsockopt(fd, level, COMPAT_SO_TIMESTAMPNS_OLD, val, len);
	case COMPAT_SO_TIMESTAMPING_NEW:
		return getsockopt(fd, level, COMPAT_SO_TIMESTAMPING_OLD, val, len);
	}
	return r;
}
#endif

#if defined(COMPAT_OBJ_recvmsg64) || defined(COMPAT_OBJ_recvmmsg64)
/* <sys/socket.h>'s struct msghdr and struct cmsghdr on a 32-bit ABI
 * (neither holds a time; the same under _TIME_BITS=64). */
struct compat_msghdr {
	void *name;
	uint32_t namelen;
	void *iov;
	uint32_t iovlen;
	unsigned char *control;
	uint32_t controllen;
	int flags;
};

struct compat_mmsghdr {
	struct compat_msghdr hdr;
	unsigned int len;
};

struct compat_cmsghdr {
	uint32_t len;
	int level;
	int type;
};

#define COMPAT_CMSG_ALIGN(n) (((n) + 3u) & ~3u)
#define COMPAT_CMSG_HDR      ((uint32_t)sizeof(struct compat_cmsghdr))

/* compat_scm_convert appends, after the control messages the kernel
 * returned, the 64-bit form of the last SO_TIMESTAMP_OLD or
 * SO_TIMESTAMPNS_OLD among them (the _OLD one stays): what glibc 2.34's
 * recvmsg does on 32-bit ABIs. size is the control buffer's size. */
static void compat_scm_convert(struct compat_msghdr *m, uint32_t size)
{
	uint32_t off = 0, end = 0;
	int64_t v[2];
	int type = 0;

	if (!m->control || m->controllen == 0)
		return;
	while (off + COMPAT_CMSG_HDR <= m->controllen) {
		struct compat_cmsghdr h;
		memcpy(&h, m->control + off, sizeof h);
		if (h.len < COMPAT_CMSG_HDR || off + h.len > m->controllen)
			break;
		if (h.level == COMPAT_SOL_SOCKET && h.len >= COMPAT_CMSG_HDR + 8 &&
		    (h.type == COMPAT_SO_TIMESTAMP_OLD || h.type == COMPAT_SO_TIMESTAMPNS_OLD)) {
			int32_t t[2];
			memcpy(t, m->control + off + COMPAT_CMSG_HDR, sizeof t);
			v[0] = t[0];
			v[1] = t[1];
			type = h.type == COMPAT_SO_TIMESTAMP_OLD ? COMPAT_SO_TIMESTAMP_NEW : COMPAT_SO_TIMESTAMPNS_NEW;
		}
		end = off + COMPAT_CMSG_ALIGN(h.len);
		off = end;
	}
	if (type == 0)
		return;
	if (end + COMPAT_CMSG_HDR + sizeof v > size) {
		m->flags |= COMPAT_MSG_CTRUNC;
		return;
	}
	struct compat_cmsghdr h = {COMPAT_CMSG_HDR + sizeof v, COMPAT_SOL_SOCKET, type};
	memcpy(m->control + end, &h, sizeof h);
	memcpy(m->control + end + COMPAT_CMSG_HDR, v, sizeof v);
	m->controllen = end + COMPAT_CMSG_ALIGN(COMPAT_CMSG_HDR + sizeof v);
}
#endif

#ifdef COMPAT_OBJ_recvmsg64
extern int recvmsg(int fd, struct compat_msghdr *m, int flags);

COMPAT_HIDDEN int __recvmsg64(int fd, struct compat_msghdr *m, int flags)
{
	uint32_t size = m->controllen;
	int r = recvmsg(fd, m, flags);

	if (r >= 0)
		compat_scm_convert(m, size);
	return r;
}
#endif

#ifdef COMPAT_OBJ_recvmmsg64
extern int recvmmsg(int fd, struct compat_mmsghdr *v, unsigned int n, int flags, struct compat_ts32 *t);

/* The timeout is written back with the time left, as Linux does. Only the
 * first 64 messages' control buffer sizes are kept for the conversion
 * (glibc keeps none and converts within the returned length). */
COMPAT_HIDDEN int __recvmmsg64(int fd, struct compat_mmsghdr *v, unsigned int n, int flags, struct compat_ts64 *timeout)
{
	struct compat_ts32 t;
	long ret;
	int err;

	if (compat_syscall64(&ret, COMPAT_SYS_recvmmsg_time64, fd, v, n, flags, timeout)) {
		if (ret > 0)
			for (int i = 0; i < ret; i++)
				compat_scm_convert(&v[i].hdr, v[i].hdr.controllen);
		return (int)ret;
	}
	if (timeout && (err = compat_narrow(timeout, &t)) != 0)
		return compat_fail(err);
	uint32_t sizes[64];
	for (unsigned int i = 0; i < n && i < 64; i++)
		sizes[i] = v[i].hdr.controllen;
	ret = recvmmsg(fd, v, n, flags, timeout ? &t : 0);
	if (ret > 0)
		for (int i = 0; i < ret; i++)
			compat_scm_convert(&v[i].hdr, i < 64 ? sizes[i] : v[i].hdr.controllen);
	if (timeout && ret >= 0)
		compat_widen(&t, timeout);
	return (int)ret;
}
#endif
