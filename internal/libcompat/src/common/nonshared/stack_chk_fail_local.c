/* __stack_chk_fail_local: what code built with -fstack-protector and -fPIC
 * calls on 32-bit x86 when a canary was overwritten (a direct call, with no
 * PLT and so no %ebx set up). glibc keeps it in libc_nonshared.a, hidden in
 * each module, and forwards to libc's __stack_chk_fail, which aborts. */
#include "compat.h"

extern void __stack_chk_fail(void) __attribute__((noreturn));

COMPAT_HIDDEN __attribute__((noreturn)) void __stack_chk_fail_local(void)
{
	__stack_chk_fail();
}
