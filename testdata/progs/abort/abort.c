#include <stdlib.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

volatile int abort_sink;

NOINLINE void abort_inner(void) {
	abort_sink++;
	abort(); /* MARK:inner_calls_abort */
}

NOINLINE void abort_outer(void) {
	abort_inner(); /* MARK:outer_calls_inner */
	abort_sink++;
}
