/*
 * compatbuild verify's dlopen host. compatbuild builds it for the glibc of
 * each runtime and runs it under that runtime's loader:
 *
 *   host LIBRARY [FUNCTION [void|int]]
 *
 * It loads LIBRARY with dlopen(RTLD_NOW) and, if FUNCTION is given, looks
 * it up with dlsym and calls it with no arguments. Progress goes to file
 * descriptor 3 (stderr if 3 is not open), one line per step, so that it
 * cannot mix with what the library prints:
 *
 *   libc <gnu_get_libc_version()>       the C library the host runs on
 *   dlopen-failed <dlerror() text>      exit 4
 *   loaded
 *   dlsym-failed <dlerror() text>       exit 5
 *   calling <FUNCTION>
 *   returned <int>                      (int mode only)
 *   ok                                  exit 0
 *
 * A missing "ok" line means the library's code exited or crashed the host.
 */
#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int report_fd = 3;

static void report(const char *what, const char *text)
{
	char buf[8192];
	int n;
	if (text)
		n = snprintf(buf, sizeof buf, "%s %s\n", what, text);
	else
		n = snprintf(buf, sizeof buf, "%s\n", what);
	if (n < 0)
		return;
	if (n >= (int)sizeof buf) {
		n = sizeof buf - 1;
		buf[n - 1] = '\n';
	}
	if (write(report_fd, buf, (size_t)n) < 0 && report_fd != 2) {
		report_fd = 2;
		(void)write(report_fd, buf, (size_t)n);
	}
}

/* dlerror() text on one line: the protocol is line based. */
static const char *one_line(const char *s)
{
	static char buf[4096];
	size_t i;
	if (!s)
		return "(dlerror returned no message)";
	for (i = 0; s[i] && i < sizeof buf - 1; i++)
		buf[i] = (s[i] == '\n' || s[i] == '\r') ? ' ' : s[i];
	buf[i] = 0;
	return buf;
}

int main(int argc, char **argv)
{
	void *handle;
	void *sym;
	int int_mode;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s LIBRARY [FUNCTION [void|int]]\n", argv[0]);
		return 3;
	}
	int_mode = argc == 4 && strcmp(argv[3], "int") == 0;
	report("libc", gnu_get_libc_version());
	fflush(NULL);
	handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		report("dlopen-failed", one_line(dlerror()));
		return 4;
	}
	report("loaded", NULL);
	if (argc >= 3) {
		dlerror();
		sym = dlsym(handle, argv[2]);
		if (!sym) {
			const char *e = dlerror();
			report("dlsym-failed", one_line(e ? e : "symbol resolves to NULL"));
			return 5;
		}
		report("calling", argv[2]);
		if (int_mode) {
			int (*fn)(void);
			char num[32];
			*(void **)&fn = sym;
			snprintf(num, sizeof num, "%d", fn());
			fflush(NULL);
			report("returned", num);
		} else {
			void (*fn)(void);
			*(void **)&fn = sym;
			fn();
			fflush(NULL);
		}
	}
	report("ok", NULL);
	return 0;
}
