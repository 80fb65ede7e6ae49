//go:build linux && cgo && (amd64 || arm64)

// context.c — the context callback of runtime.SetCgoTraceback.
//
// From the runtime's documentation of SetCgoTraceback:
//
//	If the Context field is 0, the context function is being called to
//	record the current traceback context. It should record in the
//	Context field whatever information is needed about the current
//	point of execution to later produce a stack trace, probably the
//	stack pointer and PC.
//
// It runs twice on every C->Go call, so it only records: the callee-saved
// registers, the stack pointer and return address, and a copy of the top
// of the stack. The frame it returns into (the runtime's
// _cgo_wait_runtime_init_done) is gone by the time anyone unwinds, so its
// bytes come from the copy; everything above it (the cgo-generated wrapper
// and the user's C frames) stays live while the callback runs.

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bind_now.h"
#include "internal.h"

// Nested C->Go->C->Go calls on one thread take one slot each; deeper ones
// record nothing (their C frames are not shown).
#define MAX_NESTED_CALLBACKS 16

// Per thread, written only by its own thread's context callbacks. Another
// thread may read a slot while its callback runs (runtime.Stack of all
// goroutines, profiles); the runtime guarantees the slot is not reused
// before then. Found through a pthread key rather than a __thread variable:
// Go's internal linker refuses TLS relocations in C objects, and
// -linkmode=internal must still build.
struct snapshots {
	unsigned depth;
	struct cgosym_snapshot slot[MAX_NESTED_CALLBACKS];
};

// Created once by cgosym_context_init, before the callbacks are registered.
static pthread_key_t snapshots_key;
static int snapshots_key_ok;

// [normal] Frees a thread's slots when it exits.
static void free_snapshots(void *p) {
	free(p);
}

// [normal]
int cgosym_context_init(void) {
	if (!snapshots_key_ok && pthread_key_create(&snapshots_key, free_snapshots) == 0) {
		snapshots_key_ok = 1;
	}
	return snapshots_key_ok ? 0 : -1;
}

// [normal] The thread's slots, allocated by its first C->Go call.
static struct snapshots *thread_snapshots(void) {
	struct snapshots *t = pthread_getspecific(snapshots_key);
	if (t == NULL) {
		// The runtime's documentation allows a context call from a signal
		// handler (C code there calling Go): no calloc there, no context.
		if (cgosym_in_signal_handler()) {
			return NULL;
		}
		t = calloc(1, sizeof *t);
		if (t == NULL || pthread_setspecific(snapshots_key, t) != 0) {
			free(t);
			return NULL;
		}
	}
	return t;
}

void cgosym_context_record(struct cgosymbolizer_context_arg *arg,
			   const struct cgosym_entry_registers *regs)
	__attribute__((visibility("hidden")));
void cgosym_context_release(struct cgosymbolizer_context_arg *arg)
	__attribute__((visibility("hidden")));

// The entry point, cgosymbolizer_context, is assembly (context_<arch>.c):
// C cannot promise that the callee-saved registers still hold the caller's
// values by the time its first statement runs, so the record path saves
// them before any compiled code and calls cgosym_context_record.

// [normal] (C code calling Go)
void cgosym_context_record(struct cgosymbolizer_context_arg *arg,
			   const struct cgosym_entry_registers *regs) {
	int saved_errno = errno;
	struct snapshots *t = thread_snapshots();
	if (t == NULL) {
		arg->context = 0;
		errno = saved_errno;
		return;
	}
	// A Go panic that unwinds through a callback and is recovered further
	// up skips the release. Slots recorded at or below the current stack
	// pointer belong to such dead callbacks: free them.
	while (t->depth > 0 && t->slot[t->depth - 1].sp <= regs->caller_sp) {
		t->depth--;
	}
	if (t->depth >= MAX_NESTED_CALLBACKS) {
		arg->context = 0;
		return;
	}
	// The bytes above the stack pointer are the live frames of this
	// callback's callers, but a stack a program made itself (makecontext,
	// fibers) may end right above them: check a page the copy crosses into.
	uintptr_t page_end = (regs->caller_sp | 4095) + 1;
	if (regs->caller_sp + CGOSYM_SNAPSHOT_STACK > page_end) {
		unsigned char probe;
		if (cgosym_read_memory(&probe, page_end, 1) != 0) {
			arg->context = 0;
			errno = saved_errno;
			return;
		}
	}
	struct cgosym_snapshot *s = &t->slot[t->depth++];
	s->pc = regs->return_address;
	s->sp = regs->caller_sp;
	memcpy(s->callee_saved, regs->callee_saved, sizeof s->callee_saved);
	// Live stack: the caller's frame and the frames above it.
	cgosym_copy_unchecked(s->stack, (const void *)regs->caller_sp, sizeof s->stack);
	arg->context = (uintptr_t)s;
	errno = saved_errno;
}

// [normal] (C code returning from Go)
void cgosym_context_release(struct cgosymbolizer_context_arg *arg) {
	struct snapshots *t = pthread_getspecific(snapshots_key);
	uintptr_t p = arg->context;
	if (t == NULL) {
		return;
	}
	uintptr_t first = (uintptr_t)&t->slot[0];
	if (p < first || p >= first + sizeof t->slot) {
		return; // not ours, or from a slot freed above
	}
	unsigned index = (unsigned)((p - first) / sizeof t->slot[0]);
	if (index < t->depth) {
		t->depth = index;
	}
}
