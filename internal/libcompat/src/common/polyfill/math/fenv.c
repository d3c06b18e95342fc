/* Floating-point control modes and exception flags (glibc 2.25):
 * fegetmode, fesetmode, fesetexcept, fetestexceptflag, as glibc does them
 * on x86_64. femode_t is {x87 control word, reserved, MXCSR};
 * FE_DFL_MODE is (const femode_t *)-1. */
#include "m.h"

struct compat_femode {
	unsigned short control_word;
	unsigned short reserved;
	unsigned int mxcsr;
};

/* The SSE exception flags and the x86 "denormal operand" flag. */
#define X86_EXCEPT_BITS (FE_ALL_EXCEPT | 0x02)
#define X87_DEFAULT_CW 0x037f

COMPAT_HIDDEN int fegetmode(struct compat_femode *modep)
{
	__asm__ __volatile__("fnstcw %0" : "=m"(modep->control_word));
	__asm__ __volatile__("stmxcsr %0" : "=m"(modep->mxcsr));
	return 0;
}

/* Installs the rounding directions, exception masks and other control bits
 * of *modep (or the defaults), keeping the raised exception flags. */
COMPAT_HIDDEN int fesetmode(const struct compat_femode *modep)
{
	unsigned int mxcsr;
	unsigned short cw;

	__asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
	mxcsr &= X86_EXCEPT_BITS;
	if (modep == (const struct compat_femode *)-1L) {
		cw = X87_DEFAULT_CW;
		mxcsr |= X86_EXCEPT_BITS << 7; /* every exception masked */
	} else {
		cw = modep->control_word;
		mxcsr |= modep->mxcsr & ~X86_EXCEPT_BITS;
	}
	__asm__ __volatile__("fldcw %0" : : "m"(cw));
	__asm__ __volatile__("ldmxcsr %0" : : "m"(mxcsr));
	return 0;
}

/* Sets exception flags (in MXCSR) without raising them: no trap runs. */
COMPAT_HIDDEN int fesetexcept(int excepts)
{
	unsigned int mxcsr;

	__asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
	mxcsr |= (unsigned int)(excepts & FE_ALL_EXCEPT);
	__asm__ __volatile__("ldmxcsr %0" : : "m"(mxcsr));
	return 0;
}

/* fexcept_t is the flag bits fegetexceptflag stored. */
COMPAT_HIDDEN int fetestexceptflag(const unsigned short *flagp, int excepts)
{
	return *flagp & excepts & FE_ALL_EXCEPT;
}
