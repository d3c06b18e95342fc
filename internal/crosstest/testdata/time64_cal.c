/* The calendar functions under -D_TIME_BITS=64 on a 32-bit ABI, at and
   beyond the 32-bit range: gmtime_r, gmtime, timegm, localtime_r,
   localtime, mktime, ctime_r, for the 1901-12-13 20:45:52 and 2038-01-19
   03:14:07 edges, 2100, 1800, negative times and far years, in UTC and a
   POSIX TZ rule with summer time. It prints what glibc 2.34+'s own
   functions print; the same when linked for an older glibc against
   compatbuild's polyfills. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(sizeof(time_t) == 8, "build with -D_TIME_BITS=64");

static void show(const char *what, const struct tm *tm) {
	if (!tm) {
		printf("  %s: NULL %s\n", what, strerror(errno));
		return;
	}
	printf("  %s: %lld-%02d-%02d %02d:%02d:%02d wday %d yday %d isdst %d gmtoff %ld %s\n", what,
	       tm->tm_year + 1900LL, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec,
	       tm->tm_wday, tm->tm_yday, tm->tm_isdst, tm->tm_gmtoff, tm->tm_zone);
}

static const long long times[] = {
	0, -1, -86401, 2147483647LL, 2147483648LL, -2147483648LL, -2147483649LL,
	4102444800LL,           /* 2100-01-01 */
	4107542399LL,           /* 2100-02-28 23:59:59 (2100 is no leap year) */
	4118083200LL,           /* 2100-07-01 */
	-5364662400LL,          /* 1800-01-01 */
	-5349110400LL,          /* 1800-07-01 */
	951782400LL,            /* 2000-02-29 */
	253402300799LL,         /* 9999-12-31 23:59:59 */
	-62135596800LL,         /* 0001-01-01 */
	-62167219200LL - 1,     /* -0001-12-31 23:59:59 */
	67767976233532800LL,    /* 2147483648-01-01: a year past INT_MAX, tm_year fits */
	67768036191676799LL,    /* the last second with tm_year INT_MAX */
	67768036191676800LL,    /* one past: EOVERFLOW */
};

int main(void) {
	const char *zones[] = {"UTC0", "CET-1CEST,M3.5.0,M10.5.0/3"};
	for (int z = 0; z < 2; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		printf("TZ=%s\n", zones[z]);
		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
			time_t t = times[i];
			struct tm a, *r;
			printf("%lld\n", (long long)t);
			if (z == 0) {
				errno = 0;
				r = gmtime_r(&t, &a);
				show("gmtime_r", r);
				errno = 0;
				r = gmtime(&t);
				show("gmtime", r);
				if (r) {
					struct tm b = *r;
					b.tm_mday += 40; b.tm_hour -= 30; b.tm_sec += 3700; /* denormalised */
					errno = 0;
					time_t back = timegm(&b);
					printf("  timegm(+40d-30h+3700s): %lld %s", (long long)back, back == -1 ? strerror(errno) : "");
					show("normalised", &b);
				}
			}
			errno = 0;
			r = localtime_r(&t, &a);
			show("localtime_r", r);
			errno = 0;
			show("localtime", localtime(&t));
			char buf[64];
			errno = 0;
			char *c = ctime_r(&t, buf);
			printf("  ctime_r: %s", c ? c : "NULL\n");
			if (r) {
				struct tm b = a;
				b.tm_isdst = -1;
				b.tm_mon += 13; b.tm_mday -= 400; /* denormalised */
				errno = 0;
				time_t back = mktime(&b);
				printf("  mktime(+13m-400d): %lld %s", (long long)back, back == -1 ? strerror(errno) : "");
				show("normalised", &b);
				b = a;
				b.tm_isdst = -1;
				errno = 0;
				back = mktime(&b);
				printf("  mktime: %s\n", back == t ? "round trip" : "WRONG");
			}
		}
	}
	return 0;
}
