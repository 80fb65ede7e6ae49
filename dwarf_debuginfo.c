//go:build linux && cgo && amd64

// dwarf_debuginfo.c — finding a module's separate debug files, from local
// directories only: the build-id tree, then .gnu_debuglink next to the
// file, in .debug/ and under each debug directory; dwz's shared file named
// by .gnu_debugaltlink. A file that does not match (build-id, else the
// debuglink CRC) is skipped.
//
// libdwfl's own dwfl_standard_find_debuginfo is not used: on Debian it loads
// libdebuginfod and libcurl, and with DEBUGINFOD_URLS set it goes to the
// network with a 90 s timeout (shared/notes/symbolization.md).

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_internal.h"

// [normal] Appends a malloc'd copy of dir[0..len) unless empty or relative
// (a relative directory would depend on the program's current directory).
static void add_debug_dir(struct cgosym_dwarf *d, const char *dir, size_t len) {
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

// [normal] secure_getenv: a set-uid program must not be steered into
// reading files an unprivileged user chose.
void cgosym_dwarf_read_environment(void) {
	if (debug_dirs_env_read) {
		return;
	}
	const char *env = secure_getenv("CGOSYMBOLIZER_DEBUG_DIRS");
	debug_dirs_env = env != NULL ? strdup(env) : NULL;
	debug_dirs_env_read = 1;
}

// [normal]
void cgosym_dwarf_debug_dirs(struct cgosym_dwarf *d) {
	cgosym_dwarf_read_environment();
	const char *env = debug_dirs_env;
	while (env != NULL && *env != '\0') {
		const char *colon = strchr(env, ':');
		size_t len = colon ? (size_t)(colon - env) : strlen(env);
		add_debug_dir(d, env, len);
		env = colon ? colon + 1 : NULL;
	}
	add_debug_dir(d, "/usr/lib/debug", strlen("/usr/lib/debug"));
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

// [normal] Reads .gnu_debugaltlink (dwz's shared file): a name, NUL, then
// the build-id that file must have.
static int elf_altlink(Elf *elf, const char **name, const unsigned char **id, size_t *idlen) {
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		return -1;
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS) {
			continue;
		}
		const char *sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sname == NULL || strcmp(sname, ".gnu_debugaltlink") != 0) {
			continue;
		}
		Elf_Data *data = elf_getdata(scn, NULL);
		if (data == NULL || data->d_buf == NULL || data->d_size == 0) {
			return -1;
		}
		const char *p = data->d_buf;
		const char *nul = memchr(p, '\0', data->d_size);
		if (nul == NULL || nul == p || (size_t)(nul + 1 - p) >= data->d_size) {
			return -1;
		}
		*name = p;
		*id = (const unsigned char *)(nul + 1);
		*idlen = data->d_size - (size_t)(nul + 1 - p);
		return 0;
	}
	return -1;
}

// [normal] Remembers elf's dwz link, so that the later request for it is
// recognised (libdwfl asks for it through this same callback).
static void remember_altlink(struct cgosym_dwarf_module *m, Elf *elf) {
	const char *name;
	const unsigned char *id;
	size_t idlen;
	if (elf_altlink(elf, &name, &id, &idlen) != 0) {
		return;
	}
	char *n = strdup(name);
	unsigned char *i = malloc(idlen);
	if (n == NULL || i == NULL) {
		free(n);
		free(i);
		return;
	}
	memcpy(i, id, idlen);
	free(m->alt_name);
	free(m->alt_build_id);
	m->alt_name = n;
	m->alt_build_id = i;
	m->alt_build_id_len = idlen;
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
};

// [normal] Opens path if it is the wanted debug file; -1 otherwise. A file
// that is not valid ELF or does not match is skipped, never trusted.
static int try_debug_file(struct want *w, const char *path) {
	if (w->found != NULL) {
		return -1;
	}
	struct stat st;
	int fd = cgosym_dwarf_open_regular(path, &st);
	if (fd < 0) {
		return -1;
	}
	if (st.st_dev == w->main_dev && st.st_ino == w->main_ino) {
		close(fd);
		return -1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
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
		if (ok && !w->is_alt) {
			remember_altlink(w->m, elf);
		}
	}
	if (elf != NULL) {
		elf_end(elf);
	}
	if (!ok) {
		close(fd);
		return -1;
	}
	w->found = strdup(path);
	if (w->found == NULL) {
		close(fd);
		return -1;
	}
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

// [normal]
int cgosym_dwarf_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
				const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
				char **debuginfo_file_name) {
	(void)modname;
	(void)base;
	struct cgosym_dwarf_module *m = userdata ? *userdata : NULL;
	errno = 0;
	if (m == NULL || m->is_vdso || m->name == NULL || m->name[0] != '/') {
		return -1;
	}
	struct want w = {.m = m};
	struct stat st;
	if (file_name != NULL && stat(file_name, &st) == 0) {
		w.main_dev = st.st_dev;
		w.main_ino = st.st_ino;
	}

	// libdwfl asks for the dwz file through this callback too, with the
	// .gnu_debugaltlink name and no CRC. The main file may carry the link
	// itself when its DWARF was not split off.
	if (debuglink_file != NULL && debuglink_crc == 0 && m->alt_name == NULL) {
		GElf_Addr bias;
		Elf *main_elf = dwfl_module_getelf(mod, &bias);
		if (main_elf != NULL) {
			remember_altlink(m, main_elf);
		}
	}
	int fd = -1;
	if (debuglink_file != NULL && debuglink_crc == 0 && m->alt_name != NULL &&
	    strcmp(debuglink_file, m->alt_name) == 0) {
		w.is_alt = 1;
		w.id = m->alt_build_id;
		w.idlen = m->alt_build_id_len;
		fd = find_alt(&w, file_name);
	} else {
		const unsigned char *bits = NULL;
		GElf_Addr vaddr;
		int n = dwfl_module_build_id(mod, &bits, &vaddr);
		if (n > 0) {
			w.id = bits;
			w.idlen = (size_t)n;
		}
		w.check_crc = debuglink_file != NULL;
		w.crc = debuglink_crc;
		fd = try_build_id_dirs(&w);
		if (fd < 0 && debuglink_file != NULL && strchr(debuglink_file, '/') == NULL) {
			const char *slash = strrchr(m->name, '/');
			char *dir = strndup(m->name, (size_t)(slash - m->name));
			if (dir != NULL) {
				fd = try_debuglink_dirs(&w, dir, debuglink_file);
				// Merged /usr: the loader's path and the packaged
				// path can differ (/lib vs /usr/lib).
				char *real = fd < 0 ? realpath(dir, NULL) : NULL;
				if (real != NULL && strcmp(real, dir) != 0) {
					fd = try_debuglink_dirs(&w, real, debuglink_file);
				}
				free(real);
				free(dir);
			}
		}
		if (fd >= 0) {
			free(m->debug_path);
			m->debug_path = strdup(w.found);
		}
	}
	if (fd < 0) {
		free(w.found);
		errno = 0;
		return -1;
	}
	*debuginfo_file_name = w.found;
	return fd;
}
