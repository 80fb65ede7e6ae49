// sym.c — symbolization through the package's symbolizer callback, called
// from C as the runtime calls it: once per frame of the PC's inline chain.

#include <dlfcn.h>
#include <link.h>
#include <malloc.h>
#include <time.h>

#include "bench.h"

extern void cgosymbolizer_symbolize(void *arg) __attribute__((weak));

struct sym_arg {
	uintptr_t pc;
	const char *file;
	uintptr_t lineno;
	const char *func;
	uintptr_t entry, more, data;
};

uint64_t bench_now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_thread_cpu_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Bytes malloc holds for the program (in use, arenas and mmapped blocks).
uint64_t bench_heap_bytes(void) {
	struct mallinfo2 mi = mallinfo2();
	return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

// Describes pc fully (every frame of its inline chain, then the release
// call); returns the number of frames, *named those with file:line.
int bench_sym_one(uintptr_t pc, int *named) {
	struct sym_arg a = {0};
	int n = 0;
	*named = 0;
	if (cgosymbolizer_symbolize == NULL) {
		return 0;
	}
	a.pc = pc;
	do {
		cgosymbolizer_symbolize(&a);
		if (a.func != NULL) {
			n++;
		}
		if (a.file != NULL && a.lineno != 0) {
			(*named)++;
		}
	} while (a.more);
	a.pc = 0;
	cgosymbolizer_symbolize(&a);
	return n;
}

// Symbolizes pcs[0..n) once each; returns the time taken.
uint64_t bench_sym_pass(const uintptr_t *pcs, int n, long *frames, long *named) {
	long f = 0, nm = 0;
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		int k;
		f += bench_sym_one(pcs[i], &k);
		nm += k;
	}
	uint64_t t = bench_now_ns() - t0;
	*frames = f;
	*named = nm;
	return t;
}

// dlopens path; *base gets its load bias (runtime address - file address).
int bench_dlopen(const char *path, uintptr_t *base) {
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		return -1;
	}
	struct link_map *lm;
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0) {
		return -1;
	}
	*base = (uintptr_t)lm->l_addr;
	return 0;
}

static int first_module(struct dl_phdr_info *info, size_t size, void *arg) {
	(void)size;
	*(uintptr_t *)arg = (uintptr_t)info->dlpi_addr;
	return 1;
}

// The main executable's load bias (0 unless it is a PIE).
uintptr_t bench_main_base(void) {
	uintptr_t base = 0;
	dl_iterate_phdr(first_module, &base);
	return base;
}
