/* The calendar functions of glibc 2.34's time64 set on the 32-bit ABIs
 * (i386, arm): __gmtime64(_r), __timegm64, __localtime64(_r), __mktime64,
 * __ctime64(_r). One object per function (COMPAT_OBJ_<name>).
 *
 * gmtime and timegm are arithmetic on the proleptic Gregorian calendar,
 * done here in 64 bits for every time_t whose year fits an int, as glibc's
 * __offtime does: tm_isdst 0, tm_gmtoff 0, tm_zone "GMT"; EOVERFLOW (NULL,
 * or -1 from timegm) only where tm_year would not fit an int.
 *
 * localtime and mktime need the older glibc's time-zone data, which it
 * answers only for 32-bit times (1901-12-13 20:45:52 to 2038-01-19
 * 03:14:07 UTC). Inside that range they are the older functions. Outside
 * it the time is moved to the equivalent year (the same leap-ness and
 * weekday of 1 January, so every date keeps its weekday and day of the
 * year), converted there, and moved back: a year after 2037 to one in
 * 2009..2036, a year before 1901 to one in 1941..1968, because glibc
 * (2.31 and 2.36 alike) computes a POSIX TZ rule's changes for a year
 * before 1970 as if in 1970, so such years never see summer time. That is
 * exact for a POSIX TZ rule (TZ=CET-1CEST,M3.5.0,M10.5.0/3) and for a zone
 * file whose current rule (its footer, which glibc applies after its last
 * transition) already held in the equivalent year. The limit: before 1901
 * glibc 2.34 reads the zone file's earliest entries (local mean time, say),
 * which the 32-bit interface cannot reach; there the equivalent year's
 * offsets are used. */
#include "time64.h"

/* glibc's struct tm on the 32-bit ABIs. */
struct compat_tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};

#define COMPAT_DAY 86400

static inline int64_t compat_floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* compat_days: days from 1970-01-01 to year-mon-day (mon 1..12), in the
 * proleptic Gregorian calendar; eras of 400 years from 0000-03-01. */
static int64_t compat_days(int64_t year, int mon, int day)
{
	year -= mon <= 2;
	int64_t era = compat_floordiv(year, 400);
	int64_t yoe = year - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int compat_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* compat_civil fills the date fields of tm for t (UTC); 0, or EOVERFLOW
 * when the year does not fit tm_year. */
static int compat_civil(compat_time64 t, struct compat_tm *tm)
{
	int64_t days = compat_floordiv(t, COMPAT_DAY), secs = t - days * COMPAT_DAY;
	int64_t z = days + 719468;
	int64_t era = compat_floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t year = yoe + era * 400 + (mon <= 2);

	if (year - 1900 < INT32_MIN || year - 1900 > INT32_MAX)
		return COMPAT_EOVERFLOW;
	tm->tm_year = (int)(year - 1900);
	tm->tm_mon = mon - 1;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_yday = (int)(days - compat_days(year, 1, 1));
	tm->tm_wday = (int)(days - compat_floordiv(days + 4, 7) * 7 + 4); /* 1970-01-01: Thursday */
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	return 0;
}

/* compat_equivalent: the year in 2009..2036 (for year > 2036) or
 * 1941..1968 (before) with year's leap-ness and weekday of 1 January (28
 * consecutive years of one century hold all 14 kinds). */
static int64_t compat_equivalent(int64_t year)
{
	int64_t lo = year > 2036 ? 2009 : 1941;

	int64_t wd = compat_floordiv(compat_days(year, 1, 1) + 4, 7);
	wd = compat_days(year, 1, 1) + 4 - wd * 7;
	for (int64_t e = lo; e < lo + 28; e++) {
		int64_t d = compat_days(e, 1, 1) + 4;
		if (compat_leap(e) == compat_leap(year) && d - compat_floordiv(d, 7) * 7 == wd)
			return e;
	}
	return lo; /* unreachable */
}

#if defined(COMPAT_OBJ_gmtime64) || defined(COMPAT_OBJ_gmtime64_r) || defined(COMPAT_OBJ_timegm64)
static struct compat_tm *compat_gmtime(const compat_time64 *t, struct compat_tm *tm)
{
	struct compat_tm r;
	int err = compat_civil(*t, &r);

	if (err)
		return (compat_fail(err), (struct compat_tm *)0);
	r.tm_isdst = 0;
	r.tm_gmtoff = 0;
	r.tm_zone = "GMT";
	*tm = r;
	return tm;
}
#endif

#ifdef COMPAT_OBJ_gmtime64_r
COMPAT_HIDDEN struct compat_tm *__gmtime64_r(const compat_time64 *t, struct compat_tm *tm)
{
	return compat_gmtime(t, tm);
}
#endif

#ifdef COMPAT_OBJ_gmtime64
extern struct compat_tm *gmtime(const int32_t *t);
/* The result lives in the older glibc's own static struct tm, which its
 * gmtime, localtime and the programs' other libraries share. */
COMPAT_HIDDEN struct compat_tm *__gmtime64(const compat_time64 *t)
{
	int32_t zero = 0;
	struct compat_tm *buf = gmtime(&zero);

	return buf ? compat_gmtime(t, buf) : buf;
}
#endif

#ifdef COMPAT_OBJ_timegm64
/* Normalises tm as glibc's timegm does; -1 and EOVERFLOW where the year
 * does not fit tm_year. */
COMPAT_HIDDEN compat_time64 __timegm64(struct compat_tm *tm)
{
	int64_t mon = tm->tm_mon, year = (int64_t)tm->tm_year + 1900 + compat_floordiv(mon, 12);
	compat_time64 t;

	mon -= compat_floordiv(mon, 12) * 12;
	t = (compat_days(year, (int)mon + 1, 1) + tm->tm_mday - 1) * COMPAT_DAY +
	    (int64_t)tm->tm_hour * 3600 + (int64_t)tm->tm_min * 60 + tm->tm_sec;
	if (!compat_gmtime(&t, tm))
		return -1;
	return t;
}
#endif

#if defined(COMPAT_OBJ_localtime64) || defined(COMPAT_OBJ_localtime64_r) || \
    defined(COMPAT_OBJ_ctime64) || defined(COMPAT_OBJ_ctime64_r)
extern struct compat_tm *localtime_r(const int32_t *t, struct compat_tm *tm);

/* compat_localtime_r: the older localtime_r, through the equivalent year
 * outside the 32-bit range. */
static struct compat_tm *compat_localtime_r(const compat_time64 *t, struct compat_tm *tm)
{
	struct compat_tm u;
	int32_t n;
	int64_t year, eq, shift;

	if (compat_fits(*t)) {
		n = (int32_t)*t;
		return localtime_r(&n, tm);
	}
	if (compat_civil(*t, &u) != 0)
		return (compat_fail(COMPAT_EOVERFLOW), (struct compat_tm *)0);
	year = (int64_t)u.tm_year + 1900;
	eq = compat_equivalent(year);
	shift = (compat_days(year, 1, 1) - compat_days(eq, 1, 1)) * COMPAT_DAY;
	n = (int32_t)(*t - shift);
	if (!localtime_r(&n, tm))
		return 0;
	if ((int64_t)tm->tm_year + (year - eq) > INT32_MAX || (int64_t)tm->tm_year + (year - eq) < INT32_MIN)
		return (compat_fail(COMPAT_EOVERFLOW), (struct compat_tm *)0);
	tm->tm_year += (int)(year - eq);
	return tm;
}
#endif

#ifdef COMPAT_OBJ_localtime64_r
COMPAT_HIDDEN struct compat_tm *__localtime64_r(const compat_time64 *t, struct compat_tm *tm)
{
	return compat_localtime_r(t, tm);
}
#endif

#ifdef COMPAT_OBJ_localtime64
extern struct compat_tm *localtime(const int32_t *t);
/* In the older glibc's static struct tm; its localtime also sets tzname. */
COMPAT_HIDDEN struct compat_tm *__localtime64(const compat_time64 *t)
{
	int32_t zero = 0;
	struct compat_tm *buf = localtime(&zero);

	return buf ? compat_localtime_r(t, buf) : buf;
}
#endif

#if defined(COMPAT_OBJ_ctime64) || defined(COMPAT_OBJ_ctime64_r)
extern char *asctime(const struct compat_tm *tm);
extern char *asctime_r(const struct compat_tm *tm, char *buf);
#endif

#ifdef COMPAT_OBJ_ctime64
COMPAT_HIDDEN char *__ctime64(const compat_time64 *t)
{
	struct compat_tm tm;

	return compat_localtime_r(t, &tm) ? asctime(&tm) : (char *)0;
}
#endif

#ifdef COMPAT_OBJ_ctime64_r
COMPAT_HIDDEN char *__ctime64_r(const compat_time64 *t, char *buf)
{
	struct compat_tm tm;

	return compat_localtime_r(t, &tm) ? asctime_r(&tm, buf) : (char *)0;
}
#endif

#ifdef COMPAT_OBJ_mktime64
extern int32_t mktime(struct compat_tm *tm);
/* The wall-clock fields are normalised in 64 bits first; a year outside
 * 1903..2036 is moved to its equivalent year for the older mktime and
 * back. -1 and EOVERFLOW where the year does not fit tm_year. */
COMPAT_HIDDEN compat_time64 __mktime64(struct compat_tm *tm)
{
	struct compat_tm w = *tm;
	int64_t mon = tm->tm_mon, year = (int64_t)tm->tm_year + 1900 + compat_floordiv(mon, 12);
	compat_time64 wall;
	int64_t eq, shift;
	int32_t r;

	mon -= compat_floordiv(mon, 12) * 12;
	wall = (compat_days(year, (int)mon + 1, 1) + tm->tm_mday - 1) * COMPAT_DAY +
	       (int64_t)tm->tm_hour * 3600 + (int64_t)tm->tm_min * 60 + tm->tm_sec;
	if (compat_civil(wall, &w) != 0)
		return compat_fail(COMPAT_EOVERFLOW);
	year = (int64_t)w.tm_year + 1900;
	if (year >= 1903 && year <= 2036)
		return mktime(tm);
	eq = compat_equivalent(year);
	shift = (compat_days(year, 1, 1) - compat_days(eq, 1, 1)) * COMPAT_DAY;
	w.tm_year = (int)(eq - 1900);
	w.tm_isdst = tm->tm_isdst;
	*__errno_location() = 0;
	r = mktime(&w);
	if (r == -1 && *__errno_location() != 0)
		return -1;
	w.tm_year += (int)(year - eq);
	*tm = w;
	return (compat_time64)r + shift;
}
#endif
