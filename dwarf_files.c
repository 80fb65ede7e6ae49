//go:build linux && cgo && amd64

// dwarf_files.c — finding the files the DWARF engine reads: the ELF file
// actually mapped (not whatever now sits at its path), and its separate
// debug files, from local directories only.
//
// libdwfl's own dwfl_standard_find_debuginfo is not used: on Debian it loads
// libdebuginfod and libcurl, and with DEBUGINFOD_URLS set it goes to the
// network with a 90 s timeout (shared/notes/symbolization.md).

#include <dwarf.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>

#include "dwarf_internal.h"

// [normal]
char *cgosym_dwarf_undeleted(const char *path) {
	static const char suffix[] = " (deleted)";
	size_t len = strlen(path);
	if (len >= sizeof suffix - 1 && strcmp(path + len - (sizeof suffix - 1), suffix) == 0) {
		len -= sizeof suffix - 1;
	}
	return strndup(path, len);
}

// [normal]
int cgosym_dwarf_read_maps(pid_t pid, struct cgosym_dwarf_maps *maps) {
	char name[64];
	if (pid == 0) {
		snprintf(name, sizeof name, "/proc/self/maps");
	} else {
		snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	}
	maps->vma = NULL;
	maps->n = 0;
	FILE *f = fopen(name, "re");
	if (f == NULL) {
		return -1;
	}
	size_t cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	while ((len = getline(&line, &linecap, f)) > 0) {
		if (line[len - 1] == '\n') {
			line[len - 1] = '\0';
		}
		struct cgosym_dwarf_vma v;
		int pathpos = -1;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %*s %" SCNxPTR " %lx:%lx %lu %n",
			   &v.start, &v.end, &v.offset, &v.dev_major, &v.dev_minor, &v.ino, &pathpos) < 6 ||
		    pathpos <= 0 || line[pathpos] != '/') {
			continue;
		}
		if (maps->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct cgosym_dwarf_vma *nv = realloc(maps->vma, ncap * sizeof *nv);
			if (nv == NULL) {
				break;
			}
			maps->vma = nv;
			cap = ncap;
		}
		v.path = strdup(line + pathpos);
		if (v.path == NULL) {
			break;
		}
		maps->vma[maps->n++] = v;
	}
	free(line);
	fclose(f);
	return maps->n > 0 ? 0 : -1;
}

// [normal]
void cgosym_dwarf_free_maps(struct cgosym_dwarf_maps *maps) {
	for (size_t i = 0; i < maps->n; i++) {
		free(maps->vma[i].path);
	}
	free(maps->vma);
	maps->vma = NULL;
	maps->n = 0;
}

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

// [normal] secure_getenv: a set-uid program must not be steered into
// reading files an unprivileged user chose.
void cgosym_dwarf_debug_dirs(struct cgosym_dwarf *d) {
	const char *env = secure_getenv("CGOSYMBOLIZER_DEBUG_DIRS");
	while (env != NULL && *env != '\0') {
		const char *colon = strchr(env, ':');
		size_t len = colon ? (size_t)(colon - env) : strlen(env);
		add_debug_dir(d, env, len);
		env = colon ? colon + 1 : NULL;
	}
	add_debug_dir(d, "/usr/lib/debug", strlen("/usr/lib/debug"));
}

// [normal]
size_t cgosym_dwarf_elf_build_id(Elf *elf, const unsigned char **bits) {
	const void *p = NULL;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &p);
	if (n <= 0 || p == NULL) {
		*bits = NULL;
		return 0;
	}
	*bits = p;
	return (size_t)n;
}

// [normal] The vdso has no file: libdwfl gets a private copy of its image
// (libelf may write into the memory it is given; the vdso is read-only).
Elf *cgosym_dwarf_vdso_elf(void) {
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	if (base == 0) {
		return NULL;
	}
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64) {
		return NULL;
	}
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	uint64_t mapped = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > mapped) {
			mapped = ph[i].p_offset + ph[i].p_filesz;
		}
	}
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0) {
		page = 4096;
	}
	mapped = (mapped + (uint64_t)page - 1) & ~((uint64_t)page - 1);
	uint64_t size = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	if (size < mapped) {
		size = mapped;
	}
	if (size > mapped || size == 0 || size > (1u << 20)) {
		// Section headers past the mapped pages: read only what is there.
		size = mapped;
	}
	if (size == 0) {
		return NULL;
	}
	char *copy = malloc(size);
	if (copy == NULL) {
		return NULL;
	}
	memcpy(copy, (const void *)base, size);
	Elf *elf = elf_memory(copy, size);
	if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
		if (elf != NULL) {
			elf_end(elf);
		}
		free(copy);
		return NULL;
	}
	// The copy lives as long as the module, which for the vdso is the
	// life of the process.
	return elf;
}

// [normal] Opens path only if it is a regular file: a mapped device or
// FIFO could block in open or have side effects.
static int open_regular(const char *path, struct stat *st) {
	struct stat tmp;
	if (st == NULL) {
		st = &tmp;
	}
	if (stat(path, st) != 0 || !S_ISREG(st->st_mode)) {
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

// [normal]
static int same_inode(const struct stat *st, const struct cgosym_dwarf_vma *v) {
	return v != NULL && (unsigned long)major(st->st_dev) == v->dev_major &&
	       (unsigned long)minor(st->st_dev) == v->dev_minor && (unsigned long)st->st_ino == v->ino;
}

// [normal] Reads another process's memory; fails without ptrace rights.
static int read_remote(pid_t pid, uintptr_t addr, void *dst, size_t n) {
	struct iovec local = {dst, n};
	struct iovec remote = {(void *)addr, n};
	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)n ? 0 : -1;
}

// [normal] The build-id note as mapped in process pid, where v maps the
// start of the file. Returns its length (0 when unreadable or absent).
static size_t remote_build_id(pid_t pid, const struct cgosym_dwarf_vma *v, unsigned char *out, size_t outcap) {
	Elf64_Ehdr eh;
	if (v == NULL || v->offset != 0 || read_remote(pid, v->start, &eh, sizeof eh) != 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 128) {
		return 0;
	}
	Elf64_Phdr *ph = malloc(eh.e_phnum * sizeof *ph);
	if (ph == NULL || read_remote(pid, v->start + eh.e_phoff, ph, eh.e_phnum * sizeof *ph) != 0) {
		free(ph);
		return 0;
	}
	// The mapping at v->start holds file offset 0; the first PT_LOAD says
	// which address that is in the file's own numbering.
	uintptr_t bias = 0;
	int have_bias = 0;
	for (int i = 0; i < eh.e_phnum && !have_bias; i++) {
		if (ph[i].p_type == PT_LOAD) {
			bias = v->start - (ph[i].p_vaddr - ph[i].p_offset);
			have_bias = 1;
		}
	}
	size_t found = 0;
	for (int i = 0; i < eh.e_phnum && have_bias && found == 0; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_filesz == 0 || ph[i].p_filesz > 65536) {
			continue;
		}
		unsigned char *notes = malloc(ph[i].p_filesz);
		if (notes == NULL || read_remote(pid, bias + ph[i].p_vaddr, notes, ph[i].p_filesz) != 0) {
			free(notes);
			continue;
		}
		size_t align = ph[i].p_align == 8 ? 8 : 4;
		size_t off = 0;
		while (off + sizeof(Elf64_Nhdr) <= ph[i].p_filesz) {
			Elf64_Nhdr nh;
			memcpy(&nh, notes + off, sizeof nh);
			size_t name_off = off + sizeof nh;
			size_t desc_off = name_off + ((nh.n_namesz + align - 1) & ~(align - 1));
			size_t next = desc_off + ((nh.n_descsz + align - 1) & ~(align - 1));
			if (desc_off > ph[i].p_filesz || nh.n_descsz > ph[i].p_filesz - desc_off) {
				break;
			}
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp(notes + name_off, "GNU", 4) == 0 && nh.n_descsz > 0 && nh.n_descsz <= outcap) {
				memcpy(out, notes + desc_off, nh.n_descsz);
				found = nh.n_descsz;
				break;
			}
			off = next;
		}
		free(notes);
	}
	free(ph);
	return found;
}

// [normal] Whether fd holds the file mapped at v in process pid, when its
// inode differs from the mapping's (overlayfs reports the lower inode in
// maps on older kernels) or the mapping is unknown: compare build-ids.
static int remote_file_matches(pid_t pid, const struct cgosym_dwarf_vma *v, int fd, int deleted) {
	unsigned char mem_id[64];
	size_t mem_len = remote_build_id(pid, v, mem_id, sizeof mem_id);
	if (mem_len == 0) {
		// Unverifiable. A path the kernel marks deleted is surely not the
		// mapped file; otherwise trust it rather than lose all names.
		return !deleted;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int ok = 0;
	if (elf != NULL) {
		const unsigned char *bits;
		size_t len = cgosym_dwarf_elf_build_id(elf, &bits);
		ok = len == mem_len && memcmp(bits, mem_id, len) == 0;
		elf_end(elf);
	}
	return ok;
}

// [normal] Only the vdso (both modes) and, in pid mode, every module come
// here: in self mode the files are opened when reported.
int cgosym_dwarf_find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			  char **file_name, Elf **elfp) {
	(void)mod;
	struct cgosym_dwarf_module *m = userdata ? *userdata : NULL;
	*file_name = NULL;
	if (m == NULL) {
		return -1;
	}
	if (m->is_vdso) {
		// Parent and helper child run on the same kernel, so this
		// process's vdso image is the other process's too.
		*elfp = cgosym_dwarf_vdso_elf();
		return -1;
	}
	struct cgosym_dwarf *d = m->owner;
	if (d->pid == 0 || modname == NULL || modname[0] != '/') {
		return -1;
	}
	const struct cgosym_dwarf_vma *v = NULL;
	for (size_t i = 0; i < d->maps.n; i++) {
		if (d->maps.vma[i].start == base) {
			v = &d->maps.vma[i];
			break;
		}
	}
	char path[96];
	struct stat st;
	int fd;
	if (v != NULL) {
		// Exactly the mapped inode; needs CAP_SYS_ADMIN or
		// CAP_CHECKPOINT_RESTORE, so often refused.
		snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIxPTR "-%" PRIxPTR, (int)d->pid, v->start,
			 v->end);
		fd = open_regular(path, &st);
		if (fd >= 0) {
			*file_name = strdup(path);
			return fd;
		}
		// /proc/PID/exe is the mapped executable even after it was
		// replaced on disk, and needs no privilege beyond reading maps.
		snprintf(path, sizeof path, "/proc/%d/exe", (int)d->pid);
		fd = open_regular(path, &st);
		if (fd >= 0) {
			if (same_inode(&st, v)) {
				*file_name = strdup(path);
				return fd;
			}
			close(fd);
		}
	}
	char *plain = cgosym_dwarf_undeleted(modname);
	if (plain == NULL) {
		return -1;
	}
	int deleted = strcmp(plain, modname) != 0;
	fd = open_regular(plain, &st);
	if (fd >= 0 && !same_inode(&st, v) && !remote_file_matches(d->pid, v, fd, deleted)) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		*file_name = plain;
	} else {
		free(plain);
	}
	return fd;
}

// ---- Separate debug files ----

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
	int fd = open_regular(path, &st);
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
