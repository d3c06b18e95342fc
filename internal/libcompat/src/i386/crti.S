/* Prologues of _init and _fini (crti.o); the .init/.fini sections of the
 * objects between crti.o and crtn.o are concatenated into their bodies,
 * crtn.o supplies the epilogues. 12 bytes realign the stack to 16 after
 * the call's return address. */
#include "asm.h"

	.section .init, "ax", @progbits
	.p2align 2
	.globl _init
	.hidden _init
	.type _init, @function
_init:
	COMPAT_ENDBR
	subl	$12, %esp

	.section .fini, "ax", @progbits
	.p2align 2
	.globl _fini
	.hidden _fini
	.type _fini, @function
_fini:
	COMPAT_ENDBR
	subl	$12, %esp

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
