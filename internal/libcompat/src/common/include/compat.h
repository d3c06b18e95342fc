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
 * for every function it holds at the target (see catalogue/libc.tsv).
 * On most ABIs the nonshared/ sources compile together, as one unit cut
 * into one member per function (nonshared.go): they must declare what
 * they call alike and keep no static state. */
#ifndef COMPAT_H
#define COMPAT_H

#include "arch.h"

/* Everything we define stays inside the module it is linked into: a shared
 * library linking these archives gets its own copy (and its own __dso_handle),
 * and nothing interposes on the real libc of a newer system. The polyfill
 * archives' definitions are also weak (COMPAT_WEAK): a member holds several
 * functions, and a program that defines one of them itself (an old
 * project's own strlcpy or gettid) keeps its own instead of failing to
 * link with a duplicate definition. */
#ifdef COMPAT_WEAK
#define COMPAT_HIDDEN __attribute__((visibility("hidden"), weak))
#else
#define COMPAT_HIDDEN __attribute__((visibility("hidden")))
#endif

/* The functions of one libc_nonshared.a member (the stat family, the two
 * csu functions) share a section: where the nonshared/ sources compile as
 * one unit cut apart by section (nonshared.go), the members are then
 * those of a compile per source. */
#define COMPAT_MEMBER(name) __attribute__((section(".text.compat_member_" #name)))

/* long syscall(long number, ...) exists in every glibc. */
extern long syscall(long number, ...);

#endif
