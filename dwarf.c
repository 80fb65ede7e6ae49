//go:build linux && cgo && amd64

// dwarf.c — STUB, being written: libdw engine.

#include "internal.h"

struct cgosym_dwarf *cgosym_dwarf_open_self(void) { return NULL; }
struct cgosym_dwarf *cgosym_dwarf_open_pid(pid_t pid) { (void)pid; return NULL; }
int cgosym_dwarf_lookup(struct cgosym_dwarf *d, uintptr_t pc, struct cgosym_frame *out, int max) {
	(void)d; (void)pc; (void)out; (void)max;
	return 0;
}
