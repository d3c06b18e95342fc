/* Calls into libraries glibc 2.34 merged into libc, linked without -lrt,
   -lutil or -lanl as code written for new glibc is. */
#define _GNU_SOURCE
#include <netdb.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
	timer_t timer;
	struct sigevent sev = {.sigev_notify = SIGEV_NONE};
	int t = timer_create(CLOCK_MONOTONIC, &sev, &timer);
	int master, slave;
	int p = openpty(&master, &slave, NULL, NULL, NULL);
	struct gaicb *reqs[1] = {0};
	int a = getaddrinfo_a(GAI_NOWAIT, reqs, 0, NULL);
	printf("timer_create %d, openpty %d, getaddrinfo_a %d\n", t, p, a);
	return 0;
}
