CC := gcc
libstat.so: stat.c
	$(CC) -O2 -fPIC -shared stat.c -o $@
