// The C side of stackuse: painted signal stacks, the crashes and the
// spinning. See main.go for the modes. Built with cgo's default flags
// (-g -O2); NOINLINE keeps a function a real frame, and a statement after
// each call keeps it from being a tail call.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "_cgo_export.h"

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

// The painted stack: STACKUSE_SIZE bytes of DIR/NAME.stack, mapped shared,
// with an inaccessible guard page below it (a handler that overflows it
// faults rather than scribbling on a neighbouring mapping). Twice Go's
// 32 KiB, so that use past 32 KiB is measured rather than fatal. Word i (8
// bytes, little-endian) holds stackuse_pattern(i); stackuse_test.go has
// the same function.
#define STACKUSE_SIZE (64 * 1024)
#define GUARD_SIZE 4096

static uint64_t stackuse_pattern(uint64_t i) {
	uint64_t z = i + 0x9e3779b97f4a7c15ULL; // splitmix64
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

// Makes DIR/NAME.stack (DIR from $STACKUSE_DIR), paints it and installs it
// as the calling thread's alternate signal stack. Returns 0 when
// STACKUSE_DIR is unset (nothing to measure), 1 on success; exits on error.
static int paint_signal_stack(const char *name) {
	const char *dir = getenv("STACKUSE_DIR");
	if (dir == NULL || dir[0] == '\0') {
		return 0;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.stack", dir, name);
	// O_EXCL: a second paint of the same file would hide the first's use.
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "stackuse: %s: %m\n", path);
		exit(3);
	}
	if (ftruncate(fd, STACKUSE_SIZE) != 0) {
		fprintf(stderr, "stackuse: ftruncate %s: %m\n", path);
		exit(3);
	}
	char *region = mmap(NULL, GUARD_SIZE + STACKUSE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED) {
		fprintf(stderr, "stackuse: mmap: %m\n");
		exit(3);
	}
	uint64_t *stack = mmap(region + GUARD_SIZE, STACKUSE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (stack == MAP_FAILED) {
		fprintf(stderr, "stackuse: mmap %s: %m\n", path);
		exit(3);
	}
	close(fd);
	for (uint64_t i = 0; i < STACKUSE_SIZE / 8; i++) {
		stack[i] = stackuse_pattern(i);
	}
	stack_t ss;
	memset(&ss, 0, sizeof ss);
	ss.ss_sp = stack;
	ss.ss_size = STACKUSE_SIZE;
	if (sigaltstack(&ss, NULL) != 0) {
		fprintf(stderr, "stackuse: sigaltstack: %m\n");
		exit(3);
	}
	return 1;
}

// Before the Go runtime starts: no core files from the crashes, and the
// main thread's signal stack painted. The runtime keeps an alternate
// signal stack that a thread already has when it starts Go there
// (minitSignalStack, cgo programs only), so Go's handlers on the main
// thread (m0) run on main.stack. Not in cgosymbolizer's crash helper, a
// copy of this executable started with the same environment while the
// process dies: it must not touch the files.
__attribute__((constructor)) static void paint_main_thread(void) {
	if (getenv("CGOSYMBOLIZER_CRASH_HELPER") != NULL) {
		return;
	}
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	paint_signal_stack("main");
}

// Read at run time, so that the compiler cannot see the NULL.
int *volatile stackuse_null = NULL;
volatile unsigned long stackuse_sink;

static void say(const char *s) {
	ssize_t unused = write(1, s, strlen(s));
	(void)unused;
}

// crash_store is inlined into crash_leaf: both frames share the faulting PC.
static inline __attribute__((always_inline)) void crash_store(int *p) {
	*(volatile int *)p = 42; /* MARK:store_fault */
}

NOINLINE void crash_leaf(int *p) {
	crash_store(p); /* MARK:leaf_calls_store */
	stackuse_sink++;
}

static double cpu_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Spins in calls to getpagesize through the executable's PLT, as C code
// calling libc does: a sample that lands in a PLT stub has libunwind
// evaluate the stub's CFA expression (DW_CFA_def_cfa_expression), the
// deepest walk on this path (see stackuse_test.go).
NOINLINE void spin_leaf(int ms) { /* MARK:spin_leaf_begin */
	double end = cpu_ms() + ms;
	do {
		for (int i = 0; i < 100000; i++) {
			stackuse_sink += (unsigned long)getpagesize();
		}
	} while (cpu_ms() < end);
} /* MARK:spin_leaf_end */

NOINLINE void spin_mid(int ms) {
	spin_leaf(ms); /* MARK:mid_calls_leaf */
	stackuse_sink++;
}

NOINLINE void spin_top(int ms) {
	spin_mid(ms); /* MARK:top_calls_mid */
	stackuse_sink++;
}

enum worker_mode { CRASH_NEVER_CALLED_GO, CRASH_AFTER_GO, SPIN };

struct job {
	enum worker_mode mode;
	int ms;
};

// The C thread: paints its own signal stack (cthread.stack), then crashes
// or spins. Go keeps that stack when the thread calls goHello.
NOINLINE void *worker_main(void *arg) {
	struct job *job = arg;
	pthread_setname_np(pthread_self(), "stackuse-worker");
	paint_signal_stack("cthread");
	switch (job->mode) {
	case CRASH_NEVER_CALLED_GO:
		say("stackuse: C thread crashes\n");
		crash_leaf(stackuse_null); /* MARK:worker_calls_crash_never */
		stackuse_sink += 1; // unlike the other call's tail: no merged calls
		break;
	case CRASH_AFTER_GO:
		goHello();
		say("stackuse: C thread crashes\n");
		crash_leaf(stackuse_null); /* MARK:worker_calls_crash_after_go */
		stackuse_sink += 2;
		break;
	case SPIN:
		spin_mid(job->ms); /* MARK:worker_calls_spin */
		stackuse_sink += 3;
		return NULL;
	}
	say("stackuse: the C thread did not crash\n");
	return NULL;
}

static pthread_t worker;
static struct job job;

// Starts the C thread in mode ("crash-never-called-go", "crash-after-go",
// "spin"); returns non-zero on error.
int start_worker(const char *mode, int ms) {
	if (strcmp(mode, "crash-never-called-go") == 0) {
		job.mode = CRASH_NEVER_CALLED_GO;
	} else if (strcmp(mode, "crash-after-go") == 0) {
		job.mode = CRASH_AFTER_GO;
	} else if (strcmp(mode, "spin") == 0) {
		job.mode = SPIN;
	} else {
		fprintf(stderr, "stackuse: unknown worker mode %s\n", mode);
		return 1;
	}
	job.ms = ms;
	int err = pthread_create(&worker, NULL, worker_main, &job);
	if (err != 0) {
		fprintf(stderr, "stackuse: pthread_create: %s\n", strerror(err));
		return 1;
	}
	return 0;
}

void join_worker(void) {
	pthread_join(worker, NULL);
}
