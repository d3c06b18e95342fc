/* Loads the Go library (argv[1]) and calls its Resolve. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (h == NULL) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	int (*resolve)(void) = (int (*)(void))dlsym(h, "Resolve");
	if (resolve == NULL) {
		printf("dlsym: %s\n", dlerror());
		return 1;
	}
	printf("Resolve: %d\n", resolve());
	return 0;
}
