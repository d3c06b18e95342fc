/* The time64 entry points of timers, resource usage and clock
 * discipline (glibc 2.34, i386 and arm): getitimer, setitimer,
 * getrusage, wait3, wait4, timer_gettime, timer_settime,
 * timerfd_gettime, timerfd_settime, sigtimedwait, sched_rr_get_interval,
 * adjtime, adjtimex (ntp_adjtime), clock_adjtime, ntp_gettime,
 * ntp_gettimex, timespec_getres. The kernel's time64 system call first
 * where Linux has one and it takes a kernel object (timerfd, clock_adjtime,
 * sched_rr_get_interval), else the target's 32-bit function, times
 * narrowed (EOVERFLOW) and widened as glibc 2.34 does without time64
 * system calls. POSIX timers always go through the target's functions:
 * the timer_t of glibc before 2.34 is its own handle, not the kernel's
 * timer id. */
#include "time64.h"

struct compat_itv64 {
	struct compat_tv64 interval, value;
};
struct compat_itv32 {
	struct compat_tv32 interval, value;
};
struct compat_its64 {
	struct compat_ts64 interval, value;
};
struct compat_its32 {
	struct compat_ts32 interval, value;
};

static inline int compat_narrowits(const struct compat_its64 *in, struct compat_its32 *out)
{
	int err = compat_narrow(&in->interval, &out->interval);
	return err ? err : compat_narrow(&in->value, &out->value);
}

static inline void compat_widenits(const struct compat_its32 *in, struct compat_its64 *out)
{
	compat_widen(&in->interval, &out->interval);
	compat_widen(&in->value, &out->value);
}

/* struct rusage: two timevals, then 14 longs. */
struct compat_rusage64 {
	struct compat_tv64 utime, stime;
	int32_t rest[14];
};
struct compat_rusage32 {
	struct compat_tv32 utime, stime;
	int32_t rest[14];
};

static inline void compat_widenru(const struct compat_rusage32 *in, struct compat_rusage64 *out)
{
	compat_widentv(&in->utime, &out->utime);
	compat_widentv(&in->stime, &out->stime);
	for (int i = 0; i < 14; i++)
		out->rest[i] = in->rest[i];
}

#ifdef COMPAT_OBJ_getitimer64
extern int getitimer(int which, struct compat_itv32 *v);

COMPAT_HIDDEN int __getitimer64(int which, struct compat_itv64 *v)
{
	struct compat_itv32 t;

	if (getitimer(which, &t) != 0)
		return -1;
	compat_widentv(&t.interval, &v->interval);
	compat_widentv(&t.value, &v->value);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_setitimer64
extern int setitimer(int which, const struct compat_itv32 *v, struct compat_itv32 *old);

COMPAT_HIDDEN int __setitimer64(int which, const struct compat_itv64 *v, struct compat_itv64 *old)
{
	struct compat_itv32 t, o;
	int err;

	if ((err = compat_narrowtv(&v->interval, &t.interval)) != 0 || (err = compat_narrowtv(&v->value, &t.value)) != 0)
		return compat_fail(err);
	if (setitimer(which, &t, old ? &o : 0) != 0)
		return -1;
	if (old) {
		compat_widentv(&o.interval, &old->interval);
		compat_widentv(&o.value, &old->value);
	}
	return 0;
}
#endif

#ifdef COMPAT_OBJ_getrusage64
extern int getrusage(int who, struct compat_rusage32 *ru);

COMPAT_HIDDEN int __getrusage64(int who, struct compat_rusage64 *ru)
{
	struct compat_rusage32 t;

	if (getrusage(who, &t) != 0)
		return -1;
	compat_widenru(&t, ru);
	return 0;
}
#endif

#if defined(COMPAT_OBJ_wait4_time64) || defined(COMPAT_OBJ_wait3_time64)
extern int wait4(int pid, int *status, int options, struct compat_rusage32 *ru);

static int compat_wait4(int pid, int *status, int options, struct compat_rusage64 *ru)
{
	struct compat_rusage32 t;
	int r = wait4(pid, status, options, ru ? &t : 0);

	if (r > 0 && ru)
		compat_widenru(&t, ru);
	return r;
}
#endif

#ifdef COMPAT_OBJ_wait4_time64
COMPAT_HIDDEN int __wait4_time64(int pid, int *status, int options, struct compat_rusage64 *ru)
{
	return compat_wait4(pid, status, options, ru);
}
#endif

#ifdef COMPAT_OBJ_wait3_time64
COMPAT_HIDDEN int __wait3_time64(int *status, int options, struct compat_rusage64 *ru)
{
	return compat_wait4(-1, status, options, ru);
}
#endif

#ifdef COMPAT_OBJ_timer_gettime64
extern int timer_gettime(void *timer, struct compat_its32 *v);

COMPAT_HIDDEN int __timer_gettime64(void *timer, struct compat_its64 *v)
{
	struct compat_its32 t;

	if (timer_gettime(timer, &t) != 0)
		return -1;
	compat_widenits(&t, v);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_timer_settime64
extern int timer_settime(void *timer, int flags, const struct compat_its32 *v, struct compat_its32 *old);

COMPAT_HIDDEN int __timer_settime64(void *timer, int flags, const struct compat_its64 *v, struct compat_its64 *old)
{
	struct compat_its32 t, o;
	int err = compat_narrowits(v, &t);

	if (err)
		return compat_fail(err);
	if (timer_settime(timer, flags, &t, old ? &o : 0) != 0)
		return -1;
	if (old)
		compat_widenits(&o, old);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_timerfd_gettime64
extern int timerfd_gettime(int fd, struct compat_its32 *v);

COMPAT_HIDDEN int __timerfd_gettime64(int fd, struct compat_its64 *v)
{
	struct compat_its32 t;
	long r;

	if (compat_syscall64(&r, COMPAT_SYS_timerfd_gettime64, fd, v)) {
		if (r == 0)
			v->interval.pad = v->value.pad = 0;
		return (int)r;
	}
	if (timerfd_gettime(fd, &t) != 0)
		return -1;
	compat_widenits(&t, v);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_timerfd_settime64
extern int timerfd_settime(int fd, int flags, const struct compat_its32 *v, struct compat_its32 *old);

COMPAT_HIDDEN int __timerfd_settime64(int fd, int flags, const struct compat_its64 *v, struct compat_its64 *old)
{
	struct compat_its32 t, o;
	long r;
	int err;

	if (compat_syscall64(&r, COMPAT_SYS_timerfd_settime64, fd, flags, v, old)) {
		if (r == 0 && old)
			old->interval.pad = old->value.pad = 0;
		return (int)r;
	}
	if ((err = compat_narrowits(v, &t)) != 0)
		return compat_fail(err);
	if (timerfd_settime(fd, flags, &t, old ? &o : 0) != 0)
		return -1;
	if (old)
		compat_widenits(&o, old);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_sigtimedwait64
extern int sigtimedwait(const void *set, void *info, const struct compat_ts32 *t);

/* glibc's sigtimedwait, not the system call: it keeps glibc's own
 * signals out of the set. */
COMPAT_HIDDEN int __sigtimedwait64(const void *set, void *info, const struct compat_ts64 *timeout)
{
	struct compat_ts32 t;
	int err;

	if (!timeout)
		return sigtimedwait(set, info, 0);
	if ((err = compat_narrow(timeout, &t)) != 0)
		return compat_fail(err);
	return sigtimedwait(set, info, &t);
}
#endif

#ifdef COMPAT_OBJ_sched_rr_get_interval64
extern int sched_rr_get_interval(int pid, struct compat_ts32 *t);

COMPAT_HIDDEN int __sched_rr_get_interval64(int pid, struct compat_ts64 *t)
{
	struct compat_ts32 v;
	long r;

	if (compat_syscall64(&r, COMPAT_SYS_sched_rr_get_interval_time64, pid, t)) {
		if (r == 0)
			t->pad = 0;
		return (int)r;
	}
	if (sched_rr_get_interval(pid, &v) != 0)
		return -1;
	compat_widen(&v, t);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_adjtime64
extern int adjtime(const struct compat_tv32 *delta, struct compat_tv32 *old);

COMPAT_HIDDEN int __adjtime64(const struct compat_tv64 *delta, struct compat_tv64 *old)
{
	struct compat_tv32 d, o;
	int err;

	if (delta && (err = compat_narrowtv(delta, &d)) != 0)
		return compat_fail(err);
	if (adjtime(delta ? &d : 0, old ? &o : 0) != 0)
		return -1;
	if (old)
		compat_widentv(&o, old);
	return 0;
}
#endif

#if defined(COMPAT_OBJ_adjtimex64) || defined(COMPAT_OBJ_clock_adjtime64)
/* struct timex: <bits/timex.h> under _TIME_BITS=64 (the kernel's
 * __kernel_timex, 64-bit fields) and without it (longs). */
struct compat_timex64 {
	uint32_t modes;
	int32_t pad0;
	int64_t offset, freq, maxerror, esterror;
	int32_t status, pad1;
	int64_t constant, precision, tolerance;
	struct compat_tv64 time;
	int64_t tick, ppsfreq, jitter;
	int32_t shift, pad2;
	int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
	int32_t tai;
	int32_t spare[11];
};
struct compat_timex32 {
	uint32_t modes;
	int32_t offset, freq, maxerror, esterror;
	int32_t status;
	int32_t constant, precision, tolerance;
	struct compat_tv32 time;
	int32_t tick, ppsfreq, jitter;
	int32_t shift;
	int32_t stabil, jitcnt, calcnt, errcnt, stbcnt;
	int32_t tai;
	int32_t spare[11];
};

#define COMPAT_TIMEX_FIELDS(X)                                                    \
	X(modes) X(offset) X(freq) X(maxerror) X(esterror) X(status) X(constant) \
	X(precision) X(tolerance) X(tick) X(ppsfreq) X(jitter) X(shift) X(stabil) \
	X(jitcnt) X(calcnt) X(errcnt) X(stbcnt) X(tai)

/* Values written by the program that do not fit the 32-bit fields fail
 * with EOVERFLOW only where the mode makes the kernel read them; like
 * glibc, the read-only ones are just truncated. */
static int compat_timex_narrow(const struct compat_timex64 *in, struct compat_timex32 *out)
{
	int err;
#define COMPAT_N(f) out->f = (int32_t)in->f;
	COMPAT_TIMEX_FIELDS(COMPAT_N)
#undef COMPAT_N
	for (int i = 0; i < 11; i++)
		out->spare[i] = 0;
	out->time.tv_sec = (int32_t)in->time.tv_sec;
	out->time.tv_usec = (int32_t)in->time.tv_usec;
	if ((in->modes & 0x0100 /* ADJ_SETOFFSET */) && (err = compat_narrowtv(&in->time, &out->time)) != 0)
		return err;
	return 0;
}

static void compat_timex_widen(const struct compat_timex32 *in, struct compat_timex64 *out)
{
#define COMPAT_W(f) out->f = in->f;
	COMPAT_TIMEX_FIELDS(COMPAT_W)
#undef COMPAT_W
	out->modes = (uint32_t)in->modes;
	compat_widentv(&in->time, &out->time);
}
#endif

#ifdef COMPAT_OBJ_adjtimex64
extern int adjtimex(struct compat_timex32 *t);

/* ntp_adjtime under _TIME_BITS=64 too. */
COMPAT_HIDDEN int ___adjtimex64(struct compat_timex64 *tx)
{
	struct compat_timex32 t;
	int err = compat_timex_narrow(tx, &t), r;

	if (err)
		return compat_fail(err);
	if ((r = adjtimex(&t)) >= 0)
		compat_timex_widen(&t, tx);
	return r;
}
#endif

#ifdef COMPAT_OBJ_clock_adjtime64
extern int clock_adjtime(int clk, struct compat_timex32 *t);

COMPAT_HIDDEN int __clock_adjtime64(int clk, struct compat_timex64 *tx)
{
	struct compat_timex32 t;
	long r;
	int err;

	if (compat_syscall64(&r, COMPAT_SYS_clock_adjtime64, clk, tx))
		return (int)r;
	if ((err = compat_timex_narrow(tx, &t)) != 0)
		return compat_fail(err);
	if ((r = clock_adjtime(clk, &t)) >= 0)
		compat_timex_widen(&t, tx);
	return (int)r;
}
#endif

#if defined(COMPAT_OBJ_ntp_gettime64) || defined(COMPAT_OBJ_ntp_gettimex64)
struct compat_ntptv64 {
	struct compat_tv64 time;
	int32_t maxerror, esterror, tai, reserved[4];
};
struct compat_ntptv32 {
	struct compat_tv32 time;
	int32_t maxerror, esterror, tai, reserved[4];
};

/* glibc's ntp_gettime fills only time, maxerror and esterror; ntp_gettimex
 * adds tai and zeroes the reserved words. */
extern int ntp_gettimex(struct compat_ntptv32 *t);

static int compat_ntp(struct compat_ntptv64 *out, int all)
{
	struct compat_ntptv32 t;
	int r = ntp_gettimex(&t);

	if (r < 0)
		return r;
	compat_widentv(&t.time, &out->time);
	out->maxerror = t.maxerror;
	out->esterror = t.esterror;
	if (all) {
		out->tai = t.tai;
		for (int i = 0; i < 4; i++)
			out->reserved[i] = 0;
	}
	return r;
}
#endif

#ifdef COMPAT_OBJ_ntp_gettime64
COMPAT_HIDDEN int __ntp_gettime64(struct compat_ntptv64 *t)
{
	return compat_ntp(t, 0);
}
#endif

#ifdef COMPAT_OBJ_ntp_gettimex64
COMPAT_HIDDEN int __ntp_gettimex64(struct compat_ntptv64 *t)
{
	return compat_ntp(t, 1);
}
#endif

#ifdef COMPAT_OBJ_timespec_getres64
extern int __clock_getres64(int clk, struct compat_ts64 *ts);

/* TIME_UTC (1) is CLOCK_REALTIME's resolution; other bases return 0. */
COMPAT_HIDDEN int __timespec_getres64(struct compat_ts64 *ts, int base)
{
	if (base != 1)
		return 0;
	if (ts && __clock_getres64(0, ts) != 0)
		return 0;
	return base;
}
#endif
