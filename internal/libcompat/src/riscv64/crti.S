/* Prologues of _init and _fini (crti.o); the .init/.fini sections of the
 * objects between crti.o and crtn.o are concatenated into their bodies,
 * crtn.o supplies the epilogues. */
	.section .init, "ax", @progbits
	.p2align 1
	.globl _init
	.hidden _init
	.type _init, @function
_init:
	addi	sp, sp, -16
	sd	ra, 8(sp)

	.section .fini, "ax", @progbits
	.p2align 1
	.globl _fini
	.hidden _fini
	.type _fini, @function
_fini:
	addi	sp, sp, -16
	sd	ra, 8(sp)

	.section .note.GNU-stack, "", @progbits
