/* Reads every data object that glibc exports under more than one name,
 * through each of its names, after glibc itself wrote it: at program start
 * (and, in C++, from a static initializer), after setenv, putenv, unsetenv
 * and clearenv, after tzset, after lgamma. A program links these objects
 * by copy relocation; if the names were split, glibc would keep writing
 * its own object while the program read a stale copy. The output is the
 * same whichever glibc runs it, so the test compares a build for an old
 * glibc, run under it, with a plain build run on the build machine.
 *
 * Built as C and as C++ (-x c++). -DSIGNGAM_ALIAS when the target has
 * __signgam (glibc 2.23+), -DERRLIST when it still links sys_errlist
 * (up to 2.31): that last line is not in a plain build for a newer glibc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif
extern char **_environ;
extern char *__progname;
extern char *__progname_full;
#ifdef SIGNGAM_ALIAS
extern int __signgam;
#endif
#ifdef ERRLIST
extern const char *const sys_errlist[];
extern const char *const _sys_errlist[];
extern int sys_nerr;
extern int _sys_nerr;
extern const char *const sys_siglist[];
extern const char *const _sys_siglist[];
#endif
#ifdef __cplusplus
}
#endif

static const char *same(const void *a, const void *b) { return a == b ? "one object" : "SPLIT"; }

/* find reports whether entry is in an environment array, and its size. */
static void find(const char *label, char **env, const char *entry) {
	int n = 0, found = 0;
	for (char **p = env; p && *p; p++, n++)
		if (strcmp(*p, entry) == 0)
			found = 1;
	printf("  %-9s %s %s, %d entries\n", label, entry, found ? "present" : "absent", n);
}

static void environment(const char *when, const char *entry) {
	printf("after %s:\n", when);
	printf("  environ %s __environ %s _environ\n", environ == __environ ? "==" : "!=", environ == _environ ? "==" : "!=");
	find("environ", environ, entry);
	find("__environ", __environ, entry);
	find("_environ", _environ, entry);
}

static void tz(const char *value) {
	setenv("TZ", value, 1);
	tzset();
	printf("after tzset TZ=%s:\n", value);
	printf("  timezone %ld __timezone %ld\n", (long)timezone, (long)__timezone);
	printf("  daylight %d __daylight %d\n", daylight, __daylight);
	printf("  tzname %s/%s __tzname %s/%s\n", tzname[0], tzname[1], __tzname[0], __tzname[1]);
}

static void gamma_sign(double x) {
	double r = lgamma(x);
#ifdef SIGNGAM_ALIAS
	printf("lgamma(%g) = %.6f: signgam %d __signgam %d\n", x, r, signgam, __signgam);
#else
	printf("lgamma(%g) = %.6f: signgam %d\n", x, r, signgam);
#endif
}

#ifdef __cplusplus
/* Static initializers run before main, right after glibc set up environ
 * and the program names. */
static char **environ_at_init;
static const char *short_name_at_init;
struct at_init {
	at_init() { environ_at_init = environ; short_name_at_init = program_invocation_short_name; }
} at_init_instance;
#endif

int main(int argc, char **argv) {
	(void)argc;
	printf("objects: environ/__environ/_environ %s, %s; tzname %s; timezone %s; daylight %s\n",
	       same(&environ, &__environ), same(&environ, &_environ), same(&tzname, &__tzname),
	       same(&timezone, &__timezone), same(&daylight, &__daylight));
	printf("objects: program_invocation_name %s; program_invocation_short_name %s\n",
	       same(&program_invocation_name, &__progname_full), same(&program_invocation_short_name, &__progname));
#ifdef SIGNGAM_ALIAS
	printf("objects: signgam %s\n", same(&signgam, &__signgam));
#endif
	printf("at start: program_invocation_name %s argv[0], __progname_full %s argv[0]\n",
	       strcmp(program_invocation_name, argv[0]) == 0 ? "==" : "!=",
	       __progname_full && strcmp(__progname_full, argv[0]) == 0 ? "==" : "!=");
	printf("at start: program_invocation_short_name %s, __progname %s\n", program_invocation_short_name, __progname);
#ifdef __cplusplus
	printf("at static init: environ %s, short name %s\n", environ_at_init == environ ? "as in main" : "DIFFERENT",
	       short_name_at_init ? short_name_at_init : "(null)");
#endif
	environment("start", "A=1");
	setenv("X", "1", 1);
	environment("setenv X=1", "X=1");
	static char y[] = "Y=2";
	putenv(y);
	environment("putenv Y=2", "Y=2");
	unsetenv("A");
	environment("unsetenv A", "A=1");
	tz("EST5EDT");
	tz("UTC0");
	tz("CET-1CEST,M3.5.0,M10.5.0/3");
	gamma_sign(-0.5);
	gamma_sign(2.5);
	gamma_sign(-1.5);
	clearenv();
	printf("after clearenv: environ %s, __environ %s, _environ %s\n", environ ? "set" : "NULL", __environ ? "set" : "NULL",
	       _environ ? "set" : "NULL");
#ifdef ERRLIST
	printf("sys_errlist: %s, [ENOENT] %s strerror, sys_nerr %s, sys_siglist %s, [SIGINT] %s strsignal\n",
	       same(sys_errlist, _sys_errlist), strcmp(sys_errlist[ENOENT], strerror(ENOENT)) == 0 ? "==" : "!=",
	       same(&sys_nerr, &_sys_nerr), same(sys_siglist, _sys_siglist),
	       strcmp(sys_siglist[SIGINT], strsignal(SIGINT)) == 0 ? "==" : "!=");
#endif
	return 0;
}
