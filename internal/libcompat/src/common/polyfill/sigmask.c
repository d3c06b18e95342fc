/* pthread_attr_setsigmask_np, pthread_attr_getsigmask_np (glibc 2.32): a
 * signal mask for the threads created with an attribute, and the
 * pthread_create that starts them with it.
 *
 * Where the mask is kept: glibc 2.17–2.31's pthread_attr_t is its struct
 * pthread_attr (nptl/internaltypes.h) and nothing more: schedparam,
 * schedpolicy, flags, guardsize, stackaddr, stacksize, cpuset, cpusetsize
 * fill all 56 bytes on x86_64 (36 on 32-bit ABIs), leaving only 4 bytes of
 * padding after flags on 64-bit ABIs and none on 32-bit ones, too little
 * for a signal set. So the masks live in a table of this output keyed by
 * the attribute's address; pthread_attr_init and pthread_attr_destroy are
 * replaced too, to forget an address's mask when it is initialised or
 * destroyed (2.32 keeps the mask in memory pthread_attr_destroy frees).
 *
 * As glibc 2.32: setting a mask drops SIGCANCEL and SIGSETXID (glibc's
 * internal signals, 32 and 33) from it; a NULL mask removes it; reading an
 * attribute without one gives an empty set and PTHREAD_ATTR_NO_SIGMASK_NP
 * (-1). pthread_create with a mask blocks every signal in the creating
 * thread while the thread is created, so the new thread starts with all
 * blocked; its first act is to set the attribute's mask, before the start
 * routine runs; the creator's mask is restored. Without a mask the new
 * thread inherits the creator's, as in every release.
 *
 * pthread_create, pthread_attr_init and pthread_attr_destroy are replaced
 * in libcompat_override.a (COMPAT_LATE below, catalogue/overrides.tsv),
 * read after libc.so.6, so only outputs that use these functions take
 * them; glibc's own are found at run time (libcsym.h). The mask is set
 * with pthread_sigmask, which libpthread.so.0 exports below 2.32: that
 * keeps libpthread.so.0 among the output's needed libraries with every
 * linker, so glibc's pthread_create is there to be found.
 *
 * Not covered: an attribute copied by value (glibc 2.32's copy shares the
 * mask; this table knows the original's address only), and one
 * initialised otherwise than by this output's pthread_attr_init (another
 * library's, or pthread_getattr_np) at an address whose earlier attribute
 * had a mask and was never destroyed. */
#include <stddef.h>
#include <errno.h>
#include "compat.h"

#define COMPAT_INTERNAL __attribute__((visibility("hidden")))

/* glibc's sigset_t; the kernel's mask is its first COMPAT_KSIGSET_SIZE bytes. */
struct compat_sigset {
	unsigned long val[1024 / (8 * sizeof(unsigned long))];
};

typedef unsigned long compat_pthread_t;
typedef void *(*compat_start)(void *);

extern int __compat_sigmask_pthread_create(compat_pthread_t *thread, const void *attr, compat_start fn, void *arg) COMPAT_INTERNAL;
extern int __compat_sigmask_attr_init(void *attr) COMPAT_INTERNAL;
extern int __compat_sigmask_attr_destroy(void *attr) COMPAT_INTERNAL;

#ifndef COMPAT_LATE
#include "libcsym.h"

extern void *malloc(size_t n);
extern void free(void *p);
extern void *memcpy(void *d, const void *s, size_t n);
extern int pthread_mutex_lock(void *m);
extern int pthread_mutex_unlock(void *m);
extern int pthread_sigmask(int how, const struct compat_sigset *set, struct compat_sigset *old);
extern long write(int fd, const void *buf, unsigned long n);
extern void abort(void) __attribute__((noreturn));

#define COMPAT_SIG_SETMASK 2

/* The override member comes with this one (see COMPAT_LATE). */
extern char __compat_override_sigmask COMPAT_INTERNAL;
static char *const compat_pull_overrides __attribute__((used)) = &__compat_override_sigmask;

/* The table: attributes with a mask, newest first. */
struct compat_mask_entry {
	struct compat_mask_entry *next;
	const void *attr;
	struct compat_sigset mask;
};

static struct compat_mask_entry *compat_masks;
/* A pthread_mutex_t (40 bytes on x86_64, less on 32-bit ABIs), here with
 * room to spare; PTHREAD_MUTEX_INITIALIZER is all zero. */
static union {
	char size[64];
	long align;
} compat_masks_lock;

static struct compat_mask_entry **compat_find(const void *attr)
{
	struct compat_mask_entry **p = &compat_masks;
	while (*p != NULL && (*p)->attr != attr)
		p = &(*p)->next;
	return p;
}

/* compat_forget removes attr's mask, if it has one. */
static void compat_forget(const void *attr)
{
	struct compat_mask_entry *gone = NULL;
	pthread_mutex_lock(&compat_masks_lock);
	struct compat_mask_entry **p = compat_find(attr);
	if (*p != NULL) {
		gone = *p;
		*p = gone->next;
	}
	pthread_mutex_unlock(&compat_masks_lock);
	free(gone);
}

/* compat_lookup copies attr's mask to *mask; 0 when it has none. */
static int compat_lookup(const void *attr, struct compat_sigset *mask)
{
	int found = 0;
	pthread_mutex_lock(&compat_masks_lock);
	struct compat_mask_entry *e = *compat_find(attr);
	if (e != NULL) {
		*mask = e->mask;
		found = 1;
	}
	pthread_mutex_unlock(&compat_masks_lock);
	return found;
}

#ifdef COMPAT_OBJ_pthread_attr_setsigmask_np
static void compat_sigdel(struct compat_sigset *s, int sig)
{
	unsigned long bit = (unsigned long)(sig - 1), w = 8 * sizeof(unsigned long);
	s->val[bit / w] &= ~(1ul << (bit % w));
}

COMPAT_HIDDEN int pthread_attr_setsigmask_np(void *attr, const struct compat_sigset *sigmask)
{
	if (sigmask == NULL) {
		compat_forget(attr);
		return 0;
	}
	struct compat_mask_entry *fresh = malloc(sizeof *fresh);
	if (fresh == NULL)
		return ENOMEM;
	fresh->attr = attr;
	fresh->mask = *sigmask;
	compat_sigdel(&fresh->mask, 32); /* SIGCANCEL */
	compat_sigdel(&fresh->mask, 33); /* SIGSETXID */
	pthread_mutex_lock(&compat_masks_lock);
	struct compat_mask_entry **p = compat_find(attr), *old = *p;
	if (old != NULL) {
		old->mask = fresh->mask;
	} else {
		fresh->next = compat_masks;
		compat_masks = fresh;
		fresh = NULL;
	}
	pthread_mutex_unlock(&compat_masks_lock);
	free(fresh);
	return 0;
}
#endif

#ifdef COMPAT_OBJ_pthread_attr_getsigmask_np
COMPAT_HIDDEN int pthread_attr_getsigmask_np(const void *attr, struct compat_sigset *sigmask)
{
	if (compat_lookup(attr, sigmask))
		return 0;
	for (size_t i = 0; i < sizeof sigmask->val / sizeof sigmask->val[0]; i++)
		sigmask->val[i] = 0;
	return -1; /* PTHREAD_ATTR_NO_SIGMASK_NP */
}
#endif

/* glibc's own function name@version, or an abort that says which is
 * missing (no glibc from 2.17 on lacks them). */
static void *compat_real(void **cache, const char *name, const char *version)
{
	void *p = compat_libc_function_cached(cache, name, version);
	if (p == NULL) {
		static const char msg[] = "compatbuild polyfill: glibc's pthread functions are not loaded\n";
		write(2, msg, sizeof msg - 1);
		abort();
	}
	return p;
}

typedef int (*compat_create_fn)(compat_pthread_t *, const void *, compat_start, void *);

struct compat_start_args {
	compat_start fn;
	void *arg;
	struct compat_sigset mask;
};

static void *compat_start_with_mask(void *p)
{
	struct compat_start_args a = *(struct compat_start_args *)p;
	free(p);
	pthread_sigmask(COMPAT_SIG_SETMASK, &a.mask, NULL);
	return a.fn(a.arg);
}

#ifdef COMPAT_OVERRIDE_pthread_create
COMPAT_HIDDEN int __compat_sigmask_pthread_create(compat_pthread_t *thread, const void *attr, compat_start fn, void *arg)
{
	static void *real;
	compat_create_fn create = (compat_create_fn)compat_real(&real, "pthread_create", COMPAT_VERSION_pthread_create);
	struct compat_sigset mask;

	if (attr == NULL || !compat_lookup(attr, &mask))
		return create(thread, attr, fn, arg);
	struct compat_start_args *a = malloc(sizeof *a);
	if (a == NULL)
		return EAGAIN;
	a->fn = fn;
	a->arg = arg;
	a->mask = mask;
	/* Every signal, glibc's own too, as glibc's pthread_create. */
	unsigned long all[COMPAT_KSIGSET_SIZE / sizeof(unsigned long)], old[COMPAT_KSIGSET_SIZE / sizeof(unsigned long)];
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		all[i] = ~0ul;
	syscall(COMPAT_SYS_rt_sigprocmask, COMPAT_SIG_SETMASK, all, old, COMPAT_KSIGSET_SIZE);
	int r = create(thread, attr, compat_start_with_mask, a);
	syscall(COMPAT_SYS_rt_sigprocmask, COMPAT_SIG_SETMASK, old, NULL, COMPAT_KSIGSET_SIZE);
	if (r != 0)
		free(a);
	return r;
}
#endif

#ifdef COMPAT_OVERRIDE_pthread_attr_init
COMPAT_HIDDEN int __compat_sigmask_attr_init(void *attr)
{
	static void *real;
	int (*init)(void *) = (int (*)(void *))compat_real(&real, "pthread_attr_init", COMPAT_VERSION_pthread_attr_init);
	compat_forget(attr);
	return init(attr);
}
#endif

#ifdef COMPAT_OVERRIDE_pthread_attr_destroy
COMPAT_HIDDEN int __compat_sigmask_attr_destroy(void *attr)
{
	static void *real;
	int (*destroy)(void *) = (int (*)(void *))compat_real(&real, "pthread_attr_destroy", COMPAT_VERSION_pthread_attr_destroy);
	compat_forget(attr);
	return destroy(attr);
}
#endif

#else /* COMPAT_LATE: libcompat_override.a's member, pulled only by the
       * reference above, so only into outputs that use this one. */

COMPAT_INTERNAL char __compat_override_sigmask;

#ifdef COMPAT_OVERRIDE_pthread_create
COMPAT_HIDDEN int pthread_create(compat_pthread_t *thread, const void *attr, compat_start fn, void *arg)
{
	return __compat_sigmask_pthread_create(thread, attr, fn, arg);
}
#endif

#ifdef COMPAT_OVERRIDE_pthread_attr_init
COMPAT_HIDDEN int pthread_attr_init(void *attr)
{
	return __compat_sigmask_attr_init(attr);
}
#endif

#ifdef COMPAT_OVERRIDE_pthread_attr_destroy
COMPAT_HIDDEN int pthread_attr_destroy(void *attr)
{
	return __compat_sigmask_attr_destroy(attr);
}
#endif

#endif
