//go:build linux && cgo && (amd64 || arm64)

// dwarf_api.c — loads libdw and libelf on first use (see dwarf_api.h), or,
// with -tags cgosymbolizer_static, points the table at the linked ones.

#define CGOSYM_DWARF_API_REAL_NAMES
#include <dlfcn.h>
#include <stdlib.h>

#include "dwarf_api.h"

const struct cgosym_dwarf_api *cgosym_dwarf_api;

#ifdef CGOSYMBOLIZER_STATIC
// Built with -tags cgosymbolizer_static (static_libs.go): libdw and libelf
// are linked from their archives, so the table holds their own addresses —
// the one table and the one call path of the dlopen build, with nothing left
// to load (a static binary could not dlopen libdw anyway).
static const struct cgosym_dwarf_api linked_api = {
#define CGOSYM_DWARF_API_LINKED(name) .name = &(name),
	CGOSYM_DWARF_API(CGOSYM_DWARF_API_LINKED)
#undef CGOSYM_DWARF_API_LINKED
};

// [normal] Never fails; publishing is idempotent, so racing threads agree.
int cgosym_dwarf_load_api(void) {
	__atomic_store_n(&cgosym_dwarf_api, &linked_api, __ATOMIC_RELEASE);
	return 0;
}
#else
// Set when libdw could not be loaded; never cleared.
static int load_failed;

// [normal] dlopen may run constructors and takes the loader's lock, so no
// lock or once of ours is held here: racing threads each fill a table, the
// first to publish wins and the others free theirs. libdw is kept loaded
// for the life of the process (never dlclosed).
int cgosym_dwarf_load_api(void) {
	if (__atomic_load_n(&cgosym_dwarf_api, __ATOMIC_ACQUIRE) != NULL) {
		return 0;
	}
	if (__atomic_load_n(&load_failed, __ATOMIC_RELAXED)) {
		return -1;
	}
	void *libdw = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
	struct cgosym_dwarf_api *t = libdw != NULL ? calloc(1, sizeof *t) : NULL;
	if (t == NULL) {
		// Once: every symbolization would otherwise take the loader's
		// lock to fail again.
		__atomic_store_n(&load_failed, 1, __ATOMIC_RELAXED);
		if (libdw != NULL) {
			dlclose(libdw);
		}
		return -1;
	}
	int ok = 1;
	// dlsym on libdw's handle searches its dependencies too: libelf.
#define CGOSYM_DWARF_API_LOAD(name)                                                                    \
	t->name = (__typeof__(t->name))dlsym(libdw, #name);                                            \
	ok = ok && t->name != NULL;
	CGOSYM_DWARF_API(CGOSYM_DWARF_API_LOAD)
#undef CGOSYM_DWARF_API_LOAD
	if (!ok) {
		free(t);
		dlclose(libdw);
		__atomic_store_n(&load_failed, 1, __ATOMIC_RELAXED);
		return -1;
	}
	const struct cgosym_dwarf_api *none = NULL;
	if (!__atomic_compare_exchange_n(&cgosym_dwarf_api, &none, t, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(t);
	}
	return 0;
}
#endif
