/* compat_libc_function(name, version): glibc's own definition of a
 * function that the output also defines itself (an override, see
 * catalogue/overrides.tsv), found at run time the way the dynamic loader
 * binds a versioned reference.
 *
 * Why not a versioned reference (.symver name, name@GLIBC_2.2.5)? An
 * output that defines name (hidden) binds its own references to
 * name@VERSION to that definition with GNU ld, gold and mold (an endless
 * recursion); only lld binds them to the shared library. So the address
 * is looked up instead: dl_iterate_phdr (glibc 2.2.4) visits the loaded
 * objects in load order, the order of the global scope, and the first one
 * whose dynamic symbol table defines name as a function at version, or
 * without any version (as the loader's check_match accepts), wins. The
 * output's own definition is hidden, so it is never in a dynamic symbol
 * table. Objects dlopen'ed with RTLD_LOCAL are visited too, after the
 * global ones; glibc is always among the global ones.
 *
 * Lookups use DT_GNU_HASH, else DT_HASH with 32-bit words (every glibc
 * ABI but s390x and alpha, whose DT_HASH words are 64 bits; glibc's own
 * libraries there carry DT_GNU_HASH too). */
#ifndef COMPAT_LIBCSYM_H
#define COMPAT_LIBCSYM_H

#include <stddef.h>
#include <stdint.h>
#include <elf.h>

#if __SIZEOF_POINTER__ == 8
typedef Elf64_Addr compat_ls_Addr;
typedef Elf64_Half compat_ls_Half;
typedef Elf64_Phdr compat_ls_Phdr;
typedef Elf64_Dyn compat_ls_Dyn;
typedef Elf64_Sym compat_ls_Sym;
#define COMPAT_LS_ST_TYPE(i) ELF64_ST_TYPE(i)
#define COMPAT_LS_ST_BIND(i) ELF64_ST_BIND(i)
#else
typedef Elf32_Addr compat_ls_Addr;
typedef Elf32_Half compat_ls_Half;
typedef Elf32_Phdr compat_ls_Phdr;
typedef Elf32_Dyn compat_ls_Dyn;
typedef Elf32_Sym compat_ls_Sym;
#define COMPAT_LS_ST_TYPE(i) ELF32_ST_TYPE(i)
#define COMPAT_LS_ST_BIND(i) ELF32_ST_BIND(i)
#endif

/* The leading members of <link.h>'s struct dl_phdr_info. */
struct compat_ls_phdr_info {
	compat_ls_Addr dlpi_addr;
	const char *dlpi_name;
	const compat_ls_Phdr *dlpi_phdr;
	compat_ls_Half dlpi_phnum;
};

extern int dl_iterate_phdr(int (*cb)(struct compat_ls_phdr_info *info, size_t size, void *data), void *data);
extern int strcmp(const char *a, const char *b);

struct compat_ls_query {
	const char *name, *version;
	void *found;
};

static inline uint32_t compat_ls_gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static inline uint32_t compat_ls_sysv_hash(const char *s)
{
	uint32_t h = 0, g;
	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* The loader relocates the address-valued entries of a writable dynamic
 * section in place; the vDSO's (read-only) stay relative to its base. */
static inline const void *compat_ls_ptr(compat_ls_Addr base, compat_ls_Addr p)
{
	return (const void *)(p < base ? p + base : p);
}

struct compat_ls_object {
	compat_ls_Addr base;
	const char *strtab;
	const compat_ls_Sym *symtab;
	const uint16_t *versym;
	const unsigned char *verdef;
};

/* compat_ls_match reports whether symbol i of o is a definition of the
 * query's function that a reference to name@version binds. */
static inline int compat_ls_match(const struct compat_ls_object *o, uint32_t i, const struct compat_ls_query *q)
{
	const compat_ls_Sym *s = &o->symtab[i];
	if (s->st_shndx == SHN_UNDEF || COMPAT_LS_ST_TYPE(s->st_info) != STT_FUNC ||
	    COMPAT_LS_ST_BIND(s->st_info) == STB_LOCAL || strcmp(o->strtab + s->st_name, q->name) != 0)
		return 0;
	if (o->versym == 0)
		return 1;
	uint16_t v = o->versym[i], ndx = v & 0x7fff;
	if (ndx <= 1)
		return (v & 0x8000) == 0;
	for (const unsigned char *d = o->verdef; d != 0;) {
		const Elf32_Verdef *vd = (const Elf32_Verdef *)d; /* the same layout in ELF64 */
		if (vd->vd_ndx == ndx) {
			const Elf32_Verdaux *aux = (const Elf32_Verdaux *)(d + vd->vd_aux);
			return strcmp(o->strtab + aux->vda_name, q->version) == 0;
		}
		d = vd->vd_next ? d + vd->vd_next : 0;
	}
	return 0;
}

static inline int compat_ls_visit(struct compat_ls_phdr_info *info, size_t size, void *data)
{
	struct compat_ls_query *q = data;
	const compat_ls_Dyn *dyn = 0;
	const uint32_t *gnu = 0, *sysv = 0;
	struct compat_ls_object o = {info->dlpi_addr, 0, 0, 0, 0};
	(void)size;

	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const compat_ls_Dyn *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	if (dyn == 0)
		return 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = compat_ls_ptr(o.base, dyn->d_un.d_ptr);
		switch (dyn->d_tag) {
		case DT_STRTAB: o.strtab = p; break;
		case DT_SYMTAB: o.symtab = p; break;
		case DT_VERSYM: o.versym = p; break;
		case DT_VERDEF: o.verdef = p; break;
		case DT_GNU_HASH: gnu = p; break;
		case DT_HASH: sysv = p; break;
		}
	}
	if (o.strtab == 0 || o.symtab == 0)
		return 0;
	if (gnu != 0) {
		uint32_t nbuckets = gnu[0], symoffset = gnu[1], bloom_words = gnu[2];
		const uint32_t *buckets = (const uint32_t *)((const compat_ls_Addr *)(gnu + 4) + bloom_words);
		const uint32_t *chain = buckets + nbuckets;
		uint32_t h = compat_ls_gnu_hash(q->name);
		if (nbuckets == 0)
			return 0;
		uint32_t i = buckets[h % nbuckets];
		if (i < symoffset)
			return 0;
		for (;; i++) {
			uint32_t c = chain[i - symoffset];
			if ((c | 1) == (h | 1) && compat_ls_match(&o, i, q)) {
				q->found = (void *)(o.base + o.symtab[i].st_value);
				return 1;
			}
			if (c & 1)
				return 0;
		}
	}
	if (sysv != 0 && sysv[0] != 0) {
		const uint32_t *bucket = sysv + 2, *chain = bucket + sysv[0];
		for (uint32_t i = bucket[compat_ls_sysv_hash(q->name) % sysv[0]]; i != 0; i = chain[i])
			if (compat_ls_match(&o, i, q)) {
				q->found = (void *)(o.base + o.symtab[i].st_value);
				return 1;
			}
	}
	return 0;
}

/* compat_libc_function returns the address glibc's loaded libraries give
 * name at version, or NULL. */
static inline void *compat_libc_function(const char *name, const char *version)
{
	struct compat_ls_query q = {name, version, 0};
	dl_iterate_phdr(compat_ls_visit, &q);
	return q.found;
}

/* compat_libc_function_cached is compat_libc_function, remembered in
 * *cache. Concurrent first calls each look it up and store the same
 * address. */
static inline void *compat_libc_function_cached(void **cache, const char *name, const char *version)
{
	void *p = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
	if (p == 0) {
		p = compat_libc_function(name, version);
		__atomic_store_n(cache, p, __ATOMIC_RELEASE);
	}
	return p;
}

#endif
