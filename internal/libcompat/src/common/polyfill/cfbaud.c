/* cfgetibaud, cfgetobaud, cfsetbaud, cfsetibaud, cfsetobaud (glibc 2.42):
 * a termios structure's line speed as a number of bits per second rather
 * than a Bxxx code. Older glibc's tcsetattr can set only the Bxxx speeds,
 * so these convert through that table: a rate without a code fails with
 * EINVAL (glibc 2.42 itself takes any rate), a code without a rate reads
 * as 0. An input rate of 0 means "same as output", as cfsetispeed's B0.
 *
 * One archive member (cfbaud) for the five; each is compiled in only where
 * the target lacks it (COMPAT_OBJ_<name>). */
#include <errno.h>
#include "compat.h"

struct compat_termios;
extern unsigned int cfgetispeed(const struct compat_termios *t);
extern unsigned int cfgetospeed(const struct compat_termios *t);
extern int cfsetispeed(struct compat_termios *t, unsigned int code);
extern int cfsetospeed(struct compat_termios *t, unsigned int code);
extern int cfsetspeed(struct compat_termios *t, unsigned int code);

/* Linux's Bxxx codes (asm-generic/termbits.h) and their rates. */
static const struct {
	unsigned int code, rate;
} compat_speeds[] = {
	{0000000, 0}, {0000001, 50}, {0000002, 75}, {0000003, 110}, {0000004, 134}, {0000005, 150},
	{0000006, 200}, {0000007, 300}, {0000010, 600}, {0000011, 1200}, {0000012, 1800}, {0000013, 2400},
	{0000014, 4800}, {0000015, 9600}, {0000016, 19200}, {0000017, 38400}, {0010001, 57600},
	{0010002, 115200}, {0010003, 230400}, {0010004, 460800}, {0010005, 500000}, {0010006, 576000},
	{0010007, 921600}, {0010010, 1000000}, {0010011, 1152000}, {0010012, 1500000}, {0010013, 2000000},
	{0010014, 2500000}, {0010015, 3000000}, {0010016, 3500000}, {0010017, 4000000},
};
#define COMPAT_NSPEEDS (sizeof compat_speeds / sizeof compat_speeds[0])

static __attribute__((unused)) unsigned int compat_rate(unsigned int code)
{
	for (unsigned int i = 0; i < COMPAT_NSPEEDS; i++)
		if (compat_speeds[i].code == code)
			return compat_speeds[i].rate;
	return 0;
}

/* The code for rate, or ~0u (errno EINVAL) when there is none. */
static __attribute__((unused)) unsigned int compat_code(unsigned int rate)
{
	for (unsigned int i = 0; i < COMPAT_NSPEEDS; i++)
		if (compat_speeds[i].rate == rate)
			return compat_speeds[i].code;
	errno = EINVAL;
	return ~0u;
}

#ifdef COMPAT_OBJ_cfgetibaud
COMPAT_HIDDEN unsigned int cfgetibaud(const struct compat_termios *t)
{
	return compat_rate(cfgetispeed(t));
}
#endif

#ifdef COMPAT_OBJ_cfgetobaud
COMPAT_HIDDEN unsigned int cfgetobaud(const struct compat_termios *t)
{
	return compat_rate(cfgetospeed(t));
}
#endif

#ifdef COMPAT_OBJ_cfsetibaud
COMPAT_HIDDEN int cfsetibaud(struct compat_termios *t, unsigned int rate)
{
	unsigned int code = compat_code(rate);
	return code == ~0u ? -1 : cfsetispeed(t, code);
}
#endif

#ifdef COMPAT_OBJ_cfsetobaud
COMPAT_HIDDEN int cfsetobaud(struct compat_termios *t, unsigned int rate)
{
	unsigned int code = compat_code(rate);
	return code == ~0u ? -1 : cfsetospeed(t, code);
}
#endif

#ifdef COMPAT_OBJ_cfsetbaud
COMPAT_HIDDEN int cfsetbaud(struct compat_termios *t, unsigned int rate)
{
	unsigned int code = compat_code(rate);
	return code == ~0u ? -1 : cfsetspeed(t, code);
}
#endif
