/* Epilogues of _init and _fini (crtn.o); see crti.S. */
	.abiversion 2
	.section .init, "ax", @progbits
	addi	1, 1, 32
	ld	0, 16(1)
	mtlr	0
	blr

	.section .fini, "ax", @progbits
	addi	1, 1, 32
	ld	0, 16(1)
	mtlr	0
	blr

	.section .note.GNU-stack, "", @progbits
