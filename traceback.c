//go:build linux && cgo && (amd64 || arm64)

// traceback.c — the traceback callback of runtime.SetCgoTraceback.
//
// From the runtime's documentation of SetCgoTraceback:
//
//	The traceback and context functions may be called from a signal
//	handler, and must therefore use only async-signal safe functions.
//
// It is: on a profiling signal or a crash on a thread inside a cgo call
// (sig_context set), when a goroutine is unwound across a C->Go callback
// (context set; possibly on another thread, possibly inside the SIGPROF
// handler), and from C code (neither set).

#include <errno.h>
#include <string.h>
#include <ucontext.h>

#include "bind_now.h"
#include "internal.h"

// [signal]
void cgosymbolizer_traceback(void *varg) {
	struct cgosymbolizer_traceback_arg *arg = varg;
	int saved_errno = errno;
	struct cgosym_unwind_start start;
	memset(&start, 0, sizeof start);

	if (arg->sig_context != 0) {
		cgosym_regs_from_ucontext((const void *)arg->sig_context, start.regs);
	} else if (arg->context != 0) {
		// "The context is valid and unchanging while that callback runs":
		// the snapshot's slot is not reused before the callback returns.
		const struct cgosym_snapshot *snap = (const struct cgosym_snapshot *)arg->context;
		cgosym_regs_from_snapshot(snap, start.regs);
		start.copy_base = snap->sp;
		start.copy = snap->stack;
		// The snapshot starts in the runtime's _cgo_wait_runtime_init_done,
		// called by the C wrapper cgo generates for the exported Go
		// function: neither is the user's code.
		start.skip = 2;
	} else {
		ucontext_t uc;
		if (getcontext(&uc) != 0) {
			if (arg->max > 0) {
				arg->buf[0] = 0;
			}
			errno = saved_errno;
			return;
		}
		cgosym_regs_from_ucontext(&uc, start.regs);
		start.skip = 1; // this function
	}

	size_t n = cgosym_unwind(&start, arg->buf, arg->max, NULL);
	// "The traceback function should store a 0 after the last PC when
	// there are fewer than max."
	if (n < arg->max) {
		arg->buf[n] = 0;
	}
	errno = saved_errno;
}
