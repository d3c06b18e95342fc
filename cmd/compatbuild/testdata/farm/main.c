#include <stdio.h>
int counter_run(const char *path);
int main(int argc, char **argv) { printf("counter %d\n", counter_run(argv[0])); return 0; }
