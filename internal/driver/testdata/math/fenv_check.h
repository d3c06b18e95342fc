/* fegetmode, fesetmode, fesetexcept, fetestexceptflag (glibc 2.25):
 * lines "fenv <step> 0 <values...> 0 0" for math_test.go to compare. */
typedef struct {
	unsigned short cw, reserved;
	unsigned int mxcsr;
} check_femode;
extern int fegetmode(check_femode *);
extern int fesetmode(const check_femode *);
extern int fesetexcept(int);
extern int fetestexceptflag(const unsigned short *, int);

static unsigned int get_mxcsr(void)
{
	unsigned int m;
	__asm__ __volatile__("stmxcsr %0" : "=m"(m));
	return m;
}
static unsigned short get_cw(void)
{
	unsigned short c;
	__asm__ __volatile__("fnstcw %0" : "=m"(c));
	return c;
}

static void fenv_check(void)
{
	check_femode saved, dfl, m;
	int step = 0;
	feclearexcept(FE_ALL_EXCEPT);
	int r = fegetmode(&saved);
	printf("fenv %d 0 %d %04x %08x 0 0\n", step++, r, saved.cw, saved.mxcsr);
	fesetround(FE_UPWARD);
	fesetexcept(FE_INEXACT | FE_UNDERFLOW);
	r = fegetmode(&m);
	printf("fenv %d 0 %d %04x %08x %x 0\n", step++, r, m.cw, m.mxcsr, fetestexcept(FE_ALL_EXCEPT));
	/* back to the saved modes: the rounding direction returns, the raised
	 * flags stay */
	r = fesetmode(&saved);
	printf("fenv %d 0 %d %04x %08x %d %x 0 0\n", step++, r, get_cw(), get_mxcsr(), fegetround(), fetestexcept(FE_ALL_EXCEPT));
	fesetround(FE_DOWNWARD);
	r = fesetmode((const check_femode *)-1L); /* FE_DFL_MODE */
	fegetmode(&dfl);
	printf("fenv %d 0 %d %04x %08x %d %x 0 0\n", step++, r, dfl.cw, dfl.mxcsr, fegetround(), fetestexcept(FE_ALL_EXCEPT));
	feclearexcept(FE_ALL_EXCEPT);
	for (int e = 0; e <= FE_ALL_EXCEPT; e++) {
		feclearexcept(FE_ALL_EXCEPT);
		r = fesetexcept(e);
		unsigned short flag = (unsigned short)(e ^ 0x15);
		printf("fenv %d 0 %d %x %d %d 0 0\n", step++, r, fetestexcept(FE_ALL_EXCEPT),
		       fetestexceptflag(&flag, FE_ALL_EXCEPT), fetestexceptflag(&flag, e & 0x0c));
	}
	feclearexcept(FE_ALL_EXCEPT);
	fesetround(FE_TONEAREST);
}
