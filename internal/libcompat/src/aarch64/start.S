/* Program entry point for aarch64 executables: Scrt1.o, and crt1.o too
 * (position independent: main and the csu functions are reached through
 * the GOT, which a non-PIE link resolves at link time).
 *
 * Before glibc 2.34 (COMPAT_CSU_START) init/fini are __libc_csu_init and
 * __libc_csu_fini from our libc_nonshared.a, which the old
 * __libc_start_main calls to run the executable's initialisers; from 2.34
 * they are NULL and libc runs the init arrays itself.
 *
 * On entry (AAPCS64, process start): sp points at argc, then argv[], NULL,
 * envp[], NULL, auxv, and is 16-byte aligned; x0 holds a function the
 * dynamic linker wants registered with atexit (or 0).
 *
 * __libc_start_main(main, argc, argv, init, fini, rtld_fini, stack_end)
 *                   x0    x1    x2    x3    x4    x5         x6
 */
#ifndef COMPAT_KERNEL_MAJOR
# define COMPAT_KERNEL_MAJOR 3
# define COMPAT_KERNEL_MINOR 7
# define COMPAT_KERNEL_PATCH 0
#endif

	.text
	.p2align 2
	.globl _start
	.type _start, %function
_start:
	.cfi_startproc
	.cfi_undefined x30          /* outermost frame: unwinders stop here */
	mov	x29, #0
	mov	x30, #0
	mov	x5, x0              /* rtld_fini */
	ldr	x1, [sp]            /* argc */
	add	x2, sp, #8          /* argv */
	mov	x6, sp              /* stack_end */
#if defined(COMPAT_CSU_START)
	adrp	x3, :got:__libc_csu_init
	ldr	x3, [x3, #:got_lo12:__libc_csu_init]
	adrp	x4, :got:__libc_csu_fini
	ldr	x4, [x4, #:got_lo12:__libc_csu_fini]
#else
	mov	x3, #0
	mov	x4, #0
#endif
	adrp	x0, :got:main
	ldr	x0, [x0, #:got_lo12:main]
	bl	__libc_start_main
	bl	abort               /* __libc_start_main never returns */
	.cfi_endproc
	.size _start, . - _start

/* libc inspects this to tell new-style stdio users from libio-1 ones. */
	.section .rodata, "a", %progbits
	.p2align 2
	.globl _IO_stdin_used
	.type _IO_stdin_used, %object
	.size _IO_stdin_used, 4
_IO_stdin_used:
	.word 0x20001

	.data
	.globl __data_start
	.type __data_start, %object
	.size __data_start, 4
__data_start:
	.word 0
	.weak data_start
	.set data_start, __data_start

#include "startnote.h"

/* ELF note naming the minimum Linux kernel the target glibc supports. */
	.section .note.ABI-tag, "a", %note
	.p2align 2
	.word 4, 16, 1              /* n_namesz, n_descsz, NT_GNU_ABI_TAG */
	.asciz "GNU"
	.word 0                     /* ELF_NOTE_OS_LINUX */
	.word COMPAT_KERNEL_MAJOR, COMPAT_KERNEL_MINOR, COMPAT_KERNEL_PATCH

	.section .note.GNU-stack, "", %progbits
