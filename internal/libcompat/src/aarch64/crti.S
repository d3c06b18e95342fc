/* Prologues of _init and _fini (crti.o). The .init/.fini sections of all
 * objects between crti.o and crtn.o are concatenated into the bodies of
 * these two functions; crtn.o supplies the epilogues. */
	.section .init, "ax", %progbits
	.p2align 2
	.globl _init
	.hidden _init
	.type _init, %function
_init:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp

	.section .fini, "ax", %progbits
	.p2align 2
	.globl _fini
	.hidden _fini
	.type _fini, %function
_fini:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp

	.section .note.GNU-stack, "", %progbits
