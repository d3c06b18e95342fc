/* Program entry point for powerpc64le (ELFv2) executables: Scrt1.o, and
 * crt1.o too.
 *
 * glibc's powerpc __libc_start_main differs from the other ABIs: it takes
 * the entry registers as they are and a pointer to a "startup info" block
 * holding main, init and fini:
 *
 *   __libc_start_main(argc, argv, envp, auxv, rtld_fini, stinfo, stack_on_entry)
 *                     r3    r4    r5    r6    r7         r8      r9
 *   struct startup_info { void *sda_base; main; init; fini; }
 *
 * r3-r7 are set by the dynamic linker before it jumps here (with r12 = the
 * entry address, as ELFv2 requires at a global entry point). Before glibc
 * 2.34 (COMPAT_CSU_START) init/fini are __libc_csu_init and __libc_csu_fini
 * from our libc_nonshared.a; from 2.34 they are NULL.
 */
	.abiversion 2
	.text
	.p2align 4
	.globl _start
	.type _start, @function
_start:
0:	addis	2, 12, .TOC.-0b@ha  /* global entry: r2 = our TOC */
	addi	2, 2, .TOC.-0b@l
	.localentry _start, . - _start
	mr	9, 1                /* stack_on_entry */
	clrrdi	1, 1, 4             /* 16-byte aligned */
	li	0, 0
	stdu	1, -128(1)          /* minimal frame, ... */
	mtlr	0
	std	0, 0(1)             /* ... with a NULL back chain: outermost */
	addis	8, 2, .Lstartup_info@toc@ha
	addi	8, 8, .Lstartup_info@toc@l
	bl	__libc_start_main
	nop
	trap                        /* __libc_start_main never returns */
	.size _start, . - _start

	.section .data.rel.ro, "aw", @progbits
	.p2align 3
.Lstartup_info:
	.quad	0                   /* sda_base: unused on 64-bit */
	.quad	main
#if defined(COMPAT_CSU_START)
	.quad	__libc_csu_init
	.quad	__libc_csu_fini
#else
	.quad	0
	.quad	0
#endif

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
