/* pthread_attr_setsigmask_np and pthread_attr_getsigmask_np: the mask an
 * attribute carries, and the mask each new thread starts with (read in
 * the thread), against the creator's own. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* glibc 2.32's, declared by 2.36's headers too. */
int pthread_attr_setsigmask_np(pthread_attr_t *, const sigset_t *);
int pthread_attr_getsigmask_np(const pthread_attr_t *, sigset_t *);

static const char *show(const sigset_t *s)
{
	static char buf[4][64];
	static int next;
	char *b = buf[next++ % 4];
	int any = 0;
	b[0] = 0;
	const int sigs[] = {SIGINT, SIGUSR1, SIGUSR2, SIGTERM, SIGRTMIN + 3};
	const char *names[] = {"INT", "USR1", "USR2", "TERM", "RTMIN+3"};
	for (int i = 0; i < 5; i++)
		if (sigismember(s, sigs[i])) {
			strcat(b, any ? " " : "");
			strcat(b, names[i]);
			any = 1;
		}
	return any ? b : "none";
}

static void *report(void *label)
{
	sigset_t m;
	pthread_sigmask(SIG_BLOCK, NULL, &m);
	printf("  thread %s blocks: %s\n", (const char *)label, show(&m));
	fflush(stdout);
	return (void *)42;
}

static void start(const char *label, const pthread_attr_t *attr)
{
	pthread_t t;
	void *ret = NULL;
	int r = pthread_create(&t, attr, report, (void *)label);
	if (r == 0)
		pthread_join(t, &ret);
	printf("pthread_create %s: %d, joined %ld\n", label, r, (long)ret);
}

/* Raw bits of a sigset_t: glibc's sigaddset refuses its internal signals. */
static int has_bit(const sigset_t *s, int sig)
{
	const unsigned long *w = (const unsigned long *)s;
	unsigned long b = (unsigned long)(sig - 1), n = 8 * sizeof(unsigned long);
	return (int)((w[b / n] >> (b % n)) & 1);
}

static void set_bit(sigset_t *s, int sig)
{
	unsigned long *w = (unsigned long *)s;
	unsigned long b = (unsigned long)(sig - 1), n = 8 * sizeof(unsigned long);
	w[b / n] |= 1ul << (b % n);
}

int main(void)
{
	pthread_attr_t a, b;
	sigset_t s, got, mine;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);

	pthread_attr_init(&a);
	sigfillset(&got);
	int r = pthread_attr_getsigmask_np(&a, &got);
	printf("fresh attribute: getsigmask %d, set %s\n", r, show(&got));
	start("without a mask", &a);
	start("with NULL", NULL);

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGRTMIN + 3);
	set_bit(&s, 32);
	set_bit(&s, 33);
	r = pthread_attr_setsigmask_np(&a, &s);
	sigemptyset(&got);
	int r2 = pthread_attr_getsigmask_np(&a, &got);
	printf("setsigmask USR1 INT RTMIN+3 and the internal 32 33: %d; getsigmask %d, set %s, 32 %d, 33 %d\n", r, r2,
	       show(&got), has_bit(&got, 32), has_bit(&got, 33));
	start("with the mask", &a);
	start("with the mask again", &a);
	pthread_sigmask(SIG_BLOCK, NULL, &mine);
	printf("creator still blocks: %s\n", show(&mine));

	/* A second attribute, detached, with an empty mask: the thread
	 * unblocks what its creator blocks. */
	pthread_attr_init(&b);
	sigemptyset(&s);
	pthread_attr_setsigmask_np(&b, &s);
	pthread_attr_setdetachstate(&b, PTHREAD_CREATE_DETACHED);
	pthread_attr_getsigmask_np(&b, &got);
	printf("second attribute: set %s;", show(&got));
	pthread_attr_getsigmask_np(&a, &got);
	printf(" first still %s\n", show(&got));
	pthread_attr_setdetachstate(&b, PTHREAD_CREATE_JOINABLE);
	start("with an empty mask", &b);
	pthread_attr_destroy(&b);

	/* Replacing the mask, then removing it. */
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	pthread_attr_setsigmask_np(&a, &s);
	start("with the mask replaced by TERM", &a);
	r = pthread_attr_setsigmask_np(&a, NULL);
	sigfillset(&got);
	r2 = pthread_attr_getsigmask_np(&a, &got);
	printf("setsigmask NULL: %d; getsigmask %d, set %s\n", r, r2, show(&got));
	start("after NULL", &a);

	/* An attribute destroyed with a mask and a new one at its address. */
	pthread_attr_setsigmask_np(&a, &s);
	pthread_attr_destroy(&a);
	pthread_attr_init(&a);
	r = pthread_attr_getsigmask_np(&a, &got);
	printf("destroyed and initialised again: getsigmask %d\n", r);
	start("at the same address", &a);
	pthread_attr_destroy(&a);
	return 0;
}
