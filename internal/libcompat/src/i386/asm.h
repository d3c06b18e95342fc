/* Helpers shared by the i386 start files. */
#ifndef COMPAT_ASM_H
#define COMPAT_ASM_H

/* With -fcf-protection the compiler defines __CET__ (bit 0: IBT, bit 1:
 * shadow stack); every input of a link must carry the matching GNU property
 * note or the output loses the marking, so the start files follow it. */
#if defined(__CET__) && (__CET__ & 1)
# define COMPAT_ENDBR endbr32
#else
# define COMPAT_ENDBR
#endif

#if defined(__CET__)
# define COMPAT_GNU_PROPERTY                                   \
	.pushsection .note.gnu.property, "a", @note;            \
	.p2align 2;                                             \
	.long 4;           /* n_namesz */                       \
	.long 12;          /* n_descsz */                       \
	.long 5;           /* NT_GNU_PROPERTY_TYPE_0 */         \
	.asciz "GNU";                                           \
	.long 0xc0000002;  /* GNU_PROPERTY_X86_FEATURE_1_AND */ \
	.long 4;           /* pr_datasz */                      \
	.long (__CET__ & 3);                                    \
	.popsection
#else
# define COMPAT_GNU_PROPERTY
#endif

#define COMPAT_NOEXECSTACK .section .note.GNU-stack, "", @progbits

#endif
