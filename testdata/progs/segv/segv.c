// Built with cgo's default flags (-g -O2). NOINLINE keeps a function a real
// frame (noipa also stops GCC from cloning it under another symbol name).
#include <stddef.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

// Read at run time, so that the compiler cannot see the NULL.
int *volatile segv_target = NULL;
volatile int segv_sink;

static inline __attribute__((always_inline)) void leaf(int *p) {
	*(volatile int *)p = 42; /* MARK:leaf_fault */
}

NOINLINE void middle(int *p) {
	leaf(p); /* MARK:middle_calls_leaf */
	segv_sink++; // not a tail position
}

NOINLINE void entry(void) {
	middle(segv_target); /* MARK:entry_calls_middle */
	segv_sink++;
}
