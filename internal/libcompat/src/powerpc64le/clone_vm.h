/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (powerpc64le, ELFv2): see x86_64/clone_vm.h
 * for why the raw system calls. compat_clone_call(nr, a1, a2, a3, fn, arg)
 * makes system call nr with a1..a3 (and 0, 0); in the child, which returns
 * from it on the new stack, fn(arg) runs and its result is the exit
 * status. The parent gets the system call's result: the child's pid, or
 * -errno (sc reports an error with cr0.SO and a positive errno in r3).
 *
 * sc may clobber r4-r12, so fn and arg wait in the non-volatile r30 and
 * r31, saved in the protected zone below the stack pointer (the parent's
 * path is a leaf). The child makes itself an outermost frame (back chain
 * 0) and calls fn through r12, as the ABI's global entry expects. A
 * function of its own in top-level assembly: GCC has no naked functions
 * on powerpc. */
#ifndef COMPAT_CLONE_VM_H
#define COMPAT_CLONE_VM_H

extern long compat_clone_call(long nr, long a1, long a2, long a3, int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));

__asm__(
	".pushsection .text.compat_clone_call,\"ax\",@progbits\n"
	".p2align 4\n"
	".globl compat_clone_call\n"
	".hidden compat_clone_call\n"
	".type compat_clone_call, @function\n"
	"compat_clone_call:\n\t"
	"std 30, -16(1)\n\t"
	"std 31, -8(1)\n\t"
	"mr 0, 3\n\t"
	"mr 30, 7\n\t"
	"mr 31, 8\n\t"
	"mr 3, 4\n\t"
	"mr 4, 5\n\t"
	"mr 5, 6\n\t"
	"li 6, 0\n\t"
	"li 7, 0\n\t"
	"sc\n\t"
	"bns+ 2f\n\t"
	"neg 3, 3\n\t"
	"b 1f\n"
	"2:\n\t"
	"cmpdi 3, 0\n\t"
	"bne 1f\n\t"
	"clrrdi 1, 1, 4\n\t"
	"li 0, 0\n\t"
	"stdu 0, -64(1)\n\t" /* the outermost frame */
	"mr 3, 31\n\t"
	"mr 12, 30\n\t"
	"mtctr 12\n\t"
	"bctrl\n\t"
	"li 0, 1\n\t" /* exit */
	"sc\n\t"
	"trap\n"
	"1:\n\t"
	"ld 30, -16(1)\n\t"
	"ld 31, -8(1)\n\t"
	"blr\n"
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
