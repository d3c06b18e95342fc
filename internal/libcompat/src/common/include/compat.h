/* Common definitions for libcompat's C sources.
 *
 * Rules for every source in nonshared/ and polyfill/:
 *  - call only functions that glibc 2.17 exports (the test suite checks every
 *    undefined reference against the host libc's version table);
 *  - never call another polyfilled name (each object stands alone);
 *  - never use thread-local storage (errno goes through __errno_location);
 *  - declare the libc functions used here instead of including headers that
 *    may redirect them to newer symbols (fcntl -> fcntl64, strtol ->
 *    __isoc23_strtol, stat without __xstat, ...).
 * Sources are compiled once per object; COMPAT_OBJ_<name> selects the part of
 * a multi-object source that goes into object <name>.o. */
#ifndef COMPAT_H
#define COMPAT_H

#include "arch.h"

/* Everything we define stays inside the module it is linked into: a shared
 * library linking these archives gets its own copy (and its own __dso_handle),
 * and nothing interposes on the real libc of a newer system. */
#define COMPAT_HIDDEN __attribute__((visibility("hidden")))

/* long syscall(long number, ...) exists in every glibc. */
extern long syscall(long number, ...);

#endif
