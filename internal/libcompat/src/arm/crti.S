/* Prologues of _init and _fini (crti.o), in ARM state; the .init/.fini
 * sections of the objects between crti.o and crtn.o are concatenated into
 * their bodies, crtn.o supplies the epilogues. r3 is pushed with lr only
 * to keep the stack 8-byte aligned, as AAPCS requires at calls. */
	.syntax unified
	.arm
	.section .init, "ax", %progbits
	.p2align 2
	.globl _init
	.hidden _init
	.type _init, %function
_init:
	push	{r3, lr}

	.section .fini, "ax", %progbits
	.p2align 2
	.globl _fini
	.hidden _fini
	.type _fini, %function
_fini:
	push	{r3, lr}

	.section .note.GNU-stack, "", %progbits
