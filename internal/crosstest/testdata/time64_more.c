/* The rest of glibc 2.34's time64 entry points, built with -D_TIME_BITS=64
   -D_FILE_OFFSET_BITS=64 on a 32-bit ABI: select/pselect/ppoll, the
   socket options and timestamps, file times, rusage and wait4, itimers,
   POSIX timers and timerfd, sigtimedwait, sched_rr_get_interval, the
   clock waits and joins, C11 threads, SysV IPC, nftw and glob with
   GLOB_ALTDIRFUNC, ntp_gettime, adjtime, timespec_getres. It prints what
   glibc's own functions (>= 2.34) print, and the same when linked for an
   older glibc against compatbuild's polyfills. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

_Static_assert(sizeof(time_t) == 8, "build with -D_TIME_BITS=64");

#define T2001 1000000000LL
static const char *ok(int c) { return c ? "ok" : "WRONG"; }

static time_t walked_mtime;
static int walk(const char *p, const struct stat *st, int flag, struct FTW *f) {
	(void)flag; (void)f;
	if (strstr(p, "/f1"))
		walked_mtime = st->st_mtime;
	return 0;
}
static int gstat_calls;
static int my_stat(const char *p, struct stat *st) { gstat_calls++; return stat(p, st); }
static int my_lstat(const char *p, struct stat *st) { gstat_calls++; return lstat(p, st); }
static void *my_opendir(const char *p) { return opendir(p); }
static void *my_readdir(void *d) { return readdir(d); }
static void my_closedir(void *d) { closedir(d); }
static void *late(void *a) { (void)a; usleep(100000); return (void *)7; }

/* in_ms: a deadline ms from now on clock c. In 64 bits: tv_nsec is a
   32-bit long here, and 2000 ms in nanoseconds does not fit it. */
static struct timespec in_ms(clockid_t c, int ms) {
	struct timespec t;
	clock_gettime(c, &t);
	long long ns = t.tv_nsec + ms * 1000000LL;
	t.tv_sec += ns / 1000000000LL;
	t.tv_nsec = ns % 1000000000LL;
	return t;
}

int main(int argc, char **argv) {
	char dir[4096], path[4200];
	snprintf(dir, sizeof dir, "%s.d", argv[0]);
	mkdir(dir, 0700);

	/* select writes the time left back; pselect and ppoll do not. */
	int p[2];
	if (pipe(p)) return 1;
	struct timeval tv = {0, 20000};
	fd_set r;
	FD_ZERO(&r); FD_SET(p[0], &r);
	int n = select(p[0] + 1, &r, NULL, NULL, &tv);
	printf("select: %d %s\n", n, ok(tv.tv_sec == 0 && tv.tv_usec == 0));
	struct timespec ts = {0, 10000000};
	FD_ZERO(&r); FD_SET(p[0], &r);
	n = pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL);
	struct pollfd pf = {p[0], POLLIN, 0};
	int m = ppoll(&pf, 1, &ts, NULL);
	printf("pselect ppoll: %d %d %s\n", n, m, ok(ts.tv_nsec == 10000000));
	if (write(p[1], "x", 1) != 1) return 2;
	tv.tv_sec = 5; tv.tv_usec = 0;
	FD_ZERO(&r); FD_SET(p[0], &r);
	n = select(p[0] + 1, &r, NULL, NULL, &tv);
	printf("select ready: %d %s\n", n, ok(tv.tv_sec >= 4 && tv.tv_sec <= 5));

	/* Socket timeouts and timestamps over loopback UDP. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	if (s < 0 || bind(s, (void *)&a, sizeof a) || getsockname(s, (void *)&a, &al)) return 3;
	/* A 60 ms receive timeout on an empty socket: recv gives up with
	   EAGAIN after it (a setsockopt that misread the time64 timeval as the
	   old one would read {0, 0}, no timeout; the alarm ends that). */
	struct timeval rto = {0, 60000}, got = {0, 0};
	socklen_t gl = sizeof got;
	int one = 1, rc = setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &rto, sizeof rto);
	struct timespec t0, t1;
	char b1;
	alarm(10);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	n = recv(s, &b1, 1, 0);
	int rerr = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	long long waited = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	rc |= getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
	/* The kernel keeps the timeout in jiffies: it comes back rounded up
	   to the tick (at most 10 ms on any HZ). qemu-user (argv[1] "qemu")
	   does not translate getsockopt of SO_RCVTIMEO_NEW: it answers with 4
	   bytes, for glibc's function and the polyfill alike. */
	int qemu = argc > 1 && strcmp(argv[1], "qemu") == 0;
	printf("SO_RCVTIMEO: %d %d %s %s %s\n", rc, n, rerr == EAGAIN ? "EAGAIN" : strerror(rerr), ok(waited >= 50 && waited < 2000),
	       qemu && gl == sizeof(int) ? "(qemu: getsockopt len 4)" : ok(got.tv_sec == 0 && got.tv_usec >= 60000 && got.tv_usec < 70000 && gl == sizeof got));
	/* SO_TIMESTAMP_OLD (29) gives a 32-bit stamp that recvmsg converts;
	   SO_TIMESTAMP (the _NEW one under _TIME_BITS=64) a 64-bit one. */
	for (int round = 0; round < 2; round++) {
		int opt = round == 0 ? 29 : SO_TIMESTAMP;
		if (setsockopt(s, SOL_SOCKET, opt, &one, sizeof one)) return 4;
		struct iovec iov = {"ping", 4};
		struct msghdr out = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1};
		if (sendmsg(s, &out, 0) != 4) return 5;
		char buf[8], ctl[256];
		struct iovec in_iov = {buf, sizeof buf};
		struct msghdr in = {.msg_iov = &in_iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
		if (recvmsg(s, &in, 0) != 4) return 6;
		printf("recvmsg %s:", round == 0 ? "SO_TIMESTAMP_OLD" : "SO_TIMESTAMP");
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&in); c; c = CMSG_NXTHDR(&in, c)) {
			printf(" %d/%d", c->cmsg_type, (int)(c->cmsg_len - CMSG_LEN(0)));
			if (c->cmsg_type == SO_TIMESTAMP) {
				struct timeval st;
				memcpy(&st, CMSG_DATA(c), sizeof st);
				printf("(%s)", ok(st.tv_sec > 1600000000 && st.tv_sec - time(NULL) < 5));
			}
		}
		printf("\n");
		setsockopt(s, SOL_SOCKET, opt, &(int){0}, sizeof(int));
	}
	close(s);

	/* File times. */
	snprintf(path, sizeof path, "%s/f1", dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	struct stat st;
	struct timeval tvs[2] = {{T2001, 0}, {T2001 + 1, 500000}};
	struct utimbuf ub = {T2001 + 2, T2001 + 3};
	rc = utimes(path, tvs) || stat(path, &st) || st.st_mtime != T2001 + 1 || st.st_mtim.tv_nsec != 500000000;
	rc |= (lutimes(path, tvs) || futimes(fd, tvs) || futimesat(AT_FDCWD, path, tvs)) << 1;
	rc |= (utime(path, &ub) || stat(path, &st) || st.st_mtime != T2001 + 3) << 2;
	tvs[1].tv_sec = (time_t)1 << 33;
	errno = 0;
	int big = utimes(path, tvs);
	const char *big_err = errno == EOVERFLOW ? "EOVERFLOW" : strerror(errno);
	/* stat and fstat read the time back (glibc 2.34+: statx). */
	errno = 0;
	int bs = stat(path, &st);
	const char *bs_err = bs ? strerror(errno) : ok(st.st_mtime == (time_t)1 << 33 && st.st_mtim.tv_nsec == 500000000);
	errno = 0;
	bs = fstat(fd, &st);
	const char *bf_err = bs ? strerror(errno) : ok(st.st_mtime == (time_t)1 << 33);
	printf("utimes: %d, after 2038: %s, stat %s fstat %s\n", rc, big == 0 ? "set" : big_err, bs_err, bf_err);
	close(fd);
	utime(path, &ub);

	/* nftw and glob with GLOB_ALTDIRFUNC see time64 stat results. */
	walked_mtime = 0;
	n = nftw(dir, walk, 4, FTW_PHYS);
	printf("nftw: %d %s\n", n, ok(walked_mtime == T2001 + 3));
	glob_t g = {0};
	g.gl_opendir = my_opendir; g.gl_readdir = (void *)my_readdir; g.gl_closedir = my_closedir;
	g.gl_stat = my_stat; g.gl_lstat = my_lstat;
	/* GLOB_MARK stats every match through gl_stat (a time64 struct stat);
	   f1 is a plain file, so it comes back without a slash. */
	snprintf(path, sizeof path, "%s/f*", dir);
	int gr = glob(path, GLOB_ALTDIRFUNC | GLOB_MARK, NULL, &g);
	printf("glob: %d %zu %s\n", gr, g.gl_pathc, ok(gstat_calls > 0 && g.gl_stat == my_stat && g.gl_pathc == 1 && strcmp(g.gl_pathv[0] + strlen(dir), "/f1") == 0));
	globfree(&g);

	/* Resource usage, wait4, itimers. */
	struct rusage ru;
	for (volatile long i = 0; i < 20000000; i++);
	rc = getrusage(RUSAGE_SELF, &ru);
	printf("getrusage: %d %s\n", rc, ok(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec > 0 && ru.ru_utime.tv_usec < 1000000 && ru.ru_maxrss > 0));
	pid_t kid = fork();
	if (kid == 0) { for (volatile long i = 0; i < 20000000; i++); _exit(3); }
	int status = 0;
	memset(&ru, 0, sizeof ru);
	pid_t w = wait4(kid, &status, 0, &ru);
	printf("wait4: %s %d %s\n", ok(w == kid), WEXITSTATUS(status), ok(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec > 0 && ru.ru_maxrss > 0));
	struct itimerval it = {{0, 0}, {100, 0}}, old, cur;
	rc = setitimer(ITIMER_REAL, &it, NULL) || getitimer(ITIMER_REAL, &cur) || setitimer(ITIMER_REAL, &(struct itimerval){{0, 0}, {0, 0}}, &old);
	printf("itimer: %d %s\n", rc, ok(cur.it_value.tv_sec >= 99 && cur.it_value.tv_sec <= 100 && old.it_value.tv_sec >= 99));

	/* POSIX timers and timerfd. */
	timer_t tm;
	struct sigevent sev = {.sigev_notify = SIGEV_NONE};
	struct itimerspec its = {{0, 0}, {50, 0}}, ocur;
	rc = timer_create(CLOCK_MONOTONIC, &sev, &tm) || timer_settime(tm, 0, &its, NULL) || timer_gettime(tm, &ocur);
	printf("timer: %d %s\n", rc, ok(ocur.it_value.tv_sec >= 49 && ocur.it_value.tv_sec <= 50));
	timer_delete(tm);
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	its.it_value.tv_sec = 40;
	rc = tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) || timerfd_gettime(tfd, &ocur);
	printf("timerfd: %d %s\n", rc, ok(ocur.it_value.tv_sec >= 39 && ocur.it_value.tv_sec <= 40));

	/* sigtimedwait, sched_rr_get_interval. */
	sigset_t set;
	sigemptyset(&set); sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	ts.tv_sec = 0; ts.tv_nsec = 20000000;
	errno = 0;
	n = sigtimedwait(&set, NULL, &ts);
	printf("sigtimedwait: %d %s\n", n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
	raise(SIGUSR1);
	n = sigtimedwait(&set, NULL, &ts);
	printf("sigtimedwait: %d\n", n);
	rc = sched_rr_get_interval(0, &ts);
	printf("sched_rr_get_interval: %d %s\n", rc, ok(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000));

	/* The clock waits and joins, C11 threads. */
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	struct timespec dl = in_ms(CLOCK_MONOTONIC, 20);
	pthread_mutex_lock(&mu);
	printf("pthread_cond_clockwait: %s\n", strerror(pthread_cond_clockwait(&cv, &mu, CLOCK_MONOTONIC, &dl)));
	dl = in_ms(CLOCK_MONOTONIC, 20);
	printf("pthread_mutex_clocklock: %s\n", strerror(pthread_mutex_clocklock(&mu, CLOCK_MONOTONIC, &dl)));
	pthread_mutex_unlock(&mu);
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_rwlock_wrlock(&rw);
	dl = in_ms(CLOCK_MONOTONIC, 20);
	int rd = pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &dl);
	dl = in_ms(CLOCK_REALTIME, 20);
	int wr = pthread_rwlock_clockwrlock(&rw, CLOCK_REALTIME, &dl);
	printf("pthread_rwlock_clock*lock: %s %s\n", strerror(rd), strerror(wr));
	sem_t sem;
	sem_init(&sem, 0, 0);
	dl = in_ms(CLOCK_MONOTONIC, 20);
	errno = 0;
	n = sem_clockwait(&sem, CLOCK_MONOTONIC, &dl);
	printf("sem_clockwait: %d %s\n", n, strerror(errno));
	pthread_t th;
	void *ret = NULL;
	pthread_create(&th, NULL, late, NULL);
	dl = in_ms(CLOCK_REALTIME, 10);
	int j1 = pthread_timedjoin_np(th, &ret, &dl);
	dl = in_ms(CLOCK_MONOTONIC, 2000);
	int j2 = pthread_clockjoin_np(th, &ret, CLOCK_MONOTONIC, &dl);
	printf("joins: %s %s %ld\n", strerror(j1), strerror(j2), (long)ret);
	mtx_t cm;
	cnd_t cc;
	mtx_init(&cm, mtx_timed);
	cnd_init(&cc);
	mtx_lock(&cm);
	dl = in_ms(CLOCK_REALTIME, 20);
	int c1 = cnd_timedwait(&cc, &cm, &dl);
	int c2 = cnd_signal(&cc);
	dl = in_ms(CLOCK_REALTIME, 20);
	int c3 = mtx_timedlock(&cm, &dl);
	mtx_unlock(&cm);
	ts.tv_sec = 0; ts.tv_nsec = 1000000;
	int c4 = thrd_sleep(&ts, NULL);
	printf("C11: %d %d %d %d (timedout %d error %d)\n", c1, c2, c3, c4, thrd_timedout, thrd_error);

	/* SysV IPC: the times of the *_ds structures. */
	time_t now = time(NULL);
	int q = msgget(IPC_PRIVATE, 0600);
	struct msqid_ds mq;
	struct { long type; char text[4]; } msg = {1, "hi"};
	rc = q < 0 || msgsnd(q, &msg, sizeof msg.text, 0) || msgctl(q, IPC_STAT, &mq);
	printf("msgctl: %d %s", rc, ok(mq.msg_stime >= now - 5 && mq.msg_stime <= now + 5 && mq.msg_qnum == 1 && mq.msg_ctime >= now - 5));
	mq.msg_qbytes -= 1;
	msgqnum_t want = mq.msg_qbytes;
	rc = msgctl(q, IPC_SET, &mq) || msgctl(q, IPC_STAT, &mq);
	printf(" %d %s\n", rc, ok(mq.msg_qbytes == want));
	msgctl(q, IPC_RMID, NULL);
	int sid = semget(IPC_PRIVATE, 2, 0600);
	struct semid_ds sd;
	struct sembuf op = {0, 1, 0};
	rc = sid < 0 || semop(sid, &op, 1) || semctl(sid, 0, IPC_STAT, &sd);
	ts.tv_sec = 0; ts.tv_nsec = 10000000;
	struct sembuf wait_op = {1, -1, 0};
	errno = 0;
	int sto = semtimedop(sid, &wait_op, 1, &ts);
	const char *sto_err = errno == EAGAIN ? "EAGAIN" : strerror(errno);
	int val = semctl(sid, 0, GETVAL), ncnt = semctl(sid, 1, GETNCNT);
	printf("semctl: %d %s %d %d semtimedop: %d %s\n", rc, ok(sd.sem_otime >= now - 5 && sd.sem_otime <= now + 5 && sd.sem_nsems == 2), val, ncnt, sto, sto_err);
	semctl(sid, 0, IPC_RMID);
	int shm = shmget(IPC_PRIVATE, 4096, 0600);
	struct shmid_ds sh;
	void *at = shmat(shm, NULL, 0);
	rc = shm < 0 || at == (void *)-1 || shmctl(shm, IPC_STAT, &sh);
	printf("shmctl: %d %s\n", rc, ok(sh.shm_atime >= now - 5 && sh.shm_atime <= now + 5 && sh.shm_segsz == 4096 && sh.shm_nattch == 1 && sh.shm_cpid == getpid()));
	shmdt(at);
	shmctl(shm, IPC_RMID, NULL);

	/* Clock discipline, read only. */
	struct ntptimeval ntv;
	n = ntp_gettime(&ntv);
	printf("ntp_gettime: %s\n", ok(n >= 0 && ntv.time.tv_sec >= now - 5 && ntv.time.tv_sec <= now + 5));
	struct timex tx = {0};
	n = adjtimex(&tx);
	printf("adjtimex: %s\n", ok(n >= 0 && tx.time.tv_sec >= now - 5 && tx.time.tv_sec <= now + 5 && tx.tick > 0));
	struct timeval oldadj = {-1, -1};
	n = adjtime(NULL, &oldadj);
	printf("adjtime: %d %s\n", n, ok(oldadj.tv_sec != -1 && oldadj.tv_usec > -1000000 && oldadj.tv_usec < 1000000));
	struct timespec res = {-1, -1};
	n = timespec_getres(&res, TIME_UTC);
	printf("timespec_getres: %d %s\n", n, ok(res.tv_sec == 0 && res.tv_nsec > 0));

	snprintf(path, sizeof path, "%s/f1", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
