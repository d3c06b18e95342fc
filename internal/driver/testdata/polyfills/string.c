/* strlcpy, strlcat (glibc 2.38), explicit_bzero (2.25), reallocarray (2.26). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* glibc < 2.38 headers do not declare these. */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

static void show(const char *what, size_t r, const char *buf)
{
	printf("%s: returns %zu, buffer \"%s\"\n", what, r, buf);
}

int main(void)
{
	/* volatile: keep GCC from warning about the deliberate huge sizes. */
	volatile size_t huge = SIZE_MAX, half = SIZE_MAX / 2 + 1;
	char b[8];
	size_t r;

	r = strlcpy(b, "hello world", sizeof b);
	show("strlcpy truncating", r, b);
	r = strlcpy(b, "hi", sizeof b);
	show("strlcpy fitting", r, b);
	memcpy(b, "xxxxxxx", 8);
	r = strlcpy(b, "abc", 0);
	show("strlcpy size 0", r, b);
	r = strlcpy(b, "abc", 1);
	show("strlcpy size 1", r, b);

	strcpy(b, "ab");
	r = strlcat(b, "cdefghij", sizeof b);
	show("strlcat truncating", r, b);
	strcpy(b, "ab");
	r = strlcat(b, "cd", sizeof b);
	show("strlcat fitting", r, b);
	memset(b, 'x', sizeof b);
	r = strlcat(b, "abc", sizeof b);
	printf("strlcat unterminated: returns %zu, buffer %s\n", r,
	       memcmp(b, "xxxxxxxx", 8) == 0 ? "untouched" : "CHANGED");
	r = strlcat(b, "abc", 0);
	printf("strlcat size 0: returns %zu\n", r);

	unsigned char z[32];
	char map[33];
	memset(z, 0xaa, sizeof z);
	explicit_bzero(z + 4, 24);
	explicit_bzero(z, 0);
	for (int i = 0; i < 32; i++)
		map[i] = z[i] == 0 ? '0' : z[i] == 0xaa ? 'a' : '?';
	map[32] = 0;
	printf("explicit_bzero: %s\n", map);

	int *p = reallocarray(NULL, 16, sizeof *p);
	for (int i = 0; p != NULL && i < 16; i++)
		p[i] = i * i;
	int *q = p ? reallocarray(p, 100000, sizeof *p) : NULL;
	int kept = q != NULL;
	for (int i = 0; q != NULL && i < 16; i++)
		kept &= q[i] == i * i;
	printf("reallocarray grow: %s\n", kept ? "contents kept" : "FAILED");
	errno = 0;
	int *o = reallocarray(q, half, 2);
	int e = errno;
	int intact = q != NULL;
	for (int i = 0; q != NULL && i < 16; i++)
		intact &= q[i] == i * i;
	printf("reallocarray overflow: %s, errno %s, old block %s\n", o ? "non-NULL" : "NULL",
	       errname(e), intact ? "intact" : "DAMAGED");
	errno = 0;
	o = reallocarray(NULL, huge, huge);
	e = errno;
	printf("reallocarray(NULL, SIZE_MAX, SIZE_MAX): %s, errno %s\n", o ? "non-NULL" : "NULL", errname(e));
	free(q);
	return 0;
}
