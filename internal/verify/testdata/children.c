/* Starts programs the way artifacts do: system() and popen() run
   /bin/sh, posix_spawnp runs "sh" from PATH, and argv[1] (if any) is a
   command for system() that runs another program of the system. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
	int r = system("exit 3");
	printf("system=%d\n", r);
	char line[16] = {0};
	FILE *p = popen("echo hi", "r");
	if (!p || !fgets(line, sizeof line, p))
		return 10;
	printf("popen=%s", line);
	if (pclose(p) != 0)
		return 11;
	pid_t pid;
	char *sargv[] = {"sh", "-c", "exit 4", NULL};
	int st;
	if (posix_spawnp(&pid, "sh", NULL, NULL, sargv, environ) != 0 || waitpid(pid, &st, 0) != pid)
		return 12;
	printf("spawn=%d\n", WEXITSTATUS(st));
	if (argc > 1 && system(argv[1]) != 0)
		return 13;
	return r == 3 * 256 && WEXITSTATUS(st) == 4 ? 0 : 1;
}
