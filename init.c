//go:build linux && cgo && amd64

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
	// .eh_frame_hdr, and neither does gcc -static unless told to
	// (-Wl,--eh-frame-hdr; glibc then finds it for a static program too):
	// no C frame could be unwound, so stand aside and leave the runtime's
	// tracebacks as they are.
	struct dl_find_object self;
	if (_dl_find_object((void *)(uintptr_t)cgosymbolizer_init, &self) != 0 || self.dlfo_eh_frame == NULL) {
		unsupported_reason = "the program has no .eh_frame_hdr (-linkmode=internal, or -extldflags=-static without -Wl,--eh-frame-hdr?)";
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
