// bench.c — C side of the benchmarks: a callback loop, and a deep C stack
// to unwind and symbolize.

#include <stdint.h>
#include <time.h>

#include "_cgo_export.h"
#include "bench.h"

// The runtime's callbacks, as registered by the package (NULL when the
// package is disabled).
extern void cgosymbolizer_traceback(void *arg);

struct traceback_arg {
	uintptr_t context, sig_context, *buf, max;
};

static uint64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_callbacks(long n) {
	uint64_t start = now_ns();
	for (long i = 0; i < n; i++) {
		benchNop();
	}
	return now_ns() - start;
}

static volatile long sink;

// Fills pcs by unwinding from the bottom of a depth-deep recursion, reps
// times; returns the time taken and the frame count of the last walk.
__attribute__((noinline)) static uint64_t unwind_at_depth(int depth, long reps, uintptr_t *pcs, int max, int *frames) {
	if (depth > 0) {
		uint64_t t = unwind_at_depth(depth - 1, reps, pcs, max, frames);
		sink += depth; // not a tail call: the frame stays
		return t;
	}
	struct traceback_arg arg = {0, 0, pcs, (uintptr_t)max};
	uint64_t start = now_ns();
	for (long i = 0; i < reps; i++) {
		cgosymbolizer_traceback(&arg);
	}
	uint64_t t = now_ns() - start;
	int n = 0;
	while (n < max && pcs[n] != 0) {
		n++;
	}
	*frames = n;
	return t;
}

uint64_t bench_unwind(int depth, long reps, uintptr_t *pcs, int max, int *frames) {
	return unwind_at_depth(depth, reps, pcs, max, frames);
}
