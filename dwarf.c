//go:build linux && cgo && (amd64 || arm64)

// dwarf.c — the libdw engine's entry points (internal.h): opening an
// address space, the module table, and a per-PC cache in front of
// dwarf_index.c. This process's modules are dwarf_self.c's; another
// process's come from its /proc/PID/maps, here.
//
// One global mutex serializes everything, across all handles: libdw 0.188
// is not built thread-safe, and 8 threads doing cold lookups without a lock
// crashed 10 runs out of 10 (shared/notes/symbolization.md).

#include <gelf.h>
#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_internal.h"

static pthread_mutex_t engine_mu = PTHREAD_MUTEX_INITIALIZER;

// ---- Per-PC result cache ----

// pprof asks for the same PCs again and again; a hit costs a hash probe
// and a copy. 4-way probing into a fixed table bounds memory at
// 2^16 entries without any list upkeep.
// Tests may shrink the table (testdata/fuzz builds 64 slots: a fresh
// engine per input, and evictions exercised).
#ifdef CGOSYM_DWARF_CACHE_BITS
#define CACHE_BITS CGOSYM_DWARF_CACHE_BITS
#else
#define CACHE_BITS 16
#endif
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
void cgosym_dwarf_cache_flush(struct cgosym_dwarf *d) {
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
void cgosym_dwarf_sort_modules(struct cgosym_dwarf *d) {
	qsort(d->mods, d->n_mods, sizeof *d->mods, cmp_module);
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
void cgosym_dwarf_free_module(struct cgosym_dwarf_module *m) {
	cgosym_dwarf_free_index(m);
	if (m->main_fd >= 0) {
		close(m->main_fd);
	}
	free(m->main_file_name);
	free(m);
}

// [normal]
struct cgosym_dwarf_module *cgosym_dwarf_new_module(struct cgosym_dwarf *d) {
	struct cgosym_dwarf_module *m = calloc(1, sizeof *m);
	if (m != NULL) {
		m->owner = d;
		m->main_fd = m->debug_fd = m->alt_fd = -1;
	}
	return m;
}

// [normal]
void cgosym_dwarf_attach(struct cgosym_dwarf_module *m) {
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

// [normal]
static struct cgosym_dwarf *new_engine(pid_t pid) {
	struct cgosym_dwarf *d = calloc(1, sizeof *d);
	if (d == NULL) {
		return NULL;
	}
	d->pid = pid;
	d->callbacks.find_elf = cgosym_dwarf_find_elf;
	d->callbacks.find_debuginfo = cgosym_dwarf_no_debuginfo;
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
		cgosym_dwarf_free_module(d->mods[i]);
	}
	free(d->mods);
	dwfl_end(d->dwfl);
	for (size_t i = 0; i < d->n_debug_dirs; i++) {
		free(d->debug_dirs[i]);
	}
	free(d->debug_dirs);
	cgosym_dwarf_free_maps(&d->maps);
	cgosym_dwarf_cache_flush(d);
	free(d->cache);
	free(d);
}

// [normal] From cgosymbolizer_init: read the environment once, before Go
// code can call setenv.
void cgosym_dwarf_init(void) {
	cgosym_dwarf_read_environment();
}

// Set once the demangler has been looked up for the first time.
static int demangler_prepared;

// [normal] Loading libdw and the first lookup of the C++ demangler take
// the loader's lock
// (dlsym, dlopen RTLD_NOLOAD) and costs a third of a millisecond, so it is
// not done at start-up but on the first symbolization, outside the
// pthread_once that opens the engine: a thread inside dlopen (holding the
// loader's lock while a constructor calls Go) may be waiting on that once.
int cgosym_dwarf_prepare(void) {
	if (cgosym_dwarf_load_api() != 0) {
		return -1;
	}
	if (__atomic_load_n(&demangler_prepared, __ATOMIC_ACQUIRE)) {
		return 0;
	}
	cgosym_dwarf_resolve_demangler(0);
	__atomic_store_n(&demangler_prepared, 1, __ATOMIC_RELEASE);
	return 0;
}

// [normal]
struct cgosym_dwarf *cgosym_dwarf_open_self(void) {
	if (cgosym_dwarf_load_api() != 0) {
		return NULL;
	}
	pthread_mutex_lock(&engine_mu);
	struct cgosym_dwarf *d = new_engine(0);
	if (d != NULL) {
		cgosym_dwarf_refresh_self(d);
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
	struct cgosym_dwarf_module *m = cgosym_dwarf_new_module(d);
	if (m == NULL) {
		c->failed = 1;
		return DWARF_CB_ABORT;
	}
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
	struct cgosym_dwarf_maps maps;
	if (cgosym_dwarf_read_maps(pid, &maps) != 0) {
		cgosym_dwarf_free_maps(&maps);
		return NULL;
	}
	for (size_t i = 0; i < maps.n; i++) {
		if (strstr(maps.vma[i].path, "/libstdc++.so") != NULL || strstr(maps.vma[i].path, "/libc++") != NULL) {
			// The other process has C++ code; this one (the crash
			// helper) may have no demangler yet.
			cgosym_dwarf_resolve_demangler(1);
			break;
		}
	}
	if (cgosym_dwarf_load_api() != 0) {
		cgosym_dwarf_free_maps(&maps);
		return NULL;
	}
	pthread_mutex_lock(&engine_mu);
	struct cgosym_dwarf *d = new_engine(pid);
	if (d == NULL) {
		cgosym_dwarf_free_maps(&maps);
	} else {
		d->maps = maps;
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
			cgosym_dwarf_sort_modules(d);
		}
	}
	pthread_mutex_unlock(&engine_mu);
	return d;
}

// ---- ELF files named by the caller ----

// [normal]
struct cgosym_dwarf *cgosym_dwarf_open_files(void) {
	if (cgosym_dwarf_load_api() != 0) {
		return NULL;
	}
	pthread_mutex_lock(&engine_mu);
	struct cgosym_dwarf *d = new_engine(-1);
	pthread_mutex_unlock(&engine_mu);
	return d;
}

// [normal] The span the file's PT_LOAD segments take at base; 0 if none.
static int file_span(Elf *elf, uintptr_t base, uintptr_t *lo, uintptr_t *hi) {
	size_t phnum;
	if (elf_getphdrnum(elf, &phnum) != 0) {
		return 0;
	}
	GElf_Addr l = UINT64_MAX, h = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) == NULL || ph.p_type != PT_LOAD || ph.p_memsz == 0) {
			continue;
		}
		GElf_Addr align = ph.p_align > 1 && (ph.p_align & (ph.p_align - 1)) == 0 ? ph.p_align : 1;
		if ((ph.p_vaddr & ~(align - 1)) < l) {
			l = ph.p_vaddr & ~(align - 1);
		}
		if (ph.p_vaddr + ph.p_memsz > h && ph.p_vaddr + ph.p_memsz > ph.p_vaddr) {
			h = ph.p_vaddr + ph.p_memsz;
		}
	}
	if (l >= h || h > UINTPTR_MAX - base) {
		return 0;
	}
	*lo = base + l;
	*hi = base + h;
	return 1;
}

// [normal]
int cgosym_dwarf_add_file(struct cgosym_dwarf *d, const char *path, uintptr_t base) {
	if (d == NULL || d->pid != -1 || path == NULL) {
		return -1;
	}
	struct stat st;
	int fd = cgosym_dwarf_open_regular(path, &st);
	if (fd < 0) {
		return -1;
	}
	uintptr_t lo = 0, hi = 0;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	int ok = elf != NULL && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh) != NULL &&
		 (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) && file_span(elf, base, &lo, &hi);
	if (elf != NULL) {
		elf_end(elf);
	}
	char *real = ok ? realpath(path, NULL) : NULL;
	pthread_mutex_lock(&engine_mu);
	struct cgosym_dwarf_module *m = NULL;
	for (size_t i = 0; i < d->n_mods && ok; i++) {
		ok = hi <= d->mods[i]->lo || lo >= d->mods[i]->hi;
	}
	struct cgosym_dwarf_module **mods = ok ? realloc(d->mods, (d->n_mods + 1) * sizeof *mods) : NULL;
	if (mods != NULL) {
		d->mods = mods;
		m = cgosym_dwarf_new_module(d);
	}
	if (m != NULL) {
		m->name = cgosym_dwarf_intern_str(real != NULL ? real : path);
		m->main_file_name = strdup(path);
		m->bias = base;
		m->bias_known = 1;
		dwfl_report_begin_add(d->dwfl);
		m->dm = m->main_file_name ? dwfl_report_module(d->dwfl, m->name, lo, hi) : NULL;
		dwfl_report_end(d->dwfl, NULL, NULL);
		if (m->dm != NULL) {
			cgosym_dwarf_attach(m);
		}
		if (m->dm == NULL) {
			cgosym_dwarf_free_module(m);
			m = NULL;
		} else {
			m->main_fd = fd;
			fd = -1;
			d->mods[d->n_mods++] = m;
			cgosym_dwarf_sort_modules(d);
		}
	}
	pthread_mutex_unlock(&engine_mu);
	free(real);
	if (fd >= 0) {
		close(fd);
	}
	return m != NULL ? 0 : -1;
}

// [normal] The list is built aside and swapped in whole, so that a failed
// allocation leaves the old one.
int cgosym_dwarf_set_debug_dirs(struct cgosym_dwarf *d, const char *const *dirs, size_t n) {
	if (d == NULL || (dirs == NULL && n > 0)) {
		return -1;
	}
	struct cgosym_dwarf fresh;
	memset(&fresh, 0, sizeof fresh);
	int ok = 1;
	for (size_t i = 0; i < n && ok; i++) {
		if (dirs[i] != NULL && dirs[i][0] == '/') {
			size_t before = fresh.n_debug_dirs;
			cgosym_dwarf_add_debug_dir(&fresh, dirs[i], strlen(dirs[i]));
			ok = fresh.n_debug_dirs == before + 1;
		}
	}
	pthread_mutex_lock(&engine_mu);
	char **old = fresh.debug_dirs;
	size_t n_old = fresh.n_debug_dirs;
	if (ok) {
		old = d->debug_dirs;
		n_old = d->n_debug_dirs;
		d->debug_dirs = fresh.debug_dirs;
		d->n_debug_dirs = fresh.n_debug_dirs;
		cgosym_dwarf_cache_flush(d);
	}
	pthread_mutex_unlock(&engine_mu);
	for (size_t i = 0; i < n_old; i++) {
		free(old[i]);
	}
	free(old);
	return ok ? 0 : -1;
}

// [normal]
void cgosym_dwarf_load_demangler(void) {
	cgosym_dwarf_resolve_demangler(1);
}

// [normal]
void cgosym_dwarf_close(struct cgosym_dwarf *d) {
	if (d == NULL) {
		return;
	}
	pthread_mutex_lock(&engine_mu);
	free_engine(d);
	pthread_mutex_unlock(&engine_mu);
}

// ---- Lookup ----

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

// [normal] "path+0xoffset" from the loader, for a PC in an object that
// could not be reported (its program headers unreadable: a file truncated
// in place since it was loaded).
static int loader_module_offset(uintptr_t pc, struct cgosym_frame *out) {
	char buf[512];
	if (cgosym_format_unnamed(buf, sizeof buf, pc, 1, NULL) < 0) {
		return 0;
	}
	memset(out, 0, sizeof *out);
	out->function = cgosym_dwarf_intern_str(buf);
	return out->function != NULL;
}

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
		if (c.ok && (c.adds != __atomic_load_n(&d->adds, __ATOMIC_RELAXED) ||
			     c.subs != __atomic_load_n(&d->subs, __ATOMIC_RELAXED))) {
			// A library came or went: perhaps a C++ runtime.
			cgosym_dwarf_resolve_demangler(0);
		}
	}
	pthread_mutex_lock(&engine_mu);
	if (c.ok && (c.adds != d->adds || c.subs != d->subs)) {
		cgosym_dwarf_refresh_self(d);
	}
	int n = 0;
	struct cached *r = cache_get(d, pc);
	if (r != NULL) {
		n = copy_frames(r->f, r->n, out, max);
	} else {
		struct cgosym_dwarf_module *m = find_module(d, pc);
		struct cgosym_frame frames[CGOSYM_MAX_INLINE];
		int got = 0;
		if (m != NULL) {
			got = cgosym_dwarf_describe(m, pc, frames, CGOSYM_MAX_INLINE);
			if (got > 0) {
				cache_put(d, pc, frames, got);
			}
		} else if (d->pid == 0) {
			// Not cached: the object may be one loaded since the
			// counters were read, and named properly next time.
			got = loader_module_offset(pc, frames);
		}
		if (got > 0) {
			n = copy_frames(frames, got, out, max);
		}
	}
	pthread_mutex_unlock(&engine_mu);
	return n;
}
