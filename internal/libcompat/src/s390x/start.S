/* Program entry point for s390x executables: Scrt1.o, and crt1.o too
 * (position independent: main and the csu functions are read from their
 * GOT slots with larl ...@GOTENT).
 *
 * Before glibc 2.34 (COMPAT_CSU_START) init/fini are __libc_csu_init and
 * __libc_csu_fini from our libc_nonshared.a, which the old
 * __libc_start_main calls to run the executable's initialisers; from 2.34
 * they are NULL.
 *
 * On entry (process start): %r15 points at argc, then argv[], NULL, envp[],
 * NULL, auxv; %r14 holds a function the dynamic linker wants registered
 * with atexit (or 0).
 *
 * __libc_start_main(main, argc, argv, init, fini, rtld_fini, stack_end)
 *                   r2    r3    r4    r5    r6    160(r15)   168(r15)
 * (the callee may store r6-r15 into the 160-byte area our frame starts
 * with; stack arguments follow it).
 */
	.text
	.p2align 3
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined 14           /* outermost frame: unwinders stop here */
	lg	%r3, 0(%r15)        /* argc */
	la	%r4, 8(%r15)        /* argv */
	lghi	%r0, -16
	ngr	%r15, %r0           /* 16-byte aligned */
	aghi	%r15, -176          /* save area and two stack arguments */
	xc	0(8,%r15), 0(%r15)  /* NULL back chain */
	stg	%r14, 160(%r15)     /* rtld_fini */
	stg	%r15, 168(%r15)     /* stack_end */
#if defined(COMPAT_CSU_START)
	larl	%r5, __libc_csu_init@GOTENT
	lg	%r5, 0(%r5)
	larl	%r6, __libc_csu_fini@GOTENT
	lg	%r6, 0(%r6)
#else
	lghi	%r5, 0
	lghi	%r6, 0
#endif
	larl	%r2, main@GOTENT
	lg	%r2, 0(%r2)
	brasl	%r14, __libc_start_main@PLT
	.word	0                   /* illegal instruction: it never returns */
	.cfi_endproc
	.size _start, . - _start

/* libc inspects this to tell new-style stdio users from libio-1 ones. */
	.section .rodata, "a", @progbits
	.p2align 2
	.globl _IO_stdin_used
	.type _IO_stdin_used, @object
	.size _IO_stdin_used, 4
_IO_stdin_used:
	.long 0x20001

	.data
	.globl __data_start
	.type __data_start, @object
	.size __data_start, 4
__data_start:
	.long 0
	.weak data_start
	.set data_start, __data_start

#include "startnote.h"

/* ELF note naming the minimum Linux kernel the target glibc supports. */
	.section .note.ABI-tag, "a", @note
	.p2align 2
	.long 4, 16, 1              /* n_namesz, n_descsz, NT_GNU_ABI_TAG */
	.asciz "GNU"
	.long 0                     /* ELF_NOTE_OS_LINUX */
	.long COMPAT_KERNEL_MAJOR, COMPAT_KERNEL_MINOR, COMPAT_KERNEL_PATCH

	.section .note.GNU-stack, "", @progbits
