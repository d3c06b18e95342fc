#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

/* stat is GLIBC_2.33, pthread_create and dlopen GLIBC_2.34 in a plain
 * build on a new glibc. */
static void *work(void *arg) {
	struct stat st;
	return (void *)(long)(stat((const char *)arg, &st) == 0 && S_ISDIR(st.st_mode));
}

int main(int argc, char **argv) {
	pthread_t t;
	void *isdir, *plugin;
	int (*answer)(void);
	if (argc != 2) {
		fprintf(stderr, "usage: app PLUGIN.so\n");
		return 2;
	}
	if (pthread_create(&t, NULL, work, (void *)"/") != 0 || pthread_join(t, &isdir) != 0)
		return 1;
	plugin = dlopen(argv[1], RTLD_NOW);
	if (!plugin) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	answer = (int (*)(void))dlsym(plugin, "plugin_answer");
	if (!answer) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	printf("/ is a directory: %s; the plugin says %d\n", isdir ? "yes" : "no", answer());
	return 0;
}
