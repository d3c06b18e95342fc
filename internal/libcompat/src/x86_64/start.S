/* Program entry point for x86_64 executables: Scrt1.o, and crt1.o too.
 * The code is position independent, which a non-PIE executable links as
 * well (ld resolves the GOT references at link time).
 *
 * Two calling conventions of __libc_start_main exist, chosen by the target
 * glibc release (the Go side defines COMPAT_CSU_START for targets < 2.34):
 *
 *   < 2.34: init/fini are __libc_csu_init/__libc_csu_fini from our
 *           libc_nonshared.a. The old libc calls init, and that is what runs
 *           the executable's .preinit_array, _init and .init_array.
 *   >= 2.34: init/fini are NULL; __libc_start_main@GLIBC_2.34 runs the
 *           executable's arrays itself.
 *
 * On entry (SysV x86_64 psABI, process start): %rsp points at argc, followed
 * by argv[], NULL, envp[], NULL, auxv; %rdx holds a function the dynamic
 * linker wants registered with atexit (or 0).
 *
 * __libc_start_main(main, argc, argv, init, fini, rtld_fini, stack_end)
 *                   rdi   rsi   rdx   rcx   r8    r9         stack
 */
#include "asm.h"

#ifndef COMPAT_KERNEL_MAJOR
# define COMPAT_KERNEL_MAJOR 3
# define COMPAT_KERNEL_MINOR 2
# define COMPAT_KERNEL_PATCH 0
#endif

	.text
	.p2align 4
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined rip         /* outermost frame: unwinders stop here */
	COMPAT_ENDBR
	xorl	%ebp, %ebp          /* no caller frame */
	movq	%rdx, %r9           /* rtld_fini */
	popq	%rsi                /* argc */
	movq	%rsp, %rdx          /* argv */
	andq	$-16, %rsp          /* the call below needs a 16-byte aligned stack */
	pushq	%rax                /* filler, keeps the alignment after the next push */
	pushq	%rsp                /* stack_end, 7th argument */
#if defined(COMPAT_CSU_START)
	movq	__libc_csu_fini@GOTPCREL(%rip), %r8
	movq	__libc_csu_init@GOTPCREL(%rip), %rcx
#else
	xorl	%r8d, %r8d          /* fini = NULL */
	xorl	%ecx, %ecx          /* init = NULL */
#endif
	movq	main@GOTPCREL(%rip), %rdi
	call	*__libc_start_main@GOTPCREL(%rip)
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

/* Conventional marker at the start of the data segment. */
	.data
	.globl __data_start
	.type __data_start, @object
	.size __data_start, 4
__data_start:
	.long 0
	.weak data_start
	.set data_start, __data_start

#if defined(COMPAT_GPROF)
/* gcrt1.o, the start file of programs built with -pg: crti.o's _init calls
 * __gmon_start__ when it is defined, which starts gprof's sampling over the
 * program's text and has the profile written (gmon.out) at exit. Called
 * once; __monstartup, _mcleanup (libc) and atexit (libc_nonshared.a) are in
 * every target. */
	.text
	.p2align 4
	.globl __gmon_start__
	.type __gmon_start__, @function
__gmon_start__:
	.cfi_startproc
	COMPAT_ENDBR
	cmpb	$0, compat_gmon_started(%rip)
	jne	1f
	movb	$1, compat_gmon_started(%rip)
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	leaq	__executable_start(%rip), %rdi
	leaq	etext(%rip), %rsi
	call	__monstartup@PLT
	movq	_mcleanup@GOTPCREL(%rip), %rdi
	call	atexit@PLT
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
1:	ret
	.cfi_endproc
	.size __gmon_start__, . - __gmon_start__

	.local compat_gmon_started
	.comm compat_gmon_started, 1, 1
#endif

#include "startnote.h"

/* ELF note naming the minimum Linux kernel the target glibc supports. */
	.section .note.ABI-tag, "a", @note
	.p2align 2
	.long 4                     /* n_namesz */
	.long 16                    /* n_descsz */
	.long 1                     /* NT_GNU_ABI_TAG */
	.asciz "GNU"
	.long 0                     /* ELF_NOTE_OS_LINUX */
	.long COMPAT_KERNEL_MAJOR, COMPAT_KERNEL_MINOR, COMPAT_KERNEL_PATCH

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
