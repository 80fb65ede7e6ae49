// Built with cgo's default flags (-g -O2). NOINLINE keeps a function a real
// frame (noipa also stops GCC from cloning it under another symbol name).
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "_cgo_export.h"

#define NOINLINE __attribute__((noinline, noipa))

void offline_run(int mode);

// Read at run time, so that the compiler cannot see the NULL.
int *volatile offline_target = NULL;
volatile int offline_sink;

static inline __attribute__((always_inline)) void offline_leaf(int mode, int *p) {
	if (mode) {
		offlineGoStack(); /* MARK:leaf_calls_go */
	} else {
		*(volatile int *)p = 42; /* MARK:leaf_fault */
	}
}

NOINLINE void offline_middle(int mode) {
	offline_leaf(mode, offline_target); /* MARK:middle_calls_leaf */
	offline_sink++; // not a tail position
}

NOINLINE void offline_entry(int mode) {
	offline_run(mode); /* MARK:entry_calls_run */
	offline_sink++;
}

// Loads the library at path and calls its entry, which crashes.
NOINLINE void offline_dlopen_crash(const char *path) {
	void *h = dlopen(path, RTLD_NOW);
	void (*const *entry)(void) = h ? dlsym(h, "offline_lib_entry") : NULL;
	if (entry == NULL) {
		fprintf(stderr, "offline: %s: %s\n", path, dlerror());
		exit(3);
	}
	(*entry)(); /* MARK:dlopen_calls_lib */
	offline_sink++;
}
