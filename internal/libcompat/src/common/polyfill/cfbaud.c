/* A termios structure's line speeds as numbers of bits per second, as
 * glibc 2.42 has them:
 *  - cfgetibaud, cfgetobaud, cfsetbaud, cfsetibaud, cfsetobaud (new in
 *    2.42, catalogue/libc.tsv);
 *  - cfgetispeed, cfgetospeed, cfsetispeed, cfsetospeed, cfsetspeed in the
 *    form 2.42's headers declare, where speed_t is that number (B9600 is
 *    9600); older headers' Bxxx are c_cflag codes (B9600 is 015), which
 *    the older versions of these names take. abichange.go builds these
 *    for a program compiled with 2.42's headers and a target below 2.42.
 *
 * Like 2.42, each setter writes the number into c_ospeed/c_ispeed and its
 * code into c_cflag's CBAUD/CIBAUD field; the getters read the code, so a
 * structure filled by the target's tcgetattr (which sets c_cflag only)
 * reads right. The target's tcsetattr passes c_cflag to the kernel, which
 * takes split input and output speeds from CBAUD and CIBAUD: every Bxxx
 * rate is set as 2.42 would set it. Other rates fail with EINVAL (2.42
 * takes any rate, through the kernel's termios2, which the target's
 * tcsetattr does not use). An input speed of 0 means "as the output", as
 * POSIX has it: the kernel reads a clear CIBAUD that way, and so does
 * cfgetispeed here for a structure from tcgetattr, as 2.42's tcgetattr
 * makes it; after cfsetispeed(t, 0) it reads 0, as in 2.42.
 *
 * One archive member (cfbaud) for the ten; each is compiled in only where
 * the target lacks it in the form wanted (COMPAT_OBJ_<name>). */
#include <errno.h>
#include "compat.h"

#define CBAUD   COMPAT_TERMIOS_CBAUD
#define CIBAUD  COMPAT_TERMIOS_CIBAUD
#define IBSHIFT COMPAT_TERMIOS_IBSHIFT
#define NO_CODE (~0u)

struct compat_termios {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
#if COMPAT_TERMIOS_C_LINE_FIRST
	unsigned char c_line;
	unsigned char c_cc[COMPAT_TERMIOS_NCCS];
#else
	unsigned char c_cc[COMPAT_TERMIOS_NCCS];
	unsigned char c_line;
#endif
	unsigned int c_ispeed, c_ospeed;
};

/* Linux's Bxxx codes and their rates: B0-B38400 are 0-017 on every
 * architecture, the higher rates count up from B57600 (arch.h). */
#define HI(i) (COMPAT_TERMIOS_B57600 + (i))
static const struct {
	unsigned int code, rate;
} compat_speeds[] = {
	{0000000, 0}, {0000001, 50}, {0000002, 75}, {0000003, 110}, {0000004, 134}, {0000005, 150},
	{0000006, 200}, {0000007, 300}, {0000010, 600}, {0000011, 1200}, {0000012, 1800}, {0000013, 2400},
	{0000014, 4800}, {0000015, 9600}, {0000016, 19200}, {0000017, 38400}, {HI(0), 57600},
	{HI(1), 115200}, {HI(2), 230400}, {HI(3), 460800}, {HI(4), 500000}, {HI(5), 576000},
	{HI(6), 921600}, {HI(7), 1000000}, {HI(8), 1152000}, {HI(9), 1500000}, {HI(10), 2000000},
	{HI(11), 2500000}, {HI(12), 3000000}, {HI(13), 3500000}, {HI(14), 4000000},
};
#define COMPAT_NSPEEDS (sizeof compat_speeds / sizeof compat_speeds[0])

/* The rate of code, or NO_CODE for a code without one (BOTHER). */
static __attribute__((unused)) unsigned int compat_rate(unsigned int code)
{
	for (unsigned int i = 0; i < COMPAT_NSPEEDS; i++)
		if (compat_speeds[i].code == code)
			return compat_speeds[i].rate;
	return NO_CODE;
}

/* The code of rate, or NO_CODE (errno EINVAL) when there is none. */
static __attribute__((unused)) unsigned int compat_code(unsigned int rate)
{
	for (unsigned int i = 0; i < COMPAT_NSPEEDS; i++)
		if (compat_speeds[i].rate == rate)
			return compat_speeds[i].code;
	errno = EINVAL;
	return NO_CODE;
}

static __attribute__((unused)) unsigned int compat_ospeed(const struct compat_termios *t)
{
	unsigned int rate = compat_rate(t->c_cflag & CBAUD);
	return rate != NO_CODE ? rate : t->c_ospeed;
}

static __attribute__((unused)) unsigned int compat_ispeed(const struct compat_termios *t)
{
	unsigned int code = (t->c_cflag & CIBAUD) >> IBSHIFT;
	if (code != 0) {
		unsigned int rate = compat_rate(code);
		return rate != NO_CODE ? rate : t->c_ispeed;
	}
	/* Set to 0 (here, or by the older cfsetispeed's IBAUD0 mark), or "as
	 * the output" (tcgetattr's c_ispeed is the output's code). */
	if (t->c_ispeed == 0 || (t->c_iflag & COMPAT_TERMIOS_IBAUD0))
		return 0;
	return compat_ospeed(t);
}

static __attribute__((unused)) int compat_set_ospeed(struct compat_termios *t, unsigned int rate)
{
	unsigned int code = compat_code(rate);
	if (code == NO_CODE)
		return -1;
	t->c_ospeed = rate;
	t->c_cflag = (t->c_cflag & ~CBAUD) | code;
	return 0;
}

static __attribute__((unused)) int compat_set_ispeed(struct compat_termios *t, unsigned int rate)
{
	unsigned int code = compat_code(rate);
	if (code == NO_CODE)
		return -1;
	t->c_ispeed = rate;
	t->c_cflag = (t->c_cflag & ~CIBAUD) | code << IBSHIFT;
	t->c_iflag &= ~COMPAT_TERMIOS_IBAUD0;
	return 0;
}

static __attribute__((unused)) int compat_set_speed(struct compat_termios *t, unsigned int rate)
{
	if (compat_code(rate) == NO_CODE)
		return -1;
	compat_set_ospeed(t, rate);
	return compat_set_ispeed(t, rate);
}

#define GETTER(name, how) \
	COMPAT_HIDDEN unsigned int name(const struct compat_termios *t) { return how(t); }
#define SETTER(name, how) \
	COMPAT_HIDDEN int name(struct compat_termios *t, unsigned int rate) { return how(t, rate); }

#ifdef COMPAT_OBJ_cfgetobaud
GETTER(cfgetobaud, compat_ospeed)
#endif
#ifdef COMPAT_OBJ_cfgetibaud
GETTER(cfgetibaud, compat_ispeed)
#endif
#ifdef COMPAT_OBJ_cfsetobaud
SETTER(cfsetobaud, compat_set_ospeed)
#endif
#ifdef COMPAT_OBJ_cfsetibaud
SETTER(cfsetibaud, compat_set_ispeed)
#endif
#ifdef COMPAT_OBJ_cfsetbaud
SETTER(cfsetbaud, compat_set_speed)
#endif

/* Built only where the program calls the numeric form (its headers are
 * 2.42's or newer) and the target has only the code form. */
#if COMPAT_FORM_TERMIOS_BAUD
#ifdef COMPAT_OBJ_cfgetospeed
GETTER(cfgetospeed, compat_ospeed)
#endif
#ifdef COMPAT_OBJ_cfgetispeed
GETTER(cfgetispeed, compat_ispeed)
#endif
#ifdef COMPAT_OBJ_cfsetospeed
SETTER(cfsetospeed, compat_set_ospeed)
#endif
#ifdef COMPAT_OBJ_cfsetispeed
SETTER(cfsetispeed, compat_set_ispeed)
#endif
#ifdef COMPAT_OBJ_cfsetspeed
SETTER(cfsetspeed, compat_set_speed)
#endif
#endif
