//go:build linux && cgo && amd64

// dwarf_api.c — loads libdw and libelf on first use (see dwarf_api.h).

#define CGOSYM_DWARF_API_REAL_NAMES
#include <dlfcn.h>
#include <stdlib.h>

#include "dwarf_api.h"

const struct cgosym_dwarf_api *cgosym_dwarf_api;

// [normal] dlopen may run constructors and takes the loader's lock, so no
// lock or once of ours is held here: racing threads each fill a table, the
// first to publish wins and the others free theirs. libdw is kept loaded
// for the life of the process (never dlclosed).
int cgosym_dwarf_load_api(void) {
	if (__atomic_load_n(&cgosym_dwarf_api, __ATOMIC_ACQUIRE) != NULL) {
		return 0;
	}
	void *libdw = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
	if (libdw == NULL) {
		return -1;
	}
	struct cgosym_dwarf_api *t = calloc(1, sizeof *t);
	if (t == NULL) {
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
		return -1;
	}
	const struct cgosym_dwarf_api *none = NULL;
	if (!__atomic_compare_exchange_n(&cgosym_dwarf_api, &none, t, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(t);
	}
	return 0;
}
