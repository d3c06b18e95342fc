/* Needs libz.so.1, which the default runtimes do not have. */
#include <stdio.h>

const char *zlibVersion(void);

void zversion(void)
{
	printf("zlib %s\n", zlibVersion());
}
