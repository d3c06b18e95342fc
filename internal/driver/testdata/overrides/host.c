/* Loads a library made from library.c and runs its calls, spawning this
 * program as the child. argv[1]: the library. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char cwd[4096], exe[4096];
	if (argc == 2 && strcmp(argv[1], "child") == 0) {
		printf("child in %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	void *h = dlopen(argv[1], RTLD_NOW);
	int (*run)(const char *) = h ? (int (*)(const char *))dlsym(h, "run_calls") : NULL;
	if (run == NULL) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	return run(exe);
}
