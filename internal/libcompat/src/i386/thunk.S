/* An alias entry of the catalogue: COMPAT_THUNK_NAME, hidden in the module
 * it is linked into, is a tail call of COMPAT_THUNK_TARGET, an older symbol
 * with the same ABI; arguments (on the stack) and the return pass through
 * untouched. A PIC caller called it as a PLT call, so %ebx holds this
 * module's GOT, which the PLT entry of the target needs. */
#include "asm.h"

	.text
	.p2align 4
	.globl COMPAT_THUNK_NAME
	.hidden COMPAT_THUNK_NAME
	.type COMPAT_THUNK_NAME, @function
COMPAT_THUNK_NAME:
	COMPAT_ENDBR
	jmp	COMPAT_THUNK_TARGET@PLT
	.size COMPAT_THUNK_NAME, . - COMPAT_THUNK_NAME

	COMPAT_GNU_PROPERTY
	COMPAT_NOEXECSTACK
