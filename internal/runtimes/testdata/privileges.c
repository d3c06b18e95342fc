/*
 * Says which C library runs it, as whom, with which capabilities, in which
 * user namespace, and what /etc/ld.so.cache looks like from inside: what a
 * program started under a runtime by a non-root user must show (the
 * runtime's glibc, the user's own ids, no capability left over from the
 * launcher, the host's ld.so.cache hidden).
 *
 * Output, one line of name/value pairs:
 *   libc VERSION uid U euid U gid G egid G uidmap IN:OUT:COUNT at_base 0|1
 *   ldcache SIZE CapInh HEX CapPrm HEX CapEff HEX CapAmb HEX
 * uidmap is the first line of /proc/self/uid_map (the initial namespace's
 * is 0:0:4294967295); ldcache is -1 when the file is missing.
 * Builds for glibc 2.17 (no newer function is used).
 */
#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char line[256];
	unsigned long in = 0, out = 0, count = 0;
	struct stat st;
	long ldcache = -1;
	FILE *f;

	f = fopen("/proc/self/uid_map", "r");
	if (f) {
		if (fscanf(f, "%lu %lu %lu", &in, &out, &count) != 3)
			in = out = count = 0;
		fclose(f);
	}
	if (stat("/etc/ld.so.cache", &st) == 0)
		ldcache = (long)st.st_size;
	printf("libc %s uid %u euid %u gid %u egid %u uidmap %lu:%lu:%lu at_base %d ldcache %ld",
	       gnu_get_libc_version(), (unsigned)getuid(), (unsigned)geteuid(), (unsigned)getgid(),
	       (unsigned)getegid(), in, out, count, getauxval(AT_BASE) != 0, ldcache);
	f = fopen("/proc/self/status", "r");
	if (!f) {
		printf(" status unreadable\n");
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		char name[32], value[64];
		if (strncmp(line, "Cap", 3) == 0 && sscanf(line, "%31[^:]: %63s", name, value) == 2 &&
		    strcmp(name, "CapBnd") != 0)
			printf(" %s %s", name, value);
	}
	fclose(f);
	printf("\n");
	return 0;
}
