//go:build linux && cgo && (amd64 || arm64)

// dwarf_debuginfo.c — finding a module's separate debug files, from local
// directories only: the build-id tree, then .gnu_debuglink next to the
// file, in .debug/ and under each debug directory; dwz's shared file named
// by .gnu_debugaltlink. A file that does not match (build-id, else the
// debuglink CRC) is skipped.
//
// libdwfl's own dwfl_standard_find_debuginfo is not used: on Debian it loads
// libdebuginfod and libcurl, and with DEBUGINFOD_URLS set it goes to the
// network with a 90 s timeout (shared/notes/symbolization.md).

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_internal.h"

// [normal]
void cgosym_dwarf_add_debug_dir(struct cgosym_dwarf *d, const char *dir, size_t len) {
	while (len > 1 && dir[len - 1] == '/') {
		len--;
	}
	if (len == 0 || dir[0] != '/') {
		return;
	}
	char **nd = realloc(d->debug_dirs, (d->n_debug_dirs + 1) * sizeof *nd);
	if (nd == NULL) {
		return;
	}
	d->debug_dirs = nd;
	char *copy = strndup(dir, len);
	if (copy != NULL) {
		d->debug_dirs[d->n_debug_dirs++] = copy;
	}
}

// CGOSYMBOLIZER_DEBUG_DIRS as it was at start-up: read once, because Go's
// os.Setenv calls C's setenv, which may race with a later getenv. Written by
// cgosym_dwarf_read_environment (from cgosymbolizer_init, or on first use in
// the crash helper, where no Go init runs), read-only afterwards.
static const char *debug_dirs_env;
static int debug_dirs_env_read;

// The memory cap on DWARF held in memory, in bytes; 0: none. Written by
// cgosym_dwarf_read_environment, read-only afterwards.
static uint64_t memory_cap = (uint64_t)512 << 20;

// DWARF bytes held by all engines' modules now. Guarded by the engine's
// mutex, like everything in the engine.
static uint64_t memory_used;

// [normal] Parses CGOSYMBOLIZER_MAX_MEMORY: a byte count with an optional
// K, M or G suffix, or "off"; anything else keeps the default and says so.
static void read_memory_cap(const char *env) {
	if (env == NULL || *env == '\0') {
		return;
	}
	if (strcmp(env, "off") == 0) {
		memory_cap = 0;
		return;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(env, &end, 10);
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	default: break;
	}
	if (errno != 0 || end == env || *end != '\0' || v == 0 || v > (~0ull >> shift)) {
		dprintf(2, "cgosymbolizer: CGOSYMBOLIZER_MAX_MEMORY=%s not understood (want e.g. 512M or off); the cap stays %llu MiB\n",
			env, (unsigned long long)(memory_cap >> 20));
		return;
	}
	memory_cap = (uint64_t)v << shift;
}

// [normal] secure_getenv: a set-uid program must not be steered into
// reading files an unprivileged user chose.
void cgosym_dwarf_read_environment(void) {
	if (debug_dirs_env_read) {
		return;
	}
	const char *env = secure_getenv("CGOSYMBOLIZER_DEBUG_DIRS");
	debug_dirs_env = env != NULL ? strdup(env) : NULL;
	read_memory_cap(secure_getenv("CGOSYMBOLIZER_MAX_MEMORY"));
	debug_dirs_env_read = 1;
}

// [normal] bytes as "12 MiB" or "900 KiB", rounded up.
static void format_size(char *buf, size_t n, uint64_t bytes) {
	if (bytes >= (uint64_t)10 << 20) {
		snprintf(buf, n, "%llu MiB", (unsigned long long)((bytes + (1 << 20) - 1) >> 20));
	} else {
		snprintf(buf, n, "%llu KiB", (unsigned long long)((bytes + 1023) >> 10));
	}
}

// [normal] Says, once per refusal, why a file's debug info is not read.
static void say_over_cap(const char *path, uint64_t bytes, const char *what) {
	char need[32], left[32];
	format_size(need, sizeof need, bytes);
	format_size(left, sizeof left, memory_cap - memory_used);
	dprintf(2,
		"cgosymbolizer: %s: debug info not read: %s %s, over the %s left under "
		"CGOSYMBOLIZER_MAX_MEMORY; its frames are named from symbol tables\n",
		path ? path : "?", what, need, left);
}

// [normal]
int cgosym_dwarf_affordable(const char *path, uint64_t file_size) {
	if (memory_cap == 0 || file_size <= memory_cap - memory_used) {
		return 1;
	}
	say_over_cap(path, file_size, "the file is");
	return 0;
}

// [normal]
int cgosym_dwarf_charge(const char *path, uint64_t bytes) {
	if (memory_cap != 0 && bytes > memory_cap - memory_used) {
		say_over_cap(path, bytes, "it needs");
		return 0;
	}
	memory_used += bytes;
	return 1;
}

// [normal]
void cgosym_dwarf_uncharge(uint64_t bytes) {
	memory_used -= bytes < memory_used ? bytes : memory_used;
}

// [normal]
void cgosym_dwarf_debug_dirs(struct cgosym_dwarf *d) {
	cgosym_dwarf_read_environment();
	const char *env = debug_dirs_env;
	while (env != NULL && *env != '\0') {
		const char *colon = strchr(env, ':');
		size_t len = colon ? (size_t)(colon - env) : strlen(env);
		cgosym_dwarf_add_debug_dir(d, env, len);
		env = colon ? colon + 1 : NULL;
	}
	cgosym_dwarf_add_debug_dir(d, "/usr/lib/debug", strlen("/usr/lib/debug"));
}

static uint32_t crc_table[256];

// [normal] The CRC-32 of .gnu_debuglink (the zlib polynomial); zlib itself
// is not among the package's link flags.
static int file_crc32(int fd, uint32_t *out) {
	if (crc_table[1] == 0) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++) {
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			}
			crc_table[i] = c;
		}
	}
	enum { BUF = 1 << 16 };
	unsigned char *buf = malloc(BUF);
	if (buf == NULL) {
		return -1;
	}
	uint32_t crc = 0xffffffffu;
	off_t off = 0;
	for (;;) {
		ssize_t n = pread(fd, buf, BUF, off);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0) {
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			crc = crc_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
		}
		off += n;
	}
	free(buf);
	*out = crc ^ 0xffffffffu;
	return 0;
}

struct want {
	struct cgosym_dwarf_module *m;
	const unsigned char *id; /* build-id the file must have, or NULL */
	size_t idlen;
	int check_crc; /* without a build-id: the debuglink CRC must match */
	uint32_t crc;
	int is_alt;
	dev_t main_dev;
	ino_t main_ino;
	char *found; /* malloc'd path of the accepted file */
	Elf *elf;    /* the accepted file, opened ELF_C_READ */
};

// [normal] Opens path if it is the wanted debug file; -1 otherwise. A file
// that is not valid ELF or does not match is skipped, never trusted; one
// larger than the memory cap is not read at all (its CRC alone would
// read every byte).
static int try_debug_file(struct want *w, const char *path) {
	if (w->found != NULL) {
		return -1;
	}
	struct stat st;
	int fd = cgosym_dwarf_open_regular(path, &st);
	if (fd < 0) {
		return -1;
	}
	if ((st.st_dev == w->main_dev && st.st_ino == w->main_ino) || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	if (!cgosym_dwarf_affordable(path, (uint64_t)st.st_size)) {
		close(fd);
		return -1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	int ok = 0;
	if (elf != NULL && elf_kind(elf) == ELF_K_ELF) {
		const unsigned char *bits;
		size_t len = cgosym_dwarf_elf_build_id(elf, &bits);
		if (w->idlen > 0 && len > 0) {
			ok = len == w->idlen && memcmp(bits, w->id, len) == 0;
		} else if (w->check_crc) {
			uint32_t crc;
			ok = file_crc32(fd, &crc) == 0 && crc == w->crc;
		}
	}
	if (ok) {
		w->found = strdup(path);
		ok = w->found != NULL;
	}
	if (!ok) {
		if (elf != NULL) {
			elf_end(elf);
		}
		close(fd);
		return -1;
	}
	w->elf = elf;
	return fd;
}

// [normal] Joins up to three path parts into a malloc'd string.
static char *join3(const char *a, const char *b, const char *c) {
	char *s = NULL;
	if (asprintf(&s, "%s%s%s", a, b ? b : "", c ? c : "") < 0) {
		return NULL;
	}
	return s;
}

// [normal] Tries path (malloc'd, consumed); -1 if it is not the file.
static int try_owned(struct want *w, char *path) {
	if (path == NULL) {
		return -1;
	}
	int fd = try_debug_file(w, path);
	free(path);
	return fd;
}

// [normal] The build-id layout: DIR/.build-id/xx/rest.debug.
static int try_build_id_dirs(struct want *w) {
	if (w->idlen < 2 || w->idlen > 64) {
		return -1;
	}
	char hex[2 * 64 + 16];
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;
	for (size_t i = 0; i < w->idlen; i++) {
		hex[n++] = digits[w->id[i] >> 4];
		hex[n++] = digits[w->id[i] & 0xf];
		if (i == 0) {
			hex[n++] = '/';
		}
	}
	memcpy(hex + n, ".debug", sizeof ".debug");
	struct cgosym_dwarf *d = w->m->owner;
	for (size_t i = 0; i < d->n_debug_dirs; i++) {
		int fd = try_owned(w, join3(d->debug_dirs[i], "/.build-id/", hex));
		if (fd >= 0) {
			return fd;
		}
	}
	return -1;
}

// [normal] The .gnu_debuglink places, for a module in directory dir:
// next to it, in dir/.debug, under each debug directory + dir, and
// directly in each debug directory.
static int try_debuglink_dirs(struct want *w, const char *dir, const char *link) {
	struct cgosym_dwarf *d = w->m->owner;
	int fd = try_owned(w, join3(dir, "/", link));
	if (fd < 0) {
		fd = try_owned(w, join3(dir, "/.debug/", link));
	}
	for (size_t i = 0; i < d->n_debug_dirs && fd < 0; i++) {
		char *p = join3(d->debug_dirs[i], dir, "/");
		if (p != NULL) {
			fd = try_owned(w, join3(p, link, NULL));
			free(p);
		}
		if (fd < 0) {
			fd = try_owned(w, join3(d->debug_dirs[i], "/", link));
		}
	}
	return fd;
}

// [normal] The dwz file: by build-id, then as named (relative names are
// relative to the file that names it), then under each debug directory.
static int find_alt(struct want *w, const char *referrer) {
	int fd = try_build_id_dirs(w);
	const char *alt = w->m->alt_name;
	if (fd < 0 && alt[0] == '/') {
		fd = try_owned(w, strdup(alt));
	} else if (fd < 0 && referrer != NULL) {
		const char *slash = strrchr(referrer, '/');
		if (slash != NULL) {
			char *dir = strndup(referrer, (size_t)(slash - referrer));
			if (dir != NULL) {
				fd = try_owned(w, join3(dir, "/", alt));
				free(dir);
			}
		}
	}
	struct cgosym_dwarf *d = w->m->owner;
	const char *base = strrchr(alt, '/');
	base = base ? base + 1 : alt;
	for (size_t i = 0; i < d->n_debug_dirs && fd < 0; i++) {
		fd = try_owned(w, join3(d->debug_dirs[i], "/.dwz/", base));
		if (fd < 0 && alt[0] == '/') {
			fd = try_owned(w, join3(d->debug_dirs[i], alt, NULL));
		}
	}
	return fd;
}

// [normal] Dwfl_Callbacks.find_debuginfo: always "none". libdwfl mmaps
// any file it is handed, and a file truncated in place under a mapping
// raises SIGBUS when read; cgosym_dwarf_open_dwarf finds debug files
// itself and reads them. libdwfl still reads the main file's own symbol
// tables, .gnu_debugdata included.
int cgosym_dwarf_no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			      const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			      char **debuginfo_file_name) {
	(void)mod;
	(void)userdata;
	(void)modname;
	(void)base;
	(void)file_name;
	(void)debuglink_file;
	(void)debuglink_crc;
	(void)debuginfo_file_name;
	errno = 0;
	return -1;
}

// [normal] Whether a DWARF section (named without its ".debug_" or
// ".zdebug_") holds nothing names, lines or inline chains need: variable
// locations, call frames (the unwinder reads .eh_frame, in memory),
// macros, name indexes. With -O2 -g the location lists alone are a third of
// the DWARF; with -g3 the macros are most of it.
static int unneeded_section(const char *kind) {
	static const char *const unneeded[] = {
		"loc", "loclists", "frame", "macro", "macinfo", "pubnames", "pubtypes", "gnu_pubnames", "gnu_pubtypes", "names",
	};
	for (size_t i = 0; i < sizeof unneeded / sizeof unneeded[0]; i++) {
		if (strcmp(kind, unneeded[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

// [normal] Whether a file has DWARF of its own (.debug_info, compressed
// or not), and how many bytes its DWARF sections take once read and
// decompressed: what dwarf_begin_elf will hold in memory. Sections of no
// use to the engine are hidden from libdw (elf is our private copy, read
// with ELF_C_READ).
static int dwarf_sections(Elf *elf, uint64_t *bytes) {
	size_t shstrndx;
	*bytes = 0;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		return 0;
	}
	int has_info = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS || sh.sh_size == 0) {
			continue;
		}
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name == NULL) {
			continue;
		}
		int gnu_compressed = strncmp(name, ".zdebug_", 8) == 0;
		if (strncmp(name, ".debug_", 7) != 0 && !gnu_compressed) {
			continue;
		}
		if (unneeded_section(name + (gnu_compressed ? 8 : 7))) {
			// Renamed in our private copy of the section-name table, so
			// that libdw, which reads every DWARF section it knows at
			// dwarf_begin_elf, neither reads nor inflates it.
			((char *)name)[1] = 'X';
			continue;
		}
		uint64_t size = sh.sh_size;
		if (sh.sh_flags & SHF_COMPRESSED) {
			// Elf64_Chdr: the uncompressed size is ch_size. Read by
			// itself: the section is not read unless affordable.
			Elf_Data *chdr = elf_getdata_rawchunk(elf, (int64_t)sh.sh_offset, sizeof(Elf64_Chdr), ELF_T_BYTE);
			if (chdr == NULL || chdr->d_size < sizeof(Elf64_Chdr)) {
				continue;
			}
			Elf64_Chdr ch;
			memcpy(&ch, chdr->d_buf, sizeof ch);
			size = ch.ch_size;
		} else if (gnu_compressed) {
			// "ZLIB" and the uncompressed size, 8 bytes big-endian.
			Elf_Data *hdr = elf_getdata_rawchunk(elf, (int64_t)sh.sh_offset, 12, ELF_T_BYTE);
			if (hdr == NULL || hdr->d_size < 12 || memcmp(hdr->d_buf, "ZLIB", 4) != 0) {
				continue;
			}
			const unsigned char *b = (const unsigned char *)hdr->d_buf + 4;
			size = 0;
			for (int i = 0; i < 8; i++) {
				size = size << 8 | b[i];
			}
		}
		*bytes += size;
		if (strcmp(name + (gnu_compressed ? 8 : 7), "info") == 0) {
			has_info = 1;
		}
	}
	return has_info;
}

// [normal] What a DWARF section named name holds, named as libdw knows
// them (compressed .zdebug_, split .dwo, LTO .gnu.debuglto_): 1 strings
// (.debug_str, .debug_line_str), 2 DIEs with DW_FORM_string values
// (.debug_info, .debug_types), 0 neither.
static int string_section_kind(const char *name) {
	if (strncmp(name, ".gnu.debuglto_", 14) == 0) {
		name += 14;
	}
	if (strncmp(name, ".zdebug_", 8) == 0) {
		name += 8;
	} else if (strncmp(name, ".debug_", 7) == 0) {
		name += 7;
	} else {
		return 0;
	}
	size_t len = strcspn(name, ".");
	if (name[len] != '\0' && strcmp(name + len, ".dwo") != 0) {
		return 0;
	}
	if ((len == 3 && strncmp(name, "str", 3) == 0) || (len == 8 && strncmp(name, "line_str", 8) == 0)) {
		return 1;
	}
	if ((len == 4 && strncmp(name, "info", 4) == 0) || (len == 5 && strncmp(name, "types", 5) == 0)) {
		return 2;
	}
	return 0;
}

// [normal] libdw 0.188 hands out strings without checking that a NUL ends
// them inside their section: dwarf_formstring returns .debug_str and
// .debug_line_str offsets up to and including the section's size, and a
// DW_FORM_string value as it lies in .debug_info; its callers, ours and
// libdw's own line-table reader, then run strlen past the buffer on a
// corrupt file. So, once dw is open: each string section's last byte (a
// NUL in any valid file) is made a NUL and the size libdw sees stops before
// it, so every offset it accepts now has a NUL ahead; each section of
// DW_FORM_string values (which cannot shrink: its units run to its end)
// gets a NUL last byte too, and its end is noted for cgosym_dwarf_string:
// only a value starting exactly there is unsafe. The Elf was read with
// ELF_C_READ, so these buffers are private copies; libdw keeps the same
// Elf_Data (elf_getdata returns it again, already read or decompressed),
// and the sections were charged to the memory cap by dwarf_sections.
static void seal_strings(struct cgosym_dwarf_module *m, Elf *elf) {
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		return;
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS) {
			continue;
		}
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		int kind = name != NULL ? string_section_kind(name) : 0;
		Elf_Data *data = kind != 0 ? elf_getdata(scn, NULL) : NULL;
		if (data == NULL || data->d_buf == NULL || data->d_size == 0) {
			continue;
		}
		char *buf = data->d_buf;
		buf[data->d_size - 1] = '\0';
		if (kind == 1) {
			data->d_size--;
		} else if (m->n_string_ends < sizeof m->string_ends / sizeof m->string_ends[0]) {
			m->string_ends[m->n_string_ends++] = buf + data->d_size;
		} else {
			// More than any valid file has: never trust one.
			m->string_ends[0] = NULL;
		}
	}
}

// [normal]
const char *cgosym_dwarf_string(const struct cgosym_dwarf_module *m, Dwarf_Attribute *attr) {
	if (attr == NULL) {
		return NULL;
	}
	if (attr->form == DW_FORM_string) {
		if (m->n_string_ends > 0 && m->string_ends[0] == NULL) {
			return NULL;
		}
		for (size_t i = 0; i < m->n_string_ends; i++) {
			if ((const char *)attr->valp == m->string_ends[i]) {
				return NULL;
			}
		}
	}
	return dwarf_formstring(attr);
}

// [normal] dwarf_begin_elf on a file whose DWARF the memory cap allows,
// charged to m. *has_info, when not NULL, says whether the file has DWARF of
// its own at all (as opposed to too much of it).
static Dwarf *begin_charged(struct cgosym_dwarf_module *m, Elf *elf, const char *path, int *has_info) {
	uint64_t bytes;
	int info = dwarf_sections(elf, &bytes);
	if (has_info != NULL) {
		*has_info = info;
	}
	if (!info || !cgosym_dwarf_charge(path, bytes)) {
		return NULL;
	}
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (dw == NULL) {
		cgosym_dwarf_uncharge(bytes);
		return NULL;
	}
	m->dwarf_bytes += bytes;
	seal_strings(m, elf);
	return dw;
}

// [normal] The end of the first PT_LOAD: the address that lines a debug
// file up with its main file, as libdwfl's address_sync.
static GElf_Addr address_sync(Elf *elf) {
	size_t phnum;
	if (elf_getphdrnum(elf, &phnum) != 0) {
		return 0;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) != NULL && ph.p_type == PT_LOAD) {
			return ph.p_vaddr + ph.p_memsz;
		}
	}
	return 0;
}

// [normal] The separate debug file: the build-id tree, then
// .gnu_debuglink next to the file and under the debug directories.
static Dwarf *open_separate(struct cgosym_dwarf_module *m, Elf *main_elf, const char *main_path,
			    Dwarf_Addr main_bias, Dwarf_Addr *bias) {
	struct want w = {.m = m};
	struct stat st;
	if (main_path != NULL && stat(main_path, &st) == 0) {
		w.main_dev = st.st_dev;
		w.main_ino = st.st_ino;
	}
	const unsigned char *bits = NULL;
	size_t idlen = cgosym_dwarf_elf_build_id(main_elf, &bits);
	if (idlen > 0) {
		w.id = bits;
		w.idlen = idlen;
	}
	GElf_Word crc = 0;
	const char *link = dwelf_elf_gnu_debuglink(main_elf, &crc);
	w.check_crc = link != NULL;
	w.crc = crc;
	int fd = try_build_id_dirs(&w);
	if (fd < 0 && link != NULL && strchr(link, '/') == NULL && m->name != NULL && m->name[0] == '/') {
		const char *slash = strrchr(m->name, '/');
		char *dir = strndup(m->name, (size_t)(slash - m->name));
		if (dir != NULL) {
			fd = try_debuglink_dirs(&w, dir, link);
			// Merged /usr: the loader's path and the packaged
			// path can differ (/lib vs /usr/lib).
			char *real = fd < 0 ? realpath(dir, NULL) : NULL;
			if (real != NULL && strcmp(real, dir) != 0) {
				fd = try_debuglink_dirs(&w, real, link);
			}
			free(real);
			free(dir);
		}
	}
	if (fd < 0) {
		return NULL;
	}
	Dwarf *dw = begin_charged(m, w.elf, w.found, NULL);
	if (dw == NULL) {
		elf_end(w.elf);
		close(fd);
		free(w.found);
		return NULL;
	}
	m->debug_elf = w.elf;
	m->debug_fd = fd;
	m->debug_path = w.found;
	GElf_Addr main_sync = address_sync(main_elf), debug_sync = address_sync(w.elf);
	*bias = main_bias;
	if (main_sync != 0 && debug_sync != 0) {
		*bias = main_bias + main_sync - debug_sync;
	}
	return dw;
}

// [normal] dwz's shared file, named by .gnu_debugaltlink in dw.
static void attach_alt(struct cgosym_dwarf_module *m, Dwarf *dw, const char *referrer) {
	const char *name;
	const void *id;
	ssize_t idlen = dwelf_dwarf_gnu_debugaltlink(dw, &name, &id);
	if (idlen <= 0 || name == NULL || name[0] == '\0') {
		return;
	}
	m->alt_name = strdup(name);
	m->alt_build_id = malloc((size_t)idlen);
	if (m->alt_name == NULL || m->alt_build_id == NULL) {
		return;
	}
	memcpy(m->alt_build_id, id, (size_t)idlen);
	m->alt_build_id_len = (size_t)idlen;
	struct want w = {.m = m, .id = m->alt_build_id, .idlen = m->alt_build_id_len, .is_alt = 1};
	int fd = find_alt(&w, referrer);
	if (fd < 0) {
		return;
	}
	Dwarf *alt = begin_charged(m, w.elf, w.found, NULL);
	free(w.found);
	if (alt == NULL) {
		elf_end(w.elf);
		close(fd);
		return;
	}
	m->alt_dw = alt;
	m->alt_elf = w.elf;
	m->alt_fd = fd;
	dwarf_setalt(dw, alt);
}

// [normal]
Dwarf *cgosym_dwarf_open_dwarf(struct cgosym_dwarf_module *m, Dwarf_Addr *bias) {
	if (m->dm == NULL || m->is_vdso) {
		return NULL;
	}
	GElf_Addr main_bias;
	Elf *main_elf = dwfl_module_getelf(m->dm, &main_bias);
	if (main_elf == NULL) {
		return NULL;
	}
	const char *main_path = NULL;
	(void)dwfl_module_info(m->dm, NULL, NULL, NULL, NULL, NULL, &main_path, NULL);
	*bias = main_bias;
	int has_info;
	Dwarf *dw = begin_charged(m, main_elf, m->name, &has_info);
	if (dw == NULL && has_info) {
		// DWARF in the file itself, unusable or over the cap: a
		// separate file would be too.
		return NULL;
	}
	if (dw == NULL) {
		dw = open_separate(m, main_elf, main_path, main_bias, bias);
	}
	if (dw != NULL) {
		attach_alt(m, dw, m->debug_path != NULL ? m->debug_path : main_path);
	}
	return dw;
}

// [normal]
void cgosym_dwarf_close_dwarf(struct cgosym_dwarf_module *m) {
	if (m->dw != NULL) {
		dwarf_end(m->dw);
		m->dw = NULL;
	}
	if (m->alt_dw != NULL) {
		dwarf_end(m->alt_dw);
		m->alt_dw = NULL;
	}
	if (m->alt_elf != NULL) {
		elf_end(m->alt_elf);
		m->alt_elf = NULL;
	}
	if (m->alt_fd >= 0) {
		close(m->alt_fd);
		m->alt_fd = -1;
	}
	if (m->debug_elf != NULL) {
		elf_end(m->debug_elf);
		m->debug_elf = NULL;
	}
	if (m->debug_fd >= 0) {
		close(m->debug_fd);
		m->debug_fd = -1;
	}
	cgosym_dwarf_uncharge(m->dwarf_bytes);
	m->dwarf_bytes = 0;
	m->n_string_ends = 0;
	free(m->debug_path);
	free(m->alt_name);
	free(m->alt_build_id);
	m->debug_path = NULL;
	m->alt_name = NULL;
	m->alt_build_id = NULL;
	m->alt_build_id_len = 0;
}
