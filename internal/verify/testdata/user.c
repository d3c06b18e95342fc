#include <stdio.h>

int dep_value(void);

void use_dep(void)
{
	printf("dep says %d\n", dep_value());
}
