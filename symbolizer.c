//go:build linux && cgo && (amd64 || arm64)

// symbolizer.c — the symbolizer callback of runtime.SetCgoTraceback.
//
// From the runtime's documentation of SetCgoTraceback:
//
//	The symbolizer function may be called while the program is
//	crashing, and so must be cautious about using memory.
//
// So each call first asks which context it runs in. In normal code
// (runtime.Stack, CallersFrames, pprof) the answer comes from the libdw
// engine in dwarf.c. Inside a fatal-signal handler the process is dying,
// possibly with the malloc or loader lock held by the dying thread: the
// answer then comes from crash_helper.c, which never touches either.

#include <pthread.h>
#include <signal.h>
#include <errno.h>

#include "bind_now.h"
#include "internal.h"

// The engine for this process, opened on first use in normal code. Written
// once under self_once, read-only afterwards.
static struct cgosym_dwarf *self_dwarf;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void open_self(void) {
	self_dwarf = cgosym_dwarf_open_self();
}

// [signal] Go runs every signal handler on the thread's alternate signal
// stack with all signals blocked; goroutine code and cgo calls run with
// SIGSEGV, SIGPROF and SIGURG unblocked. Either sign means the runtime is
// calling us from its handler, which it does only to print a fatal
// traceback (shared/notes/symbolization.md: right in every case measured).
int cgosym_in_signal_handler(void) {
	int saved_errno = errno;
	int in_handler = 0;
	stack_t ss;
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK)) {
		in_handler = 1;
	} else {
		sigset_t blocked;
		if (pthread_sigmask(SIG_BLOCK, NULL, &blocked) == 0 &&
		    sigismember(&blocked, SIGSEGV) == 1 &&
		    sigismember(&blocked, SIGPROF) == 1 &&
		    sigismember(&blocked, SIGURG) == 1) {
			in_handler = 1;
		}
	}
	errno = saved_errno;
	return in_handler;
}

// arg->data carries the position in the PC's inline chain between calls:
// (pc << 8) | index of the next frame. It owns no memory, so the final
// pc == 0 call has nothing to release, and a traceback the runtime cuts
// in the middle of a chain leaks nothing. User-space PCs fit in 56 bits.
#define DATA_INDEX_BITS 8

static int next_index(const struct cgosymbolizer_symbolize_arg *arg) {
	uintptr_t index = arg->data & ((1u << DATA_INDEX_BITS) - 1);
	if (index == 0 || (arg->data >> DATA_INDEX_BITS) != (arg->pc & (UINTPTR_MAX >> DATA_INDEX_BITS))) {
		return 0;
	}
	return (int)index;
}

// [dying] in a fatal-signal handler; [normal] otherwise.
void cgosymbolizer_symbolize(void *varg) {
	struct cgosymbolizer_symbolize_arg *arg = varg;
	int saved_errno = errno;
	struct cgosym_frame frames[CGOSYM_MAX_INLINE];
	int n = 0;

	if (arg->pc != 0) {
		if (cgosym_in_signal_handler()) {
			n = cgosym_crash_lookup(arg->pc, frames, CGOSYM_MAX_INLINE);
		} else {
			if (cgosym_dwarf_prepare() == 0) {
				pthread_once(&self_once, open_self);
			}
			if (self_dwarf != NULL) {
				n = cgosym_dwarf_lookup(self_dwarf, arg->pc, frames, CGOSYM_MAX_INLINE);
			}
		}
	}

	int index = next_index(arg);
	if (index >= n) {
		// Release call, unknown PC, or a chain that changed under us.
		arg->file = NULL;
		arg->lineno = 0;
		arg->func = NULL;
		arg->entry = 0;
		arg->more = 0;
		arg->data = 0;
		errno = saved_errno;
		return;
	}
	arg->func = frames[index].function;
	arg->file = frames[index].file;
	arg->lineno = frames[index].line;
	arg->entry = frames[index].entry;
	if (index + 1 < n) {
		arg->more = 1;
		arg->data = ((arg->pc & (UINTPTR_MAX >> DATA_INDEX_BITS)) << DATA_INDEX_BITS) | (uintptr_t)(index + 1);
	} else {
		arg->more = 0;
		arg->data = 0;
	}
	errno = saved_errno;
}
