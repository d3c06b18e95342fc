/* Epilogues of _init and _fini (crtn.o); see crti.S. */
#include "asm.h"

	.section .init, "ax", @progbits
	addl	$12, %esp
	ret

	.section .fini, "ax", @progbits
	addl	$12, %esp
	ret

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
