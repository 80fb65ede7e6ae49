//go:build linux && cgo && (amd64 || arm64)

// format.c — text for the crash path, without stdio or malloc.

#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "bind_now.h"
#include "internal.h"

// [signal]
size_t cgosym_format_hex(char *buf, uintptr_t v) {
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;
	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	buf[0] = '0';
	buf[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		buf[2 + i] = tmp[n - 1 - i];
	}
	return 2 + n;
}

// The main executable's path; link_map names it "". Written once by
// cgosym_format_init (from cgosymbolizer_init, before any signal path can
// run), read-only afterwards.
static char main_program_path[4096] = "/proc/self/exe";

// Where the kernel (or ld.so, when run as "ld.so program") put the main
// program's program headers: in a static program dlfo_map_start is its
// text segment, not its ELF header. Written once by cgosym_format_init,
// read-only afterwards; 0 when unknown.
static uintptr_t main_phdr;
static unsigned long main_phnum;

// [normal]
void cgosym_format_init(void) {
	main_phdr = getauxval(AT_PHDR);
	main_phnum = getauxval(AT_PHNUM);
	char path[sizeof main_program_path];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n > 0) {
		path[n] = '\0';
		memcpy(main_program_path, path, (size_t)n + 1);
	}
}

// [signal] Copies name into buf (size n, at least 24), keeping its end when
// it does not fit with room bytes to spare (the file name matters most).
// Returns the length written, not counting the terminating NUL.
static size_t put_module_path(char *buf, size_t n, const char *name, size_t room) {
	size_t len = strlen(name);
	if (len > n - room) {
		name += len - (n - room);
		len = n - room;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	return len;
}

// [signal] _dl_find_object is async-signal-safe and takes no lock
// (glibc >= 2.35), unlike dladdr and dl_iterate_phdr.
static const char *module_path(const struct dl_find_object *dlfo) {
	const char *name = dlfo->dlfo_link_map->l_name;
	return name == NULL || name[0] == '\0' ? main_program_path : name;
}

// [signal] The crash helper's request names a PC by its address within the
// object (pc - l_addr): the helper adds its own l_addr for the same file.
int cgosym_format_module_vaddr(char *buf, size_t n, uintptr_t pc) {
	struct dl_find_object dlfo;
	if (n < 24 || _dl_find_object((void *)pc, &dlfo) != 0 || dlfo.dlfo_link_map == NULL) {
		return -1;
	}
	size_t len = put_module_path(buf, n, module_path(&dlfo), 20);
	buf[len++] = '+';
	len += cgosym_format_hex(buf + len, pc - dlfo.dlfo_link_map->l_addr);
	buf[len] = '\0';
	return 0;
}

// Program headers looked at, at most: real objects have about a dozen.
#define MAX_PHDRS 64

// [signal] Where obj's program headers are mapped: for the main program,
// from the auxiliary vector, checked against its PT_PHDR when it has one;
// for the others, at the ELF header the loader mapped at dlfo_map_start
// (their first PT_LOAD, which holds file offset 0). 0, or -1 when they
// cannot be read.
static int find_phdrs(const struct dl_find_object *dlfo, uintptr_t *phdrs, int *phnum) {
	const char *name = dlfo->dlfo_link_map->l_name;
	uintptr_t l_addr = dlfo->dlfo_link_map->l_addr;
	if ((name == NULL || name[0] == '\0') && main_phdr != 0 && main_phnum > 0 && main_phnum <= MAX_PHDRS) {
		// The table must lie in one of its own PT_LOADs at this load
		// bias, and agree with its PT_PHDR: else it is not this
		// program's (started in some way that left the auxiliary
		// vector describing another file) and nothing in it is used.
		int own = 0;
		for (unsigned long i = 0; i < main_phnum; i++) {
			ElfW(Phdr) ph;
			if (cgosym_read_memory(&ph, main_phdr + i * sizeof ph, sizeof ph) != 0) {
				return -1;
			}
			if (ph.p_type == PT_PHDR && l_addr + ph.p_vaddr != main_phdr) {
				return -1;
			}
			if (ph.p_type == PT_LOAD && main_phdr >= l_addr + ph.p_vaddr &&
			    main_phdr - (l_addr + ph.p_vaddr) < ph.p_filesz) {
				own = 1;
			}
		}
		if (!own) {
			return -1;
		}
		*phdrs = main_phdr;
		*phnum = (int)main_phnum;
		return 0;
	}
	uintptr_t start = (uintptr_t)dlfo->dlfo_map_start;
	ElfW(Ehdr) eh;
	if (cgosym_read_memory(&eh, start, sizeof eh) != 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_phentsize != sizeof(ElfW(Phdr)) || eh.e_phnum == 0 || eh.e_phnum > MAX_PHDRS) {
		return -1;
	}
	*phdrs = start + eh.e_phoff;
	*phnum = eh.e_phnum;
	return 0;
}

// [signal] The file offset of pc and the object's GNU build-id, from the
// program headers and notes the loader mapped. Every read is validated: a
// file truncated in place since it was loaded turns its mapped pages into
// SIGBUS. Returns 0 with *offset set, or -1 when the headers cannot be
// read or no PT_LOAD holds pc; *build_id_len is 0 when there is none.
static int locate_in_file(const struct dl_find_object *dlfo, uintptr_t pc, uintptr_t *offset,
			  unsigned char *build_id, size_t build_id_cap, size_t *build_id_len) {
	*build_id_len = 0;
	uintptr_t l_addr = dlfo->dlfo_link_map->l_addr;
	uintptr_t phdrs;
	int phnum;
	if (find_phdrs(dlfo, &phdrs, &phnum) != 0) {
		return -1;
	}
	// One header at a time: this runs on a signal stack.
	uintptr_t vaddr = pc - l_addr;
	int found = 0;
	for (int i = 0; i < phnum && !found; i++) {
		ElfW(Phdr) ph;
		if (cgosym_read_memory(&ph, phdrs + i * sizeof ph, sizeof ph) != 0) {
			return -1;
		}
		if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_memsz) {
			*offset = vaddr - ph.p_vaddr + ph.p_offset;
			found = 1;
		}
	}
	if (!found) {
		return -1;
	}
	for (int i = 0; i < phnum && *build_id_len == 0; i++) {
		ElfW(Phdr) ph;
		if (cgosym_read_memory(&ph, phdrs + i * sizeof ph, sizeof ph) != 0 ||
		    ph.p_type != PT_NOTE || ph.p_filesz > 65536) {
			continue;
		}
		uintptr_t note = l_addr + ph.p_vaddr;
		uintptr_t end = note + ph.p_filesz;
		size_t align = ph.p_align == 8 ? 8 : 4;
		while (note + sizeof(ElfW(Nhdr)) <= end) {
			ElfW(Nhdr) nh;
			char name[4];
			if (cgosym_read_memory(&nh, note, sizeof nh) != 0) {
				break;
			}
			uintptr_t desc = note + sizeof nh + ((nh.n_namesz + align - 1) & ~(align - 1));
			if (desc > end || nh.n_descsz > end - desc) {
				break;
			}
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && nh.n_descsz > 0 &&
			    nh.n_descsz <= build_id_cap && cgosym_read_memory(name, note + sizeof nh, 4) == 0 &&
			    memcmp(name, "GNU", 4) == 0 && cgosym_read_memory(build_id, desc, nh.n_descsz) == 0) {
				*build_id_len = nh.n_descsz;
				break;
			}
			note = desc + ((nh.n_descsz + align - 1) & ~(align - 1));
		}
	}
	return 0;
}

// [signal]
size_t cgosym_format_build_id(char *buf, const unsigned char *id, size_t len) {
	static const char digits[] = "0123456789abcdef";
	static const char prefix[] = " (BuildId: ";
	size_t n = sizeof prefix - 1;
	memcpy(buf, prefix, n);
	for (size_t i = 0; i < len; i++) {
		buf[n++] = digits[id[i] >> 4];
		buf[n++] = digits[id[i] & 0xf];
	}
	buf[n++] = ')';
	return n;
}

// [signal]
int cgosym_format_unnamed(char *buf, size_t n, uintptr_t pc, int with_build_id, uintptr_t *module) {
	struct dl_find_object dlfo;
	if (n < CGOSYM_UNNAMED_MIN || _dl_find_object((void *)pc, &dlfo) != 0 || dlfo.dlfo_link_map == NULL) {
		return -1;
	}
	if (module != NULL) {
		*module = (uintptr_t)dlfo.dlfo_link_map;
	}
	uintptr_t offset;
	unsigned char id[CGOSYM_BUILD_ID_MAX];
	size_t id_len;
	int located = locate_in_file(&dlfo, pc, &offset, id, sizeof id, &id_len) == 0;
	if (!with_build_id) {
		id_len = 0;
	}
	size_t len = put_module_path(buf, n, module_path(&dlfo), CGOSYM_UNNAMED_MIN - 32);
	buf[len++] = '+';
	if (located) {
		len += cgosym_format_hex(buf + len, offset);
	} else {
		// The headers are gone (the file truncated since it was loaded):
		// the address within the object, marked as such.
		len += cgosym_format_hex(buf + len, pc - dlfo.dlfo_link_map->l_addr);
		memcpy(buf + len, " (vaddr)", 8);
		len += 8;
	}
	if (id_len > 0) {
		len += cgosym_format_build_id(buf + len, id, id_len);
	}
	buf[len] = '\0';
	return located ? 0 : CGOSYM_UNNAMED_VADDR;
}
