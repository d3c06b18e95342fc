/* _dl_find_object (glibc 2.35), built on dl_iterate_phdr (glibc 2.2.4).
 *
 * GCC >= 12's unwinder (libgcc_eh.a, also inside static libstdc++) calls it
 * for every frame when it was built against glibc >= 2.35, so C++ exceptions
 * and Rust panics depend on it giving the right answer:
 *   dlfo_flags      0 (no flags are defined)
 *   dlfo_map_start  load bias + page-aligned start of the first PT_LOAD
 *   dlfo_map_end    load bias + end of the last PT_LOAD (p_vaddr + p_memsz)
 *   dlfo_link_map   the object's link_map (see compat_find_link_map)
 *   dlfo_eh_frame   load bias + p_vaddr of PT_GNU_EH_FRAME, or NULL
 * and -1 if no loaded object contains the address. Same bounds as glibc's
 * l_map_start/l_map_end, so an address in a gap between segments counts as
 * inside the object. Objects in other dlmopen namespaces are not visited by
 * dl_iterate_phdr and are not found.
 *
 * Two ABIs have an extra member (glibc's bits/dl_find_object.h):
 *   dlfo_eh_dbase   i386: the object's DT_PLTGOT, the base of DW_EH_PE_datarel
 *                   pointers; read from the dynamic section, which the
 *                   dynamic linker has relocated in place (as libgcc's own
 *                   dl_iterate_phdr path reads it), NULL without one
 *   dlfo_eh_count   arm: dlfo_eh_frame is the EHABI index (PT_ARM_EXIDX)
 *                   instead of PT_GNU_EH_FRAME, and this is its number of
 *                   8-byte entries */
#include <stddef.h>
#include <elf.h>
#include "compat.h"

#if COMPAT_DLFO_HAS_EH_COUNT
# define COMPAT_PT_ARM_EXIDX 0x70000001 /* PT_LOPROC + 1 */
#endif

#if __SIZEOF_POINTER__ == 8
typedef Elf64_Addr compat_Addr;
typedef Elf64_Half compat_Half;
typedef Elf64_Phdr compat_Phdr;
typedef Elf64_Dyn compat_Dyn;
#else
typedef Elf32_Addr compat_Addr;
typedef Elf32_Half compat_Half;
typedef Elf32_Phdr compat_Phdr;
typedef Elf32_Dyn compat_Dyn;
#endif

/* Leading members of <link.h>'s structures, which that header only declares
 * under _GNU_SOURCE (and then together with glibc's own _dl_find_object). */
struct compat_dl_phdr_info {
	compat_Addr dlpi_addr;
	const char *dlpi_name;
	const compat_Phdr *dlpi_phdr;
	compat_Half dlpi_phnum;
};

struct compat_link_map {
	compat_Addr l_addr;
	char *l_name;
	compat_Dyn *l_ld;
	struct compat_link_map *l_next, *l_prev;
};

struct compat_r_debug {
	int r_version;
	struct compat_link_map *r_map;
};

struct compat_dl_find_object {
	unsigned long long dlfo_flags;
	void *dlfo_map_start;
	void *dlfo_map_end;
	struct compat_link_map *dlfo_link_map;
	void *dlfo_eh_frame;
#if COMPAT_DLFO_HAS_EH_DBASE
	void *dlfo_eh_dbase;
# if __SIZEOF_POINTER__ == 4
	unsigned int dlfo_eh_dbase_pad;
# endif
#endif
#if COMPAT_DLFO_HAS_EH_COUNT
	int dlfo_eh_count;
	unsigned int dlfo_eh_count_pad;
#endif
	unsigned long long reserved[7];
};

extern int dl_iterate_phdr(int (*cb)(struct compat_dl_phdr_info *, size_t, void *),
			   void *data);
extern int getpagesize(void);

struct compat_search {
	compat_Addr pc;
	compat_Addr page_mask;
	int seen_main;
	compat_Dyn *main_dynamic;
	struct compat_dl_find_object *out;
	int found;
};

/* The dynamic linker publishes its list of loaded objects through the
 * executable's DT_DEBUG entry (struct r_debug, for debuggers); each link_map
 * names the object's dynamic section, which identifies it. This needs no
 * libdl (dladdr1 lives there before 2.34) and no reference to ld.so. */
static struct compat_link_map *compat_find_link_map(compat_Dyn *main_dynamic,
						    compat_Dyn *dynamic)
{
	compat_Dyn *d;

	if (main_dynamic == NULL || dynamic == NULL)
		return NULL;
	for (d = main_dynamic; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_DEBUG && d->d_un.d_ptr != 0) {
			struct compat_r_debug *r = (struct compat_r_debug *)d->d_un.d_ptr;
			struct compat_link_map *l;
			for (l = r->r_map; l != NULL; l = l->l_next)
				if (l->l_ld == dynamic)
					return l;
			return NULL;
		}
	}
	return NULL;
}

static int compat_visit(struct compat_dl_phdr_info *info, size_t size, void *data)
{
	struct compat_search *st = data;
	compat_Addr lo = ~(compat_Addr)0, hi = 0;
	compat_Dyn *dynamic = NULL;
	void *eh_frame = NULL;
	compat_Half i;
#if COMPAT_DLFO_HAS_EH_COUNT
	int eh_count = 0;
#endif

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const compat_Phdr *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD) {
			compat_Addr start = info->dlpi_addr + (ph->p_vaddr & st->page_mask);
			compat_Addr end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
			if (start < lo)
				lo = start;
			if (end > hi)
				hi = end;
		} else if (ph->p_type == PT_DYNAMIC) {
			dynamic = (compat_Dyn *)(info->dlpi_addr + ph->p_vaddr);
		}
#if COMPAT_DLFO_HAS_EH_COUNT
		else if (ph->p_type == COMPAT_PT_ARM_EXIDX && eh_frame == NULL) {
			eh_frame = (void *)(info->dlpi_addr + ph->p_vaddr);
			eh_count = (int)(ph->p_memsz / 8);
		}
#else
		else if (ph->p_type == PT_GNU_EH_FRAME && eh_frame == NULL) {
			eh_frame = (void *)(info->dlpi_addr + ph->p_vaddr);
		}
#endif
	}
	/* dl_iterate_phdr reports the main program first. */
	if (!st->seen_main) {
		st->seen_main = 1;
		st->main_dynamic = dynamic;
	}
	if (lo >= hi || st->pc < lo || st->pc >= hi)
		return 0;

	st->out->dlfo_flags = 0;
	st->out->dlfo_map_start = (void *)lo;
	st->out->dlfo_map_end = (void *)hi;
	st->out->dlfo_link_map = compat_find_link_map(st->main_dynamic, dynamic);
	st->out->dlfo_eh_frame = eh_frame;
#if COMPAT_DLFO_HAS_EH_DBASE
	st->out->dlfo_eh_dbase = NULL;
	if (dynamic != NULL) {
		compat_Dyn *d;
		for (d = dynamic; d->d_tag != DT_NULL; d++)
			if (d->d_tag == DT_PLTGOT) {
				st->out->dlfo_eh_dbase = (void *)d->d_un.d_ptr;
				break;
			}
	}
#endif
#if COMPAT_DLFO_HAS_EH_COUNT
	st->out->dlfo_eh_count = eh_count;
#endif
	st->found = 1;
	return 1;
}

COMPAT_HIDDEN int _dl_find_object(void *pc, struct compat_dl_find_object *result)
{
	struct compat_search st;

	st.pc = (compat_Addr)pc;
	st.page_mask = ~((compat_Addr)getpagesize() - 1);
	st.seen_main = 0;
	st.main_dynamic = NULL;
	st.out = result;
	st.found = 0;
	dl_iterate_phdr(compat_visit, &st);
	return st.found ? 0 : -1;
}
