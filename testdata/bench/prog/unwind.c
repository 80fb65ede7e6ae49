// unwind.c — unwinding one C frame from a signal context, warm: the
// package's traceback callback against a frame-pointer walk and libgcc's
// _Unwind_Backtrace, all three on the same chain from the same signal.
//
// A chain of noinline C frames (chain.h; compiled with frame pointers) ends
// in a leaf that sends itself BENCH_SIG with an inline tgkill system call, so
// the signal lands in the leaf, as a SIGPROF tick lands in C code. The
// handler walks the interrupted stack reps times with each method and times
// it: the package from the signal's ucontext (sig_context, as the runtime's
// SIGPROF handler calls it), the frame-pointer walk from the same ucontext,
// libgcc from the handler itself, through the signal frame. Every method
// walks `depth` frames of the chain; libgcc also walks the frames of the
// handler and the signal trampoline above them, and its time is divided by
// every frame it visited.

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <unwind.h>

#include "bench.h"

// The package's callback; NULL when the binary does not link the package.
extern void cgosymbolizer_traceback(void *arg) __attribute__((weak));

int bench_has_package(void) {
	return cgosymbolizer_traceback != NULL;
}

struct tb_arg {
	uintptr_t context, sig_context, *buf, max;
};

#define BENCH_SIG SIGUSR2
#define MAXF 64

struct job {
	int depth, reps;
	clockid_t clock;
	uintptr_t lo, hi; // this thread's stack, for the frame-pointer walk
	uint64_t ns[NMETHODS];
	int frames[NMETHODS];
	uintptr_t pcs[NMETHODS][MAXF];
	int gcc_chain; // frames of the chain libgcc's last walk found
	int done;
};

static __thread struct job *cur_job;
static volatile int sink;

static uint64_t clock_ns(clockid_t c) {
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// ---- The three walkers. [signal] ----

static int walk_ours(const ucontext_t *uc, struct job *j) {
	struct tb_arg a = {0, (uintptr_t)uc, j->pcs[M_OURS], (uintptr_t)j->depth};
	cgosymbolizer_traceback(&a);
	int n = 0;
	while (n < j->depth && j->pcs[M_OURS][n] != 0) {
		n++;
	}
	return n;
}

// The physical floor: follow saved frame pointers, checking only that each
// frame record lies inside this thread's stack, is aligned and moves up.
static int walk_fp(const ucontext_t *uc, struct job *j) {
	uintptr_t *buf = j->pcs[M_FP];
	uintptr_t fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	int n = 0;
	buf[n++] = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	while (n < j->depth) {
		if (fp < j->lo || fp + 16 > j->hi || (fp & 7) != 0) {
			break;
		}
		const uintptr_t *rec = (const uintptr_t *)fp;
		uintptr_t next = rec[0], ra = rec[1];
		if (ra == 0) {
			break;
		}
		buf[n++] = ra - 1;
		if (next <= fp) {
			break;
		}
		fp = next;
	}
	return n;
}

struct gcc_walk {
	uintptr_t start; // the interrupted PC: the chain begins there
	int started, n, max, visited;
	uintptr_t *buf;
};

static _Unwind_Reason_Code gcc_frame(struct _Unwind_Context *ctx, void *p) {
	struct gcc_walk *w = p;
	w->visited++;
	int before = 0;
	uintptr_t ip = _Unwind_GetIPInfo(ctx, &before);
	if (!w->started) {
		if (ip != w->start || !before) {
			return w->visited > MAXF ? _URC_END_OF_STACK : _URC_NO_REASON;
		}
		w->started = 1;
	}
	w->buf[w->n++] = before ? ip : ip - 1;
	return w->n >= w->max ? _URC_END_OF_STACK : _URC_NO_REASON;
}

static int walk_gcc(const ucontext_t *uc, struct job *j, int *visited) {
	struct gcc_walk w = {(uintptr_t)uc->uc_mcontext.gregs[REG_RIP], 0, 0, j->depth, 0, j->pcs[M_GCC]};
	_Unwind_Backtrace(gcc_frame, &w);
	*visited = w.visited;
	return w.n;
}

static int walk(int m, const ucontext_t *uc, struct job *j) {
	int visited;
	switch (m) {
	case M_OURS:
		return cgosymbolizer_traceback != NULL ? walk_ours(uc, j) : 0;
	case M_FP:
		return walk_fp(uc, j);
	default:
		j->gcc_chain = walk_gcc(uc, j, &visited);
		return visited;
	}
}

static void handler(int sig, siginfo_t *si, void *ucv) {
	(void)sig;
	(void)si;
	struct job *j = cur_job;
	if (j == NULL) {
		return;
	}
	int saved_errno = errno;
	const ucontext_t *uc = ucv;
	for (int m = 0; m < NMETHODS; m++) { // warm-up
		(void)walk(m, uc, j);
	}
	for (int m = 0; m < NMETHODS; m++) {
		int frames = 0;
		uint64_t t0 = clock_ns(j->clock);
		for (int r = 0; r < j->reps; r++) {
			frames = walk(m, uc, j);
		}
		j->ns[m] = clock_ns(j->clock) - t0;
		j->frames[m] = frames;
	}
	j->done = 1;
	errno = saved_errno;
}

// ---- The chain. ----

// A leaf function gets no frame pointer from GCC even with
// -fno-omit-frame-pointer unless it asks for its frame address.
__attribute__((noinline)) static void chain_leaf(long pid, long tid) {
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_tgkill), "D"(pid), "S"(tid), "d"((long)BENCH_SIG),
			   "r"(__builtin_frame_address(0))
			 : "rcx", "r11", "memory");
	sink += (int)ret;
}

__attribute__((noinline)) static int chain_step(int n, struct chain_ctx *c) {
	int r;
	if (n == 0) {
		c->leaf(c->pid, c->tid);
		r = 1;
	} else {
		r = c->fn[n - 1](n - 1, c) + 1;
	}
	sink += r; // not a tail call: the frame stays
	return r;
}

void bench_chain_plain(struct chain_ctx *c) {
	for (int i = 0; i < CHAIN_MAX; i++) {
		c->fn[i] = chain_step;
	}
	c->leaf = chain_leaf;
}

static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

static void install_handler(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigfillset(&sa.sa_mask);
	sigaction(BENCH_SIG, &sa, NULL);
}

static int stack_bounds(uintptr_t *lo, uintptr_t *hi) {
	pthread_attr_t attr;
	void *addr;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &attr) != 0) {
		return -1;
	}
	int rc = pthread_attr_getstack(&attr, &addr, &size);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		return -1;
	}
	*lo = (uintptr_t)addr;
	*hi = (uintptr_t)addr + size;
	return 0;
}

// Runs rounds signal deliveries at the bottom of the chain c (the first
// depth + 4 of its steps: every method has more stack below than it walks)
// and fills out[0..rounds); pcs (if not NULL) gets the package's last walk
// (depth PCs). Returns 0, or -1 if the signal never arrived.
int bench_unwind(struct chain_ctx *c, int depth, int reps, int rounds, int cpu_clock,
		 struct unwind_round *out, uintptr_t *pcs) {
	if (depth > MAXF || depth + 4 > CHAIN_MAX) {
		return -1;
	}
	pthread_once(&handler_once, install_handler);
	struct job j;
	memset(&j, 0, sizeof j);
	j.depth = depth;
	j.reps = reps;
	j.clock = cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
	if (stack_bounds(&j.lo, &j.hi) != 0) {
		return -1;
	}
	c->pid = getpid();
	c->tid = syscall(SYS_gettid);
	int len = depth + 4;
	for (int r = 0; r < rounds; r++) {
		j.done = 0;
		cur_job = &j;
		c->fn[len - 1](len - 1, c);
		cur_job = NULL;
		if (!j.done) {
			return -1;
		}
		struct unwind_round *o = &out[r];
		memset(o, 0, sizeof *o);
		for (int m = 0; m < NMETHODS; m++) {
			o->frames[m] = j.frames[m];
			if (j.frames[m] > 0) {
				o->ns_per_walk[m] = (double)j.ns[m] / reps;
				o->ns_per_frame[m] = o->ns_per_walk[m] / j.frames[m];
			}
			// The same PCs as the frame-pointer walk, frame for frame?
			int n = m == M_GCC ? j.gcc_chain : j.frames[m];
			if (n == j.frames[M_FP] && memcmp(j.pcs[m], j.pcs[M_FP], (size_t)n * sizeof(uintptr_t)) == 0) {
				o->agree |= 1 << m;
			}
		}
	}
	if (getenv("BENCH_DEBUG") != NULL) { // the last round's PCs, method by method
		for (int m = 0; m < NMETHODS; m++) {
			fprintf(stderr, "method %d:", m);
			for (int i = 0; i < depth; i++) {
				fprintf(stderr, " %lx", (unsigned long)j.pcs[m][i]);
			}
			fprintf(stderr, "\n");
		}
	}
	if (pcs != NULL) {
		memcpy(pcs, j.pcs[M_OURS], (size_t)depth * sizeof(uintptr_t));
	}
	return 0;
}

// ---- Threads unwinding at once. ----

struct thread_job {
	pthread_barrier_t *barrier;
	int depth, reps, rounds, rc;
	struct unwind_round *out;
};

static void *thread_main(void *p) {
	struct thread_job *t = p;
	struct chain_ctx c;
	bench_chain_plain(&c);
	pthread_barrier_wait(t->barrier);
	t->rc = bench_unwind(&c, t->depth, t->reps, t->rounds, 1, t->out, NULL);
	return NULL;
}

// nthreads C threads each run bench_unwind at once, timed in thread CPU
// time (with more threads than cores, wall time would count waiting).
// out has nthreads * rounds entries.
int bench_unwind_threads(int nthreads, int depth, int reps, int rounds, struct unwind_round *out) {
	pthread_barrier_t barrier;
	pthread_t tid[64];
	struct thread_job jobs[64];
	if (nthreads > 64) {
		return -1;
	}
	pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
	for (int i = 0; i < nthreads; i++) {
		jobs[i] = (struct thread_job){&barrier, depth, reps, rounds, -1, out + (size_t)i * rounds};
		if (pthread_create(&tid[i], NULL, thread_main, &jobs[i]) != 0) {
			return -1;
		}
	}
	int rc = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(tid[i], NULL);
		rc |= jobs[i].rc;
	}
	pthread_barrier_destroy(&barrier);
	return rc;
}

// ---- A chain across shared libraries. ----

// Loads dir/libmod000.so ... libmod<nmods-1>.so and makes step k of c the
// step function of library k % nmods. entries[i] gets library i's step
// function (a PC to symbolize in each). Returns 0 or -1.
int bench_modules_load(const char *dir, int nmods, struct chain_ctx *c, uintptr_t *entries) {
	char path[4096], name[64];
	chain_step_fn *steps = calloc((size_t)nmods, sizeof *steps);
	if (steps == NULL) {
		return -1;
	}
	for (int i = 0; i < nmods; i++) {
		snprintf(path, sizeof path, "%s/libmod%03d.so", dir, i);
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h == NULL) {
			fprintf(stderr, "dlopen: %s\n", dlerror());
			free(steps);
			return -1;
		}
		snprintf(name, sizeof name, "mod_step_%03d", i);
		steps[i] = (chain_step_fn)dlsym(h, name);
		if (steps[i] == NULL) {
			free(steps);
			return -1;
		}
		entries[i] = (uintptr_t)steps[i];
	}
	for (int k = 0; k < CHAIN_MAX; k++) {
		c->fn[k] = steps[k % nmods];
	}
	c->leaf = chain_leaf;
	free(steps);
	return 0;
}
