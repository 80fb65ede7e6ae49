#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "_cgo_export.h"

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

static int iterations;
static int until_stopped;
static int go_flag;
static int stop_flag;
volatile int threads_sink;

NOINLINE void thread_work(int id) {
	for (int i = 0; i < iterations || (until_stopped && !__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)); i++) {
		goCheck(id); /* MARK:work_calls_go */
		threads_sink++;
	}
}

NOINLINE void *thread_main(void *arg) {
	while (!__atomic_load_n(&go_flag, __ATOMIC_ACQUIRE)) {
		sched_yield();
	}
	thread_work((int)(intptr_t)arg); /* MARK:main_calls_work */
	threads_sink++;
	return NULL;
}

// Asks the threads of run_threads(..., 1) to finish.
void stop_threads(void) {
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
}

// Starts nthreads threads, all released at once, and joins them. Each calls
// goCheck iters times, and with until_stop keeps calling it until
// stop_threads. Returns how many threads were started.
int run_threads(int nthreads, int iters, int until_stop) {
	pthread_t tids[64];
	int started = 0;
	iterations = iters;
	until_stopped = until_stop;
	if (nthreads > 64) {
		nthreads = 64;
	}
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&tids[i], NULL, thread_main, (void *)(intptr_t)i) == 0) {
			started++;
		}
	}
	__atomic_store_n(&go_flag, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < started; i++) {
		pthread_join(tids[i], NULL);
	}
	return started;
}
