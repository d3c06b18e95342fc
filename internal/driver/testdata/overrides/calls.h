/* Calls every function catalogue/overrides.tsv names: posix_spawn,
 * posix_spawnp, posix_spawnattr_setflags, posix_spawn_file_actions_destroy,
 * pthread_create, pthread_attr_init, pthread_attr_destroy. With NEWER
 * defined, also the newer symbols that make compatbuild replace them:
 * posix_spawn_file_actions_addchdir_np and pthread_attr_setsigmask_np.
 * The spawned child is the program ("child" mode): it prints its working
 * directory, / with the newer symbols (addchdir_np), else the parent's,
 * /tmp. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
int pthread_attr_setsigmask_np(pthread_attr_t *, const sigset_t *);

static void *thread_blocks(void *arg)
{
	sigset_t m;
	pthread_sigmask(SIG_BLOCK, NULL, &m);
	printf("thread blocks USR1: %d\n", sigismember(&m, SIGUSR1));
	return arg;
}

static int calls(const char *exe)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pthread_attr_t a;
	pthread_t t;
	pid_t pid;
	char *argv[] = {"child", "child", NULL};

	if (chdir("/tmp") != 0)
		return 1;
	posix_spawn_file_actions_init(&fa);
#ifdef NEWER
	posix_spawn_file_actions_addchdir_np(&fa, "/");
#endif
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	fflush(stdout);
	if (posix_spawn(&pid, exe, &fa, &at, argv, environ) != 0 || waitpid(pid, NULL, 0) != pid)
		return 1;
	/* Through a pointer: the address taken is the replacement's too. */
	int (*volatile spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
			       char *const[], char *const[]) = posix_spawnp;
	if (spawnp(&pid, exe, &fa, &at, argv, environ) != 0 || waitpid(pid, NULL, 0) != pid)
		return 1;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);

	pthread_attr_init(&a);
#ifdef NEWER
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_attr_setsigmask_np(&a, &s);
#endif
	if (pthread_create(&t, &a, thread_blocks, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 1;
	pthread_attr_destroy(&a);
	return 0;
}

static int child_mode(int argc, char **argv)
{
	char cwd[4096];
	if (argc == 2 && strcmp(argv[1], "child") == 0) {
		printf("child in %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
		return 1;
	}
	return 0;
}
