/* Helpers shared by the x86_64 start files. */
#ifndef COMPAT_ASM_H
#define COMPAT_ASM_H

/* When the user's compiler builds with -fcf-protection it defines __CET__
 * (bit 0: IBT, bit 1: shadow stack). Every input object of a link must carry
 * the matching GNU property note or the output loses the marking, so the start
 * files follow the compiler's setting. */
#if defined(__CET__) && (__CET__ & 1)
# define COMPAT_ENDBR endbr64
#else
# define COMPAT_ENDBR
#endif

#if defined(__CET__)
# define COMPAT_GNU_PROPERTY                                   \
	.pushsection .note.gnu.property, "a", @note;            \
	.p2align 3;                                             \
	.long 4;           /* n_namesz */                       \
	.long 16;          /* n_descsz */                       \
	.long 5;           /* NT_GNU_PROPERTY_TYPE_0 */         \
	.asciz "GNU";                                           \
	.long 0xc0000002;  /* GNU_PROPERTY_X86_FEATURE_1_AND */ \
	.long 4;           /* pr_datasz */                      \
	.long (__CET__ & 3);                                    \
	.p2align 3;                                             \
	.popsection
#else
# define COMPAT_GNU_PROPERTY
#endif

/* No object of ours needs an executable stack. */
#define COMPAT_NOEXECSTACK .section .note.GNU-stack, "", @progbits

#endif
