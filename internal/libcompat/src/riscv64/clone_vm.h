/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (riscv64): see x86_64/clone_vm.h for why the
 * raw system calls. compat_clone_call(nr, a1, a2, a3, fn, arg) makes
 * system call nr with a1..a3 (and 0, 0); in the child, which returns from
 * it on the new stack, fn(arg) runs and its result is the exit status. The
 * parent gets the system call's result: the child's pid, or -errno. fn and
 * arg wait in t0 and t1, which the kernel preserves. A function of its
 * own in top-level assembly, as on aarch64. */
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
	"mv a7, a0\n\t"
	"mv t0, a4\n\t"
	"mv t1, a5\n\t"
	"mv a0, a1\n\t"
	"mv a1, a2\n\t"
	"mv a2, a3\n\t"
	"li a3, 0\n\t"
	"li a4, 0\n\t"
	"ecall\n\t"
	"bnez a0, 1f\n\t"
	"li ra, 0\n\t" /* the outermost frame */
	"li s0, 0\n\t"
	"mv a0, t1\n\t"
	"jalr t0\n\t"
	"li a7, 93\n\t" /* exit */
	"ecall\n\t"
	"ebreak\n"
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
