/* Shared by the polyfill test programs: print facts, one line per check,
 * so that the expected output spells out the behaviour being proved. */
#ifndef POLYFILL_CHECK_H
#define POLYFILL_CHECK_H

#include <errno.h>
#include <stdio.h>

/* errno as a name, so outputs do not depend on numbering. */
static __attribute__((unused)) const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "0";
	case EBADF: return "EBADF";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case EIO: return "EIO";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	case ENOSYS: return "ENOSYS";
	case EPERM: return "EPERM";
	case ERANGE: return "ERANGE";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

/* RESULT(call) is the outcome of call as text: its value, or "-1 ENAME"
 * when it fails. errno is read right after the call (printf's arguments
 * are evaluated in no fixed order, so it cannot be read there). */
#define RESULT(call)                                     \
	({                                               \
		errno = 0;                               \
		long long v_ = (long long)(call);        \
		int e_ = errno;                          \
		result_(v_, e_);                         \
	})

static __attribute__((unused)) const char *result_(long long v, int e)
{
	static char bufs[4][64];
	static int next;
	char *b = bufs[next++ % 4];

	if (v == -1)
		snprintf(b, sizeof bufs[0], "-1 %s", errname(e));
	else
		snprintf(b, sizeof bufs[0], "%lld", v);
	return b;
}

#endif
