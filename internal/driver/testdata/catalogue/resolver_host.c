/* Loads the resolver plugin (argv[1]) with dlopen and calls its
 * resolve(port): the host itself uses no resolver function, so the
 * plugin's own dependencies must bring libresolv.so.2 in. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: resolver_host PLUGIN PORT\n");
		return 2;
	}
	void *h = dlopen(argv[1], RTLD_NOW);
	if (h == NULL) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	int (*resolve)(int) = (int (*)(int))dlsym(h, "resolve");
	if (resolve == NULL) {
		printf("dlsym: %s\n", dlerror());
		return 1;
	}
	fflush(stdout);
	return resolve(atoi(argv[2]));
}
