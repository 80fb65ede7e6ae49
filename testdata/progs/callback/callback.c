#include "_cgo_export.h"

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

volatile int callback_sink;

static inline __attribute__((always_inline)) void c_hop(void) {
	goCallback(); /* MARK:hop_calls_go */
	callback_sink++;
}

NOINLINE void c_inner(void) {
	c_hop(); /* MARK:inner_calls_hop */
	callback_sink++;
}

NOINLINE void c_outer(void) {
	c_inner(); /* MARK:outer_calls_inner */
	callback_sink++;
}
