/* Program entry point for riscv64 (lp64d) executables: Scrt1.o, and crt1.o
 * too (position independent: main is read from its GOT slot; the csu
 * functions are hidden in the executable, so PC-relative).
 *
 * The global pointer: the linker relaxes accesses near
 * __global_pointer$ into gp-relative ones in executables, so gp must hold
 * it before any of the executable's code runs, shared libraries'
 * constructors included (they may call back into it). The dynamic linker
 * runs the executable's .preinit_array before every other initialiser, so
 * compat_load_gp is placed there, and _start calls it as well.
 *
 * Before glibc 2.34 (COMPAT_CSU_START) init/fini are __libc_csu_init and
 * __libc_csu_fini from our libc_nonshared.a; from 2.34 they are NULL.
 *
 * On entry (process start): sp points at argc, then argv[], NULL, envp[],
 * NULL, auxv; a0 holds a function the dynamic linker wants registered with
 * atexit (or 0).
 *
 * __libc_start_main(main, argc, argv, init, fini, rtld_fini, stack_end)
 *                   a0    a1    a2    a3    a4    a5         a6
 */
	.text
	.p2align 1
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined ra           /* outermost frame: unwinders stop here */
	call	compat_load_gp
	mv	a5, a0              /* rtld_fini */
	ld	a1, 0(sp)           /* argc */
	addi	a2, sp, 8           /* argv */
	andi	sp, sp, -16
	mv	a6, sp              /* stack_end */
#if defined(COMPAT_CSU_START)
	lla	a3, __libc_csu_init
	lla	a4, __libc_csu_fini
#else
	li	a3, 0
	li	a4, 0
#endif
	.option push
	.option pic                 /* la loads the GOT slot: main may be preempted */
	la	a0, main
	.option pop
	call	__libc_start_main
	ebreak                      /* __libc_start_main never returns */
	.cfi_endproc
	.size _start, . - _start

	.p2align 1
	.type compat_load_gp, @function
compat_load_gp:
	.option push
	.option norelax             /* not itself gp-relative */
	lla	gp, __global_pointer$
	.option pop
	ret
	.size compat_load_gp, . - compat_load_gp

	.section .preinit_array, "aw"
	.p2align 3
	.dword	compat_load_gp

/* libc inspects this to tell new-style stdio users from libio-1 ones. */
	.section .rodata, "a", @progbits
	.p2align 2
	.globl _IO_stdin_used
	.type _IO_stdin_used, @object
	.size _IO_stdin_used, 4
_IO_stdin_used:
	.word 0x20001

	.data
	.globl __data_start
	.type __data_start, @object
	.size __data_start, 4
__data_start:
	.word 0
	.weak data_start
	.set data_start, __data_start

#include "startnote.h"

/* ELF note naming the minimum Linux kernel the target glibc supports. */
	.section .note.ABI-tag, "a", @note
	.p2align 2
	.word 4, 16, 1              /* n_namesz, n_descsz, NT_GNU_ABI_TAG */
	.asciz "GNU"
	.word 0                     /* ELF_NOTE_OS_LINUX */
	.word COMPAT_KERNEL_MAJOR, COMPAT_KERNEL_MINOR, COMPAT_KERNEL_PATCH

	.section .note.GNU-stack, "", @progbits
