/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (s390x): see x86_64/clone_vm.h for why the
 * raw system calls. compat_clone_call(nr, a1, a2, a3, fn, arg) makes
 * system call nr (in r1, for svc 0) with a1..a3 (and 0, 0); in the child,
 * which returns from it on the new stack, fn(arg) runs and its result is
 * the exit status. The parent gets the system call's result: the child's
 * pid, or -errno. fn and arg wait in r8 and r9 (saved with r6 and r7, all
 * callee-saved, in the caller's register save area); the child makes
 * itself the 160-byte outermost frame (back chain 0) the ABI requires
 * before a call. A function of its own in top-level assembly: GCC has no
 * naked functions on s390. */
#ifndef COMPAT_CLONE_VM_H
#define COMPAT_CLONE_VM_H

extern long compat_clone_call(long nr, long a1, long a2, long a3, int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));

__asm__(
	".pushsection .text.compat_clone_call,\"ax\",@progbits\n"
	".p2align 3\n"
	".globl compat_clone_call\n"
	".hidden compat_clone_call\n"
	".type compat_clone_call, @function\n"
	"compat_clone_call:\n\t"
	"stmg %r6, %r9, 48(%r15)\n\t"
	"lgr %r1, %r2\n\t"
	"lgr %r8, %r6\n\t"
	"lg %r9, 160(%r15)\n\t"
	"lgr %r2, %r3\n\t"
	"lgr %r3, %r4\n\t"
	"lgr %r4, %r5\n\t"
	"lghi %r5, 0\n\t"
	"lghi %r6, 0\n\t"
	"svc 0\n\t"
	"ltgr %r2, %r2\n\t"
	"jnz 1f\n\t"
	"aghi %r15, -160\n\t" /* the outermost frame */
	"xc 0(8, %r15), 0(%r15)\n\t"
	"lgr %r2, %r9\n\t"
	"basr %r14, %r8\n\t"
	"lghi %r1, 1\n\t" /* exit */
	"svc 0\n\t"
	".long 0\n" /* an illegal instruction */
	"1:\n\t"
	"lmg %r6, %r9, 48(%r15)\n\t"
	"br %r14\n"
	".size compat_clone_call, .-compat_clone_call\n"
	".popsection\n");

/* compat_clone3_vm: clone3(args, size); args->stack is the stack's lowest
 * address, args->stack_size its size. */
static inline long compat_clone3_vm(void *args, unsigned long size, int (*fn)(void *), void *arg)
{
	return compat_clone_call(COMPAT_SYS_clone3, (long)args, (long)size, 0, fn, arg);
}

/* compat_clone_vm: clone with s390's argument order (the kernel's
 * CLONE_BACKWARDS2: stack_top, flags, parent_tid, child_tid, tls);
 * stack_top is one past the stack's highest address. */
static inline long compat_clone_vm(unsigned long flags, void *stack_top, int *parent_tid, int (*fn)(void *), void *arg)
{
	return compat_clone_call(COMPAT_SYS_clone, (long)stack_top, (long)flags, (long)parent_tid, fn, arg);
}

#endif
