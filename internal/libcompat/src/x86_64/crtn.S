/* Epilogues of _init and _fini (crtn.o); see crti.S. */
#include "asm.h"

	.section .init, "ax", @progbits
	addq	$8, %rsp
	ret

	.section .fini, "ax", @progbits
	addq	$8, %rsp
	ret

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
