//go:build linux && cgo && (amd64 || arm64)

// find_object.c — glibc's _dl_find_object, and, in a static program linked
// without an .eh_frame_hdr, a search table built for the program instead.
//
// _dl_find_object is what lets the signal paths find a PC's unwind table
// without a lock. Its dlfo_eh_frame is the object's PT_GNU_EH_FRAME: the
// .eh_frame_hdr, a sorted table of every FDE, which the linker writes when
// gcc passes it --eh-frame-hdr — as gcc does for every link except -static
// (static programs traditionally register .eh_frame with libgcc at start-up
// instead, which takes a lock and mallocs on first use: no good in a signal
// handler). So a program built with -tags cgosymbolizer_static and
// -extldflags=-static gets dlfo_eh_frame NULL for itself; cgosym_find_object
// then answers with a header and table built once at start-up, in normal
// code, from the program's .eh_frame (found through /proc/self/exe's
// section headers), in the very format the linker writes. With
// -Wl,--eh-frame-hdr, or in any dynamic program, glibc's answer is used as
// it is. Built without the tag, nothing here is ever built (a dynamic
// program with no .eh_frame_hdr is -linkmode=internal: init.c stands
// aside).

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bind_now.h"
#include "internal.h"

#ifdef CGOSYMBOLIZER_STATIC

// Room for this many FDEs (a static Go program with the package has about
// 5,000; a large C++ program may have 100,000). Static, not malloc'd: the
// table's entries are 32-bit offsets from the header, so it must lie within
// 2 GiB of the code, which the program's own .bss does and a large malloc
// (mmap'd anywhere) would not. 2 MiB of address space; only the pages the
// table fills cost memory, and none when the linker wrote a header.
#define MAX_FDES (1 << 18)

// The .eh_frame_hdr format ("Exception Frame Header Format", LSB): version
// 1, then the encodings of the three fields, the .eh_frame pointer, the FDE
// count, and the table of (initial location, FDE address) pairs, both
// relative to the header, sorted by initial location.
static struct {
	uint8_t version, eh_frame_ptr_enc, fde_count_enc, table_enc;
	int32_t eh_frame_ptr;
	uint32_t fde_count;
	int32_t table[MAX_FDES][2];
} synthesized;

// Set once by cgosym_find_object_init, before any signal path can run;
// read-only after.
static struct link_map *main_map;
static const void *main_eh_frame_hdr;

enum {
	PE_absptr = 0x00,
	PE_uleb128 = 0x01,
	PE_udata2 = 0x02,
	PE_udata4 = 0x03,
	PE_udata8 = 0x04,
	PE_sleb128 = 0x09,
	PE_sdata2 = 0x0a,
	PE_sdata4 = 0x0b,
	PE_sdata8 = 0x0c,
	PE_pcrel = 0x10,
	PE_datarel = 0x30,
	PE_indirect = 0x80,
	PE_omit = 0xff,
};

// A cursor over [p, end) of the program's own .eh_frame, in memory.
struct cur {
	const uint8_t *p, *end;
	int bad;
};

// [normal]
static uint64_t get_uleb(struct cur *c) {
	uint64_t v = 0;
	for (unsigned shift = 0; c->p < c->end && shift < 64; shift += 7) {
		uint8_t b = *c->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			return v;
		}
	}
	c->bad = 1;
	return 0;
}

// [normal] Reads n bytes into a little-endian unsigned value.
static uint64_t get_fixed(struct cur *c, size_t n) {
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		v |= (uint64_t)c->p[i] << (8 * i);
	}
	c->p += n;
	return v;
}

// [normal] Reads a pointer in encoding enc (as in a CIE's 'R' or 'P'
// augmentation). Only what linkers write into .eh_frame: absolute or
// pc-relative, fixed-size or LEB128; anything else marks the cursor bad.
static uintptr_t get_encoded(struct cur *c, uint8_t enc) {
	uintptr_t at = (uintptr_t)c->p;
	uint64_t v;
	switch (enc & 0x0f) {
	case PE_absptr:
	case PE_udata8:
	case PE_sdata8:
		v = get_fixed(c, 8);
		break;
	case PE_udata4:
		v = get_fixed(c, 4);
		break;
	case PE_sdata4:
		v = (uint64_t)(int64_t)(int32_t)(uint32_t)get_fixed(c, 4);
		break;
	case PE_udata2:
		v = get_fixed(c, 2);
		break;
	case PE_sdata2:
		v = (uint64_t)(int64_t)(int16_t)(uint16_t)get_fixed(c, 2);
		break;
	case PE_uleb128:
	case PE_sleb128: // the value is not needed, only its length
		v = get_uleb(c);
		break;
	default:
		c->bad = 1;
		return 0;
	}
	switch (enc & 0x70) {
	case 0:
		return (uintptr_t)v;
	case PE_pcrel:
		return at + (uintptr_t)v;
	default:
		c->bad = 1;
		return 0;
	}
}

// [normal] The FDE pointer encoding ('R') of the CIE at cie; -1 if the CIE
// cannot be read.
static int cie_fde_encoding(const uint8_t *cie, const uint8_t *end) {
	struct cur c = {cie, end, 0};
	if (get_fixed(&c, 4) == 0xffffffff) {
		get_fixed(&c, 8); // the length, 64-bit form; the caller checked it
	}
	c.p += 4; // the CIE id: 4 bytes in .eh_frame in either form
	if (c.bad || c.p >= end) {
		return -1;
	}
	uint8_t version = *c.p++;
	const char *aug = (const char *)c.p;
	size_t aug_len = strnlen(aug, (size_t)(end - c.p));
	c.p += aug_len + 1;
	if (c.p > end || strstr(aug, "eh") != NULL) {
		return -1; // pre-1998 GCC's "eh" augmentation: not produced today
	}
	get_uleb(&c); // code alignment
	get_uleb(&c); // data alignment (signed; only skipped)
	if (version == 1) {
		get_fixed(&c, 1);
	} else {
		get_uleb(&c);
	}
	if (aug[0] != 'z') {
		return c.bad ? -1 : PE_absptr;
	}
	get_uleb(&c); // augmentation data length
	for (const char *a = aug + 1; *a != '\0' && !c.bad; a++) {
		switch (*a) {
		case 'R':
			return (int)get_fixed(&c, 1);
		case 'P': {
			uint8_t penc = (uint8_t)get_fixed(&c, 1);
			get_encoded(&c, penc & 0x7f);
			break;
		}
		case 'L':
			get_fixed(&c, 1);
			break;
		case 'S':
		case 'B':
			break;
		default:
			return -1; // the rest of the data cannot be parsed
		}
	}
	return c.bad ? -1 : PE_absptr;
}

static int by_location(const void *a, const void *b) {
	const int32_t *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

// [normal] Fills synthesized from the .eh_frame at [start, start + size);
// 0, or -1 if a record cannot be read or there are too many.
static int build_table(const uint8_t *start, size_t size) {
	uintptr_t hdr = (uintptr_t)&synthesized;
	const uint8_t *end = start + size;
	uint32_t n = 0;
	int sorted = 1;
	// Consecutive FDEs nearly always share a CIE: remember the last one.
	const uint8_t *last_cie = NULL;
	int last_enc = -1;
	for (const uint8_t *p = start; end - p >= 4;) {
		struct cur c = {p, end, 0};
		uint64_t len = get_fixed(&c, 4);
		if (len == 0) {
			break; // the terminator crtend.o puts at the end
		}
		if (len == 0xffffffff) {
			len = get_fixed(&c, 8);
		}
		const uint8_t *id_at = c.p;
		if (c.bad || len < 4 || len > (uint64_t)(end - id_at)) {
			return -1;
		}
		const uint8_t *next = id_at + len;
		uint32_t id = (uint32_t)get_fixed(&c, 4);
		if (id != 0) { // an FDE; id is the distance back to its CIE
			if ((uintptr_t)id > (uintptr_t)(id_at - start)) {
				return -1;
			}
			if (id_at - id != last_cie) {
				last_cie = id_at - id;
				last_enc = cie_fde_encoding(last_cie, end);
			}
			int enc = last_enc;
			if (enc < 0) {
				return -1;
			}
			c.end = next;
			uintptr_t loc = get_encoded(&c, (uint8_t)enc);
			if (c.bad) {
				return -1;
			}
			// A zero location is an FDE of code the linker dropped.
			if (loc != 0) {
				intptr_t loc_off = (intptr_t)(loc - hdr), fde_off = (intptr_t)((uintptr_t)p - hdr);
				if (n == MAX_FDES || loc_off != (int32_t)loc_off || fde_off != (int32_t)fde_off) {
					return -1;
				}
				sorted = sorted && (n == 0 || synthesized.table[n - 1][0] <= (int32_t)loc_off);
				synthesized.table[n][0] = (int32_t)loc_off;
				synthesized.table[n][1] = (int32_t)fde_off;
				n++;
			}
		}
		p = next;
	}
	if (n == 0) {
		return -1;
	}
	if (!sorted) { // the linker keeps its inputs' order: usually sorted already
		qsort(synthesized.table, n, sizeof synthesized.table[0], by_location);
	}
	synthesized.version = 1;
	synthesized.eh_frame_ptr_enc = PE_pcrel | PE_sdata4;
	synthesized.fde_count_enc = PE_udata4;
	synthesized.table_enc = PE_datarel | PE_sdata4;
	synthesized.eh_frame_ptr = (int32_t)((intptr_t)start - (intptr_t)&synthesized.eh_frame_ptr);
	synthesized.fde_count = n;
	return 0;
}

// [normal] The run-time address and size of the .eh_frame section of the
// file at path, loaded with bias; 0 if it has none or cannot be read.
static int find_eh_frame_section(const char *path, uintptr_t bias, uintptr_t *addr, size_t *size) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return 0;
	}
	int found = 0;
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL;
	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
	    eh.e_shstrndx >= eh.e_shnum) {
		goto out;
	}
	size_t shsize = (size_t)eh.e_shnum * sizeof *sh;
	sh = malloc(shsize);
	if (sh == NULL || pread(fd, sh, shsize, (off_t)eh.e_shoff) != (ssize_t)shsize) {
		goto out;
	}
	const Elf64_Shdr *strtab = &sh[eh.e_shstrndx];
	for (size_t i = 0; i < eh.e_shnum && !found; i++) {
		char name[sizeof ".eh_frame"];
		if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_ALLOC) ||
		    sh[i].sh_name >= strtab->sh_size ||
		    pread(fd, name, sizeof name, (off_t)(strtab->sh_offset + sh[i].sh_name)) != (ssize_t)sizeof name ||
		    memcmp(name, ".eh_frame", sizeof name) != 0) {
			continue;
		}
		*addr = bias + (uintptr_t)sh[i].sh_addr;
		*size = (size_t)sh[i].sh_size;
		found = 1;
	}
out:
	free(sh);
	close(fd);
	return found;
}

struct self_search {
	uintptr_t pc;
	uintptr_t bias;
	int found, has_interp;
	uintptr_t load_start, load_end; // the PT_LOAD segment holding .eh_frame
};

// [normal] The loaded object holding pc: its load bias, whether it has an
// interpreter, and its segments (checked against .eh_frame below).
static int find_self(struct dl_phdr_info *info, size_t size, void *arg) {
	(void)size;
	struct self_search *s = arg;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && s->pc >= start && s->pc - start < ph->p_memsz) {
			s->found = 1;
		}
	}
	if (!s->found) {
		return 0;
	}
	s->bias = info->dlpi_addr;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		s->has_interp |= info->dlpi_phdr[i].p_type == PT_INTERP;
	}
	return 1;
}

// [normal] Whether [addr, addr + size) lies inside one PT_LOAD segment of
// the object with bias (so that it is mapped, read-only data of ours).
struct range_check {
	uintptr_t bias, addr;
	size_t size;
	int inside;
};

static int check_range(struct dl_phdr_info *info, size_t size, void *arg) {
	(void)size;
	struct range_check *r = arg;
	if (info->dlpi_addr != r->bias) {
		return 0;
	}
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && r->addr >= start && r->size <= ph->p_memsz &&
		    r->addr - start <= ph->p_memsz - r->size) {
			r->inside = 1;
		}
	}
	return 1;
}

// [normal]
const char *cgosym_find_object_init(void) {
	struct dl_find_object self;
	if (_dl_find_object((void *)(uintptr_t)cgosym_find_object_init, &self) != 0 ||
	    self.dlfo_eh_frame != NULL) {
		return NULL; // glibc's answers are complete (or there are none)
	}
	struct self_search s = {.pc = (uintptr_t)cgosym_find_object_init};
	dl_iterate_phdr(find_self, &s);
	if (!s.found || s.has_interp) {
		return NULL; // a dynamic program without a header: -linkmode=internal
	}
	uintptr_t addr;
	size_t size;
	if (!find_eh_frame_section("/proc/self/exe", s.bias, &addr, &size)) {
		return "a static program without .eh_frame (or /proc/self/exe unreadable)";
	}
	struct range_check r = {.bias = s.bias, .addr = addr, .size = size};
	dl_iterate_phdr(check_range, &r);
	if (!r.inside || build_table((const uint8_t *)addr, size) != 0) {
		return "a static program whose .eh_frame could not be indexed: link it with -Wl,--eh-frame-hdr";
	}
	main_map = self.dlfo_link_map;
	main_eh_frame_hdr = &synthesized;
	return NULL;
}

// [signal] Lock-free and async-signal-safe, as _dl_find_object is.
int cgosym_find_object(uintptr_t pc, struct dl_find_object *out) {
	if (_dl_find_object((void *)pc, out) != 0) {
		return -1;
	}
	if (out->dlfo_eh_frame == NULL && main_map != NULL && out->dlfo_link_map == main_map) {
		out->dlfo_eh_frame = (void *)(uintptr_t)main_eh_frame_hdr;
	}
	return 0;
}

#else

// [normal] Nothing to build: see the file comment.
const char *cgosym_find_object_init(void) {
	return NULL;
}

// [signal]
int cgosym_find_object(uintptr_t pc, struct dl_find_object *out) {
	return _dl_find_object((void *)pc, out) == 0 ? 0 : -1;
}

#endif
