/* Common definitions for libcompat's C sources.
 *
 * Rules for every source in nonshared/ and polyfill/:
 *  - call only functions that glibc 2.17 exports (TestArchiveContents checks
 *    every undefined reference against the ABI database);
 *  - call another catalogue symbol only by its name (its own member then
 *    comes with it, or the target has it);
 *  - never use thread-local storage (errno goes through __errno_location);
 *  - declare the libc functions used here instead of including headers that
 *    may redirect them to newer symbols (fcntl -> fcntl64, strtol ->
 *    __isoc23_strtol, stat without __xstat, ...).
 * Each archive member is one compile of a source with -DCOMPAT_OBJ_<name>
 * for every function it holds at the target (see catalogue/libc.tsv). */
#ifndef COMPAT_H
#define COMPAT_H

#include "arch.h"

/* Everything we define stays inside the module it is linked into: a shared
 * library linking these archives gets its own copy (and its own __dso_handle),
 * and nothing interposes on the real libc of a newer system. */
#define COMPAT_HIDDEN __attribute__((visibility("hidden")))

/* COMPAT_QUICK_BUILD, first in a source whose many functions make -O2 the
 * bulk of the polyfill archive's build time (the first link that needs a
 * polyfill waits for it): those functions are small or not hot, and -O1
 * halves their compile time. GCC only; clang builds them fast anyway. */
#if defined(__GNUC__) && !defined(__clang__)
#define COMPAT_QUICK_BUILD _Pragma("GCC optimize(\"O1\")")
#else
#define COMPAT_QUICK_BUILD
#endif

/* long syscall(long number, ...) exists in every glibc. */
extern long syscall(long number, ...);

#endif
