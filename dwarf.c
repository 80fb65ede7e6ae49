//go:build linux && cgo && amd64

// dwarf.c — the libdw engine: which modules an address space has, and a
// per-PC cache in front of dwarf_index.c.
//
// One global mutex serializes everything, across all handles: libdw 0.188
// is not built thread-safe, and 8 threads doing cold lookups without a lock
// crashed 10 runs out of 10 (shared/notes/symbolization.md).
//
// In this process, modules come from dl_iterate_phdr. Each file is opened
// as it is mapped: the executable through /proc/self/exe and libraries
// through /proc/self/map_files when allowed, since a rolling upgrade may
// have replaced the file at the path. A path is used only after its
// build-id is checked against the one in memory.

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_internal.h"

static pthread_mutex_t engine_mu = PTHREAD_MUTEX_INITIALIZER;

// ---- Per-PC result cache ----

// pprof asks for the same PCs again and again; a hit costs a hash probe
// and a copy. 4-way probing into a fixed table bounds memory at
// 2^16 entries without any list upkeep.
#define CACHE_BITS 16
#define CACHE_SLOTS (1u << CACHE_BITS)
#define CACHE_WAYS 4

struct cached {
	int n;
	struct cgosym_frame f[];
};

struct cgosym_dwarf_cache_slot {
	uintptr_t pc;
	struct cached *r;
};

// [normal]
static size_t cache_index(uintptr_t pc) {
	return (size_t)(((uint64_t)pc * 0x9e3779b97f4a7c15ull) >> (64 - CACHE_BITS));
}

// [normal]
static struct cached *cache_get(struct cgosym_dwarf *d, uintptr_t pc) {
	if (d->cache == NULL) {
		return NULL;
	}
	size_t h = cache_index(pc);
	for (size_t w = 0; w < CACHE_WAYS; w++) {
		struct cgosym_dwarf_cache_slot *s = &d->cache[(h + w) & (CACHE_SLOTS - 1)];
		if (s->r != NULL && s->pc == pc) {
			return s->r;
		}
	}
	return NULL;
}

// [normal] A full set evicts a rotating victim: no bookkeeping on hits.
static void cache_put(struct cgosym_dwarf *d, uintptr_t pc, const struct cgosym_frame *f, int n) {
	if (d->cache == NULL) {
		d->cache = calloc(CACHE_SLOTS, sizeof *d->cache);
		if (d->cache == NULL) {
			return;
		}
	}
	struct cached *r = malloc(sizeof *r + (size_t)n * sizeof r->f[0]);
	if (r == NULL) {
		return;
	}
	r->n = n;
	memcpy(r->f, f, (size_t)n * sizeof r->f[0]);
	size_t h = cache_index(pc);
	struct cgosym_dwarf_cache_slot *s = NULL;
	for (size_t w = 0; w < CACHE_WAYS && s == NULL; w++) {
		struct cgosym_dwarf_cache_slot *c = &d->cache[(h + w) & (CACHE_SLOTS - 1)];
		if (c->r == NULL) {
			s = c;
		}
	}
	if (s == NULL) {
		s = &d->cache[(h + (d->cache_clock++ % CACHE_WAYS)) & (CACHE_SLOTS - 1)];
		free(s->r);
	}
	s->pc = pc;
	s->r = r;
}

// [normal]
static void cache_flush(struct cgosym_dwarf *d) {
	if (d->cache == NULL) {
		return;
	}
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		free(d->cache[i].r);
		d->cache[i].r = NULL;
	}
}

// [normal] When out is too small for the chain, the outermost frame (the
// function really executing) is kept in place of inner ones.
static int copy_frames(const struct cgosym_frame *src, int n, struct cgosym_frame *out, int max) {
	if (n <= max) {
		memcpy(out, src, (size_t)n * sizeof *out);
		return n;
	}
	memcpy(out, src, (size_t)(max - 1) * sizeof *out);
	out[max - 1] = src[n - 1];
	return max;
}

// ---- Module table ----

// [normal]
static int cmp_module(const void *a, const void *b) {
	const struct cgosym_dwarf_module *x = *(struct cgosym_dwarf_module *const *)a;
	const struct cgosym_dwarf_module *y = *(struct cgosym_dwarf_module *const *)b;
	return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

// [normal]
static struct cgosym_dwarf_module *find_module(struct cgosym_dwarf *d, uintptr_t pc) {
	size_t lo = 0, hi = d->n_mods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->mods[mid]->lo <= pc) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo == 0 || pc >= d->mods[lo - 1]->hi) {
		return NULL;
	}
	return d->mods[lo - 1];
}

// [normal]
static void free_module(struct cgosym_dwarf_module *m) {
	cgosym_dwarf_free_index(m);
	free(m->debug_path);
	free(m->alt_name);
	free(m->alt_build_id);
	free(m);
}

// [normal] libdwfl hands our callbacks this pointer for the module.
static void attach(struct cgosym_dwarf_module *m) {
	void **userdata = NULL;
	Dwarf_Addr start = 0, end = 0;
	if (dwfl_module_info(m->dm, &userdata, &start, &end, NULL, NULL, NULL, NULL) == NULL) {
		m->dm = NULL;
		return;
	}
	*userdata = m;
	m->lo = (uintptr_t)start;
	m->hi = (uintptr_t)end;
}

// ---- This process ----

struct obj {
	const char *name; /* interned */
	uintptr_t addr;
	const ElfW(Phdr) *phdr;
	int phnum;
};

struct objs {
	struct obj *v;
	size_t n, cap;
	unsigned long long adds, subs;
	int failed;
};

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
	o->v[o->n++] = (struct obj){name, info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum};
	return 0;
}

struct counts {
	unsigned long long adds, subs;
	int ok;
};

// [normal] Stops at the first object: only the counters are wanted.
static int counts_cb(struct dl_phdr_info *info, size_t size, void *arg) {
	struct counts *c = arg;
	if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
		c->adds = info->dlpi_adds;
		c->subs = info->dlpi_subs;
		c->ok = 1;
	}
	return 1;
}

// [normal] The build-id note as the loader mapped it: the truth about
// which file this object came from.
static size_t mem_build_id(const struct obj *o, unsigned char *out, size_t outcap) {
	for (int i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *ph = &o->phdr[i];
		if (ph->p_type != PT_NOTE || ph->p_filesz == 0) {
			continue;
		}
		// Read only notes inside a loaded segment: they are mapped.
		int mapped = 0;
		for (int k = 0; k < o->phnum && !mapped; k++) {
			const ElfW(Phdr) *l = &o->phdr[k];
			mapped = l->p_type == PT_LOAD && ph->p_vaddr >= l->p_vaddr &&
				 ph->p_vaddr + ph->p_filesz <= l->p_vaddr + l->p_filesz;
		}
		if (!mapped) {
			continue;
		}
		const unsigned char *notes = (const unsigned char *)(o->addr + ph->p_vaddr);
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
		const ElfW(Phdr) *ph = &o->phdr[i];
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

// [normal] Whether fd holds the object the loader mapped. Without a
// build-id in memory there is nothing to compare; the map_files and
// /proc/self/exe paths are exact anyway.
static int file_matches(int fd, const struct cgosym_dwarf_module *m) {
	if (m->mem_build_id_len == 0) {
		return 1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
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
static int open_mapped_library(struct cgosym_dwarf *d, const struct obj *o, const char *path,
			       struct cgosym_dwarf_maps *maps, int *maps_read, char *file_name, size_t cap) {
	if (!d->no_map_files) {
		if (!*maps_read) {
			*maps_read = 1;
			(void)cgosym_dwarf_read_maps(0, maps);
		}
		uintptr_t lo, hi;
		obj_span(o, &lo, &hi);
		for (size_t i = 0; i < maps->n; i++) {
			if (maps->vma[i].start != lo) {
				continue;
			}
			snprintf(file_name, cap, "/proc/self/map_files/%" PRIxPTR "-%" PRIxPTR, maps->vma[i].start,
				 maps->vma[i].end);
			int fd = open_file(file_name);
			if (fd >= 0) {
				return fd;
			}
			if (errno == EPERM || errno == EACCES) {
				d->no_map_files = 1;
			}
			break;
		}
	}
	snprintf(file_name, cap, "%s", path);
	return open_file(path);
}

// [normal] Reports one newly seen object to libdwfl. Returns NULL for
// objects with nothing to report (no segments, or unnamed and not the
// main program or the vdso).
static struct cgosym_dwarf_module *report_obj(struct cgosym_dwarf *d, const struct obj *o, int is_main,
					      struct cgosym_dwarf_maps *maps, int *maps_read) {
	if (o->phnum == 0 || o->phdr == NULL) {
		return NULL;
	}
	int vdso = !is_main && is_vdso(o);
	if (!is_main && !vdso && o->name[0] == '\0') {
		return NULL;
	}
	struct cgosym_dwarf_module *m = calloc(1, sizeof *m);
	if (m == NULL) {
		return NULL;
	}
	m->owner = d;
	m->dlpi_addr = o->addr;
	m->dlpi_name = o->name;
	m->dlpi_phdr = o->phdr;
	m->bias = o->addr;
	m->bias_known = 1;
	m->mem_build_id_len = mem_build_id(o, m->mem_build_id, sizeof m->mem_build_id);
	obj_span(o, &m->lo, &m->hi);

	if (vdso) {
		m->is_vdso = 1;
		m->name = cgosym_dwarf_intern("[vdso]", 6);
		m->dm = dwfl_report_module(d->dwfl, "[vdso]", m->lo, m->hi);
		if (m->dm != NULL) {
			attach(m);
		}
		return m;
	}

	char *path = NULL;
	if (is_main) {
		char buf[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
		if (n > 0) {
			buf[n] = '\0';
			path = cgosym_dwarf_undeleted(buf);
		}
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

	char file_name[128 + PATH_MAX];
	int fd;
	if (is_main) {
		// The inode the kernel mapped, whatever now sits at the path.
		snprintf(file_name, sizeof file_name, "/proc/self/exe");
		fd = open_file(file_name);
	} else {
		fd = open_mapped_library(d, o, path, maps, maps_read, file_name, sizeof file_name);
	}
	free(path);
	if (fd >= 0 && !file_matches(fd, m)) {
		// Replaced on disk and map_files refused: module+offset only.
		close(fd);
		fd = -1;
	}
	if (fd >= 0 && m->name != NULL) {
		m->dm = dwfl_report_elf(d->dwfl, m->name, file_name, fd, o->addr, true);
		if (m->dm == NULL) {
			close(fd);
		} else {
			attach(m);
		}
	} else if (fd >= 0) {
		close(fd);
	}
	return m;
}

// [normal] Brings the module set in line with the loader's. Unchanged
// modules keep their libdwfl state and our indexes: dwfl_report_module
// with the same name and span reuses the module.
static void refresh_self(struct cgosym_dwarf *d) {
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
				unsigned char id[sizeof m->mem_build_id];
				size_t len = mem_build_id(&o.v[i], id, sizeof id);
				if (len == m->mem_build_id_len && memcmp(id, m->mem_build_id, len) == 0) {
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
	} else {
		dwfl_report_begin_add(d->dwfl);
	}

	size_t cap = d->n_mods - n_gone + n_new;
	struct cgosym_dwarf_module **mods = malloc((cap ? cap : 1) * sizeof *mods);
	if (mods == NULL) {
		dwfl_report_end(d->dwfl, NULL, NULL);
		free(is_new);
		free(o.v);
		return;
	}
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
			free_module(d->mods[i]);
		}
	}
	free(d->mods);
	d->mods = mods;
	d->n_mods = n;
	qsort(d->mods, d->n_mods, sizeof *d->mods, cmp_module);
	if (n_gone > 0) {
		// Another library may now sit at a cached PC.
		cache_flush(d);
	}
	d->adds = o.adds;
	d->subs = o.subs;
	free(is_new);
	free(o.v);
}

// [normal]
static struct cgosym_dwarf *new_engine(pid_t pid) {
	struct cgosym_dwarf *d = calloc(1, sizeof *d);
	if (d == NULL) {
		return NULL;
	}
	d->pid = pid;
	d->callbacks.find_elf = cgosym_dwarf_find_elf;
	d->callbacks.find_debuginfo = cgosym_dwarf_find_debuginfo;
	d->dwfl = dwfl_begin(&d->callbacks);
	if (d->dwfl == NULL) {
		free(d);
		return NULL;
	}
	cgosym_dwarf_debug_dirs(d);
	return d;
}

// [normal]
static void free_engine(struct cgosym_dwarf *d) {
	for (size_t i = 0; i < d->n_mods; i++) {
		free_module(d->mods[i]);
	}
	free(d->mods);
	dwfl_end(d->dwfl);
	for (size_t i = 0; i < d->n_debug_dirs; i++) {
		free(d->debug_dirs[i]);
	}
	free(d->debug_dirs);
	cgosym_dwarf_free_maps(&d->maps);
	cache_flush(d);
	free(d->cache);
	free(d);
}

// [normal]
struct cgosym_dwarf *cgosym_dwarf_open_self(void) {
	pthread_mutex_lock(&engine_mu);
	struct cgosym_dwarf *d = new_engine(0);
	if (d != NULL) {
		refresh_self(d);
		if (d->n_mods == 0) {
			free_engine(d);
			d = NULL;
		}
	}
	pthread_mutex_unlock(&engine_mu);
	return d;
}

// ---- Another process ----

struct pid_collect {
	struct cgosym_dwarf *d;
	size_t cap;
	int failed;
};

// [normal] dwfl_getmodules callback.
static int collect_pid_module(Dwfl_Module *dm, void **userdata, const char *name, Dwarf_Addr base, void *arg) {
	(void)base;
	struct pid_collect *c = arg;
	struct cgosym_dwarf *d = c->d;
	if (d->n_mods == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 32;
		struct cgosym_dwarf_module **n = realloc(d->mods, ncap * sizeof *n);
		if (n == NULL) {
			c->failed = 1;
			return DWARF_CB_ABORT;
		}
		d->mods = n;
		c->cap = ncap;
	}
	struct cgosym_dwarf_module *m = calloc(1, sizeof *m);
	if (m == NULL) {
		c->failed = 1;
		return DWARF_CB_ABORT;
	}
	m->owner = d;
	m->dm = dm;
	if (strncmp(name, "[vdso", 5) == 0) {
		m->is_vdso = 1;
		m->name = cgosym_dwarf_intern("[vdso]", 6);
	} else {
		char *plain = cgosym_dwarf_undeleted(name);
		m->name = plain ? cgosym_dwarf_intern(plain, strlen(plain)) : NULL;
		free(plain);
	}
	Dwarf_Addr start = 0, end = 0;
	dwfl_module_info(dm, NULL, &start, &end, NULL, NULL, NULL, NULL);
	m->lo = (uintptr_t)start;
	m->hi = (uintptr_t)end;
	*userdata = m;
	d->mods[d->n_mods++] = m;
	return DWARF_CB_OK;
}

// [normal] dwfl_linux_proc_report reads /proc/PID/maps; the files are
// opened later, on first use, by cgosym_dwarf_find_elf.
struct cgosym_dwarf *cgosym_dwarf_open_pid(pid_t pid) {
	if (pid <= 0) {
		return NULL;
	}
	pthread_mutex_lock(&engine_mu);
	struct cgosym_dwarf *d = new_engine(pid);
	if (d != NULL) {
		(void)cgosym_dwarf_read_maps(pid, &d->maps);
		dwfl_report_begin(d->dwfl);
		int err = dwfl_linux_proc_report(d->dwfl, pid);
		dwfl_report_end(d->dwfl, NULL, NULL);
		struct pid_collect c = {d, 0, 0};
		if (err == 0) {
			(void)dwfl_getmodules(d->dwfl, collect_pid_module, &c, 0);
		}
		if (err != 0 || c.failed || d->n_mods == 0) {
			free_engine(d);
			d = NULL;
		} else {
			qsort(d->mods, d->n_mods, sizeof *d->mods, cmp_module);
		}
	}
	pthread_mutex_unlock(&engine_mu);
	return d;
}

// ---- Lookup ----

// [normal]
int cgosym_dwarf_lookup(struct cgosym_dwarf *d, uintptr_t pc, struct cgosym_frame *out, int max) {
	if (d == NULL || out == NULL || max <= 0 || pc == 0) {
		return 0;
	}
	// Outside our lock: dl_iterate_phdr takes the loader's, and the
	// counters only need to be compared, not be exact at the instant.
	struct counts c = {0, 0, 0};
	if (d->pid == 0) {
		dl_iterate_phdr(counts_cb, &c);
	}
	pthread_mutex_lock(&engine_mu);
	if (c.ok && (c.adds != d->adds || c.subs != d->subs)) {
		refresh_self(d);
	}
	int n = 0;
	struct cached *r = cache_get(d, pc);
	if (r != NULL) {
		n = copy_frames(r->f, r->n, out, max);
	} else {
		struct cgosym_dwarf_module *m = find_module(d, pc);
		if (m != NULL) {
			struct cgosym_frame frames[CGOSYM_MAX_INLINE];
			int got = cgosym_dwarf_describe(m, pc, frames, CGOSYM_MAX_INLINE);
			if (got > 0) {
				cache_put(d, pc, frames, got);
				n = copy_frames(frames, got, out, max);
			}
		}
	}
	pthread_mutex_unlock(&engine_mu);
	return n;
}
