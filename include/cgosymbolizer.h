/*
 * cgosymbolizer.h — C and C++ frames in Go tracebacks.
 *
 * The three functions below implement the callbacks of Go's
 * runtime.SetCgoTraceback. Blank-importing the Go package registers them;
 * a program that vendors the C files registers them itself:
 *
 *	// #include "cgosymbolizer.h"
 *	import "C"
 *
 *	func init() {
 *		if C.cgosymbolizer_init() == 0 {
 *			runtime.SetCgoTraceback(0,
 *				unsafe.Pointer(C.cgosymbolizer_traceback),
 *				unsafe.Pointer(C.cgosymbolizer_context),
 *				unsafe.Pointer(C.cgosymbolizer_symbolize))
 *		}
 *	}
 *
 * Every exported symbol starts with cgosymbolizer_ (public) or cgosym_
 * (private to the package's C files), so vendored copies cannot clash with
 * the program's own names. Link with -lunwind-x86_64 (-lunwind-aarch64 on
 * arm64) -ldw -lelf.
 */
#ifndef CGOSYMBOLIZER_H
#define CGOSYMBOLIZER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The argument of the traceback callback; the layout of the runtime's
 * cgoTracebackArg. */
struct cgosymbolizer_traceback_arg {
	uintptr_t context;     /* 0, or a value the context callback returned */
	uintptr_t sig_context; /* 0, or the ucontext_t* of a signal */
	uintptr_t *buf;        /* where the PCs go, innermost first */
	uintptr_t max;         /* capacity of buf */
};

/* The argument of the context callback; the runtime's cgoContextArg. */
struct cgosymbolizer_context_arg {
	uintptr_t context;
};

/* The argument of the symbolizer callback; the runtime's cgoSymbolizerArg. */
struct cgosymbolizer_symbolize_arg {
	uintptr_t pc;         /* the PC to describe; 0 means "release" */
	const char *file;     /* out: source file, or NULL */
	uintptr_t lineno;     /* out: line number, or 0 */
	const char *func;     /* out: function name, or NULL */
	uintptr_t entry;      /* out: entry PC of the function, or 0 */
	uintptr_t more;       /* out: non-zero if another (outer) frame follows */
	uintptr_t data;       /* state between calls for the same PC */
};

/*
 * cgosymbolizer_init prepares everything the signal-handler paths need
 * (the unwinder's address space, lazy PLT bindings) so that no first-time
 * work happens inside a signal handler. Call it once, from normal code,
 * before registering the callbacks. Returns 0 on success and -1 when this
 * platform or build cannot be supported (then register nothing); the reason
 * is available from cgosymbolizer_unsupported_reason. Safe to call again.
 */
int cgosymbolizer_init(void);

/* cgosymbolizer_unsupported_reason returns why cgosymbolizer_init failed,
 * or NULL if it did not. */
const char *cgosymbolizer_unsupported_reason(void);

/*
 * cgosymbolizer_traceback fills arg->buf with up to arg->max PCs of the C
 * frames: from the signal's ucontext when sig_context is set, from the
 * snapshot in context when that is set, else from its caller. Frame 0 is the
 * exact PC; caller frames are return address - 1 (so they symbolize to the
 * call line), except right after a signal frame, where the PC is exact again.
 * The walk stops, writing 0, at the first PC with no unwind information,
 * which is where Go code begins: no Go PC is ever written.
 * Async-signal-safe: no malloc, no locks, no dl_iterate_phdr; every memory
 * read is validated; errno is preserved.
 */
void cgosymbolizer_traceback(void *arg);

/*
 * cgosymbolizer_context is called by the runtime on every C->Go call
 * (context == 0: record) and on the matching return (context != 0:
 * release), in the C code that calls Go.
 * Recording copies a few registers and the top of the stack into a
 * per-thread slot (the first call on a thread allocates its slots, 3 KiB);
 * the unwind happens only if a traceback is asked for. It takes no lock
 * and is cheap: it is on the path of every cgo callback.
 */
void cgosymbolizer_context(void *arg);

/*
 * cgosymbolizer_symbolize describes arg->pc: function (C++ demangled),
 * file, line and entry. When the PC is inside inlined code it answers once
 * per frame, innermost first, setting more while outer frames remain; the
 * state lives in arg->data and owns no memory, so the final pc == 0 call
 * releases nothing. Returned strings stay valid for the life of the process.
 * In normal code it reads DWARF with libdw (thread-safe, cached). While the
 * process is dying (a fatal signal) it never calls malloc or libdw in this
 * process: it asks a helper process. A frame that nothing names (a stripped
 * binary, no debug file) is "path+0xOFFSET", OFFSET the file offset of the
 * PC in that object, followed by " (BuildId: hex)" (in a crash dump, on the
 * object's first such frame only): what cmd/cgosymbolize needs to name it
 * later.
 */
void cgosymbolizer_symbolize(void *arg);

/*
 * cgosymbolizer_install_crash_handler puts a handler for SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL and SIGABRT in front of the Go runtime's. It reports the
 * crashes Go cannot — on threads C created that are running only C code,
 * where Go prints nothing — in the runtime's format on stderr, then ends
 * the process by the signal (also as PID 1, where Go would loop for ever).
 * Every other fault goes to Go's handler unchanged, and so does everything
 * when a handler was installed before Go started (Go forwards to it). Call
 * it from normal code after cgosymbolizer_init, once the Go runtime runs
 * (from a Go init function). A handler installed later replaces ours.
 * flags: 0, or CGOSYMBOLIZER_CRASH_GOROUTINES to have the runtime dump the
 * goroutines after the report (it sends the process SIGQUIT; the process
 * then exits as the runtime does after a SIGQUIT dump, status 2).
 * Returns 0, or -1 if sigaction failed.
 */
#define CGOSYMBOLIZER_CRASH_GOROUTINES 1
int cgosymbolizer_install_crash_handler(int flags);

/*
 * cgosymbolizer_set_crash_output makes the crash handler also write its
 * reports to fd (-1: only stderr), as debug.SetCrashOutput does for the
 * runtime's own crash output, whose descriptor the runtime keeps private.
 * The descriptor must stay open while it is set. Returns the previous one.
 */
int cgosymbolizer_set_crash_output(int fd);

#ifdef __cplusplus
}
#endif

#endif /* CGOSYMBOLIZER_H */
