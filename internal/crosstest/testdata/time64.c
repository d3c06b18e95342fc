/* A program built with -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 on a 32-bit
   ABI: its headers (glibc >= 2.34) call the time64 entry points
   (__clock_gettime64, __stat64_time64, __pthread_cond_timedwait64, ...),
   which an older target lacks and compatbuild's polyfills provide. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

_Static_assert(sizeof(time_t) == 8, "build with -D_TIME_BITS=64");

static int near(long long a, long long b) { return a - b < 5 && b - a < 5; }

int main(int argc, char **argv) {
	struct timespec ts, res, nap = {0, 1000000};
	struct timeval tv;
	struct stat st, lst, fst;
	struct tm tm;
	time_t now = time(NULL), year = 365 * 86400, big = (time_t)1 << 33;
	char path[4096];
	(void)argc;

	if (clock_gettime(CLOCK_REALTIME, &ts) || clock_getres(CLOCK_MONOTONIC, &res) || gettimeofday(&tv, NULL))
		return 1;
	printf("clocks: %s\n", now > 1600000000 && near(ts.tv_sec, now) && near(tv.tv_sec, now) && res.tv_sec == 0 ? "ok" : "WRONG");
	printf("difftime: %.0f\n", difftime(now + 10, now));
	if (nanosleep(&nap, NULL) || clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL))
		return 2;
	if (stat(argv[0], &st) || lstat(argv[0], &lst) || fstat(0, &fst))
		return 3;
	printf("stat: %s\n", st.st_size > 0 && st.st_ino == lst.st_ino && st.st_mtime > 1600000000 && st.st_mtime <= now ? "ok" : "WRONG");
	if (!gmtime_r(&year, &tm) || tm.tm_year != 71 || tm.tm_yday != 0 || timegm(&tm) != year || !localtime_r(&now, &tm) || mktime(&tm) != now)
		return 4;
	printf("calendar: ok\n");
	errno = 0;
	printf("after 2038: %s\n", gmtime_r(&big, &tm) ? "converted" : errno == EOVERFLOW ? "EOVERFLOW" : "other error");

	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 20000000;
	if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
	pthread_mutex_lock(&mu);
	int rc = pthread_cond_timedwait(&cv, &mu, &until);
	pthread_mutex_unlock(&mu);
	printf("timedwait: %s\n", rc == ETIMEDOUT ? "timed out" : "WRONG");

	snprintf(path, sizeof path, "%s.touch", argv[0]);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
	if (fd < 0 || futimens(fd, times) || stat(path, &st) || st.st_mtime != 1000000000)
		return 5;
	times[1].tv_sec = 1100000000;
	if (utimensat(AT_FDCWD, path, times, 0) || stat(path, &st) || st.st_mtime != 1100000000)
		return 6;
	printf("utimens: ok\n");
	return 0;
}
