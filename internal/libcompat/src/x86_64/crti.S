/* Prologues of _init and _fini (crti.o). The .init/.fini sections of all
 * objects between crti.o and crtn.o are concatenated into the bodies of these
 * two functions; crtn.o supplies the epilogues. */
#include "asm.h"

	.weak __gmon_start__        /* defined only when profiling (gcrt1.o) */

	.section .init, "ax", @progbits
	.p2align 2
	.globl _init
	.hidden _init
	.type _init, @function
_init:
	COMPAT_ENDBR
	subq	$8, %rsp                        /* realign the stack to 16 bytes */
	movq	__gmon_start__@GOTPCREL(%rip), %rax
	testq	%rax, %rax
	je	.Lcompat_no_gmon
	call	*%rax
.Lcompat_no_gmon:
	/* falls through into the .init contributions of other objects */

	.section .fini, "ax", @progbits
	.p2align 2
	.globl _fini
	.hidden _fini
	.type _fini, @function
_fini:
	COMPAT_ENDBR
	subq	$8, %rsp

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
