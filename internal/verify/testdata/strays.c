/* Leaves a process behind, the two ways a program can:
 *   strays hang    ignores SIGTERM, forks a child that loops in pause(),
 *                  and waits forever itself;
 *   strays daemon  forks a child that calls setsid() (a session and
 *                  process group of its own), closes its output and
 *                  sleeps 30 s; the parent exits 0 at once.
 * The child prints "child PID" first, with its pid as /proc names it
 * (readlink /proc/self: the machine's pid even inside a PID namespace). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int hang = argc > 1 && strcmp(argv[1], "hang") == 0;
	int p[2];
	char buf[64];
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
		ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("child %s\n", buf);
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
