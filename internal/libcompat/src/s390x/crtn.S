/* Epilogues of _init and _fini (crtn.o); see crti.S. */
	.section .init, "ax", @progbits
	lmg	%r6, %r15, 208(%r15)
	br	%r14

	.section .fini, "ax", @progbits
	lmg	%r6, %r15, 208(%r15)
	br	%r14

	.section .note.GNU-stack, "", @progbits
