/* Leaves a process behind, the two ways a program can:
 *   strays hang TOKEN    ignores SIGTERM, forks a child that loops in
 *                        pause(), and waits forever itself;
 *   strays daemon TOKEN  forks a child that calls setsid() (a session and
 *                        process group of its own), closes its output and
 *                        sleeps 30 s; the parent exits 0 at once.
 * The child names itself TOKEN (its comm, at most 15 bytes), which the
 * tests (here and internal/verify's leftovers test) look for in this machine's /proc afterwards: inside a PID namespace
 * with its own /proc the child cannot know the pid the machine gives it.
 * It prints "child TOKEN" once named. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int hang = argc > 1 && strcmp(argv[1], "hang") == 0;
	const char *token = argc > 2 ? argv[2] : "strays-child";
	int p[2];
	char buf[1];
	if (hang)
		signal(SIGTERM, SIG_IGN);
	if (pipe(p) != 0)
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		close(p[0]);
		if (!hang)
			setsid();
		prctl(PR_SET_NAME, token, 0, 0, 0);
		printf("child %s\n", token);
		fflush(stdout);
		if (!hang) {
			fclose(stdout);
			fclose(stderr);
		}
		write(p[1], "x", 1);
		close(p[1]);
		if (hang)
			for (;;)
				pause();
		sleep(30);
		return 0;
	}
	close(p[1]);
	read(p[0], buf, 1);
	if (hang)
		for (;;)
			pause();
	return 0;
}
