/*
 * Says how it was started and which C library runs it. It uses data that a
 * PIE reaches through copy relocations (stdout, environ, optarg): the
 * kind of program an explicitly started old loader gets wrong.
 *
 * Output: libc VERSION opt OPTARG env N at_base 0|1 exe PATH
 * at_base is 1 when the kernel mapped a separate interpreter (PT_INTERP);
 * exe is /proc/self/exe (the loader itself when started as `ld.so PROG`).
 */
#include <getopt.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *opt = "none";
	int c, envs = 0;
	char exe[4096];
	ssize_t n;
	char **e;

	while ((c = getopt(argc, argv, "o:")) != -1)
		if (c == 'o')
			opt = optarg;
	for (e = environ; *e; e++)
		envs++;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	fprintf(stdout, "libc %s opt %s env %d at_base %d exe %s\n", gnu_get_libc_version(), opt,
		envs, getauxval(AT_BASE) != 0, exe);
	fflush(stdout);
	return 0;
}
