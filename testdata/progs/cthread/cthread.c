// The C side of cthread: one thread created here with pthread_create, named
// "cthread-worker", joined by run_cthread (so Go is alive throughout). The
// thread writes "cthread: tid N" to stdout, then does what its mode says,
// from worker_main (the thread's start function). Built with cgo's default
// flags (-g -O2); NOINLINE keeps a function a real frame, and a statement
// after each call keeps it from being a tail call.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "_cgo_export.h"

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

// Read at run time, so that the compiler cannot see the NULL or the zero.
int *volatile cthread_null = NULL;
volatile int cthread_zero = 0;
volatile int cthread_sink;

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
	cthread_sink++;
}

NOINLINE void abort_leaf(void) {
	abort(); /* MARK:leaf_calls_abort */
}

NOINLINE int fpe_leaf(int d) {
	return 1000 / d; /* MARK:fpe_divide */
}

// Calls through a NULL function pointer: the signal lands at address 0,
// with this function's return address on top of the stack.
void (*volatile cthread_null_function)(void) = NULL;

NOINLINE void null_call_leaf(void) {
	cthread_null_function(); /* MARK:null_call */
	cthread_sink++;
}

// Recurses depth frames deep (more than the report prints), then writes
// through NULL.
NOINLINE int deep_recurse(int depth) {
	if (depth == 0) {
		crash_leaf(cthread_null); /* MARK:deep_calls_crash */
		return 0;
	}
	int r = deep_recurse(depth - 1); /* MARK:deep_recurses */
	cthread_sink += r; // after the call: no loop, no tail call
	return r + depth;
}

// An illegal instruction: x86-64's __builtin_trap is ud2 (SIGILL); on
// AArch64 it is brk (SIGTRAP), so UDF #0 there.
#if defined(__aarch64__)
#define ILLEGAL_INSTRUCTION() __asm__ volatile(".inst 0x00000000")
#else
#define ILLEGAL_INSTRUCTION() __builtin_trap()
#endif

NOINLINE void ill_leaf(void) {
	ILLEGAL_INSTRUCTION(); /* MARK:ill_trap */
}

// Creates path with two pages of data, maps both, truncates the file to
// nothing and reads the second page: SIGBUS (BUS_ADRERR) at file offset one
// page. Returns only if something failed.
NOINLINE int sigbus_leaf(const char *path) {
	long page = sysconf(_SC_PAGESIZE);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror("sigbus_leaf: open");
		return 1;
	}
	char buf[4096];
	memset(buf, 'x', sizeof buf);
	for (long off = 0; off < 2 * page; off += (long)sizeof buf) {
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
			perror("sigbus_leaf: write");
			return 1;
		}
	}
	volatile char *m = mmap(NULL, (size_t)(2 * page), PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("sigbus_leaf: mmap");
		return 1;
	}
	if (ftruncate(fd, 0) != 0) {
		perror("sigbus_leaf: ftruncate");
		return 1;
	}
	cthread_sink = m[page]; /* MARK:sigbus_read */
	return 1;
}

enum mode { NEVER_CALLED_GO, CALLED_GO_ONCE, ABORT, SIGBUS_MODE, SIGFPE_MODE, SIGILL_MODE, GO_FAULT_IN_CALLBACK, CRASH_IN_NESTED_CGO, NULL_CALL, DEEP };

struct job {
	enum mode mode;
	const char *path;
};

NOINLINE void *worker_main(void *arg) {
	struct job *job = arg;
	char msg[64];
	pthread_setname_np(pthread_self(), "cthread-worker");
	snprintf(msg, sizeof msg, "cthread: tid %d\n", (int)gettid());
	say(msg);
	int rc = 0;
	switch (job->mode) {
	case NEVER_CALLED_GO:
		crash_leaf(cthread_null); /* MARK:worker_calls_crash_never */
		cthread_sink += 1; // unlike the other call's tail: GCC must not merge the two calls
		break;
	case CALLED_GO_ONCE:
		goHello(); /* MARK:worker_calls_go */
		crash_leaf(cthread_null); /* MARK:worker_calls_crash_after_go */
		cthread_sink += 2;
		break;
	case ABORT:
		abort_leaf(); /* MARK:worker_calls_abort */
		break;
	case SIGBUS_MODE:
		rc = sigbus_leaf(job->path); /* MARK:worker_calls_sigbus */
		break;
	case SIGFPE_MODE:
		rc = fpe_leaf(cthread_zero); /* MARK:worker_calls_fpe */
		break;
	case SIGILL_MODE:
		ill_leaf(); /* MARK:worker_calls_ill */
		break;
	case GO_FAULT_IN_CALLBACK:
		goRecoverNil(); /* MARK:worker_calls_go_recover */
		break;
	case CRASH_IN_NESTED_CGO:
		goCallsCrash(); /* MARK:worker_calls_go_crash */
		break;
	case NULL_CALL:
		null_call_leaf(); /* MARK:worker_calls_null_call */
		break;
	case DEEP:
		rc = deep_recurse(300); /* MARK:worker_calls_deep */
		break;
	}
	cthread_sink++;
	say("cthread: worker returned without crashing\n");
	return (void *)(long)(rc != 0);
}

// Runs mode on a new C thread and joins it. Returns 0 when the thread ended
// normally (which the crash modes must not do), non-zero otherwise.
int run_cthread(const char *mode, const char *path) {
	static const struct {
		const char *name;
		enum mode mode;
	} modes[] = {
		{"never-called-go", NEVER_CALLED_GO},
		{"called-go-once", CALLED_GO_ONCE},
		{"abort", ABORT},
		{"sigbus", SIGBUS_MODE},
		{"sigfpe", SIGFPE_MODE},
		{"sigill", SIGILL_MODE},
		{"go-fault-in-callback", GO_FAULT_IN_CALLBACK},
		{"crash-in-nested-cgo", CRASH_IN_NESTED_CGO},
		{"null-call", NULL_CALL},
		{"deep", DEEP},
	};
	static struct job job;
	size_t i;
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		if (strcmp(mode, modes[i].name) == 0) {
			break;
		}
	}
	if (i == sizeof modes / sizeof modes[0]) {
		fprintf(stderr, "cthread: unknown mode %s\n", mode);
		return 2;
	}
	job.mode = modes[i].mode;
	job.path = path;
	pthread_t t;
	int err = pthread_create(&t, NULL, worker_main, &job);
	if (err != 0) {
		fprintf(stderr, "cthread: pthread_create: %s\n", strerror(err));
		return 2;
	}
	void *ret;
	pthread_join(t, &ret); /* MARK:run_joins */
	return (int)(long)ret;
}

// With CTHREAD_CTOR_HANDLER set, a constructor of the executable itself
// installs a SIGSEGV handler before the Go runtime starts, like the
// LD_PRELOAD library in preload/: Go forwards faults outside Go code to it.
static void ctor_handler(int sig, siginfo_t *info, void *uc) {
	static const char msg[] = "preinstalled handler ran\n";
	(void)sig;
	(void)info;
	(void)uc;
	ssize_t unused = write(2, msg, sizeof msg - 1);
	(void)unused;
	_exit(42);
}

__attribute__((constructor)) static void install_ctor_handler(void) {
	if (getenv("CTHREAD_CTOR_HANDLER") == NULL) {
		return;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = ctor_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}
