/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (arm EABI): see x86_64/clone_vm.h for why
 * the raw system calls. compat_clone_call(nr, a1, a2, a3, fn, arg) makes
 * system call nr (in r7) with a1..a3 (and 0, 0); in the child, which
 * returns from it on the new stack, fn(arg) runs and its result is the
 * exit status. The parent gets the system call's result: the child's
 * pid, or -errno. fn and arg (on the caller's stack by the AAPCS) wait in
 * r5 and r6, which the kernel preserves.
 *
 * A naked function rather than inline assembly: r7 is Thumb code's frame
 * pointer, which GCC may refuse to give to an asm operand. The body is
 * unified syntax that assembles as ARM or Thumb-2, whichever the compiler
 * builds. */
#ifndef COMPAT_CLONE_VM_H
#define COMPAT_CLONE_VM_H

__attribute__((naked, noinline, used)) static long compat_clone_call(long nr, long a1, long a2, long a3, int (*fn)(void *), void *arg)
{
	__asm__(
		"push {r4, r5, r6, r7, lr}\n\t"
		"ldr r5, [sp, #20]\n\t"
		"ldr r6, [sp, #24]\n\t"
		"mov r7, r0\n\t"
		"mov r0, r1\n\t"
		"mov r1, r2\n\t"
		"mov r2, r3\n\t"
		"mov r3, #0\n\t"
		"mov r4, #0\n\t"
		"svc #0\n\t"
		"cmp r0, #0\n\t"
		"bne 1f\n\t"
		"mov lr, #0\n\t" /* the outermost frame */
		"mov r0, r6\n\t"
		"blx r5\n\t"
		"mov r7, #1\n\t" /* exit */
		"svc #0\n\t"
		"udf #0\n"
		"1:\n\t"
		"pop {r4, r5, r6, r7, pc}");
}

/* compat_clone3_vm: clone3(args, size); args->stack is the stack's lowest
 * address, args->stack_size its size. */
static inline long compat_clone3_vm(void *args, unsigned long size, int (*fn)(void *), void *arg)
{
	return compat_clone_call(COMPAT_SYS_clone3, (long)args, (long)size, 0, fn, arg);
}

/* compat_clone_vm: clone(flags, stack_top, parent_tid, tls, child_tid)
 * (the kernel's CLONE_BACKWARDS order); stack_top is one past the stack's
 * highest address. */
static inline long compat_clone_vm(unsigned long flags, void *stack_top, int *parent_tid, int (*fn)(void *), void *arg)
{
	return compat_clone_call(COMPAT_SYS_clone, (long)flags, (long)stack_top, (long)parent_tid, fn, arg);
}

#endif
