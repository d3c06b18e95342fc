/* The time64 entry points of System V IPC and POSIX message queues (glibc
 * 2.34, i386 and arm): msgctl, semctl, shmctl, semtimedop,
 * mq_timedsend, mq_timedreceive.
 *
 * The *ctl calls: the target's function fills the 32-bit struct *_ds,
 * which on i386 and arm is the kernel's *64_ds (glibc before 2.32 passes
 * it through; 2.32 and 2.33 fill it the same way), whose times are a low
 * word and, from Linux 4.19, a high word: the time64 struct gets
 * low | high << 32, as glibc 2.34 computes it. IPC_SET copies the
 * settable fields back (the kernel reads no time there). Commands without
 * a struct *_ds pass through. */
#include "time64.h"
#include <sys/ipc.h>

#define COMPAT_IPC_SET  1
#define COMPAT_IPC_STAT 2

static inline compat_time64 compat_ipctime(uint32_t lo, uint32_t hi)
{
	return (compat_time64)((uint64_t)lo | (uint64_t)hi << 32);
}

#ifdef COMPAT_OBJ_msgctl64
struct compat_msqid32 {
	struct ipc_perm perm;
	uint32_t stime, stime_hi, rtime, rtime_hi, ctime, ctime_hi;
	uint32_t cbytes, qnum, qbytes;
	int32_t lspid, lrpid;
	uint32_t r4, r5;
};
struct compat_msqid64 {
	struct ipc_perm perm;
	compat_time64 stime, rtime, ctime;
	uint32_t cbytes, qnum, qbytes;
	int32_t lspid, lrpid;
	uint32_t r4, r5;
};

extern int msgctl(int id, int cmd, struct compat_msqid32 *buf);

COMPAT_HIDDEN int __msgctl64(int id, int cmd, struct compat_msqid64 *buf)
{
	struct compat_msqid32 k = {0};
	int r;

	switch (cmd) {
	case COMPAT_IPC_SET:
		k.perm = buf->perm;
		k.qbytes = buf->qbytes;
		return msgctl(id, cmd, &k);
	case COMPAT_IPC_STAT:
	case 11: /* MSG_STAT */
	case 13: /* MSG_STAT_ANY */
		if ((r = msgctl(id, cmd, &k)) < 0)
			return r;
		buf->perm = k.perm;
		buf->stime = compat_ipctime(k.stime, k.stime_hi);
		buf->rtime = compat_ipctime(k.rtime, k.rtime_hi);
		buf->ctime = compat_ipctime(k.ctime, k.ctime_hi);
		buf->cbytes = k.cbytes;
		buf->qnum = k.qnum;
		buf->qbytes = k.qbytes;
		buf->lspid = k.lspid;
		buf->lrpid = k.lrpid;
		buf->r4 = buf->r5 = 0;
		return r;
	}
	return msgctl(id, cmd, (struct compat_msqid32 *)buf);
}
#endif

#ifdef COMPAT_OBJ_semctl64
#include <stdarg.h>

struct compat_semid32 {
	struct ipc_perm perm;
	uint32_t otime, otime_hi, ctime, ctime_hi;
	uint32_t nsems, r3, r4;
};
struct compat_semid64 {
	struct ipc_perm perm;
	compat_time64 otime, ctime;
	uint32_t nsems, r3, r4;
};

extern int semctl(int id, int num, int cmd, ...);

/* The fourth argument (union semun: one word on these ABIs) is read only
 * for the commands that take one, as glibc does. */
COMPAT_HIDDEN int __semctl64(int id, int num, int cmd, ...)
{
	struct compat_semid32 k = {0};
	struct compat_semid64 *buf;
	void *arg = 0;
	va_list ap;
	int r;

	switch (cmd) {
	case 1: /* IPC_SET */
	case 2: /* IPC_STAT */
	case 3: /* IPC_INFO */
	case 13: /* GETALL */
	case 16: /* SETVAL */
	case 17: /* SETALL */
	case 18: /* SEM_STAT */
	case 19: /* SEM_INFO */
	case 20: /* SEM_STAT_ANY */
		va_start(ap, cmd);
		arg = va_arg(ap, void *);
		va_end(ap);
		break;
	default:
		return semctl(id, num, cmd);
	}
	buf = arg;
	switch (cmd) {
	case COMPAT_IPC_SET:
		k.perm = buf->perm;
		return semctl(id, num, cmd, &k);
	case COMPAT_IPC_STAT:
	case 18:
	case 20:
		if ((r = semctl(id, num, cmd, &k)) < 0)
			return r;
		buf->perm = k.perm;
		buf->otime = compat_ipctime(k.otime, k.otime_hi);
		buf->ctime = compat_ipctime(k.ctime, k.ctime_hi);
		buf->nsems = k.nsems;
		buf->r3 = buf->r4 = 0;
		return r;
	}
	return semctl(id, num, cmd, arg);
}
#endif

#ifdef COMPAT_OBJ_shmctl64
struct compat_shmid32 {
	struct ipc_perm perm;
	uint32_t segsz;
	uint32_t atime, atime_hi, dtime, dtime_hi, ctime, ctime_hi;
	int32_t cpid, lpid;
	uint32_t nattch, r5, r6;
};
struct compat_shmid64 {
	struct ipc_perm perm;
	uint32_t segsz;
	compat_time64 atime, dtime, ctime;
	int32_t cpid, lpid;
	uint32_t nattch, r5, r6;
};

extern int shmctl(int id, int cmd, struct compat_shmid32 *buf);

COMPAT_HIDDEN int __shmctl64(int id, int cmd, struct compat_shmid64 *buf)
{
	struct compat_shmid32 k = {0};
	int r;

	switch (cmd) {
	case COMPAT_IPC_SET:
		k.perm = buf->perm;
		return shmctl(id, cmd, &k);
	case COMPAT_IPC_STAT:
	case 13: /* SHM_STAT */
	case 15: /* SHM_STAT_ANY */
		if ((r = shmctl(id, cmd, &k)) < 0)
			return r;
		buf->perm = k.perm;
		buf->segsz = k.segsz;
		buf->atime = compat_ipctime(k.atime, k.atime_hi);
		buf->dtime = compat_ipctime(k.dtime, k.dtime_hi);
		buf->ctime = compat_ipctime(k.ctime, k.ctime_hi);
		buf->cpid = k.cpid;
		buf->lpid = k.lpid;
		buf->nattch = k.nattch;
		buf->r5 = buf->r6 = 0;
		return r;
	}
	return shmctl(id, cmd, (struct compat_shmid32 *)buf);
}
#endif

#ifdef COMPAT_OBJ_semtimedop64
extern int semtimedop(int id, void *sops, size_t n, const struct compat_ts32 *t);

COMPAT_HIDDEN int __semtimedop64(int id, void *sops, size_t n, const struct compat_ts64 *timeout)
{
	struct compat_ts32 t;
	long r;
	int err;

	if (compat_syscall64(&r, COMPAT_SYS_semtimedop_time64, id, sops, n, timeout))
		return (int)r;
	if (!timeout)
		return semtimedop(id, sops, n, 0);
	if ((err = compat_narrow(timeout, &t)) != 0)
		return compat_fail(err);
	return semtimedop(id, sops, n, &t);
}
#endif

/* A message queue descriptor is the kernel's. */
#ifdef COMPAT_OBJ_mq_timedsend_time64
extern int mq_timedsend(int mq, const char *msg, size_t len, unsigned prio, const struct compat_ts32 *t);

COMPAT_HIDDEN int __mq_timedsend_time64(int mq, const char *msg, size_t len, unsigned prio, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	long r;
	int err;

	if (compat_syscall64(&r, COMPAT_SYS_mq_timedsend_time64, mq, msg, len, prio, abstime))
		return (int)r;
	if (!abstime)
		return mq_timedsend(mq, msg, len, prio, 0);
	if ((err = compat_narrow(abstime, &t)) != 0)
		return compat_fail(err);
	return mq_timedsend(mq, msg, len, prio, &t);
}
#endif

#ifdef COMPAT_OBJ_mq_timedreceive_time64
extern ssize_t mq_timedreceive(int mq, char *msg, size_t len, unsigned *prio, const struct compat_ts32 *t);

COMPAT_HIDDEN ssize_t __mq_timedreceive_time64(int mq, char *msg, size_t len, unsigned *prio, const struct compat_ts64 *abstime)
{
	struct compat_ts32 t;
	long r;
	int err;

	if (compat_syscall64(&r, COMPAT_SYS_mq_timedreceive_time64, mq, msg, len, prio, abstime))
		return r;
	if (!abstime)
		return mq_timedreceive(mq, msg, len, prio, 0);
	if ((err = compat_narrow(abstime, &t)) != 0)
		return compat_fail(err);
	return mq_timedreceive(mq, msg, len, prio, &t);
}
#endif
