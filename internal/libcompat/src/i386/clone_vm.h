/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (i386): see x86_64/clone_vm.h for why the
 * raw system calls. compat_clone_call(nr, a1, a2, a3, fn, arg) makes
 * system call nr with a1..a3 in ebx, ecx and edx; in the child, which
 * returns from it on the new stack, fn(arg) runs and its result is the
 * exit status. The parent gets the system call's result: the child's pid,
 * or -errno.
 *
 * fn and arg wait in esi and edi, which are clone's fourth and fifth
 * arguments (tls and child_tid: read only with CLONE_SETTLS and
 * CLONE_CHILD_SETTID/CLEARTID, which spawn never passes) and unused by
 * clone3. A naked function rather than inline assembly: with -fPIC the
 * six registers the call needs leave GCC none for the GOT pointer. int
 * $0x80 rather than the vDSO's entry: the child must not return through
 * a frame of the parent's stack. */
#ifndef COMPAT_CLONE_VM_H
#define COMPAT_CLONE_VM_H

__attribute__((naked, noinline, used)) static long compat_clone_call(long nr, long a1, long a2, long a3, int (*fn)(void *), void *arg)
{
	__asm__(
		"pushl %ebp\n\t"
		"pushl %edi\n\t"
		"pushl %esi\n\t"
		"pushl %ebx\n\t"
		"movl 20(%esp), %eax\n\t"
		"movl 24(%esp), %ebx\n\t"
		"movl 28(%esp), %ecx\n\t"
		"movl 32(%esp), %edx\n\t"
		"movl 36(%esp), %esi\n\t"
		"movl 40(%esp), %edi\n\t"
		"int $0x80\n\t"
		"testl %eax, %eax\n\t"
		"jnz 1f\n\t"
		"xorl %ebp, %ebp\n\t" /* the outermost frame */
		"andl $-16, %esp\n\t"
		"subl $12, %esp\n\t"
		"pushl %edi\n\t"
		"call *%esi\n\t"
		"movl %eax, %ebx\n\t"
		"movl $1, %eax\n\t" /* exit */
		"int $0x80\n\t"
		"hlt\n"
		"1:\n\t"
		"popl %ebx\n\t"
		"popl %esi\n\t"
		"popl %edi\n\t"
		"popl %ebp\n\t"
		"ret");
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
