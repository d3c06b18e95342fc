/* An alias entry of the catalogue: COMPAT_THUNK_NAME, hidden in the module
 * it is linked into, is a tail call of COMPAT_THUNK_TARGET, an older symbol
 * with the same ABI; arguments and the return pass through untouched. */
	.text
	.p2align 3
	.globl COMPAT_THUNK_NAME
	.hidden COMPAT_THUNK_NAME
	.type COMPAT_THUNK_NAME, @function
COMPAT_THUNK_NAME:
	jg	COMPAT_THUNK_TARGET@PLT
	.size COMPAT_THUNK_NAME, . - COMPAT_THUNK_NAME

	.section .note.GNU-stack, "", @progbits
