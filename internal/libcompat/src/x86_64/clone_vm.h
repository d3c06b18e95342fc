/* Starting a child that shares the caller's memory on a stack of its own,
 * as glibc's posix_spawn does (x86_64): the raw clone and clone3 system
 * calls, because glibc's clone() before 2.25 writes -1 into the calling
 * thread's cached pid and tid when given CLONE_VM (it expected a thread),
 * and glibc exports no clone3 at all.
 *
 * In the child, which returns from the system call on the new stack with
 * no frame to return to, fn(arg) runs and its result is the exit status;
 * fn and arg travel in r12 and r13, which the system call preserves. The
 * parent gets the system call's result: the child's pid, or -errno. */
#ifndef COMPAT_CLONE_VM_H
#define COMPAT_CLONE_VM_H

static inline long compat_clone_call(long nr, long a1, long a2, long a3, int (*fn)(void *), void *arg)
{
	register long r10 __asm__("r10") = 0; /* clone: child_tid */
	register long r8 __asm__("r8") = 0;   /* clone: tls */
	register int (*r12)(void *) __asm__("r12") = fn;
	register void *r13 __asm__("r13") = arg;
	long ret = nr;

	__asm__ volatile(
		"syscall\n\t"
		"testq %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"xorl %%ebp, %%ebp\n\t"
		"movq %%r13, %%rdi\n\t"
		"callq *%%r12\n\t"
		"movl %%eax, %%edi\n\t"
		"movl $60, %%eax\n\t" /* exit */
		"syscall\n\t"
		"hlt\n"
		"1:"
		: "+a"(ret)
		: "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r12), "r"(r13)
		: "rcx", "r11", "memory", "cc");
	return ret;
}

/* compat_clone3_vm: clone3(args, size); args->stack is the stack's lowest
 * address, args->stack_size its size. */
static inline long compat_clone3_vm(void *args, unsigned long size, int (*fn)(void *), void *arg)
{
	return compat_clone_call(COMPAT_SYS_clone3, (long)args, (long)size, 0, fn, arg);
}

/* compat_clone_vm: clone(flags, stack_top, parent_tid, 0, 0); stack_top is
 * one past the stack's highest address. */
static inline long compat_clone_vm(unsigned long flags, void *stack_top, int *parent_tid, int (*fn)(void *), void *arg)
{
	return compat_clone_call(COMPAT_SYS_clone, (long)flags, (long)stack_top, (long)parent_tid, fn, arg);
}

#endif
