/* Program entry point for i386 executables: Scrt1.o, and crt1.o too
 * (position independent: %ebx holds the GOT for the PLT call, and main and
 * the csu functions are read from their GOT slots).
 *
 * Before glibc 2.34 (COMPAT_CSU_START) init/fini are __libc_csu_init and
 * __libc_csu_fini from our libc_nonshared.a, which the old
 * __libc_start_main calls to run the executable's initialisers; from 2.34
 * they are NULL.
 *
 * On entry (i386 psABI, process start): %esp points at argc, then argv[],
 * NULL, envp[], NULL, auxv; %edx holds a function the dynamic linker wants
 * registered with atexit (or 0).
 *
 * __libc_start_main(main, argc, argv, init, fini, rtld_fini, stack_end),
 * all arguments on the stack, which must be 16-byte aligned at the call.
 */
#include "asm.h"

	.text
	.p2align 4
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined eip         /* outermost frame: unwinders stop here */
	COMPAT_ENDBR
	xorl	%ebp, %ebp          /* no caller frame */
	popl	%esi                /* argc */
	movl	%esp, %ecx          /* argv */
	andl	$-16, %esp
	pushl	%eax                /* filler: eight pushes keep the alignment */
	pushl	%esp                /* stack_end */
	pushl	%edx                /* rtld_fini */
	call	1f
1:	popl	%ebx
	addl	$_GLOBAL_OFFSET_TABLE_+[.-1b], %ebx
#if defined(COMPAT_CSU_START)
	pushl	__libc_csu_fini@GOT(%ebx)
	pushl	__libc_csu_init@GOT(%ebx)
#else
	pushl	$0                  /* fini = NULL */
	pushl	$0                  /* init = NULL */
#endif
	pushl	%ecx                /* argv */
	pushl	%esi                /* argc */
	pushl	main@GOT(%ebx)
	call	__libc_start_main@PLT
	hlt                         /* __libc_start_main never returns */
	.cfi_endproc
	.size _start, . - _start

/* libc inspects this to tell new-style stdio users from libio-1 ones. */
	.section .rodata.cst4, "aM", @progbits, 4
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

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
