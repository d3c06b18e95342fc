/* The format side of isoc23_scanf.c, included there (never compiled on
 * its own): conversion specifications read as glibc reads them, and the
 * plan of what a whole format needs. Uses CH, S_ and the COMPAT_WIDE
 * setting of the including file. */
/* Conversion flags, as glibc keeps them for integers (x86_64: long long
 * is long, so ll, L, q, j, z, t and w64 all mean "long"). */
#define F_SUPPRESS 1
#define F_CHAR 2
#define F_SHORT 4
#define F_LONG 8

enum {
	K_PLAIN, /* done by the C99 function */
	K_I,     /* %i */
	K_B,     /* %b */
	K_N,     /* %n */
	K_STOP,  /* glibc stops here: unknown conversion, format ends in it */
	K_FAIL,  /* glibc fails here before reading: invalid wN, absurd N$ */
};

/* glibc's NL_ARGMAX: a larger %N$ is treated as an error. */
#define MAX_ARGPOS 4096
/* Pointers passed to one C99 call, plus the one for the trailing %ln. */
#define MAX_PTRS 32

struct spec {
	const CH *pct;    /* the '%' */
	const CH *body;   /* after "N$" */
	const CH *mod;    /* the length modifier */
	const CH *modend; /* after it */
	const CH *end;    /* after the conversion (and scanset) */
	unsigned long argpos;
	int width; /* -1: none */
	int flags;
	int wbits; /* 0: no wN modifier */
	int kind;
	int err; /* K_FAIL: errno to set */
	CH conv;
};

static int is_digit(long c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number as glibc reads widths and positions: -1 on overflow. */
static int read_num(const CH **pp)
{
	const CH *p = *pp;
	int v = 0;
	while (is_digit(CH_CODE(*p))) {
		int d = (int)(CH_CODE(*p) - '0');
		if (v >= 0)
			v = v > (__INT_MAX__ - d) / 10 ? -1 : v * 10 + d;
		p++;
	}
	*pp = p;
	return v;
}

/* Parse the conversion specification at pct as glibc does. */
static void parse_spec(const CH *pct, struct spec *sp)
{
	const CH *p = pct + 1;
	int n;

	sp->pct = pct;
	sp->body = p;
	sp->argpos = 0;
	sp->width = 0;
	sp->flags = 0;
	sp->wbits = 0;
	sp->err = 0;
	sp->conv = 0;
	if (is_digit(CH_CODE(*p))) {
		n = read_num(&p);
		if (*p != '$') {
			sp->width = n;
			goto got_width;
		}
		p++;
		sp->body = p;
		sp->argpos = n < 0 || n > MAX_ARGPOS ? MAX_ARGPOS + 1 : (unsigned long)n;
	}
	for (; *p == '*' || *p == '\'' || *p == 'I'; p++)
		if (*p == '*')
			sp->flags |= F_SUPPRESS;
	if (is_digit(CH_CODE(*p)))
		sp->width = read_num(&p);
got_width:
	if (sp->width == 0)
		sp->width = -1;
	sp->mod = p;
	switch (*p++) {
	case 'h':
		if (*p == 'h') {
			p++;
			sp->flags |= F_CHAR;
		} else {
			sp->flags |= F_SHORT;
		}
		break;
	case 'l':
		if (*p == 'l')
			p++;
		sp->flags |= F_LONG;
		break;
	case 'q':
	case 'L':
	case 'j':
	case 'z':
	case 't':
		sp->flags |= F_LONG;
		break;
	case 'm':
		if (*p == 'l') {
			p++;
			sp->flags |= F_LONG;
		}
		break;
	case 'w': {
		int fast = 0, bits = 0;
		if (*p == 'f') {
			p++;
			fast = 1;
		}
		if (is_digit(CH_CODE(*p)))
			bits = read_num(&p);
		if (fast && (bits == 16 || bits == 32))
			bits = 64; /* int_fast16_t and int_fast32_t are long */
		if (bits == 8)
			sp->flags |= F_CHAR;
		else if (bits == 16)
			sp->flags |= F_SHORT;
		else if (bits == 64)
			sp->flags |= F_LONG;
		else if (bits != 32)
			sp->err = EINVAL;
		sp->wbits = bits ? bits : -1;
		break;
	}
	default:
		p--;
		break;
	}
	sp->modend = p;
	sp->end = p;
	if (sp->err || sp->argpos > MAX_ARGPOS) {
		sp->kind = K_FAIL;
		return;
	}
	if (*p == 0) {
		sp->kind = K_STOP;
		return;
	}
	sp->conv = *p++;
	switch (sp->conv) {
	case 'i':
		sp->kind = K_I;
		break;
	case 'b':
		sp->kind = K_B;
		break;
	case 'n':
		sp->kind = K_N;
		break;
	case '[':
		/* The set ends at the first ']' not right after "[" or "[^";
		 * one that never ends runs to the end of the format. */
		if (*p == '^')
			p++;
		if (*p == ']')
			p++;
		while (*p != 0 && *p != ']')
			p++;
		if (*p == ']')
			p++;
		sp->kind = K_PLAIN;
		break;
	case '%': case 'c': case 'C': case 's': case 'S': case 'd': case 'u':
	case 'o': case 'x': case 'X': case 'p': case 'e': case 'E': case 'f':
	case 'F': case 'g': case 'G': case 'a': case 'A':
		sp->kind = K_PLAIN;
		break;
	default:
		sp->kind = K_STOP;
		break;
	}
	sp->end = p;
}

static int takes_pointer(const struct spec *sp)
{
	return !(sp->flags & F_SUPPRESS) && sp->conv != '%';
}

/* What the whole format needs. Returns 0 when the C99 function can do it
 * all. */
struct plan {
	size_t len;          /* characters in the format */
	unsigned long nargs; /* pointers to collect when positional */
	int positional;
};

static int make_plan(const CH *fmt, struct plan *pl)
{
	const CH *p = fmt;
	unsigned long seq = 0, maxpos = 0;
	int c23 = 0;
	struct spec sp;

	pl->positional = 0;
	for (;;) {
		while (*p != 0 && *p != '%')
			p++;
		if (*p == 0)
			break;
		parse_spec(p, &sp);
		p = sp.end;
		if (sp.kind == K_FAIL) {
			c23 = 1;
			break;
		}
		if (sp.kind == K_STOP)
			break;
		if (sp.kind == K_I || sp.kind == K_B || sp.wbits)
			c23 = 1;
		if (sp.argpos)
			pl->positional = 1;
		if (takes_pointer(&sp)) {
			if (sp.argpos > maxpos)
				maxpos = sp.argpos;
			else if (!sp.argpos)
				seq++;
		}
	}
	while (*p != 0)
		p++;
	pl->len = (size_t)(p - fmt);
	pl->nargs = seq > maxpos ? seq : maxpos;
	return c23;
}
