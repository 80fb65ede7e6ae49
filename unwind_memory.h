// unwind_memory.h — what both unwinders (unwinder.c on x86-64,
// unwinder_arm64.c on AArch64) give libunwind to read memory and find
// unwind tables: validated reads with a per-walk cache of good pages, and
// find_proc_info through _dl_find_object. Every function here may run in a
// signal handler. Included by those two files only: static functions, so
// that the hot reads stay inlined into each unwinder.

#ifndef CGOSYM_UNWIND_MEMORY_H
#define CGOSYM_UNWIND_MEMORY_H

#include <link.h>
#include <string.h>

#include "internal.h"

// Exported by libunwind-<arch> but declared in no header: searches a
// .eh_frame_hdr binary-search table for ip.
#if defined(__x86_64__)
#define cgosym_search_unwind_table _Ux86_64_dwarf_search_unwind_table
#elif defined(__aarch64__)
#define cgosym_search_unwind_table _Uaarch64_dwarf_search_unwind_table
#endif
extern int cgosym_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
				      unw_proc_info_t *pi, int need_unwind_info, void *arg);

// .eh_frame_hdr encodings (LSB, "Exception Frame Header Format").
enum {
	DW_EH_PE_udata4 = 0x03,
	DW_EH_PE_sdata4 = 0x0b,
	DW_EH_PE_datarel = 0x30,
};

// Pages known readable during one walk: probing costs a system call, and a
// walk touches the same few stack and .eh_frame pages again and again.
#define GOOD_PAGES 16
#define PAGE_MASK_4K (~(uintptr_t)4095)

// The memory side of one walk. It is the first member of each unwinder's
// struct walk, which libunwind passes to every accessor as "arg".
struct walk_memory {
	const struct cgosym_unwind_start *start; // for the snapshot copy
	uintptr_t good_pages[GOOD_PAGES];
	unsigned n_good_pages;
	// Set by find_proc_info when the last lookup found no unwind
	// information: the step that followed was a guess, and is discarded.
	int no_info;
};

// [signal]
static inline int page_is_good(const struct walk_memory *w, uintptr_t page) {
	for (unsigned i = 0; i < w->n_good_pages && i < GOOD_PAGES; i++) {
		if (w->good_pages[i] == page) {
			return 1;
		}
	}
	return 0;
}

// [signal] Reads a word the unwinder asked for, from the snapshot copy when
// the address lies in it (that stack is gone by now), else from memory after
// checking that every page it touches is mapped and readable.
static inline int read_word(struct walk_memory *w, uintptr_t addr, unw_word_t *out) {
	const struct cgosym_unwind_start *s = w->start;
	if (s->copy != NULL && addr >= s->copy_base &&
	    addr - s->copy_base <= CGOSYM_SNAPSHOT_STACK - sizeof *out) {
		memcpy(out, s->copy + (addr - s->copy_base), sizeof *out);
		return 0;
	}
	uintptr_t first = addr & PAGE_MASK_4K;
	uintptr_t last = (addr + sizeof *out - 1) & PAGE_MASK_4K;
	if (addr + sizeof *out < addr) {
		return -1;
	}
	if (page_is_good(w, first) && page_is_good(w, last)) {
		cgosym_copy_unchecked(out, (const void *)addr, sizeof *out);
		return 0;
	}
	if (cgosym_read_memory(out, addr, sizeof *out) != 0) {
		return -1;
	}
	w->good_pages[w->n_good_pages++ % GOOD_PAGES] = first;
	if (last != first) {
		w->good_pages[w->n_good_pages++ % GOOD_PAGES] = last;
	}
	return 0;
}

// [signal] Reads a 4-byte value of the .eh_frame_hdr.
static inline int read_u32(struct walk_memory *w, uintptr_t addr, uint32_t *out) {
	unw_word_t word;
	uintptr_t aligned = addr & ~(uintptr_t)7;
	if (read_word(w, aligned, &word) != 0) {
		return -1;
	}
	if (addr - aligned > 4) {
		// Straddles two words.
		unw_word_t next;
		if (read_word(w, aligned + 8, &next) != 0) {
			return -1;
		}
		unsigned char bytes[16];
		memcpy(bytes, &word, 8);
		memcpy(bytes + 8, &next, 8);
		memcpy(out, bytes + (addr - aligned), 4);
		return 0;
	}
	memcpy(out, (const unsigned char *)&word + (addr - aligned), 4);
	return 0;
}

// [signal] libunwind's find_proc_info: the module comes from
// _dl_find_object, which never takes the loader lock, instead of
// dl_iterate_phdr, which does.
static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg) {
	struct walk_memory *w = arg; // the first member of the unwinder's walk
	struct dl_find_object dlfo;
	w->no_info = 1;
	if (cgosym_find_object((uintptr_t)ip, &dlfo) != 0 || dlfo.dlfo_eh_frame == NULL) {
		return -UNW_ENOINFO;
	}
	uintptr_t hdr = (uintptr_t)dlfo.dlfo_eh_frame;
	uint32_t head, eh_frame_ptr, fde_count;
	if (read_u32(w, hdr, &head) != 0) {
		return -UNW_ENOINFO;
	}
	unsigned version = head & 0xff;
	unsigned eh_frame_ptr_enc = (head >> 8) & 0xff;
	unsigned fde_count_enc = (head >> 16) & 0xff;
	unsigned table_enc = (head >> 24) & 0xff;
	// The linker writes 4-byte fields and a sorted table of datarel sdata4
	// pairs; anything else (no table at all, say) is not worth a slow path.
	if (version != 1 || (eh_frame_ptr_enc & 0x0f) != DW_EH_PE_sdata4 ||
	    fde_count_enc != DW_EH_PE_udata4 ||
	    table_enc != (DW_EH_PE_datarel | DW_EH_PE_sdata4)) {
		return -UNW_ENOINFO;
	}
	if (read_u32(w, hdr + 4, &eh_frame_ptr) != 0 || read_u32(w, hdr + 8, &fde_count) != 0 ||
	    fde_count == 0) {
		return -UNW_ENOINFO;
	}
	unw_dyn_info_t di;
	memset(&di, 0, sizeof di);
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = (unw_word_t)dlfo.dlfo_map_start;
	di.end_ip = (unw_word_t)dlfo.dlfo_map_end;
	di.u.rti.segbase = hdr;
	di.u.rti.table_data = hdr + 12;
	di.u.rti.table_len = (unw_word_t)fde_count * 8 / sizeof(unw_word_t);
	if (ip < di.start_ip || ip >= di.end_ip) {
		return -UNW_ENOINFO;
	}
	int ret = cgosym_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
	if (ret >= 0) {
		w->no_info = 0;
	}
	return ret;
}

// [signal] Nothing to free: libunwind frees what dwarf_search_unwind_table
// allocated itself.
static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg) {
	(void)as;
	(void)pi;
	(void)arg;
}

// [signal] No dynamically registered unwind info: saying so skips a path
// in libunwind that allocates.
static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg) {
	(void)as;
	(void)addr;
	(void)arg;
	return -UNW_ENOINFO;
}

#endif /* CGOSYM_UNWIND_MEMORY_H */
