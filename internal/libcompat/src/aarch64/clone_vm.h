/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (aarch64): see x86_64/clone_vm.h for why the
 * raw system calls. compat_clone_call(nr, a1, a2, a3, fn, arg) makes
 * system call nr with a1..a3 (and 0, 0); in the child, which returns from
 * it on the new stack, fn(arg) runs and its result is the exit status. The
 * parent gets the system call's result: the child's pid, or -errno. fn and
 * arg wait in x9 and x10, which the kernel preserves. A function of its
 * own in top-level assembly: GCC has no naked functions on aarch64. */
#ifndef COMPAT_CLONE_VM_H
#define COMPAT_CLONE_VM_H

extern long compat_clone_call(long nr, long a1, long a2, long a3, int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));

__asm__(
	".pushsection .text.compat_clone_call,\"ax\",%progbits\n"
	".p2align 2\n"
	".globl compat_clone_call\n"
	".hidden compat_clone_call\n"
	".type compat_clone_call, %function\n"
	"compat_clone_call:\n\t"
	"mov x8, x0\n\t"
	"mov x9, x4\n\t"
	"mov x10, x5\n\t"
	"mov x0, x1\n\t"
	"mov x1, x2\n\t"
	"mov x2, x3\n\t"
	"mov x3, #0\n\t"
	"mov x4, #0\n\t"
	"svc #0\n\t"
	"cbnz x0, 1f\n\t"
	"mov x29, #0\n\t" /* the outermost frame */
	"mov x30, #0\n\t"
	"mov x0, x10\n\t"
	"blr x9\n\t"
	"mov x8, #93\n\t" /* exit */
	"svc #0\n\t"
	"brk #0\n"
	"1:\n\t"
	"ret\n"
	".size compat_clone_call, .-compat_clone_call\n"
	".popsection\n");

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
