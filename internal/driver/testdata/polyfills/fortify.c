/* _FORTIFY_SOURCE's checking variants of newer functions, and the plain
 * wide and explicit ones they check: what a newer glibc's headers call
 * when the compiler knows a destination's size. explicit_bzero goes
 * through the real headers (glibc 2.25+ emit __explicit_bzero_chk); the
 * other checking variants come from headers newer than this host's, so
 * they are declared and called here as those headers call them. A
 * violation must end the process like glibc's own: __chk_fail's abort. */
#undef _FORTIFY_SOURCE
#define _FORTIFY_SOURCE 2
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>
#include "check.h"

size_t wcslcpy(wchar_t *, const wchar_t *, size_t);
size_t wcslcat(wchar_t *, const wchar_t *, size_t);
void *memset_explicit(void *, int, size_t);
void *__memset_explicit_chk(void *, int, size_t, size_t);
size_t __strlcpy_chk(char *, const char *, size_t, size_t);
size_t __strlcat_chk(char *, const char *, size_t, size_t);
size_t __wcslcpy_chk(wchar_t *, const wchar_t *, size_t, size_t);
size_t __wcslcat_chk(wchar_t *, const wchar_t *, size_t, size_t);
int __inet_pton_chk(int, const char *, void *, size_t);
const char *__inet_ntop_chk(int, const void *, char *, socklen_t, size_t);

/* Opaque to the optimizer, so sizes are only known at run time. */
static volatile size_t four = 4, five = 5, eight = 8;

static char small[4];
static wchar_t wsmall[4];
static void over_strlcpy(void) { __strlcpy_chk(small, "abcdef", eight, sizeof small); }
static void over_strlcat(void) { __strlcat_chk(small, "abcdef", five, sizeof small); }
static void over_wcslcpy(void) { __wcslcpy_chk(wsmall, L"abcdef", five, 4); }
static void over_wcslcat(void) { __wcslcat_chk(wsmall, L"abcdef", eight, 4); }
static void over_explicit_bzero(void) { explicit_bzero(small, five); }
static void over_memset_explicit(void) { __memset_explicit_chk(small, 1, five, sizeof small); }
static void over_inet_pton(void) { __inet_pton_chk(AF_INET6, "::1", small, sizeof small); }
static void over_inet_ntop(void) { char s[8]; __inet_ntop_chk(AF_INET, small, s, 16, sizeof s); }

/* overflow runs f in a child (stderr closed: glibc's report is not part of
 * the output) and tells how the child ended. */
static void overflow(const char *what, void (*f)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(2);
		f();
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s overflow: %s\n", what, WTERMSIG(st) == SIGABRT ? "aborted" : "killed by another signal");
	else
		printf("%s overflow: NOT caught, exit %d\n", what, WEXITSTATUS(st));
}

static void wshow(const char *what, size_t r, const wchar_t *w)
{
	printf("%s: returns %zu, buffer \"%ls\"\n", what, r, w);
}

int main(void)
{
	wchar_t w[6];
	size_t r;

	r = wcslcpy(w, L"hello world", 6);
	wshow("wcslcpy truncating", r, w);
	r = wcslcpy(w, L"hi", 6);
	wshow("wcslcpy fitting", r, w);
	r = wcslcat(w, L"abcdef", 6);
	wshow("wcslcat truncating", r, w);
	wmemset(w, L'x', 6);
	r = wcslcat(w, L"ab", 6);
	printf("wcslcat unterminated: returns %zu, buffer %s\n", r, w[5] == L'x' ? "untouched" : "CHANGED");
	r = __wcslcpy_chk(w, L"abc", 6, 6);
	wshow("__wcslcpy_chk", r, w);
	r = __wcslcat_chk(w, L"defgh", 6, 6);
	wshow("__wcslcat_chk", r, w);

	char b[8];
	r = __strlcpy_chk(b, "hello world", sizeof b, sizeof b);
	printf("__strlcpy_chk: returns %zu, buffer \"%s\"\n", r, b);
	r = __strlcat_chk(b, "xyz", four, sizeof b);
	printf("__strlcat_chk full: returns %zu, buffer \"%s\"\n", r, b);

	unsigned char z[16];
	char map[17];
	memset(z, 0xaa, sizeof z);
	explicit_bzero(z + 2, 12); /* the compiler knows z: __explicit_bzero_chk */
	memset_explicit(z, 7, 1);
	__memset_explicit_chk(z + 15, 9, 1, 1);
	for (int i = 0; i < 16; i++)
		map[i] = z[i] == 0 ? '0' : z[i] == 0xaa ? 'a' : z[i] < 10 ? '0' + z[i] : '?';
	map[16] = 0;
	printf("explicit_bzero, memset_explicit: %s\n", map);

	unsigned char a4[4], a6[16];
	char s[46];
	printf("__inet_pton_chk v4: %s", RESULT(__inet_pton_chk(AF_INET, "192.168.0.77", a4, sizeof a4)));
	printf(", %s\n", __inet_ntop_chk(AF_INET, a4, s, sizeof s, sizeof s) == s ? s : "NULL");
	printf("__inet_pton_chk v6: %s", RESULT(__inet_pton_chk(AF_INET6, "fe80::1:2", a6, sizeof a6)));
	printf(", %s\n", __inet_ntop_chk(AF_INET6, a6, s, sizeof s, sizeof s) == s ? s : "NULL");
	printf("__inet_pton_chk bad address: %s\n", RESULT(__inet_pton_chk(AF_INET, "300.1.1.1", a4, sizeof a4)));
	printf("__inet_ntop_chk short buffer: %s\n", __inet_ntop_chk(AF_INET, a4, s, 8, sizeof s) ? "not NULL" : errname(errno));

	overflow("__strlcpy_chk", over_strlcpy);
	overflow("__strlcat_chk", over_strlcat);
	overflow("__wcslcpy_chk", over_wcslcpy);
	overflow("__wcslcat_chk", over_wcslcat);
	overflow("__explicit_bzero_chk", over_explicit_bzero);
	overflow("__memset_explicit_chk", over_memset_explicit);
	overflow("__inet_pton_chk", over_inet_pton);
	overflow("__inet_ntop_chk", over_inet_ntop);
	return 0;
}
