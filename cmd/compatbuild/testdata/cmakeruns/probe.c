#include <stdio.h>

int main(void) {
	printf("probe ran\n");
	return 0;
}
