/* bench.h — the C side of the benchmark program (see main.go). */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>

#include "chain.h"

enum { M_OURS, M_FP, M_GCC, NMETHODS };

/* One signal delivery: every method walked the same chain reps times. */
struct unwind_round {
	double ns_per_frame[NMETHODS]; /* time of a walk / frames it visited */
	double ns_per_walk[NMETHODS];
	int frames[NMETHODS];          /* frames visited by the last walk */
	int agree;                     /* bit m: method m found the FP walk's PCs */
};

int bench_has_package(void);

/* unwind.c */
void bench_chain_plain(struct chain_ctx *c);
int bench_unwind(struct chain_ctx *c, int depth, int reps, int rounds, int cpu_clock,
		 struct unwind_round *out, uintptr_t *pcs);
int bench_unwind_threads(int nthreads, int depth, int reps, int rounds, struct unwind_round *out);
int bench_modules_load(const char *dir, int nmods, struct chain_ctx *c, uintptr_t *entries);

/* sym.c */
int bench_sym_one(uintptr_t pc, int *named);
uint64_t bench_sym_pass(const uintptr_t *pcs, int n, long *frames, long *named);
int bench_dlopen(const char *path, uintptr_t *base);
uintptr_t bench_main_base(void);
uint64_t bench_now_ns(void);
uint64_t bench_thread_cpu_ns(void);
uint64_t bench_heap_bytes(void);

/* misc.c */
uint64_t bench_callbacks(long n, uint64_t *cpu_ns);
double bench_hot(double seconds, long *iters, uint64_t *cpu_ns);
void bench_crash(int depth);

/* ctx.c: stand-in callbacks, to see what the runtime itself costs. */
void ctxbench_traceback(void *arg);
void ctxbench_context0(void *arg);
void ctxbench_context1(void *arg);

#endif
