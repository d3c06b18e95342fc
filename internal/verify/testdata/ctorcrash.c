/* A library whose constructor crashes. */
#include <stdio.h>

__attribute__((constructor)) static void init(void)
{
	volatile int *p = (int *)0;
	printf("constructor starts\n");
	fflush(stdout);
	*p = 1;
}
