/* __isoc23_*scanf (glibc 2.38): what <stdio.h> and <wchar.h> of glibc >= 2.38
 * call for sscanf, fscanf, scanf, swscanf, ... and their v* forms under
 * _GNU_SOURCE or C23 (g++ always defines _GNU_SOURCE).
 *
 * What C23 changed, as glibc implements it:
 *  - %i takes a "0b"/"0B" prefix and reads binary digits after it;
 *  - %b reads an unsigned binary integer, with an optional "0b"/"0B";
 *  - the length modifiers wN and wfN (glibc 2.39; N = 8, 16, 32, 64; any
 *    other N fails the call with errno EINVAL).
 * Everything else is what the __isoc99_* functions (glibc 2.7) do.
 *
 * Method. A format without %i, %b or wN goes to the __isoc99_ function
 * as it is. Any other is split at each %i, %b and %n: the pieces between go
 * to the __isoc99_ function with a trailing "%ln" that tells how much input
 * they consumed (at most 32 pointers per call, so long formats take several
 * calls), %b and %n are done here, and %i is done here only when the input
 * has a binary prefix at that point; otherwise it is handed to the C99
 * function, which then reads it exactly as glibc's C23 function would. Every
 * piece is rewritten with explicit argument numbers ("%3$d"), so formats
 * with %N$ arguments work too. The count of assignments and the EOF rule
 * (EOF only for an input failure before the first assignment) carry over
 * from piece to piece.
 *
 * Streams: the number is read with getc_unlocked/ungetc under flockfile.
 * Deciding whether %i has a binary prefix reads up to three characters
 * ("-0x") that are pushed back when it has not; glibc's ungetc keeps any
 * number of pushed-back characters (its own scanf pushes back several).
 *
 * "0b" not followed by a binary digit: glibc 2.38 to 2.41 reads the "0b" as
 * the number 0, like "0x" with %x (checked against Debian's 2.41); glibc's
 * sources after 2.41 make both a matching failure. The first call asks the
 * running glibc how it treats "0x" and does the same with "0b", so a
 * program behaves the same whether it runs on a glibc with or without
 * __isoc23_*scanf.
 *
 * Not reproduced: glibc returns EOF when allocating for %m fails even after
 * earlier assignments; here those assignments are counted. A format of
 * more than about 400 characters needs a buffer from malloc; without one
 * the call returns EOF with errno ENOMEM. %N$ with N above 4096 (glibc's
 * NL_ARGMAX) stops the call with errno EINVAL.
 *
 * Two archive members, the char functions and the wchar_t ones, each
 * reading a string or a stream (chosen at run time); each function is
 * compiled in only where the target lacks it (COMPAT_OBJ_<name>). No
 * <stdio.h>/<wchar.h>:
 * glibc >= 2.38 headers would redirect the C99 names to these very ones. */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include "compat.h"

#if defined(COMPAT_OBJ_isoc23_sscanf) || defined(COMPAT_OBJ_isoc23_vsscanf) || \
	defined(COMPAT_OBJ_isoc23_fscanf) || defined(COMPAT_OBJ_isoc23_scanf) || \
	defined(COMPAT_OBJ_isoc23_vfscanf) || defined(COMPAT_OBJ_isoc23_vscanf)
#define COMPAT_WIDE 0
#elif defined(COMPAT_OBJ_isoc23_swscanf) || defined(COMPAT_OBJ_isoc23_vswscanf) || \
	defined(COMPAT_OBJ_isoc23_fwscanf) || defined(COMPAT_OBJ_isoc23_wscanf) || \
	defined(COMPAT_OBJ_isoc23_vfwscanf) || defined(COMPAT_OBJ_isoc23_vwscanf)
#define COMPAT_WIDE 1
#else
#error "compile with -DCOMPAT_OBJ_isoc23_<function>"
#endif

struct _IO_FILE;
typedef struct _IO_FILE compat_FILE;

extern void *malloc(size_t n);
extern void free(void *p);
extern void flockfile(compat_FILE *f);
extern void funlockfile(compat_FILE *f);
extern compat_FILE *stdin;

#if COMPAT_WIDE
typedef wchar_t CH;
#define S_(s) L##s
#define CH_CODE(c) ((long)(unsigned int)(c))
extern int iswspace(__WINT_TYPE__ c);
#define IS_SPACE(c) iswspace((__WINT_TYPE__)(c))
extern int __isoc99_swscanf(const wchar_t *s, const wchar_t *fmt, ...);
extern int __isoc99_fwscanf(compat_FILE *f, const wchar_t *fmt, ...);
extern int __isoc99_vswscanf(const wchar_t *s, const wchar_t *fmt, va_list ap);
extern int __isoc99_vfwscanf(compat_FILE *f, const wchar_t *fmt, va_list ap);
extern __WINT_TYPE__ fgetwc_unlocked(compat_FILE *f);
extern __WINT_TYPE__ ungetwc(__WINT_TYPE__ c, compat_FILE *f);
#define C99_STR __isoc99_swscanf
#define C99_FILE __isoc99_fwscanf
#define C99_VSTR __isoc99_vswscanf
#define C99_VFILE __isoc99_vfwscanf
#else
typedef char CH;
#define S_(s) s
#define CH_CODE(c) ((long)(unsigned char)(c))
extern int isspace(int c);
#define IS_SPACE(c) isspace((int)(c))
extern int __isoc99_sscanf(const char *s, const char *fmt, ...);
extern int __isoc99_fscanf(compat_FILE *f, const char *fmt, ...);
extern int __isoc99_vsscanf(const char *s, const char *fmt, va_list ap);
extern int __isoc99_vfscanf(compat_FILE *f, const char *fmt, va_list ap);
extern int getc_unlocked(compat_FILE *f);
extern int ungetc(int c, compat_FILE *f);
#define C99_STR __isoc99_sscanf
#define C99_FILE __isoc99_fscanf
#define C99_VSTR __isoc99_vsscanf
#define C99_VFILE __isoc99_vfscanf
#endif

/* "0b"/"0x" with no digit after it: 1 = the number 0 (glibc <= 2.41),
 * 2 = a matching failure (later glibc). Asked once, then cached; a race
 * only repeats the same question. COMPAT_TEST_PREFIX_MODE fixes it for
 * tests. */
static int strict_prefix(void)
{
#ifdef COMPAT_TEST_PREFIX_MODE
	return COMPAT_TEST_PREFIX_MODE == 2;
#else
	static int mode;
	int m = __atomic_load_n(&mode, __ATOMIC_RELAXED);
	if (m == 0) {
		unsigned int x = 0;
		int saved = errno;
		m = C99_STR(S_("0x"), S_("%x"), &x) == 1 ? 1 : 2;
		errno = saved;
		__atomic_store_n(&mode, m, __ATOMIC_RELAXED);
	}
	return m == 2;
#endif
}

#include "isoc23_scanf_format.h"

/* The input: a string or a locked stream, and how much of it was read. */
struct input {
	const CH *s;
	compat_FILE *f;
	size_t pos;
};

static long in_get(struct input *in)
{
	long c;
	if (in->f != NULL) {
#if COMPAT_WIDE
		__WINT_TYPE__ w = fgetwc_unlocked(in->f);
		if (w == (__WINT_TYPE__)-1)
			return -1;
		c = (long)w;
#else
		c = getc_unlocked(in->f);
		if (c < 0)
			return -1;
#endif
	} else {
		c = CH_CODE(in->s[in->pos]);
		if (c == 0)
			return -1;
	}
	in->pos++;
	return c;
}

static void in_unget(struct input *in, long c)
{
	if (c < 0)
		return;
	in->pos--;
	if (in->f != NULL) {
#if COMPAT_WIDE
		ungetwc((__WINT_TYPE__)c, in->f);
#else
		ungetc((int)c, in->f);
#endif
	}
}

static void in_skip_space(struct input *in)
{
	long c;
	do
		c = in_get(in);
	while (c >= 0 && IS_SPACE(c));
	in_unget(in, c);
}

struct state {
	struct input *in;
	va_list *ap;
	void **args; /* positional: all pointers; else NULL */
	unsigned long seq;
	CH *buf;      /* the piece for the next C99 call */
	size_t blen;
	int spaces_only;
	void *ptrs[MAX_PTRS + 1];
	int nptrs;
	int done;   /* assignments so far */
	int result; /* the return value once finished */
};

static void *next_pointer(struct state *st, const struct spec *sp)
{
	if (!st->args)
		return va_arg(*st->ap, void *);
	if (sp->argpos)
		return st->args[sp->argpos - 1];
	return st->args[st->seq++];
}

/* White space in the format, as glibc sees it (a non-ASCII byte of a
 * narrow format starts a multibyte character, never white space). */
static int is_format_space(CH c)
{
	return IS_SPACE(CH_CODE(c)) && (COMPAT_WIDE || CH_CODE(c) < 0x80);
}

static void put(struct state *st, const CH *from, const CH *to)
{
	for (; from < to; from++) {
		if (!is_format_space(*from))
			st->spaces_only = 0;
		st->buf[st->blen++] = *from;
	}
}

static void put_char(struct state *st, CH c)
{
	st->buf[st->blen++] = c;
}

static void put_number(struct state *st, int n)
{
	if (n >= 10)
		put_char(st, (CH)('0' + n / 10));
	put_char(st, (CH)('0' + n % 10));
}

/* Append sp to the piece: "%", the pointer's number in this call (if
 * numbered and it takes one), then the rest with a wN modifier spelt the
 * C99 way. */
static void put_spec(struct state *st, const struct spec *sp, int numbered)
{
	st->spaces_only = 0;
	put_char(st, '%');
	if (numbered && takes_pointer(sp)) {
		put_number(st, st->nptrs + 1);
		put_char(st, '$');
		st->ptrs[st->nptrs++] = next_pointer(st, sp);
	}
	put(st, sp->body, sp->mod);
	if (sp->wbits) {
		if (sp->flags & F_CHAR) {
			put_char(st, 'h');
			put_char(st, 'h');
		} else if (sp->flags & F_SHORT) {
			put_char(st, 'h');
		} else if (sp->flags & F_LONG) {
			put_char(st, 'l');
			put_char(st, 'l');
		}
	} else {
		put(st, sp->mod, sp->modend);
	}
	put(st, sp->modend, sp->end);
}

static int c99_call(struct state *st)
{
	void **p = st->ptrs;
	st->buf[st->blen] = 0;
	if (st->in->f != NULL)
		return C99_FILE(st->in->f, st->buf, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7],
				p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17],
				p[18], p[19], p[20], p[21], p[22], p[23], p[24], p[25], p[26], p[27],
				p[28], p[29], p[30], p[31], p[32]);
	return C99_STR(st->in->s + st->in->pos, st->buf, p[0], p[1], p[2], p[3], p[4], p[5], p[6],
		       p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17],
		       p[18], p[19], p[20], p[21], p[22], p[23], p[24], p[25], p[26], p[27], p[28],
		       p[29], p[30], p[31], p[32]);
}

static int finish(struct state *st, int result)
{
	st->result = result;
	return 0;
}

static int input_failure(struct state *st)
{
	return finish(st, st->done ? st->done : -1);
}

/* Run the piece collected so far. more: the format goes on after it, so
 * learn how far it read. Returns 1 to go on, 0 when finished. */
static int run_piece(struct state *st, int more)
{
	long consumed = -1;
	int r;

	if (st->spaces_only) {
		/* Only white space, or nothing: skip white space in the input,
		 * as the C99 function would. */
		if (st->blen)
			in_skip_space(st->in);
		st->blen = 0;
		return more ? 1 : finish(st, st->done);
	}
	if (more) {
		put_char(st, '%');
		put_number(st, st->nptrs + 1);
		put_char(st, '$');
		put_char(st, 'l');
		put_char(st, 'n');
		st->ptrs[st->nptrs] = &consumed;
	}
	r = c99_call(st);
	st->ptrs[st->nptrs] = NULL;
	st->blen = 0;
	st->nptrs = 0;
	st->spaces_only = 1;
	if (r < 0)
		return input_failure(st);
	if (!more || consumed < 0)
		return finish(st, st->done + r);
	st->done += r;
	st->in->pos += (size_t)consumed;
	return 1;
}

static void store_signed(void *p, int flags, long v)
{
	if (flags & F_LONG)
		*(long *)p = v;
	else if (flags & F_SHORT)
		*(short *)p = (short)v;
	else if (flags & F_CHAR)
		*(signed char *)p = (signed char)v;
	else
		*(int *)p = (int)v;
}

static void store_unsigned(void *p, int flags, unsigned long v)
{
	if (flags & F_LONG)
		*(unsigned long *)p = v;
	else if (flags & F_SHORT)
		*(unsigned short *)p = (unsigned short)v;
	else if (flags & F_CHAR)
		*(unsigned char *)p = (unsigned char)v;
	else
		*(unsigned int *)p = (unsigned int)v;
}

/* %i with the C99 function: the input is where the number starts. */
static int delegate(struct state *st, const struct spec *sp)
{
	put_spec(st, sp, 1);
	return run_piece(st, 1);
}

/* %i or %b, following glibc's reading of integers: white space, a sign,
 * a base prefix, then digits, at most width characters after the white
 * space. */
static int scan_int(struct state *st, const struct spec *sp)
{
	struct input *in = st->in;
	int width = sp->width, neg = 0, digits = 0, overflow = 0;
	long c, c2, sign = -1;
	unsigned long mag = 0;

	do
		c = in_get(in);
	while (c >= 0 && IS_SPACE(c));
	if (c < 0)
		return input_failure(st);
	if (c == '-' || c == '+') {
		sign = c;
		neg = c == '-';
		if (width > 0)
			width--;
		c = in_get(in);
	}
	if (width != 0 && c == '0') {
		if (width > 0)
			width--;
		c2 = in_get(in);
		if (width != 0 && (c2 == 'b' || c2 == 'B')) {
			if (width > 0)
				width--;
			if (strict_prefix()) {
				if (width == 0)
					return finish(st, st->done);
			} else {
				digits = 1; /* the "0" */
			}
			c = in_get(in);
		} else if (sp->kind == K_I && c2 >= 0) {
			/* Octal, hexadecimal or just "0": C99's %i. */
			in_unget(in, c2);
			in_unget(in, '0');
			in_unget(in, sign);
			return delegate(st, sp);
		} else {
			/* %b, or %i at "0" and the end of the input. */
			digits = 1;
			c = c2;
		}
	} else if (sp->kind == K_I) {
		if (c < 0) /* a sign, then the end */
			return finish(st, st->done);
		in_unget(in, c);
		in_unget(in, sign);
		return delegate(st, sp);
	}
	while (c >= 0 && width != 0 && (c == '0' || c == '1')) {
		if (mag > ~0UL >> 1)
			overflow = 1;
		else
			mag = mag << 1 | (unsigned long)(c - '0');
		digits++;
		if (width > 0)
			width--;
		c = in_get(in);
	}
	in_unget(in, c);
	if (digits == 0)
		return finish(st, st->done);
	if (sp->flags & F_SUPPRESS)
		return 1;
	/* The value strtol (%i) or strtoul (%b) gives for these digits. */
	if (sp->kind == K_I) {
		unsigned long lim = neg ? (unsigned long)__LONG_MAX__ + 1 : __LONG_MAX__;
		long v;
		if (overflow || mag > lim) {
			errno = ERANGE;
			v = neg ? -__LONG_MAX__ - 1 : __LONG_MAX__;
		} else {
			v = (long)(neg ? 0UL - mag : mag);
		}
		store_signed(next_pointer(st, sp), sp->flags, v);
	} else {
		unsigned long v;
		if (overflow) {
			errno = ERANGE;
			v = ~0UL;
		} else {
			v = neg ? 0UL - mag : mag;
		}
		store_unsigned(next_pointer(st, sp), sp->flags, v);
	}
	st->done++;
	return 1;
}

static int scan_format(struct state *st, const CH *fmt)
{
	const CH *p = fmt, *q;
	struct spec sp;

	for (;;) {
		for (q = p; *q != 0 && *q != '%'; q++)
			;
		put(st, p, q);
		if (*q == 0)
			return run_piece(st, 0);
		parse_spec(q, &sp);
		p = sp.end;
		switch (sp.kind) {
		case K_PLAIN:
			if (takes_pointer(&sp) && st->nptrs == MAX_PTRS && !run_piece(st, 1))
				return 0;
			put_spec(st, &sp, 1);
			break;
		case K_STOP:
			/* The C99 function stops at the same place, after the
			 * same white space; glibc takes no argument for it. */
			put_spec(st, &sp, 0);
			return run_piece(st, 0);
		case K_FAIL:
			/* glibc fails before reading the white space the
			 * format has right before the spec. */
			while (st->blen > 0 && is_format_space(st->buf[st->blen - 1]))
				st->blen--;
			if (!run_piece(st, 1))
				return 0;
			errno = sp.err ? sp.err : EINVAL;
			return finish(st, st->done);
		case K_N:
			if (!run_piece(st, 1))
				return 0;
			if (!(sp.flags & F_SUPPRESS))
				store_signed(next_pointer(st, &sp), sp.flags, (long)st->in->pos);
			break;
		default: /* K_I, K_B */
			if (!run_piece(st, 1) || !scan_int(st, &sp))
				return 0;
			break;
		}
	}
}

#define STACK_BUF 512
#define STACK_ARGS 64

/* s: the string to read, or NULL to read f. */
static int scan(const CH *s, compat_FILE *f, const CH *fmt, va_list ap)
{
	struct plan pl;
	struct input in;
	struct state st;
	CH stack_buf[STACK_BUF];
	void *stack_args[STACK_ARGS];
	size_t need;
	va_list aq;
	unsigned long i;
	int r;

	if (fmt == NULL || !make_plan(fmt, &pl))
		return f != NULL ? C99_VFILE(f, fmt, ap) : C99_VSTR(s, fmt, ap);

	/* A piece is a part of the format, each spec taking a pointer grown
	 * by at most 3 characters ("12$", and a spec has at least 2), at most
	 * MAX_PTRS + 1 of them, plus "%33$ln" and the terminator. */
	need = pl.len / 2 + 1;
	if (need > MAX_PTRS + 1)
		need = MAX_PTRS + 1;
	need = pl.len + 3 * need + 8;
	st.buf = stack_buf;
	st.args = NULL;
	if (need > STACK_BUF) {
		st.buf = malloc(need * sizeof(CH));
		if (st.buf == NULL) {
			errno = ENOMEM;
			return -1;
		}
	}
	va_copy(aq, ap);
	if (pl.positional) {
		st.args = stack_args;
		if (pl.nargs > STACK_ARGS) {
			st.args = malloc(pl.nargs * sizeof(void *));
			if (st.args == NULL) {
				va_end(aq);
				if (st.buf != stack_buf)
					free(st.buf);
				errno = ENOMEM;
				return -1;
			}
		}
		for (i = 0; i < pl.nargs; i++)
			st.args[i] = va_arg(aq, void *);
	}
	in.s = s;
	in.f = f;
	in.pos = 0;
	st.in = &in;
	st.ap = &aq;
	st.seq = 0;
	st.blen = 0;
	st.spaces_only = 1;
	for (i = 0; i <= MAX_PTRS; i++)
		st.ptrs[i] = NULL;
	st.nptrs = 0;
	st.done = 0;
	st.result = 0;

	if (f != NULL)
		flockfile(f);
	scan_format(&st, fmt);
	r = st.result;
	if (f != NULL)
		funlockfile(f);

	va_end(aq);
	if (st.args != NULL && st.args != stack_args)
		free(st.args);
	if (st.buf != stack_buf)
		free(st.buf);
	return r;
}

#ifdef COMPAT_OBJ_isoc23_sscanf
COMPAT_HIDDEN int __isoc23_sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = scan(s, NULL, fmt, ap);
	va_end(ap);
	return r;
}
#endif
#ifdef COMPAT_OBJ_isoc23_vsscanf
COMPAT_HIDDEN int __isoc23_vsscanf(const char *s, const char *fmt, va_list ap)
{
	return scan(s, NULL, fmt, ap);
}
#endif
#ifdef COMPAT_OBJ_isoc23_fscanf
COMPAT_HIDDEN int __isoc23_fscanf(compat_FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = scan(NULL, f, fmt, ap);
	va_end(ap);
	return r;
}
#endif
#ifdef COMPAT_OBJ_isoc23_vfscanf
COMPAT_HIDDEN int __isoc23_vfscanf(compat_FILE *f, const char *fmt, va_list ap)
{
	return scan(NULL, f, fmt, ap);
}
#endif
#ifdef COMPAT_OBJ_isoc23_scanf
COMPAT_HIDDEN int __isoc23_scanf(const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = scan(NULL, stdin, fmt, ap);
	va_end(ap);
	return r;
}
#endif
#ifdef COMPAT_OBJ_isoc23_vscanf
COMPAT_HIDDEN int __isoc23_vscanf(const char *fmt, va_list ap)
{
	return scan(NULL, stdin, fmt, ap);
}
#endif
#ifdef COMPAT_OBJ_isoc23_swscanf
COMPAT_HIDDEN int __isoc23_swscanf(const wchar_t *s, const wchar_t *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = scan(s, NULL, fmt, ap);
	va_end(ap);
	return r;
}
#endif
#ifdef COMPAT_OBJ_isoc23_vswscanf
COMPAT_HIDDEN int __isoc23_vswscanf(const wchar_t *s, const wchar_t *fmt, va_list ap)
{
	return scan(s, NULL, fmt, ap);
}
#endif
#ifdef COMPAT_OBJ_isoc23_fwscanf
COMPAT_HIDDEN int __isoc23_fwscanf(compat_FILE *f, const wchar_t *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = scan(NULL, f, fmt, ap);
	va_end(ap);
	return r;
}
#endif
#ifdef COMPAT_OBJ_isoc23_vfwscanf
COMPAT_HIDDEN int __isoc23_vfwscanf(compat_FILE *f, const wchar_t *fmt, va_list ap)
{
	return scan(NULL, f, fmt, ap);
}
#endif
#ifdef COMPAT_OBJ_isoc23_wscanf
COMPAT_HIDDEN int __isoc23_wscanf(const wchar_t *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = scan(NULL, stdin, fmt, ap);
	va_end(ap);
	return r;
}
#endif
#ifdef COMPAT_OBJ_isoc23_vwscanf
COMPAT_HIDDEN int __isoc23_vwscanf(const wchar_t *fmt, va_list ap)
{
	return scan(NULL, stdin, fmt, ap);
}
#endif
