//go:build linux && cgo && (amd64 || arm64)

// init.c — one-time set-up, in normal code, before any callback can run.

#include <dlfcn.h>
#include <stddef.h>

#include "internal.h"

static const char *unsupported_reason;

// [normal]
int cgosymbolizer_init(void) {
	static int done;
	if (done) {
		return unsupported_reason == NULL ? 0 : -1;
	}
	done = 1;
	// Go's internal linker (-ldflags=-linkmode=internal) writes no
	// .eh_frame_hdr: no C frame could be unwound, so stand aside and leave
	// the runtime's tracebacks as they are. (gcc -static writes none
	// either; with -tags cgosymbolizer_static find_object.c builds one.)
	const char *no_table = cgosym_find_object_init();
	struct dl_find_object self;
	if (cgosym_find_object((uintptr_t)cgosymbolizer_init, &self) != 0 || self.dlfo_eh_frame == NULL) {
		unsupported_reason = no_table != NULL ? no_table : "the program has no unwind tables (-linkmode=internal?)";
		return -1;
	}
	if (cgosym_unwind_init() != 0) {
		unsupported_reason = "libunwind could not create an address space";
		return -1;
	}
	if (cgosym_context_init() != 0) {
		unsupported_reason = "no pthread key for the context callback";
		return -1;
	}
	cgosym_format_init();
	cgosym_dwarf_init();
	cgosym_crash_init();
	// Binds the system calls the symbolizer makes to tell a dying process
	// from a live one, so the first crash does not resolve them lazily.
	(void)cgosym_in_signal_handler();
	return 0;
}

// [normal]
const char *cgosymbolizer_unsupported_reason(void) {
	return unsupported_reason;
}
