//go:build linux && cgo && (amd64 || arm64)

// dwarf_self.c — the modules of this process, from dl_iterate_phdr, kept
// in step with dlopen and dlclose.
//
// Each file is opened as it is mapped: the executable through
// /proc/self/exe and libraries through /proc/self/map_files when allowed,
// since a rolling upgrade may have replaced the file at the path. A path is
// used only after its build-id is checked against the one in memory.

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_internal.h"

// What we keep of one dl_iterate_phdr entry. Everything read through its
// program headers is read inside the callback, under the loader's lock: once
// dl_iterate_phdr returns, another thread's dlclose may unmap them, so
// phdr is kept only as an identity, never dereferenced.
//
// Nor is the loaded image read directly even there: the program headers
// and notes usually lie in the file's first mapped page, and a file
// truncated in place since it was loaded raises SIGBUS at that page. They
// are copied with cgosym_read_memory, whose probe sees such a page as
// unreadable (the kernel's own access fails with EFAULT instead).
#define MAX_PHDRS 64
struct obj {
	const char *name; /* interned */
	uintptr_t addr;
	const ElfW(Phdr) *phdr; /* identity only */
	ElfW(Phdr) ph[MAX_PHDRS]; /* the copy; phnum 0 when unreadable */
	int phnum;
	uintptr_t lo, hi; /* the span the loader mapped */
	int vdso;
	unsigned char build_id[32];
	size_t build_id_len;
};

struct objs {
	struct obj *v;
	size_t n, cap;
	unsigned long long adds, subs;
	int failed;
};

// [normal] The build-id note as the loader mapped it: the truth about
// which file this object came from.
static size_t mem_build_id(const struct obj *o, unsigned char *out, size_t outcap) {
	for (int i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *ph = &o->ph[i];
		if (ph->p_type != PT_NOTE || ph->p_filesz == 0 || ph->p_filesz > 4096) {
			continue;
		}
		// Read only notes inside a loaded segment: they are mapped.
		int mapped = 0;
		for (int k = 0; k < o->phnum && !mapped; k++) {
			const ElfW(Phdr) *l = &o->ph[k];
			mapped = l->p_type == PT_LOAD && ph->p_vaddr >= l->p_vaddr &&
				 ph->p_vaddr + ph->p_filesz <= l->p_vaddr + l->p_filesz;
		}
		if (!mapped) {
			continue;
		}
		unsigned char notes[4096];
		if (cgosym_read_memory(notes, o->addr + ph->p_vaddr, ph->p_filesz) != 0) {
			continue;
		}
		size_t align = ph->p_align == 8 ? 8 : 4;
		size_t off = 0;
		while (off + sizeof(ElfW(Nhdr)) <= ph->p_filesz) {
			ElfW(Nhdr) nh;
			memcpy(&nh, notes + off, sizeof nh);
			size_t name_off = off + sizeof nh;
			size_t desc_off = name_off + ((nh.n_namesz + align - 1) & ~(align - 1));
			if (desc_off > ph->p_filesz || nh.n_descsz > ph->p_filesz - desc_off) {
				break;
			}
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp(notes + name_off, "GNU", 4) == 0 &&
			    nh.n_descsz > 0 && nh.n_descsz <= outcap) {
				memcpy(out, notes + desc_off, nh.n_descsz);
				return nh.n_descsz;
			}
			off = desc_off + ((nh.n_descsz + align - 1) & ~(align - 1));
		}
	}
	return 0;
}

// [normal]
static int is_vdso(const struct obj *o) {
	uintptr_t vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	return vdso != 0 && (uintptr_t)o->phdr >= vdso && (uintptr_t)o->phdr < vdso + 65536;
}

// [normal] The span the loader mapped, for objects libdwfl cannot read.
static void obj_span(const struct obj *o, uintptr_t *lo, uintptr_t *hi) {
	uintptr_t l = UINTPTR_MAX, h = 0;
	for (int i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *ph = &o->ph[i];
		if (ph->p_type != PT_LOAD) {
			continue;
		}
		uintptr_t align = ph->p_align ? ph->p_align : 1;
		if ((ph->p_vaddr & ~(align - 1)) < l) {
			l = ph->p_vaddr & ~(align - 1);
		}
		if (ph->p_vaddr + ph->p_memsz > h) {
			h = ph->p_vaddr + ph->p_memsz;
		}
	}
	*lo = l == UINTPTR_MAX ? o->addr : o->addr + l;
	*hi = h == 0 ? *lo : o->addr + h;
}

// [normal] Runs under the loader's lock: copies what it needs, nothing more.
static int collect_obj(struct dl_phdr_info *info, size_t size, void *arg) {
	struct objs *o = arg;
	if (size < offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
		o->failed = 1;
		return 1;
	}
	o->adds = info->dlpi_adds;
	o->subs = info->dlpi_subs;
	if (o->n == o->cap) {
		size_t ncap = o->cap ? 2 * o->cap : 32;
		struct obj *nv = realloc(o->v, ncap * sizeof *nv);
		if (nv == NULL) {
			o->failed = 1;
			return 1;
		}
		o->v = nv;
		o->cap = ncap;
	}
	const char *name = cgosym_dwarf_intern(info->dlpi_name ? info->dlpi_name : "",
					       info->dlpi_name ? strlen(info->dlpi_name) : 0);
	if (name == NULL) {
		o->failed = 1;
		return 1;
	}
	struct obj *ob = &o->v[o->n++];
	memset(ob, 0, sizeof *ob);
	ob->name = name;
	ob->addr = info->dlpi_addr;
	ob->phdr = info->dlpi_phdr;
	ob->phnum = info->dlpi_phnum;
	if (ob->phnum > MAX_PHDRS || ob->phdr == NULL ||
	    cgosym_read_memory(ob->ph, (uintptr_t)ob->phdr, (size_t)ob->phnum * sizeof ob->ph[0]) != 0) {
		ob->phnum = 0;
	}
	if (ob->phnum > 0) {
		obj_span(ob, &ob->lo, &ob->hi);
		ob->vdso = is_vdso(ob);
		ob->build_id_len = mem_build_id(ob, ob->build_id, sizeof ob->build_id);
	}
	return 0;
}

// [normal] Whether fd holds the object the loader mapped. Without a
// build-id in memory there is nothing to compare; the map_files and
// /proc/self/exe paths are exact anyway.
static int file_matches(int fd, const struct cgosym_dwarf_module *m) {
	if (m->mem_build_id_len == 0) {
		return 1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf == NULL) {
		return 0;
	}
	const unsigned char *bits;
	size_t len = cgosym_dwarf_elf_build_id(elf, &bits);
	int ok = len == m->mem_build_id_len && memcmp(bits, m->mem_build_id, len) == 0;
	elf_end(elf);
	return ok;
}

// [normal]
static int open_file(const char *path) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

// [normal] The file a library was mapped from, even if its path has
// since been replaced: /proc/self/map_files needs CAP_SYS_ADMIN (or
// CAP_CHECKPOINT_RESTORE); after the first refusal it is not tried again.
// *file_name gets the malloc'd name that was opened.
static int open_mapped_library(struct cgosym_dwarf *d, const struct obj *o, const char *path,
			       struct cgosym_dwarf_maps *maps, int *maps_read, char **file_name) {
	if (!d->no_map_files) {
		if (!*maps_read) {
			*maps_read = 1;
			(void)cgosym_dwarf_read_maps(0, maps);
		}
		uintptr_t lo = o->lo;
		for (size_t i = 0; i < maps->n; i++) {
			if (maps->vma[i].start != lo) {
				continue;
			}
			char *name = NULL;
			if (asprintf(&name, "/proc/self/map_files/%" PRIxPTR "-%" PRIxPTR, maps->vma[i].start,
				     maps->vma[i].end) < 0) {
				break;
			}
			int fd = open_file(name);
			if (fd >= 0) {
				*file_name = name;
				return fd;
			}
			if (errno == EPERM || errno == EACCES) {
				d->no_map_files = 1;
			}
			free(name);
			break;
		}
	}
	*file_name = strdup(path);
	if (*file_name == NULL) {
		return -1;
	}
	return open_file(path);
}

// [normal] The executable's path as the kernel reports it (malloc'd), or
// NULL.
static char *exe_path(void) {
	char *buf = malloc(PATH_MAX);
	if (buf == NULL) {
		return NULL;
	}
	ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX - 1);
	char *path = NULL;
	if (n > 0) {
		buf[n] = '\0';
		path = cgosym_dwarf_undeleted(buf);
	}
	free(buf);
	return path;
}

// [normal] Reports one newly seen object to libdwfl. Returns NULL for
// objects with nothing to report (no segments, or unnamed and not the
// main program or the vdso).
static struct cgosym_dwarf_module *report_obj(struct cgosym_dwarf *d, const struct obj *o, int is_main,
					      struct cgosym_dwarf_maps *maps, int *maps_read) {
	if (o->phnum == 0 || o->phdr == NULL) {
		return NULL;
	}
	int vdso = !is_main && o->vdso;
	if (!is_main && !vdso && o->name[0] == '\0') {
		return NULL;
	}
	struct cgosym_dwarf_module *m = cgosym_dwarf_new_module(d);
	if (m == NULL) {
		return NULL;
	}
	m->dlpi_addr = o->addr;
	m->dlpi_name = o->name;
	m->dlpi_phdr = o->phdr;
	m->bias = o->addr;
	m->bias_known = 1;
	memcpy(m->mem_build_id, o->build_id, sizeof m->mem_build_id);
	m->mem_build_id_len = o->build_id_len;
	m->lo = o->lo;
	m->hi = o->hi;

	if (vdso) {
		m->is_vdso = 1;
		m->name = cgosym_dwarf_intern("[vdso]", 6);
		m->dm = dwfl_report_module(d->dwfl, "[vdso]", m->lo, m->hi);
		if (m->dm != NULL) {
			cgosym_dwarf_attach(m);
		}
		return m;
	}

	char *path = NULL;
	if (is_main) {
		path = exe_path();
	} else if (o->name[0] != '/') {
		path = realpath(o->name, NULL);
	}
	if (path == NULL) {
		path = strdup(o->name[0] ? o->name : "/proc/self/exe");
	}
	if (path == NULL) {
		free(m);
		return NULL;
	}
	m->name = cgosym_dwarf_intern(path, strlen(path));

	char *file_name = NULL;
	int fd;
	if (is_main) {
		// The inode the kernel mapped, whatever now sits at the path.
		file_name = strdup("/proc/self/exe");
		fd = file_name ? open_file(file_name) : -1;
	} else {
		fd = open_mapped_library(d, o, path, maps, maps_read, &file_name);
	}
	free(path);
	if (fd >= 0 && !file_matches(fd, m)) {
		// Replaced on disk and map_files refused: module+offset only.
		close(fd);
		fd = -1;
	}
	if (fd >= 0 && m->name != NULL && file_name != NULL) {
		// Not dwfl_report_elf: it would mmap the file. The file is
		// handed to libdwfl, read not mapped, by cgosym_dwarf_find_elf.
		m->dm = dwfl_report_module(d->dwfl, m->name, m->lo, m->hi);
		if (m->dm == NULL) {
			close(fd);
		} else {
			cgosym_dwarf_attach(m);
			m->main_fd = fd;
			m->main_file_name = file_name;
			file_name = NULL;
		}
	} else if (fd >= 0) {
		close(fd);
	}
	free(file_name);
	return m;
}

// [normal] Brings the module set in line with the loader's. Unchanged
// modules keep their libdwfl state and our indexes: dwfl_report_module
// with the same name and span reuses the module.
void cgosym_dwarf_refresh_self(struct cgosym_dwarf *d) {
	struct objs o = {0};
	dl_iterate_phdr(collect_obj, &o);
	if (o.failed || o.n == 0) {
		free(o.v);
		return;
	}
	for (size_t i = 0; i < d->n_mods; i++) {
		d->mods[i]->seen = 0;
	}
	size_t n_new = 0;
	char *is_new = calloc(o.n, 1);
	if (is_new == NULL) {
		free(o.v);
		return;
	}
	for (size_t i = 0; i < o.n; i++) {
		is_new[i] = 1;
		for (size_t k = 0; k < d->n_mods; k++) {
			struct cgosym_dwarf_module *m = d->mods[k];
			if (!m->seen && m->dlpi_addr == o.v[i].addr && m->dlpi_name == o.v[i].name &&
			    m->dlpi_phdr == (const void *)o.v[i].phdr) {
				const struct obj *ob = &o.v[i];
				if (ob->build_id_len == m->mem_build_id_len &&
				    memcmp(ob->build_id, m->mem_build_id, ob->build_id_len) == 0) {
					m->seen = 1;
					is_new[i] = 0;
					break;
				}
			}
		}
		n_new += is_new[i];
	}
	size_t n_gone = 0;
	for (size_t i = 0; i < d->n_mods; i++) {
		n_gone += !d->mods[i]->seen;
	}

	// Allocated before libdwfl is told anything: past dwfl_report_begin,
	// giving up would let dwfl_report_end free modules we still point to.
	size_t cap = d->n_mods - n_gone + n_new;
	struct cgosym_dwarf_module **mods = malloc((cap ? cap : 1) * sizeof *mods);
	if (mods == NULL) {
		free(is_new);
		free(o.v);
		return;
	}
	if (n_gone > 0) {
		dwfl_report_begin(d->dwfl);
		for (size_t i = 0; i < d->n_mods; i++) {
			struct cgosym_dwarf_module *m = d->mods[i];
			if (m->seen && m->dm != NULL) {
				Dwarf_Addr start, end;
				const char *name = dwfl_module_info(m->dm, NULL, &start, &end, NULL, NULL, NULL, NULL);
				if (name == NULL || dwfl_report_module(d->dwfl, name, start, end) != m->dm) {
					// Cannot happen for an unchanged module;
					// if it did, forget libdwfl's view of it.
					cgosym_dwarf_free_index(m);
					m->dm = NULL;
				}
			}
		}
		// Gone modules leave libdwfl before new ones come: a rebuilt
		// library reloaded at the same address under the same name would
		// otherwise be handed the old one's Dwfl_Module, old Elf and all.
		// A gone module's Dwarf may sit on the Elf libdwfl frees now.
		for (size_t i = 0; i < d->n_mods; i++) {
			if (!d->mods[i]->seen) {
				cgosym_dwarf_free_index(d->mods[i]);
			}
		}
		dwfl_report_end(d->dwfl, NULL, NULL);
	}
	dwfl_report_begin_add(d->dwfl);

	size_t n = 0;
	for (size_t i = 0; i < d->n_mods; i++) {
		if (d->mods[i]->seen) {
			mods[n++] = d->mods[i];
		}
	}
	struct cgosym_dwarf_maps maps = {0};
	int maps_read = 0;
	for (size_t i = 0; i < o.n; i++) {
		if (is_new[i]) {
			// dl_iterate_phdr lists the main program first.
			struct cgosym_dwarf_module *m = report_obj(d, &o.v[i], i == 0, &maps, &maps_read);
			if (m != NULL) {
				mods[n++] = m;
			}
		}
	}
	cgosym_dwarf_free_maps(&maps);
	dwfl_report_end(d->dwfl, NULL, NULL);

	// Modules gone from libdwfl: our indexes point into their Dwarf.
	for (size_t i = 0; i < d->n_mods; i++) {
		if (!d->mods[i]->seen) {
			cgosym_dwarf_free_module(d->mods[i]);
		}
	}
	free(d->mods);
	d->mods = mods;
	d->n_mods = n;
	cgosym_dwarf_sort_modules(d);
	if (n_gone > 0) {
		// Another library may now sit at a cached PC.
		cgosym_dwarf_cache_flush(d);
	}
	// Read without the mutex by cgosym_dwarf_lookup.
	__atomic_store_n(&d->adds, o.adds, __ATOMIC_RELAXED);
	__atomic_store_n(&d->subs, o.subs, __ATOMIC_RELAXED);
	free(is_new);
	free(o.v);
}
