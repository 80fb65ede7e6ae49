// harness.c — tests for the DWARF engine (dwarf.c, dwarf_index.c,
// dwarf_files.c), built and run by run.sh. Subcommands:
//
//	self                  engine on this process: inline chains, C++ and
//	                      stripped/debuglink/build-id libraries (dlopen'd
//	                      after open), unknown PCs, dlclose, vdso
//	batch LIB             reads file addresses of LIB (hex, one a line),
//	                      prints every frame, for compare.py
//	threads LIB VADDRS N  N threads doing cold lookups, checked against
//	                      a single-threaded engine
//	perf LIB VADDRS       cold and warm lookup cost
//	churn N ROUNDS        N threads looking up PCs while another
//	                      dlopens and dlcloses a library, another opens
//	                      and closes whole engines of this process, and
//	                      another file-mode engines (for TSan)
//	pidtest [REPLACEMENT] symbolizes this process from an exec'd child
//	                      with open_pid; first renames REPLACEMENT over
//	                      this executable when given
//	swap                  a library replaced on disk before open_self
//	pid PPID              (the child of pidtest)

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define PATHBUF (PATH_MAX + 64)

#define HERE(var) __asm__ volatile("1: lea 1b(%%rip), %0" : "=r"(var))

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

volatile int sink;

static inline __attribute__((always_inline)) uintptr_t inl_leaf(int x, unsigned *line) {
	uintptr_t pc;
	HERE(pc); *line = __LINE__;
	sink += x;
	return pc;
}

static inline __attribute__((always_inline)) uintptr_t inl_mid(int x, unsigned *leaf, unsigned *mid) {
	*mid = __LINE__; uintptr_t pc = inl_leaf(x * 3, leaf);
	sink += 1;
	return pc;
}

__attribute__((noinline)) uintptr_t outer_func(int x, unsigned *leaf, unsigned *call) {
	*call = __LINE__; uintptr_t pc = inl_leaf(x, leaf);
	sink += 2;
	return pc;
}

__attribute__((noinline)) uintptr_t outer_two(int x, unsigned *leaf, unsigned *mid, unsigned *call) {
	*call = __LINE__; uintptr_t pc = inl_mid(x, leaf, mid);
	sink += 3;
	return pc;
}

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int ends_with(const char *s, const char *suffix) {
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);
	return s != NULL && a >= b && strcmp(s + a - b, suffix) == 0;
}

static void print_frames(FILE *f, uintptr_t key, const struct cgosym_frame *fr, int n) {
	fprintf(f, "%#" PRIxPTR, key);
	for (int i = 0; i < n; i++) {
		fprintf(f, "\t%s|%s|%lu|%#" PRIxPTR, fr[i].function, fr[i].file ? fr[i].file : "", fr[i].line,
			fr[i].entry);
	}
	fputc('\n', f);
}

static uintptr_t load_bias(void *handle) {
	struct link_map *lm = NULL;
	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL) {
		return 0;
	}
	return lm->l_addr;
}

struct offset_search {
	uintptr_t l_addr, vaddr, offset;
	int found;
};

static int find_offset(struct dl_phdr_info *info, size_t size, void *arg) {
	(void)size;
	struct offset_search *s = arg;
	if (info->dlpi_addr != s->l_addr) {
		return 0;
	}
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && s->vaddr >= ph->p_vaddr && s->vaddr - ph->p_vaddr < ph->p_memsz) {
			s->offset = s->vaddr - ph->p_vaddr + ph->p_offset;
			s->found = 1;
			return 1;
		}
	}
	return 0;
}

// The file offset of pc in the library behind handle: what unnamed frames
// print.
static uintptr_t file_offset(void *handle, uintptr_t pc) {
	struct offset_search s = {.l_addr = load_bias(handle), .vaddr = pc - load_bias(handle)};
	dl_iterate_phdr(find_offset, &s);
	return s.found ? s.offset : s.vaddr;
}

static void *open_lib(const char *path) {
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		printf("FAIL dlopen %s: %s\n", path, dlerror());
		failures++;
	}
	return h;
}

// ---- self ----

static void test_inline(struct cgosym_dwarf *d) {
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	unsigned leaf, mid, call;
	uintptr_t pc = outer_func(1, &leaf, &call);
	int n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, pc, fr, n);
	CHECK(n == 2, "inline: n=%d", n);
	if (n == 2) {
		CHECK(strcmp(fr[0].function, "inl_leaf") == 0, "inline: %s", fr[0].function);
		CHECK(ends_with(fr[0].file, "/harness.c") && fr[0].line == leaf, "inline: %s:%lu want %u",
		      fr[0].file, fr[0].line, leaf);
		CHECK(strcmp(fr[1].function, "outer_func") == 0, "inline outer: %s", fr[1].function);
		CHECK(ends_with(fr[1].file, "/harness.c") && fr[1].line == call, "inline outer: %lu want %u",
		      fr[1].line, call);
		CHECK(fr[0].entry == (uintptr_t)outer_func && fr[1].entry == (uintptr_t)outer_func,
		      "inline entry %#lx %#lx want %p", fr[0].entry, fr[1].entry, (void *)outer_func);
	}
	pc = outer_two(1, &leaf, &mid, &call);
	n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, pc, fr, n);
	CHECK(n == 3, "inline2: n=%d", n);
	if (n == 3) {
		CHECK(strcmp(fr[0].function, "inl_leaf") == 0 && fr[0].line == leaf, "inline2 leaf %s:%lu",
		      fr[0].function, fr[0].line);
		CHECK(strcmp(fr[1].function, "inl_mid") == 0 && fr[1].line == mid, "inline2 mid %s:%lu",
		      fr[1].function, fr[1].line);
		CHECK(strcmp(fr[2].function, "outer_two") == 0 && fr[2].line == call, "inline2 outer %s:%lu",
		      fr[2].function, fr[2].line);
	}
	// A smaller out keeps the innermost and the real function.
	n = cgosym_dwarf_lookup(d, pc, fr, 2);
	CHECK(n == 2 && strcmp(fr[0].function, "inl_leaf") == 0 && strcmp(fr[1].function, "outer_two") == 0,
	      "truncated chain n=%d", n);
	n = cgosym_dwarf_lookup(d, (uintptr_t)outer_func, fr, CGOSYM_MAX_INLINE);
	CHECK(n == 1 && strcmp(fr[0].function, "outer_func") == 0, "outer_func entry");
}

static void test_cxx(struct cgosym_dwarf *d, const char *dir) {
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/libcxx.so", dir);
	void *h = open_lib(path);
	if (h == NULL) {
		return;
	}
	void (*cxx_pcs)(uintptr_t *, unsigned *) = (void (*)(uintptr_t *, unsigned *))dlsym(h, "cxx_pcs");
	uintptr_t pcs[3];
	unsigned lines[3];
	cxx_pcs(pcs, lines);
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	int n = cgosym_dwarf_lookup(d, pcs[0], fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, pcs[0], fr, n);
	CHECK(n >= 1 && strcmp(fr[0].function, "ns::Widget::method(int, unsigned int*)") == 0, "cxx method: %s",
	      n ? fr[0].function : "");
	CHECK(n >= 1 && ends_with(fr[0].file, "/cxxlib.cpp") && fr[0].line == lines[0], "cxx method line %lu want %u",
	      n ? fr[0].line : 0, lines[0]);
	n = cgosym_dwarf_lookup(d, pcs[1], fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, pcs[1], fr, n);
	CHECK(n >= 1 && ends_with(fr[0].file, "/cxxlib.cpp") && fr[0].line == lines[1], "cxx lambda line %lu want %u",
	      n ? fr[0].line : 0, lines[1]);
	// GCC gives the inlined lambda no linkage name: "operator()", as
	// eu-addr2line says; its caller, an instance of a template over the
	// lambda, is named from its ELF symbol.
	CHECK(n == 2 && strcmp(fr[0].function, "operator()") == 0 &&
	      strstr(fr[1].function, "ns::apply<ns::Widget::run(int, unsigned int*)::{lambda(int)#1}>") != NULL,
	      "cxx inlined lambda: %s / %s", n ? fr[0].function : "", n > 1 ? fr[1].function : "");
	n = cgosym_dwarf_lookup(d, pcs[2], fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, pcs[2], fr, n);
	CHECK(n == 1 && strcmp(fr[0].function,
			       "ns::Widget::run_outlined(int, unsigned int*)::{lambda(int)#1}::operator()(int) const") == 0,
	      "cxx out-of-line lambda: %s", n ? fr[0].function : "");
	CHECK(n >= 1 && ends_with(fr[0].file, "/cxxlib.cpp") && fr[0].line == lines[2], "cxx lambda line %lu want %u",
	      n ? fr[0].line : 0, lines[2]);
}

// want_debug: 1, names and lines from DWARF; 0, symbols only; -1, only
// that nothing crashes and the exported function keeps its name.
static void test_plain(struct cgosym_dwarf *d, const char *dir, const char *lib, int want_debug) {
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/%s", dir, lib);
	if (access(path, F_OK) != 0) {
		printf("skip %s (not built)\n", lib);
		return;
	}
	void *h = open_lib(path);
	if (h == NULL) {
		return;
	}
	uintptr_t (*exported)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_exported");
	uintptr_t (*call_hidden)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_call_hidden");
	if (exported == NULL || call_hidden == NULL) {
		CHECK(0, "%s: dlsym", lib);
		return;
	}
	unsigned line;
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	uintptr_t pc = exported(&line);
	int n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	printf("%s: ", lib);
	print_frames(stdout, pc, fr, n);
	CHECK(n == 1 && strcmp(fr[0].function, "plain_exported") == 0, "%s exported: %s", lib, n ? fr[0].function : "");
	CHECK(n == 1 && fr[0].entry == (uintptr_t)exported, "%s exported entry", lib);
	if (want_debug < 0) {
		pc = call_hidden(&line);
		n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
		printf("%s: ", lib);
		print_frames(stdout, pc, fr, n);
		CHECK(n >= 1 && fr[0].function != NULL, "%s hidden", lib);
		return;
	}
	if (want_debug) {
		CHECK(n == 1 && ends_with(fr[0].file, "/plainlib.c") && fr[0].line == line, "%s exported line %lu want %u",
		      lib, n ? fr[0].line : 0, line);
	} else {
		CHECK(n == 1 && fr[0].file == NULL && fr[0].line == 0, "%s exported: unexpected file", lib);
	}
	pc = call_hidden(&line);
	n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	printf("%s: ", lib);
	print_frames(stdout, pc, fr, n);
	if (want_debug) {
		uintptr_t (*inline_pc)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_inline_pc");
		unsigned iline;
		uintptr_t ipc = inline_pc(&iline);
		struct cgosym_frame fi[CGOSYM_MAX_INLINE];
		int ni = cgosym_dwarf_lookup(d, ipc, fi, CGOSYM_MAX_INLINE);
		CHECK(ni == 2 && strcmp(fi[0].function, "plain_inl") == 0 && fi[0].line == iline &&
			      strcmp(fi[1].function, "plain_inline_pc") == 0,
		      "%s inline: n=%d %s", lib, ni, ni ? fi[0].function : "");
	}
	if (want_debug) {
		CHECK(n == 1 && strcmp(fr[0].function, "hidden_func") == 0 && fr[0].line == line, "%s hidden: %s:%lu",
		      lib, n ? fr[0].function : "", n ? fr[0].line : 0);
	} else {
		char want[PATHBUF + 64];
		char *real = realpath(path, NULL);
		// "path+0xFILEOFFSET", then " (BuildId: 40 hex digits)" when the
		// library has one (libplain_badcrc.so has none).
		snprintf(want, sizeof want, "%s+%#" PRIxPTR, real ? real : path, file_offset(h, pc));
		free(real);
		size_t wl = strlen(want);
		const char *rest = n == 1 ? fr[0].function + (strncmp(fr[0].function, want, wl) == 0 ? wl : 0) : "";
		int build_id_ok = rest[0] == '\0' || (strncmp(rest, " (BuildId: ", 11) == 0 && strlen(rest) == 52 &&
						     strspn(rest + 11, "0123456789abcdef") == 40 && rest[51] == ')');
		CHECK(n == 1 && rest != fr[0].function && build_id_ok && fr[0].file == NULL && fr[0].entry == 0,
		      "%s hidden: %s want %s[ (BuildId: hex)]", lib, n ? fr[0].function : "", want);
	}
}

static void test_misc(struct cgosym_dwarf *d, const char *dir) {
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	int x;
	CHECK(cgosym_dwarf_lookup(d, 0x10, fr, CGOSYM_MAX_INLINE) == 0, "pc 0x10 found");
	CHECK(cgosym_dwarf_lookup(d, (uintptr_t)&x, fr, CGOSYM_MAX_INLINE) == 0, "stack pc found");
	CHECK(cgosym_dwarf_lookup(NULL, (uintptr_t)outer_func, fr, CGOSYM_MAX_INLINE) == 0, "NULL engine");
	int n = cgosym_dwarf_lookup(d, (uintptr_t)printf + 4, fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, (uintptr_t)printf + 4, fr, n);
	CHECK(n == 1 && strstr(fr[0].function, "printf") != NULL, "libc printf: %s", n ? fr[0].function : "");

	void *vh = dlopen("linux-vdso.so.1", RTLD_NOW | RTLD_NOLOAD);
	void *vf = vh ? dlsym(vh, "__vdso_clock_gettime") : NULL;
	if (vf != NULL) {
		n = cgosym_dwarf_lookup(d, (uintptr_t)vf + 1, fr, CGOSYM_MAX_INLINE);
		print_frames(stdout, (uintptr_t)vf + 1, fr, n);
		CHECK(n == 1 && strstr(fr[0].function, "clock_gettime") != NULL, "vdso: %s", n ? fr[0].function : "");
	}

	// dlclose, then the PC belongs to no module; reload works again.
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/libplain_unload.so", dir);
	void *h = open_lib(path);
	if (h == NULL) {
		return;
	}
	uintptr_t (*exported)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_exported");
	unsigned line;
	uintptr_t pc = exported(&line);
	n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	CHECK(n == 1 && strcmp(fr[0].function, "plain_exported") == 0, "unload: before");
	dlclose(h);
	n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	CHECK(n == 0, "unload: after dlclose n=%d %s", n, n ? fr[0].function : "");
	h = open_lib(path);
	exported = (uintptr_t(*)(unsigned *))dlsym(h, "plain_exported");
	pc = exported(&line);
	n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	CHECK(n == 1 && strcmp(fr[0].function, "plain_exported") == 0 && fr[0].line == line, "unload: reloaded");
	// The other modules survived the re-report.
	pc = outer_func(1, &line, &line);
	n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	CHECK(n == 2, "after re-report n=%d", n);
}

static int cmd_self(const char *dir) {
	double t0 = now();
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	printf("open_self: %.3f ms\n", (now() - t0) * 1e3);
	if (d == NULL) {
		printf("FAIL open_self\n");
		return 1;
	}
	test_inline(d);
	test_cxx(d, dir);
	test_plain(d, dir, "libplain_full.so", 1);
	test_plain(d, dir, "libplain_link.so", 1);
	test_plain(d, dir, "libplain_bid.so", 1);
	test_plain(d, dir, "libplain_crc.so", 1);
	test_plain(d, dir, "libplain_stripped.so", 0);
	test_plain(d, dir, "libplain_bad.so", 0);
	test_plain(d, dir, "libplain_badcrc.so", 0);
	test_plain(d, dir, "libplain_corrupt.so", 0);
	test_plain(d, dir, "libdwz_a.so", 1);
	test_plain(d, dir, "libdwz_b.so", 1);
	test_plain(d, dir, "libdwz_c.so", -1);
	test_misc(d, dir);
	// Everything the engine holds goes (valgrind's leak check).
	cgosym_dwarf_close(d);
	printf("%s self (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}

// ---- a library replaced on disk before the engine opens ----

static int cmd_swap(const char *dir) {
	char path[PATHBUF], repl[PATHBUF];
	snprintf(path, sizeof path, "%s/libplain_swap.so", dir);
	snprintf(repl, sizeof repl, "%s/libplain_swap_new.so", dir);
	void *h = open_lib(path);
	if (h == NULL) {
		return 1;
	}
	uintptr_t (*exported)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_exported");
	unsigned line;
	uintptr_t pc = exported(&line);
	if (rename(repl, path) != 0) {
		printf("FAIL rename: %s\n", strerror(errno));
		return 1;
	}
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	int n = cgosym_dwarf_lookup(d, pc, fr, CGOSYM_MAX_INLINE);
	print_frames(stdout, pc, fr, n);
	// Whether this process may open its own /proc/self/map_files links.
	char probe[128];
	struct link_map *lm = NULL;
	dlinfo(dlopen(NULL, RTLD_NOW), RTLD_DI_LINKMAP, &lm);
	FILE *maps = fopen("/proc/self/maps", "r");
	uintptr_t a = 0, b = 0;
	if (maps != NULL && fscanf(maps, "%lx-%lx", &a, &b) == 2) {
		snprintf(probe, sizeof probe, "/proc/self/map_files/%lx-%lx", a, b);
	}
	if (maps != NULL) {
		fclose(maps);
	}
	FILE *pf = fopen(probe, "r");
	int privileged = pf != NULL;
	if (pf != NULL) {
		fclose(pf);
	}
	if (privileged) {
		CHECK(n == 1 && strcmp(fr[0].function, "plain_exported") == 0 && fr[0].line == line,
		      "swap (map_files): %s:%lu", n ? fr[0].function : "", n ? fr[0].line : 0);
	} else {
		CHECK(n == 1 && strstr(fr[0].function, "/libplain_swap.so+0x") != NULL && fr[0].file == NULL,
		      "swap (no map_files): %s", n ? fr[0].function : "");
	}
	printf("%s swap (%s) (%d failures)\n", failures ? "FAIL" : "PASS",
	       privileged ? "read through map_files" : "map_files refused: build-id mismatch detected", failures);
	return failures != 0;
}

// ---- reload ----

// A library closed, rebuilt (another build-id) and opened again at the same
// path, most likely at the same address: the engine must describe the new
// build, not the old one it had loaded there.
static int cmd_reload(const char *dir) {
	char path[PATHBUF], repl[PATHBUF];
	snprintf(path, sizeof path, "%s/libplain_reload.so", dir);
	snprintf(repl, sizeof repl, "%s/libplain_reload_new.so", dir);
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	uintptr_t pcs[2];
	for (int round = 0; round < 2; round++) {
		void *h = open_lib(path);
		if (h == NULL || d == NULL) {
			return 1;
		}
		uintptr_t (*exported)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_exported");
		unsigned line;
		pcs[round] = exported(&line);
		int n = cgosym_dwarf_lookup(d, pcs[round], fr, CGOSYM_MAX_INLINE);
		print_frames(stdout, pcs[round], fr, n);
		CHECK(n >= 1 && strcmp(fr[n - 1].function, "plain_exported") == 0 && fr[n - 1].line == line,
		      "reload round %d: %s:%lu, want plain_exported:%u", round, n ? fr[n - 1].function : "",
		      n ? fr[n - 1].line : 0, line);
		dlclose(h);
		if (round == 0 && rename(repl, path) != 0) {
			printf("FAIL rename: %s\n", strerror(errno));
			return 1;
		}
	}
	cgosym_dwarf_close(d);
	printf("%s reload (%s address) (%d failures)\n", failures ? "FAIL" : "PASS",
	       (pcs[0] & ~(uintptr_t)0xfff) == (pcs[1] & ~(uintptr_t)0xfff) ? "same" : "another", failures);
	return failures != 0;
}

// ---- batch ----

static uintptr_t *read_vaddrs(const char *file, size_t *count) {
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (f == NULL) {
		return NULL;
	}
	size_t cap = 1024, n = 0;
	uintptr_t *v = malloc(cap * sizeof *v);
	unsigned long x;
	while (v != NULL && fscanf(f, "%lx", &x) == 1) {
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof *v);
		}
		if (v != NULL) {
			v[n++] = x;
		}
	}
	if (f != stdin) {
		fclose(f);
	}
	*count = n;
	return v;
}

static uintptr_t lib_bias(const char *lib) {
	if (strcmp(lib, "self") == 0) {
		return load_bias(dlopen(NULL, RTLD_NOW));
	}
	void *h = open_lib(lib);
	return h ? load_bias(h) : 0;
}

static int cmd_batch(const char *lib) {
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	uintptr_t bias = lib_bias(lib);
	size_t n;
	uintptr_t *v = read_vaddrs("-", &n);
	if (d == NULL || v == NULL) {
		return 1;
	}
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (size_t i = 0; i < n; i++) {
		int k = cgosym_dwarf_lookup(d, v[i] + bias, fr, CGOSYM_MAX_INLINE);
		for (int j = 0; j < k; j++) {
			fr[j].entry = fr[j].entry ? fr[j].entry - bias : 0;
		}
		print_frames(stdout, v[i], fr, k);
	}
	return 0;
}

// ---- threads ----

struct thread_arg {
	struct cgosym_dwarf *d;
	uintptr_t *pcs;
	size_t n;
	struct cgosym_frame *want; /* n * CGOSYM_MAX_INLINE */
	int *want_n;
	unsigned seed;
	int bad;
};

static void *thread_main(void *p) {
	struct thread_arg *a = p;
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (size_t k = 0; k < a->n * 2; k++) {
		size_t i = (size_t)rand_r(&a->seed) % a->n;
		int n = cgosym_dwarf_lookup(a->d, a->pcs[i], fr, CGOSYM_MAX_INLINE);
		const struct cgosym_frame *w = &a->want[i * CGOSYM_MAX_INLINE];
		int ok = n == a->want_n[i];
		for (int j = 0; ok && j < n; j++) {
			// Interned: equal strings are the same pointer.
			ok = fr[j].function == w[j].function && fr[j].file == w[j].file && fr[j].line == w[j].line &&
			     fr[j].entry == w[j].entry;
		}
		a->bad += !ok;
	}
	return NULL;
}

static int cmd_threads(const char *lib, const char *vaddr_file, int nthreads) {
	uintptr_t bias = lib_bias(lib);
	size_t nv;
	uintptr_t *v = read_vaddrs(vaddr_file, &nv);
	if (v == NULL || nv == 0) {
		return 1;
	}
	unsigned line;
	size_t n = nv + 2;
	uintptr_t *pcs = malloc(n * sizeof *pcs);
	for (size_t i = 0; i < nv; i++) {
		pcs[i] = v[i] + bias;
	}
	pcs[nv] = outer_func(1, &line, &line);
	pcs[nv + 1] = (uintptr_t)printf + 8;
	struct cgosym_dwarf *ref = cgosym_dwarf_open_self();
	struct cgosym_frame *want = malloc(n * CGOSYM_MAX_INLINE * sizeof *want);
	int *want_n = malloc(n * sizeof *want_n);
	for (size_t i = 0; i < n; i++) {
		want_n[i] = cgosym_dwarf_lookup(ref, pcs[i], &want[i * CGOSYM_MAX_INLINE], CGOSYM_MAX_INLINE);
	}
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	pthread_t th[64];
	struct thread_arg args[64];
	if (nthreads > 64) {
		nthreads = 64;
	}
	double t0 = now();
	for (int t = 0; t < nthreads; t++) {
		args[t] = (struct thread_arg){d, pcs, n, want, want_n, (unsigned)t * 7919u + 1, 0};
		pthread_create(&th[t], NULL, thread_main, &args[t]);
	}
	int bad = 0;
	for (int t = 0; t < nthreads; t++) {
		pthread_join(th[t], NULL);
		bad += args[t].bad;
	}
	printf("%s threads: %d threads x %zu lookups, %d mismatches, %.1f ms\n", bad ? "FAIL" : "PASS", nthreads,
	       n * 2, bad, (now() - t0) * 1e3);
	return bad != 0;
}

// ---- churn ----

struct churn_arg {
	struct cgosym_dwarf *d;
	const char *dir;
	int rounds;
	uintptr_t pcs[3];
	const char *want[3]; /* interned: compared by pointer */
	uintptr_t file_vaddr; /* plain_exported in libplain_full.so */
	int bad;
};

static void *churn_lookups(void *p) {
	struct churn_arg *a = p;
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (int r = 0; r < a->rounds * 20; r++) {
		int i = r % 3;
		int n = cgosym_dwarf_lookup(a->d, a->pcs[i], fr, CGOSYM_MAX_INLINE);
		if (n < 1 || fr[0].function != a->want[i]) {
			if (a->bad++ < 3) {
				printf("  lookup %#lx: %d frames, %s (%p) want %s (%p)\n", (unsigned long)a->pcs[i], n,
				       n ? fr[0].function : "", n ? (const void *)fr[0].function : NULL, a->want[i],
				       (const void *)a->want[i]);
			}
		}
	}
	return NULL;
}

// A library loaded and unloaded again and again: every lookup after a
// change re-reads the loader's list.
static void *churn_loader(void *p) {
	struct churn_arg *a = p;
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/libplain_unload.so", a->dir);
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (int r = 0; r < a->rounds; r++) {
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h == NULL) {
			a->bad++;
			break;
		}
		uintptr_t (*exported)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_exported");
		unsigned line;
		uintptr_t pc = exported(&line);
		int n = cgosym_dwarf_lookup(a->d, pc, fr, CGOSYM_MAX_INLINE);
		a->bad += n != 1 || strcmp(fr[0].function, "plain_exported") != 0 || fr[0].line != line;
		dlclose(h);
	}
	return NULL;
}

// Whole engines of this process, opened and closed.
static void *churn_self(void *p) {
	struct churn_arg *a = p;
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (int r = 0; r < a->rounds / 4 + 1; r++) {
		struct cgosym_dwarf *e = cgosym_dwarf_open_self();
		int n = e ? cgosym_dwarf_lookup(e, a->pcs[0], fr, CGOSYM_MAX_INLINE) : 0;
		a->bad += n < 1 || fr[0].function != a->want[0];
		cgosym_dwarf_close(e);
	}
	return NULL;
}

// File-mode engines: the same library at a new address each round.
static void *churn_files(void *p) {
	struct churn_arg *a = p;
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/libplain_full.so", a->dir);
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (int r = 0; r < a->rounds; r++) {
		struct cgosym_dwarf *e = cgosym_dwarf_open_files();
		uintptr_t base = ((uintptr_t)1 << 32) + (uintptr_t)r * 0x100000;
		int n = 0;
		if (e != NULL && cgosym_dwarf_add_file(e, path, base) == 0) {
			n = cgosym_dwarf_lookup(e, base + a->file_vaddr, fr, CGOSYM_MAX_INLINE);
		}
		a->bad += n != 1 || strcmp(fr[0].function, "plain_exported") != 0;
		cgosym_dwarf_close(e);
	}
	return NULL;
}

static int cmd_churn(const char *dir, int nthreads, int rounds) {
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/libcxx.so", dir);
	void *cxx = open_lib(path);
	snprintf(path, sizeof path, "%s/libplain_full.so", dir);
	void *full = open_lib(path);
	if (cxx == NULL || full == NULL) {
		return 1;
	}
	// As the package does: the demangler first (libcxx.so brought
	// libstdc++ in), then the engine.
	cgosym_dwarf_prepare();
	struct churn_arg a = {.d = cgosym_dwarf_open_self(), .dir = dir, .rounds = rounds};
	unsigned line, lines[3];
	uintptr_t cxx_pcs[3];
	void (*get_cxx_pcs)(uintptr_t *, unsigned *) = (void (*)(uintptr_t *, unsigned *))dlsym(cxx, "cxx_pcs");
	get_cxx_pcs(cxx_pcs, lines);
	uintptr_t (*exported)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(full, "plain_exported");
	a.pcs[0] = outer_func(1, &line, &line);
	a.pcs[1] = cxx_pcs[0];
	a.pcs[2] = exported(&line);
	a.file_vaddr = a.pcs[2] - load_bias(full);
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (int i = 0; i < 3; i++) {
		int n = cgosym_dwarf_lookup(a.d, a.pcs[i], fr, CGOSYM_MAX_INLINE);
		a.want[i] = n > 0 ? fr[0].function : NULL;
	}
	if (nthreads > 32) {
		nthreads = 32;
	}
	pthread_t th[35];
	struct churn_arg args[35];
	void *(*fns[3])(void *) = {churn_loader, churn_self, churn_files};
	double t0 = now();
	for (int t = 0; t < nthreads + 3; t++) {
		args[t] = a;
		pthread_create(&th[t], NULL, t < 3 ? fns[t] : churn_lookups, &args[t]);
	}
	int bad = 0;
	for (int t = 0; t < nthreads + 3; t++) {
		pthread_join(th[t], NULL);
		bad += args[t].bad;
		if (args[t].bad) {
			printf("  thread %d (%s): %d wrong\n", t,
			       t == 0 ? "dlopen" : t == 1 ? "self engines" : t == 2 ? "file engines" : "lookups",
			       args[t].bad);
		}
	}
	cgosym_dwarf_close(a.d);
	printf("%s churn: %d lookup threads, %d rounds of dlopen/dlclose, engines of this process and file-mode "
	       "engines, %d wrong answers, %.1f ms\n",
	       bad ? "FAIL" : "PASS", nthreads, rounds, bad, (now() - t0) * 1e3);
	return bad != 0;
}

// ---- perf ----

static int cmd_perf(const char *lib, const char *vaddr_file) {
	size_t n;
	uintptr_t *v = read_vaddrs(vaddr_file, &n);
	if (v == NULL || n == 0) {
		return 1;
	}
	double t0 = now();
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	double t_open = now() - t0;
	uintptr_t bias = lib_bias(lib);
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	t0 = now();
	int k = cgosym_dwarf_lookup(d, v[0] + bias, fr, CGOSYM_MAX_INLINE);
	double t_cold = now() - t0;
	t0 = now();
	int found = 0;
	for (size_t i = 1; i < n; i++) {
		found += cgosym_dwarf_lookup(d, v[i] + bias, fr, CGOSYM_MAX_INLINE) > 0;
	}
	double t_miss = (now() - t0) / (double)(n - 1);
	int rounds = 20;
	t0 = now();
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			cgosym_dwarf_lookup(d, v[i] + bias, fr, CGOSYM_MAX_INLINE);
		}
	}
	double t_hit = (now() - t0) / (double)(n * (size_t)rounds);
	printf("perf %s: open_self %.2f ms, first lookup (cold) %.2f ms (%d frames), "
	       "%zu other PCs first time %.2f us each (%d found), cached %.0f ns each\n",
	       lib, t_open * 1e3, t_cold * 1e3, k, n - 1, t_miss * 1e6, found, t_hit * 1e9);
	return 0;
}

// ---- pid ----

static int cmd_pid(pid_t ppid) {
	size_t n;
	uintptr_t *v = read_vaddrs("-", &n);
	double t0 = now();
	struct cgosym_dwarf *d = cgosym_dwarf_open_pid(ppid);
	if (d == NULL || v == NULL) {
		printf("open_pid failed\n");
		return 1;
	}
	struct cgosym_frame fr[CGOSYM_MAX_INLINE];
	for (size_t i = 0; i < n; i++) {
		int k = cgosym_dwarf_lookup(d, v[i], fr, CGOSYM_MAX_INLINE);
		print_frames(stdout, v[i], fr, k);
	}
	fprintf(stderr, "child: open_pid + %zu lookups %.2f ms\n", n, (now() - t0) * 1e3);
	return 0;
}

static int cmd_pidtest(const char *dir, const char *replacement) {
	if (replacement != NULL) {
		char self[PATH_MAX];
		ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
		if (len <= 0) {
			return 1;
		}
		self[len] = '\0';
		if (rename(replacement, self) != 0) {
			printf("FAIL rename: %s\n", strerror(errno));
			return 1;
		}
		printf("replaced %s on disk\n", self);
	}
	struct cgosym_dwarf *d = cgosym_dwarf_open_self();
	if (d == NULL) {
		printf("FAIL open_self\n");
		return 1;
	}
	char path[PATHBUF];
	snprintf(path, sizeof path, "%s/libcxx.so", dir);
	void *h = open_lib(path);
	uintptr_t pcs[16];
	unsigned lines[4], l;
	size_t n = 0;
	pcs[n++] = outer_func(1, &l, &l);
	pcs[n++] = outer_two(1, &l, &l, &l);
	pcs[n++] = (uintptr_t)outer_func;
	pcs[n++] = (uintptr_t)printf + 4;
	if (h != NULL) {
		void (*cxx_pcs)(uintptr_t *, unsigned *) = (void (*)(uintptr_t *, unsigned *))dlsym(h, "cxx_pcs");
		cxx_pcs(&pcs[n], lines);
		n += 3;
	}
	snprintf(path, sizeof path, "%s/libplain_stripped.so", dir);
	h = open_lib(path);
	if (h != NULL) {
		uintptr_t (*call_hidden)(unsigned *) = (uintptr_t(*)(unsigned *))dlsym(h, "plain_call_hidden");
		pcs[n++] = call_hidden(&l);
	}
	void *vh = dlopen("linux-vdso.so.1", RTLD_NOW | RTLD_NOLOAD);
	void *vf = vh ? dlsym(vh, "__vdso_clock_gettime") : NULL;
	if (vf != NULL) {
		pcs[n++] = (uintptr_t)vf + 1;
	}

	char want[16][4096];
	for (size_t i = 0; i < n; i++) {
		struct cgosym_frame fr[CGOSYM_MAX_INLINE];
		int k = cgosym_dwarf_lookup(d, pcs[i], fr, CGOSYM_MAX_INLINE);
		FILE *m = fmemopen(want[i], sizeof want[i], "w");
		print_frames(m, pcs[i], fr, k);
		fclose(m);
	}

	int in[2], out[2];
	if (pipe(in) != 0 || pipe(out) != 0) {
		return 1;
	}
	pid_t parent = getpid();
	pid_t child = fork();
	if (child == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		char arg[32];
		snprintf(arg, sizeof arg, "%d", (int)parent);
		// As the crash helper does: the mapped inode, not the path.
		execl("/proc/self/exe", "harness", "pid", arg, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	FILE *w = fdopen(in[1], "w");
	for (size_t i = 0; i < n; i++) {
		fprintf(w, "%" PRIxPTR "\n", pcs[i]);
	}
	fclose(w);
	FILE *r = fdopen(out[0], "r");
	char line[4096];
	size_t i = 0;
	while (fgets(line, sizeof line, r) != NULL) {
		if (i < n) {
			printf("child:  %s", line);
			CHECK(strcmp(line, want[i]) == 0, "pid lookup differs; parent: %s", want[i]);
		}
		i++;
	}
	fclose(r);
	int status;
	waitpid(child, &status, 0);
	CHECK(i == n, "child answered %zu of %zu", i, n);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	printf("%s pidtest%s (%d failures)\n", failures ? "FAIL" : "PASS", replacement ? " (exe replaced)" : "",
	       failures);
	return failures != 0;
}

int main(int argc, char **argv) {
	char dir[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (len <= 0) {
		return 2;
	}
	dir[len] = '\0';
	*strrchr(dir, '/') = '\0';
	if (argc >= 2 && strcmp(argv[1], "self") == 0) {
		return cmd_self(dir);
	}
	if (argc >= 2 && strcmp(argv[1], "swap") == 0) {
		return cmd_swap(dir);
	}
	if (argc >= 2 && strcmp(argv[1], "reload") == 0) {
		return cmd_reload(dir);
	}
	if (argc >= 3 && strcmp(argv[1], "batch") == 0) {
		return cmd_batch(argv[2]);
	}
	if (argc >= 5 && strcmp(argv[1], "threads") == 0) {
		return cmd_threads(argv[2], argv[3], atoi(argv[4]));
	}
	if (argc >= 4 && strcmp(argv[1], "churn") == 0) {
		return cmd_churn(dir, atoi(argv[2]), atoi(argv[3]));
	}
	if (argc >= 4 && strcmp(argv[1], "perf") == 0) {
		return cmd_perf(argv[2], argv[3]);
	}
	if (argc >= 2 && strcmp(argv[1], "pidtest") == 0) {
		return cmd_pidtest(dir, argc >= 3 ? argv[2] : NULL);
	}
	if (argc >= 3 && strcmp(argv[1], "pid") == 0) {
		return cmd_pid((pid_t)atoi(argv[2]));
	}
	fprintf(stderr, "usage: see harness.c\n");
	return 2;
}
