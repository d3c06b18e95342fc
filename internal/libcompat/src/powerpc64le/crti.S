/* Prologues of _init and _fini (crti.o); the .init/.fini sections of the
 * objects between crti.o and crtn.o are concatenated into their bodies,
 * crtn.o supplies the epilogues. They are called through a pointer, so r12
 * holds their address and the global entry sets up r2 (the TOC) for what
 * the bodies call. */
	.abiversion 2
	.section .init, "ax", @progbits
	.p2align 2
	.globl _init
	.hidden _init
	.type _init, @function
_init:
0:	addis	2, 12, .TOC.-0b@ha
	addi	2, 2, .TOC.-0b@l
	.localentry _init, . - _init
	mflr	0
	std	0, 16(1)
	stdu	1, -32(1)

	.section .fini, "ax", @progbits
	.p2align 2
	.globl _fini
	.hidden _fini
	.type _fini, @function
_fini:
0:	addis	2, 12, .TOC.-0b@ha
	addi	2, 2, .TOC.-0b@l
	.localentry _fini, . - _fini
	mflr	0
	std	0, 16(1)
	stdu	1, -32(1)

	.section .note.GNU-stack, "", @progbits
