//go:build linux && cgo && (amd64 || arm64)

// dwarf_symbols.c — names: the never-freed string arena every returned
// name and file lives in, C++ demangling, ELF symbol tables for PCs no
// DWARF function covers, and module+offset when nothing names a PC.

#include <dlfcn.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_internal.h"

// C programs do not link libstdc++; C++ programs always do.

// ---- Interned strings ----

struct intern_slot {
	const char *s;
	size_t len;
	uint64_t hash;
};

static struct intern_slot *intern_slots;
static size_t intern_cap, intern_n;
static char *arena_next;
static size_t arena_left;

// [normal]
static uint64_t fnv1a(const char *s, size_t len) {
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	}
	return h;
}

// [normal] Returned strings must outlive any module (the runtime keeps
// them), so they are never freed; deduplication bounds the growth to the
// distinct names and files of the program.
const char *cgosym_dwarf_intern(const char *s, size_t len) {
	if (s == NULL) {
		return NULL;
	}
	uint64_t h = fnv1a(s, len);
	if (intern_n * 2 >= intern_cap) {
		size_t ncap = intern_cap ? intern_cap * 2 : 4096;
		struct intern_slot *ns = calloc(ncap, sizeof *ns);
		if (ns == NULL) {
			return NULL;
		}
		for (size_t i = 0; i < intern_cap; i++) {
			if (intern_slots[i].s != NULL) {
				size_t j = intern_slots[i].hash & (ncap - 1);
				while (ns[j].s != NULL) {
					j = (j + 1) & (ncap - 1);
				}
				ns[j] = intern_slots[i];
			}
		}
		free(intern_slots);
		intern_slots = ns;
		intern_cap = ncap;
	}
	size_t j = h & (intern_cap - 1);
	while (intern_slots[j].s != NULL) {
		if (intern_slots[j].hash == h && intern_slots[j].len == len && memcmp(intern_slots[j].s, s, len) == 0) {
			return intern_slots[j].s;
		}
		j = (j + 1) & (intern_cap - 1);
	}
	char *p;
	enum { BLOCK = 64 * 1024 };
	if (len + 1 > BLOCK / 8) {
		p = malloc(len + 1);
	} else {
		if (len + 1 > arena_left) {
			arena_next = malloc(BLOCK);
			arena_left = arena_next ? BLOCK : 0;
		}
		p = arena_next;
		if (p != NULL) {
			arena_next += len + 1;
			arena_left -= len + 1;
		}
	}
	if (p == NULL) {
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	intern_slots[j] = (struct intern_slot){p, len, h};
	intern_n++;
	return p;
}

// [normal]
const char *cgosym_dwarf_intern_str(const char *s) {
	return s ? cgosym_dwarf_intern(s, strlen(s)) : NULL;
}

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

#ifdef CGOSYMBOLIZER_STATIC
// With -tags cgosymbolizer_static the demangler is linked (libsupc++.a, see
// static_libs.go): a static binary has no global scope to search and cannot
// load a C++ runtime, and its crash helper sees no libstdc++.so among the
// modules of the process it symbolizes. C++ programs linking libstdc++ get
// the same function, whichever archive or library the linker takes it from.
extern char *__cxa_demangle(const char *, char *, size_t *, int *);
static demangle_fn pinned_demangler = __cxa_demangle;
#else
// Set once, never cleared; read under the engine's mutex, written without
// it (cgosym_dwarf_resolve_demangler runs outside the mutex).
static demangle_fn pinned_demangler;
#endif

#ifdef CGOSYMBOLIZER_STATIC
// [normal] Nothing to find: pinned_demangler is the linked one from the
// start (see above).
void cgosym_dwarf_resolve_demangler(int may_load) {
	(void)may_load;
}
#else
// [normal] The demangler is looked up, not linked: C programs have no C++
// runtime, and a weak reference would not do either (Go's internal linker
// turns it into a hard dependency). A C program may dlopen a C++ library
// later, RTLD_LOCAL and so outside the global scope: the runtimes are then
// asked for by name. The
// RTLD_NOLOAD handle is kept: it pins the library, so the pointer can never
// dangle (glibc never unloads libstdc++ anyway: it has unique symbols).
// Runs outside the engine's mutex: dlopen takes the loader's lock, which
// a thread running a library constructor holds while it may wait for ours.
void cgosym_dwarf_resolve_demangler(int may_load) {
	static const char *const runtimes[] = {"libstdc++.so.6", "libc++abi.so.1", "libc++.so.1"};
	if (__atomic_load_n(&pinned_demangler, __ATOMIC_ACQUIRE) != NULL) {
		return;
	}
	void *global = dlsym(RTLD_DEFAULT, "__cxa_demangle");
	if (global != NULL) {
		__atomic_store_n(&pinned_demangler, (demangle_fn)global, __ATOMIC_RELEASE);
		return;
	}
	for (size_t i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++) {
		void *h = dlopen(runtimes[i], RTLD_NOLOAD | RTLD_LAZY);
		if (h == NULL && may_load) {
			h = dlopen(runtimes[i], RTLD_LAZY | RTLD_LOCAL);
		}
		void *sym = h ? dlsym(h, "__cxa_demangle") : NULL;
		if (sym != NULL) {
			__atomic_store_n(&pinned_demangler, (demangle_fn)sym, __ATOMIC_RELEASE);
			return;
		}
		if (h != NULL) {
			dlclose(h);
		}
	}
}
#endif

// [normal]
static demangle_fn find_demangler(void) {
	return __atomic_load_n(&pinned_demangler, __ATOMIC_ACQUIRE);
}

// [normal]
const char *cgosym_dwarf_demangled(const char *name) {
	if (name == NULL || name[0] == '\0') {
		return NULL;
	}
	if (name[0] == '_' && name[1] == 'Z') {
		demangle_fn fn = find_demangler();
		if (fn != NULL) {
			int status = -1;
			char *d = fn(name, NULL, NULL, &status);
			if (d != NULL) {
				const char *r = status == 0 ? cgosym_dwarf_intern_str(d) : NULL;
				free(d);
				if (r != NULL) {
					return r;
				}
			}
		}
	}
	return cgosym_dwarf_intern_str(name);
}


// [normal]
static int cmp_sym(const void *a, const void *b) {
	const struct cgosym_dwarf_sym *x = a, *y = b;
	if (x->lo != y->lo) {
		return x->lo < y->lo ? -1 : 1;
	}
	return x->rank - y->rank;
}

// ---- Module+offset and ELF symbols ----

// [normal] In pid mode the load bias is known only once libdwfl has the
// ELF file; without one, the offset from the first mapping is the best
// available.
static uintptr_t module_bias(struct cgosym_dwarf_module *m) {
	if (!m->bias_known) {
		m->bias_known = 1;
		GElf_Addr bias;
		if (m->dm != NULL && dwfl_module_getelf(m->dm, &bias) != NULL) {
			m->bias = bias;
		} else {
			m->bias = m->lo;
		}
	}
	return m->bias;
}

// [normal] The file offset of the file address vaddr in elf, from its
// PT_LOAD headers; -1 when no PT_LOAD holds it.
static int file_offset(Elf *elf, uintptr_t vaddr, uintptr_t *offset) {
	size_t n;
	if (elf_getphdrnum(elf, &n) != 0) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr mem, *ph = gelf_getphdr(elf, (int)i, &mem);
		if (ph != NULL && ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr < ph->p_memsz) {
			*offset = vaddr - ph->p_vaddr + ph->p_offset;
			return 0;
		}
	}
	return -1;
}

// [normal] "path+0xOFFSET (BuildId: hex)", OFFSET the file offset: what a
// tool needs to find the instruction again in the file or its debug file
// (cmd/cgosymbolize). In normal code every such name carries the build-id:
// a goroutine dump may be read on its own. The crash path prints it once
// per object (crash_helper.c replaces the helper's names by its own).
const char *cgosym_dwarf_module_offset(struct cgosym_dwarf_module *m, uintptr_t pc) {
	char buf[CGOSYM_UNNAMED_MIN + 1024];
	GElf_Addr bias;
	Elf *elf = m->dm != NULL ? dwfl_module_getelf(m->dm, &bias) : NULL;
	uintptr_t offset;
	const char *kind = ""; // what offset is, when not a file offset
	if (elf == NULL || file_offset(elf, pc - bias, &offset) != 0) {
		// No file to read the headers from: this process's loader has
		// them mapped. Else the address within the object, marked.
		if (m->owner->pid == 0 && cgosym_format_unnamed(buf, sizeof buf, pc, 1, NULL) >= 0) {
			return cgosym_dwarf_intern_str(buf);
		}
		elf = NULL;
		offset = pc - module_bias(m);
		kind = " (vaddr)";
	}
	const unsigned char *id = m->mem_build_id;
	size_t id_len = m->mem_build_id_len;
	if (id_len == 0 && elf != NULL) {
		id_len = cgosym_dwarf_elf_build_id(elf, &id);
	}
	if (id_len > CGOSYM_BUILD_ID_MAX) {
		id_len = 0;
	}
	// A path too long keeps its end, and the offset is never cut.
	const char *path = m->name != NULL ? m->name : "?";
	size_t path_len = strlen(path);
	size_t path_max = sizeof buf - CGOSYM_UNNAMED_MIN;
	if (path_len > path_max) {
		path += path_len - path_max;
	}
	int len = snprintf(buf, sizeof buf, "%s+0x%" PRIxPTR "%s", path, offset, kind);
	if (len < 0 || (size_t)len + 13 + 2 * id_len >= sizeof buf) {
		return NULL;
	}
	if (id_len > 0) {
		len += (int)cgosym_format_build_id(buf + len, id, id_len);
	}
	buf[len] = '\0';
	return cgosym_dwarf_intern_str(buf);
}

// [normal] Aliases share an address; a global name is the one a reader
// knows, a sized symbol the one that bounds the function.
static int sym_rank(const GElf_Sym *sym) {
	int bind = GELF_ST_BIND(sym->st_info);
	int rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 2 : 4;
	return rank + (sym->st_size == 0);
}

// The string tables of one Elf, to check symbol names against.
struct strtabs {
	Elf *elf;
	size_t n;
	struct {
		uintptr_t lo, hi;
	} r[8];
};

// [normal] The SHT_STRTAB sections of elf, as read (libdwfl's symbol
// tables point into these same buffers).
static void read_strtabs(Elf *elf, struct strtabs *t) {
	t->elf = elf;
	t->n = 0;
	Elf_Scn *scn = NULL;
	while (elf != NULL && (scn = elf_nextscn(elf, scn)) != NULL && t->n < sizeof t->r / sizeof t->r[0]) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_STRTAB) {
			continue;
		}
		Elf_Data *data = elf_getdata(scn, NULL);
		if (data != NULL && data->d_buf != NULL && data->d_size > 0) {
			t->r[t->n].lo = (uintptr_t)data->d_buf;
			t->r[t->n].hi = (uintptr_t)data->d_buf + data->d_size;
			t->n++;
		}
	}
}

// [normal] libdwfl 0.188 checks that a symbol's name starts inside its
// string table, not that a NUL ends it there: on a corrupt .strtab (or
// the one inside .gnu_debugdata) strlen would run past the buffer. A name
// counts only if it lies in one of its Elf's string tables with a NUL
// before that table's end.
static int name_terminated(const char *name, Elf *elf, struct strtabs t[2]) {
	struct strtabs *tab = t[0].elf == elf ? &t[0] : t[1].elf == elf ? &t[1] : NULL;
	if (tab == NULL) {
		tab = t[0].elf == NULL ? &t[0] : &t[1];
		read_strtabs(elf, tab);
	}
	uintptr_t p = (uintptr_t)name;
	for (size_t i = 0; i < tab->n; i++) {
		if (p >= tab->r[i].lo && p < tab->r[i].hi) {
			return memchr(name, '\0', tab->r[i].hi - p) != NULL;
		}
	}
	return 0;
}

// [normal]
static void build_syms(struct cgosym_dwarf_module *m) {
	m->sym_state = -1;
	if (m->dm == NULL) {
		return;
	}
	int n = dwfl_module_getsymtab(m->dm);
	if (n <= 0) {
		return;
	}
	struct cgosym_dwarf_sym *syms = malloc((size_t)n * sizeof *syms);
	if (syms == NULL) {
		return;
	}
	size_t k = 0;
	struct strtabs tabs[2] = {{.elf = NULL}, {.elf = NULL}};
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		Elf *elf = NULL;
		const char *name = dwfl_module_getsym_info(m->dm, i, &sym, &addr, &shndx, &elf, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		if (name == NULL || (type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx == SHN_ABS || addr < m->lo || addr >= m->hi || !name_terminated(name, elf, tabs) ||
		    name[0] == '\0') {
			continue;
		}
		syms[k++] = (struct cgosym_dwarf_sym){addr, sym.st_size ? addr + sym.st_size : 0, 0, name, sym_rank(&sym)};
	}
	qsort(syms, k, sizeof *syms, cmp_sym);
	// Keep the preferred alias per address, bounded by any alias's size;
	// an unsized symbol runs to the next symbol (hand-written assembly
	// often has no .size).
	size_t out = 0;
	for (size_t i = 0; i < k; i++) {
		if (out > 0 && syms[out - 1].lo == syms[i].lo) {
			if (syms[out - 1].hi == 0) {
				syms[out - 1].hi = syms[i].hi;
			}
			continue;
		}
		syms[out++] = syms[i];
	}
	uintptr_t mx = 0;
	for (size_t i = 0; i < out; i++) {
		if (syms[i].hi == 0) {
			syms[i].hi = i + 1 < out ? syms[i + 1].lo : m->hi;
		}
		if (syms[i].hi > mx) {
			mx = syms[i].hi;
		}
		syms[i].maxhi = mx;
	}
	m->syms = syms;
	m->n_syms = out;
	m->sym_state = out > 0 ? 1 : -1;
}

// [normal]
const struct cgosym_dwarf_sym *cgosym_dwarf_find_sym(struct cgosym_dwarf_module *m, uintptr_t pc) {
	if (m->sym_state == 0) {
		build_syms(m);
	}
	if (m->sym_state != 1) {
		return NULL;
	}
	size_t i = CGOSYM_UPPER_BOUND(m->syms, m->n_syms, pc);
	const struct cgosym_dwarf_sym *best = NULL;
	while (i > 0 && m->syms[i - 1].maxhi > pc) {
		const struct cgosym_dwarf_sym *s = &m->syms[--i];
		if (pc < s->hi && (best == NULL || s->hi - s->lo < best->hi - best->lo)) {
			best = s;
		}
	}
	return best;
}
