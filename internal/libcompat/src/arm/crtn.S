/* Epilogues of _init and _fini (crtn.o); see crti.S. Popping into pc
 * returns to ARM or Thumb callers alike (ARMv5T and later). */
	.syntax unified
	.arm
	.section .init, "ax", %progbits
	pop	{r3, pc}

	.section .fini, "ax", %progbits
	pop	{r3, pc}

	.section .note.GNU-stack, "", %progbits
