/*
 * dwarf_internal.h — declarations shared by the DWARF engine's files
 * (dwarf.c, dwarf_self.c, dwarf_index.c, dwarf_symbols.c, dwarf_files.c,
 * dwarf_debuginfo.c) and nothing else. Everything here runs with the engine's global mutex held (unless
 * said otherwise): libdw 0.188 is not thread-safe, and neither are the
 * structures below.
 */
#ifndef CGOSYM_DWARF_INTERNAL_H
#define CGOSYM_DWARF_INTERNAL_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "internal.h"

/* Last: every libdw and libelf call below and in the engine's files goes
 * through the table loaded at first use. */
#include "dwarf_api.h"

/* One line of /proc/PID/maps that maps a file. */
struct cgosym_dwarf_vma {
	uintptr_t start, end, offset;
	unsigned long dev_major, dev_minor;
	unsigned long ino;
	char *path; /* malloc'd, " (deleted)" kept */
};

struct cgosym_dwarf_maps {
	struct cgosym_dwarf_vma *vma;
	size_t n;
};

struct cgosym_dwarf_cu;
struct cgosym_dwarf_cu_range;
struct cgosym_dwarf_sym;

/* One loaded object. Allocated separately so that libdwfl's per-module
 * userdata can point at it for the life of the module. */
struct cgosym_dwarf_module {
	struct cgosym_dwarf *owner;
	uintptr_t lo, hi;   /* runtime address span */
	uintptr_t bias;     /* runtime address - file address */
	int bias_known;     /* 0: bias not yet asked of libdwfl (pid mode) */
	const char *name;   /* interned path, " (deleted)" removed */
	Dwfl_Module *dm;    /* NULL: no usable file, module+offset only */
	int is_vdso;

	/* Identity in this process (self mode), to notice unloading. */
	uintptr_t dlpi_addr;
	const char *dlpi_name; /* interned */
	const void *dlpi_phdr;
	unsigned char mem_build_id[32]; /* as mapped; len 0 when none */
	size_t mem_build_id_len;
	int seen; /* scratch for refresh */

	/* Self and file mode: the file chosen at report time, handed to
	 * libdwfl by find_elf on first use (-1 once handed over). */
	int main_fd;
	char *main_file_name;

	/* Where the DWARF came from (dwarf_debuginfo.c). Every file is read
	 * with ELF_C_READ, never mmap'd: a file truncated in place under a
	 * mapping raises SIGBUS on access, which would kill the host. */
	char *debug_path;     /* separate debug file, or NULL */
	Elf *debug_elf;       /* ours; NULL when the DWARF is the main file's */
	int debug_fd;
	char *alt_name;       /* dwz file named by .gnu_debugaltlink */
	unsigned char *alt_build_id;
	size_t alt_build_id_len;
	Dwarf *alt_dw;
	Elf *alt_elf;
	int alt_fd;
	size_t dwarf_bytes; /* charged to the memory cap */
	/* Where the sections holding DW_FORM_string values (.debug_info,
	 * .debug_types) of dw and alt_dw end: a value starting right there
	 * has no NUL after it (cgosym_dwarf_string). */
	const char *string_ends[8];
	size_t n_string_ends;

	/* Lazily built lookup structures (dwarf_index.c). */
	int dw_state; /* 0 not tried, 1 ok, -1 none */
	Dwarf *dw; /* ours, on the main file's Elf (libdwfl's) or debug_elf */
	Dwarf_Addr dwbias;
	struct cgosym_dwarf_cu_range *cu_ranges;
	size_t n_cu_ranges;
	struct cgosym_dwarf_cu *cus;
	size_t n_cus;
	size_t *unranged; /* indexes into cus of CUs with no address ranges */
	size_t n_unranged;
	int sym_state; /* 0 not tried, 1 ok, -1 none */
	struct cgosym_dwarf_sym *syms;
	size_t n_syms;
};

struct cgosym_dwarf {
	Dwfl *dwfl;
	Dwfl_Callbacks callbacks;
	pid_t pid; /* 0: this process; -1: files named by the caller */

	/* CGOSYMBOLIZER_DEBUG_DIRS then /usr/lib/debug, read once at open. */
	char **debug_dirs;
	size_t n_debug_dirs;

	/* Sorted by lo; modules do not overlap. */
	struct cgosym_dwarf_module **mods;
	size_t n_mods;

	/* Self mode: dl_iterate_phdr's counters at the last report. */
	unsigned long long adds, subs;
	int no_map_files; /* opening /proc/self/map_files failed: skip it */

	/* Pid mode: the maps read at open, for the find_elf callback. */
	struct cgosym_dwarf_maps maps;

	struct cgosym_dwarf_cache_slot *cache; /* NULL until first lookup */
	unsigned cache_clock;                  /* picks eviction victims */
};

/* One ELF symbol of a module's sorted function-symbol table. */
struct cgosym_dwarf_sym {
	uintptr_t lo, hi, maxhi;
	const char *name; /* owned by libdwfl's module, valid while it lives */
	int rank;         /* lower is preferred among aliases */
};

/* Index of the first element whose lo is above a, in an array sorted by
 * lo (a statement expression: gcc and clang). */
#define CGOSYM_UPPER_BOUND(arr, n, a)                                                                     \
	({                                                                                         \
		size_t lo_ = 0, hi_ = (n);                                                         \
		while (lo_ < hi_) {                                                                \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                                       \
			if ((arr)[mid_].lo <= (a)) {                                               \
				lo_ = mid_ + 1;                                                    \
			} else {                                                                   \
				hi_ = mid_;                                                        \
			}                                                                          \
		}                                                                                  \
		lo_;                                                                               \
	})

/* ---- dwarf.c ---- */

/* [normal] Sorts d->mods by address, as lookups need. */
void cgosym_dwarf_sort_modules(struct cgosym_dwarf *d);

/* [normal] Frees m and everything it owns (libdwfl's module is not m's). */
void cgosym_dwarf_free_module(struct cgosym_dwarf_module *m);

/* [normal] A zeroed module of d, with no files open. */
struct cgosym_dwarf_module *cgosym_dwarf_new_module(struct cgosym_dwarf *d);

/* [normal] Points libdwfl's userdata for m->dm at m, and takes its span
 * from libdwfl (m->dm becomes NULL if libdwfl does not know it). */
void cgosym_dwarf_attach(struct cgosym_dwarf_module *m);

/* [normal] Empties d's per-PC cache. */
void cgosym_dwarf_cache_flush(struct cgosym_dwarf *d);

/* ---- dwarf_self.c ---- */

/* [normal] Brings d's modules in line with the loader's list. */
void cgosym_dwarf_refresh_self(struct cgosym_dwarf *d);

/* ---- dwarf_index.c ---- */

/* [normal] Describes pc (inside m) into out[0..max), innermost first;
 * returns at least 1 (module+offset when nothing better names it). */
int cgosym_dwarf_describe(struct cgosym_dwarf_module *m, uintptr_t pc,
			  struct cgosym_frame *out, int max);

/* [normal] Frees m's lazily built structures (not m itself). */
void cgosym_dwarf_free_index(struct cgosym_dwarf_module *m);

/* ---- dwarf_symbols.c ---- */

/* [normal] Copies s[0..len) into the never-freed arena, deduplicated. */
const char *cgosym_dwarf_intern(const char *s, size_t len);

/* [normal] cgosym_dwarf_intern of a C string; NULL for NULL. */
const char *cgosym_dwarf_intern_str(const char *s);

/* [normal] The interned, demangled form of a symbol or linkage name. */
const char *cgosym_dwarf_demangled(const char *name);

/* [normal] Finds __cxa_demangle in a C++ runtime loaded after start-up
 * (may_load: load one); call without the engine's mutex held. */
void cgosym_dwarf_resolve_demangler(int may_load);

/* [normal] The innermost function symbol of m containing pc, or NULL. */
const struct cgosym_dwarf_sym *cgosym_dwarf_find_sym(struct cgosym_dwarf_module *m, uintptr_t pc);

/* [normal] "path+0xoffset", interned. */
const char *cgosym_dwarf_module_offset(struct cgosym_dwarf_module *m, uintptr_t pc);

/* ---- dwarf_files.c ---- */

/* [normal] Dwfl_Callbacks.find_elf: the vdso from memory; the file chosen
 * at report time (self and file mode); in pid mode the mapped file through
 * /proc/PID/map_files, /proc/PID/exe or its path, checked against the
 * mapping. Always with an Elf read, not mapped, from the file. */
int cgosym_dwarf_find_elf(Dwfl_Module *mod, void **userdata,
			  const char *modname, Dwarf_Addr base,
			  char **file_name, Elf **elfp);

/* [normal] Opens path read-only if it is a regular file (a mapped device
 * or FIFO could block or have side effects); st gets its status. */
int cgosym_dwarf_open_regular(const char *path, struct stat *st);

/* [normal] Reads /proc/PID/maps (pid 0: self); file mappings only. */
int cgosym_dwarf_read_maps(pid_t pid, struct cgosym_dwarf_maps *maps);

/* [normal] Frees what cgosym_dwarf_read_maps filled in. */
void cgosym_dwarf_free_maps(struct cgosym_dwarf_maps *maps);

/* [normal] Returns the GNU build-id note's bytes in an open ELF, or 0. */
size_t cgosym_dwarf_elf_build_id(Elf *elf, const unsigned char **bits);

/* [normal] A private copy of this process's vdso as an ELF, or NULL. */
Elf *cgosym_dwarf_vdso_elf(void);

/* [normal] Strips a trailing " (deleted)" into a malloc'd copy. */
char *cgosym_dwarf_undeleted(const char *path);

/* ---- dwarf_debuginfo.c ---- */

/* [normal] Dwfl_Callbacks.find_debuginfo: always none, so that libdwfl
 * never maps a debug file itself. */
int cgosym_dwarf_no_debuginfo(Dwfl_Module *mod, void **userdata,
			      const char *modname, Dwarf_Addr base,
			      const char *file_name,
			      const char *debuglink_file,
			      GElf_Word debuglink_crc,
			      char **debuginfo_file_name);

/* [normal] m's DWARF, opened on first use: the main file's own, else a
 * separate debug file found locally (build-id tree, then .gnu_debuglink,
 * each checked), with dwz's shared file attached. Files are read, never
 * mapped, and their DWARF is charged to the memory cap. *bias: runtime
 * address minus DWARF address. NULL when there is none or it is over the
 * cap. */
Dwarf *cgosym_dwarf_open_dwarf(struct cgosym_dwarf_module *m, Dwarf_Addr *bias);

/* [normal] dwarf_formstring(attr) for a DIE of m's DWARF, or NULL where
 * libdw 0.188 would hand back a string that runs off the end of its
 * section (see seal_strings in dwarf_debuginfo.c). */
const char *cgosym_dwarf_string(const struct cgosym_dwarf_module *m, Dwarf_Attribute *attr);

/* [normal] Releases what cgosym_dwarf_open_dwarf opened; call before
 * libdwfl frees the module (the Dwarf may sit on its Elf). */
void cgosym_dwarf_close_dwarf(struct cgosym_dwarf_module *m);

/* [normal] Whether a debug file of file_size bytes fits under the memory
 * cap (CGOSYMBOLIZER_MAX_MEMORY, 512 MiB by default); says why not on
 * stderr. */
int cgosym_dwarf_affordable(const char *path, uint64_t file_size);

/* [normal] Charges bytes of DWARF to the cap, or says on stderr why not
 * and returns 0. */
int cgosym_dwarf_charge(const char *path, uint64_t bytes);

/* [normal] Gives back what cgosym_dwarf_charge took. */
void cgosym_dwarf_uncharge(uint64_t bytes);

/* [normal] Appends a malloc'd copy of dir[0..len) to d's debug directories
 * (trailing slashes dropped) unless empty or relative: a relative directory
 * would depend on the program's current directory. Out of memory, nothing
 * is appended. */
void cgosym_dwarf_add_debug_dir(struct cgosym_dwarf *d, const char *dir, size_t len);

/* [normal] Parses CGOSYMBOLIZER_DEBUG_DIRS, appends /usr/lib/debug. */
void cgosym_dwarf_debug_dirs(struct cgosym_dwarf *d);

/* [normal] Reads CGOSYMBOLIZER_DEBUG_DIRS and CGOSYMBOLIZER_MAX_MEMORY once. */
void cgosym_dwarf_read_environment(void);

#endif /* CGOSYM_DWARF_INTERNAL_H */
