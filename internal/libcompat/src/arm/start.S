/* Program entry point for arm (EABI, hard-float) executables: Scrt1.o, and
 * crt1.o too. ARM state; position independent (main and the csu functions
 * are loaded from the GOT through PC-relative GOT_PREL words).
 *
 * Before glibc 2.34 (COMPAT_CSU_START) init/fini are __libc_csu_init and
 * __libc_csu_fini from our libc_nonshared.a, which the old
 * __libc_start_main calls to run the executable's initialisers; from 2.34
 * they are NULL.
 *
 * On entry (process start): sp points at argc, then argv[], NULL, envp[],
 * NULL, auxv; r0 holds a function the dynamic linker wants registered with
 * atexit (or 0).
 *
 * __libc_start_main(main, argc, argv, init, fini,  rtld_fini, stack_end)
 *                   r0    r1    r2    r3    [sp]   [sp+4]     [sp+8]
 */
	.syntax unified
	.arm
	.text
	.p2align 2
	.globl _start
	.type _start, %function
_start:
	.fnstart
	.cantunwind                 /* outermost frame: unwinders stop here */
	mov	fp, #0
	mov	lr, #0
	pop	{r1}                /* argc */
	mov	r2, sp              /* argv */
	push	{r2}                /* stack_end */
	push	{r0}                /* rtld_fini */
#if defined(COMPAT_CSU_START)
	ldr	ip, .Lfini_got
.Lfini_pc:
	ldr	ip, [pc, ip]
	push	{ip}                /* fini */
	ldr	r3, .Linit_got
.Linit_pc:
	ldr	r3, [pc, r3]        /* init */
#else
	mov	ip, #0
	push	{ip}                /* fini = NULL */
	mov	r3, #0              /* init = NULL */
#endif
	ldr	r0, .Lmain_got
.Lmain_pc:
	ldr	r0, [pc, r0]        /* main */
	bl	__libc_start_main
	bl	abort               /* __libc_start_main never returns */

	.p2align 2
/* GOT slot address minus the pc the load reads (its own address + 8). */
.Lmain_got:
	.word	main(GOT_PREL) + (. - (.Lmain_pc + 8))
#if defined(COMPAT_CSU_START)
.Lfini_got:
	.word	__libc_csu_fini(GOT_PREL) + (. - (.Lfini_pc + 8))
.Linit_got:
	.word	__libc_csu_init(GOT_PREL) + (. - (.Linit_pc + 8))
#endif
	.fnend
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
