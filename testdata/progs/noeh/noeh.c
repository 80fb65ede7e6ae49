//go:build amd64 || arm64

#include <stddef.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

int *volatile noeh_target = NULL;
volatile int noeh_sink;

// Defined in trampoline_<arch>.S: calls fn() on a frame of its own, with no
// .cfi directives, so no unwinder can step through it.
void noeh_trampoline(void (*fn)(void));

NOINLINE void noeh_crash(void) {
	*(volatile int *)noeh_target = 7; /* MARK:crash_fault */
	noeh_sink++;
}

NOINLINE void noeh_top(void) {
	noeh_trampoline(noeh_crash); /* MARK:top_calls_trampoline */
	noeh_sink++;
}
