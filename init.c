//go:build linux && cgo && amd64

// init.c — one-time set-up, in normal code, before any callback can run.

#include "internal.h"

static const char *unsupported_reason;

// [normal]
int cgosymbolizer_init(void) {
	static int done;
	if (done) {
		return unsupported_reason == NULL ? 0 : -1;
	}
	done = 1;
	if (cgosym_unwind_init() != 0) {
		unsupported_reason = "libunwind could not create an address space";
		return -1;
	}
	cgosym_format_init();
	cgosym_crash_init();
	return 0;
}

// [normal]
const char *cgosymbolizer_unsupported_reason(void) {
	return unsupported_reason;
}
