#include "config.h"
#include <stdio.h>

int main(void) {
#ifdef PROGRAMS_RUN
	printf("configure ran test programs; pointers are %d bytes\n", POINTER_SIZE);
#else
	printf("configure could not run test programs\n");
#endif
	return 0;
}
