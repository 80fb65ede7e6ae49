/*
 * chain.h — a chain of C frames for the unwinding benchmarks, shared with
 * the generated module libraries (bin/gen/mods/libmodNNN.so): frame k of
 * the chain is fn[k], possibly in another library. Every step is compiled
 * with frame pointers so that a frame-pointer walk of the same chain is
 * possible.
 */
#ifndef BENCH_CHAIN_H
#define BENCH_CHAIN_H

#define CHAIN_MAX 80

struct chain_ctx;
typedef int (*chain_step_fn)(int n, struct chain_ctx *c);

struct chain_ctx {
	chain_step_fn fn[CHAIN_MAX];
	/* Called by step 0: raises the benchmark's signal on this thread. */
	void (*leaf)(long pid, long tid);
	long pid, tid;
};

#endif
