// misc.c — the C side of the callback, profiling and crash benchmarks.

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "_cgo_export.h"
#include "bench.h"

static uint64_t thread_cpu_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Go -> C -> Go: n calls of an empty exported Go function from C. Returns
// the wall time; *cpu_ns gets this thread's CPU time (every call runs on
// it), which waiting for a CPU on a busy machine does not inflate.
uint64_t bench_callbacks(long n, uint64_t *cpu_ns) {
	uint64_t start = bench_now_ns(), cpu = thread_cpu_ns();
	for (long i = 0; i < n; i++) {
		benchNop();
	}
	*cpu_ns = thread_cpu_ns() - cpu;
	return bench_now_ns() - start;
}

static volatile uint64_t hot_sink;

// Aligned, so that the loop sits the same way in every variant's binary.
__attribute__((noinline, aligned(64))) static uint64_t hot_leaf(uint64_t x, long n) {
	for (long i = 0; i < n; i++) { // xorshift: no memory traffic
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

__attribute__((noinline)) static uint64_t hot_chain(int depth, uint64_t x, long n) {
	uint64_t r = depth == 0 ? hot_leaf(x, n) : hot_chain(depth - 1, x, n);
	hot_sink += r; // not a tail call
	return r;
}

// A C hot loop 8 frames deep for seconds of this thread's CPU time; returns
// CPU ns per iteration (profiling signals' handlers run on this thread and
// are counted).
double bench_hot(double seconds, long *iters, uint64_t *cpu_ns) {
	const long chunk = 200000;
	uint64_t x = 88172645463325252ull, start = thread_cpu_ns(), now = start;
	long n = 0;
	while (now - start < (uint64_t)(seconds * 1e9)) {
		x = hot_chain(7, x, chunk);
		n += chunk;
		now = thread_cpu_ns();
	}
	*iters = n;
	*cpu_ns = now - start;
	return (double)(now - start) / (double)n;
}

// ---- Crash: a NULL write 8 C frames deep. ----

static void write_fault_time(void) {
	char line[64];
	int len = snprintf(line, sizeof line, "FAULT_AT %llu\n", (unsigned long long)bench_now_ns());
	(void)!write(2, line, (size_t)len);
}

__attribute__((noinline)) static void crash_leaf(volatile int *p) {
	write_fault_time();
	*p = 42;
}

__attribute__((noinline)) static void crash_chain(int depth, volatile int *p) {
	if (depth == 0) {
		crash_leaf(p);
	} else {
		crash_chain(depth - 1, p);
	}
	hot_sink++;
}

void bench_crash(int depth) {
	crash_chain(depth, NULL);
}
