/* Prologues of _init and _fini (crti.o); the .init/.fini sections of the
 * objects between crti.o and crtn.o are concatenated into their bodies,
 * crtn.o supplies the epilogues: save the call-saved registers in the
 * caller's save area, open a 160-byte frame with its back chain. */
	.section .init, "ax", @progbits
	.p2align 2
	.globl _init
	.hidden _init
	.type _init, @function
_init:
	stmg	%r6, %r15, 48(%r15)
	lgr	%r1, %r15
	aghi	%r15, -160
	stg	%r1, 0(%r15)

	.section .fini, "ax", @progbits
	.p2align 2
	.globl _fini
	.hidden _fini
	.type _fini, @function
_fini:
	stmg	%r6, %r15, 48(%r15)
	lgr	%r1, %r15
	aghi	%r15, -160
	stg	%r1, 0(%r15)

	.section .note.GNU-stack, "", @progbits
