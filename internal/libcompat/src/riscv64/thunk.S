/* An alias entry of the catalogue: COMPAT_THUNK_NAME, hidden in the module
 * it is linked into, is a tail call of COMPAT_THUNK_TARGET, an older symbol
 * with the same ABI; arguments and the return pass through untouched. */
	.text
	.p2align 1
	.globl COMPAT_THUNK_NAME
	.hidden COMPAT_THUNK_NAME
	.type COMPAT_THUNK_NAME, @function
COMPAT_THUNK_NAME:
	tail	COMPAT_THUNK_TARGET
	.size COMPAT_THUNK_NAME, . - COMPAT_THUNK_NAME

	.section .note.GNU-stack, "", @progbits
