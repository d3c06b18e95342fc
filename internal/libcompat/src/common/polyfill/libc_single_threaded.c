/* __libc_single_threaded (glibc 2.32), read by GCC >= 11 libstdc++ headers
 * to skip atomic reference counting. 0 means "not known to be single
 * threaded", which is always correct: the program just keeps using atomics.
 * (An old libc never updates this copy, so 1 would become wrong as soon as
 * a thread is created.) */
#include "compat.h"

COMPAT_HIDDEN char __libc_single_threaded = 0;
