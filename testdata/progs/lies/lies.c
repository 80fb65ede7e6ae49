//go:build amd64

// lies.c — C code that makes stacks hard to unwind (see main.go). Every
// entry point takes (crash, ms): spin for ms milliseconds of wall time in
// the hostile code, or write through NULL at its deepest point.

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "_cgo_export.h"

#define NOINLINE __attribute__((noinline, noipa))
// Frame pointer on: the function's CFI then says "the caller's frame is at
// rbp+16" for its whole body. GCC still omits it in leaf functions, so
// those that need one call lies_nop.
#define FRAME_POINTER __attribute__((optimize("no-omit-frame-pointer")))

uintptr_t lies_go_pc;       // a return address inside Go code, set by main
volatile unsigned long lies_sink;
int *volatile lies_null;    // NULL: every crash writes through it
volatile int lies_spinning; // set when lies_interrupted starts spinning
volatile int lies_stop;     // ends lies_interrupted

static uint64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t deadline;

static void set_deadline(int ms) { deadline = now_ns() + (uint64_t)ms * 1000000u; }

static int expired(void) { return now_ns() >= deadline; }

static void spin(unsigned long n) {
	for (unsigned long i = 0; i < n; i++) {
		lies_sink += i;
	}
}

// A single ret: a signal that lands here lands on its first instruction.
NOINLINE void lies_nop(void) {}

static void sleep_us(long us) {
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

// ---- 1. asm-no-cfi: C -> assembly without CFI (-> C) ----

void lies_nocfi_loop(unsigned long n);
void lies_nocfi_call(void (*fn)(void));

NOINLINE void lies_asm_leaf(void) { spin(2000000); }

NOINLINE void lies_asm_crash(void) {
	*lies_null = 7; /* MARK:asm_crash_fault */
	lies_sink++;
}

NOINLINE int lies_asm(int crash, int ms) {
	if (crash) {
		lies_nocfi_call(lies_asm_crash);
		return 1;
	}
	set_deadline(ms);
	while (!expired()) {
		lies_nocfi_loop(2000000);
		lies_nocfi_call(lies_asm_leaf);
	}
	return 0;
}

// ---- 2. garbage-frame-pointers ----

// Spins n iterations with rbp = fake. The CFI says the caller's frame is at
// rbp+16, so a signal landing in the loop sees whatever fake points at.
FRAME_POINTER NOINLINE void lies_fp_spin(uintptr_t fake, unsigned long n) {
	__asm__ volatile("mov %%rbp, %%r11\n\tmov %1, %%rbp\n1:\tdec %0\n\tjnz 1b\n\tmov %%r11, %%rbp"
			 : "+r"(n)
			 : "r"(fake)
			 : "r11", "cc", "memory");
	lies_nop();
	lies_sink++;
}

FRAME_POINTER NOINLINE void lies_fp_crash(uintptr_t fake) {
	__asm__ volatile("mov %%rbp, %%r11\n\tmov %0, %%rbp\n\tmovl $7, (%1)\n\tmov %%r11, %%rbp" : : "r"(fake), "r"(lies_null) : "r11", "memory"); /* MARK:fp_crash_fault */
	lies_nop();
	lies_sink++;
}

NOINLINE int lies_fp(int crash, int ms) {
	// Fake frames {saved rbp, return address} in this frame, above the
	// callee's, so that the stack pointer they imply grows as it should:
	// to_go returns into Go code; loop returns into lies_fp_spin with the
	// same frame again (a cycle).
	uintptr_t to_go[2] = {0, lies_go_pc};
	uintptr_t loop[2] = {(uintptr_t)loop, (uintptr_t)lies_fp_spin + 5};
	if (crash) {
		lies_fp_crash((uintptr_t)to_go);
		return 1;
	}
	set_deadline(ms);
	while (!expired()) {
		lies_fp_spin(0xdeadbeef, 3000000);
		lies_fp_spin((uintptr_t)to_go, 3000000);
		lies_fp_spin((uintptr_t)loop, 3000000);
	}
	lies_sink += to_go[0] + loop[0];
	return 0;
}

// ---- 3. first-instruction ----

// push rbp; mov rsp,rbp; ...; call lies_nop; ...; leave; ret: signals land
// on every instruction, the first ones included.
FRAME_POINTER NOINLINE unsigned long lies_tiny(unsigned long x) {
	lies_nop(); /* MARK:tiny_calls_nop */
	return x * 3 + 1;
}

// Its first instruction is the faulting store (not AddressSanitizer's check
// of it, under make test-asan).
NOINLINE __attribute__((no_sanitize_address)) void lies_first_crash(int *p) {
	*p = 7; /* MARK:first_crash_fault */
}

NOINLINE int lies_first(int crash, int ms) {
	if (crash) {
		lies_first_crash(lies_null); /* MARK:first_calls_crash */
		lies_sink++;
		return 1;
	}
	set_deadline(ms);
	unsigned long acc = 0;
	while (!expired()) {
		for (int i = 0; i < 1000000; i++) {
			acc = lies_tiny(acc); /* MARK:first_calls_tiny */
		}
	}
	lies_sink += acc;
	return 0;
}

// ---- 4. in-trampoline and 6. sigaltstack: a C handler for SIGUSR1 ----

static int handler_crash;

// Spins until lies_stop. The loop is two instructions between global
// labels, so a test can check that an interrupted PC is exact: the signal
// arrives at lies_interrupt_loop (cmpl) or lies_interrupt_jump (je), never
// in the middle of an instruction.
NOINLINE void lies_interrupted(void) {
	__asm__ volatile("movl $1, lies_spinning(%%rip)\n.globl lies_interrupt_loop\nlies_interrupt_loop:\n\tcmpl $0, lies_stop(%%rip)\n.globl lies_interrupt_jump\nlies_interrupt_jump:\n\tje lies_interrupt_loop" : : : "cc", "memory"); /* MARK:interrupted_spin */
}

NOINLINE void lies_usr1_handler(int sig) {
	(void)sig;
	if (handler_crash) {
		*lies_null = 7; /* MARK:handler_fault */
	}
	spin(300000);
}

static void install_handler(int crash, int flags) {
	handler_crash = crash;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = lies_usr1_handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

// Sends SIGUSR1 to tid every millisecond until the deadline, once it spins
// in lies_interrupted; then ends the spinning.
static void send_usr1(pid_t tid) {
	while (!lies_spinning) {
		sleep_us(100);
	}
	while (!expired()) {
		syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		sleep_us(1000);
	}
	sleep_us(20000); // the last signal has been handled
	lies_stop = 1;
}

static pid_t target_tid;

static void *lies_sender_main(void *arg) {
	(void)arg;
	send_usr1(target_tid);
	return NULL;
}

// 4. The handler runs on this (Go's) thread, on its stack, interrupting
// lies_interrupted; a C thread sends the signals.
NOINLINE int lies_trampoline(int crash, int ms) {
	install_handler(crash, 0);
	set_deadline(crash ? 10000 : ms);
	target_tid = gettid();
	pthread_t th;
	pthread_create(&th, NULL, lies_sender_main, NULL);
	lies_interrupted(); /* MARK:trampoline_calls_interrupted */
	pthread_join(th, NULL);
	lies_sink++;
	return 0;
}

static pid_t alt_tid;

// 6. A C thread with an alternate signal stack of its own: the handler
// (SA_ONSTACK) runs there, interrupting lies_interrupted on the thread's
// stack.
static void *lies_alt_main(void *arg) {
	(void)arg;
	pthread_setname_np(pthread_self(), "lies-alt");
	size_t size = 256 * 1024;
	void *mem = malloc(size);
	stack_t ss = {.ss_sp = mem, .ss_size = size, .ss_flags = 0};
	sigaltstack(&ss, NULL);
	alt_tid = gettid();
	lies_interrupted(); /* MARK:alt_calls_interrupted */
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	free(mem);
	return NULL;
}

NOINLINE int lies_altstack(int crash, int ms) {
	install_handler(crash, SA_ONSTACK);
	set_deadline(crash ? 10000 : ms);
	pthread_t th;
	pthread_create(&th, NULL, lies_alt_main, NULL);
	while (!lies_spinning) {
		sleep_us(100);
	}
	send_usr1(alt_tid);
	pthread_join(th, NULL);
	lies_sink++;
	return 0;
}

// ---- 5. deep-recursion ----

NOINLINE int lies_recurse(int depth, int crash) {
	if (depth == 0) {
		if (crash) {
			*lies_null = 7; /* MARK:deep_fault */
		}
		while (!expired()) {
			spin(1000000);
		}
		return 0;
	}
	int r = lies_recurse(depth - 1, crash); /* MARK:recurse_calls_recurse */
	lies_sink += r; // no tail call, no loop: every level is a frame
	return r + 1;
}

NOINLINE int lies_deep(int crash, int ms) {
	set_deadline(ms);
	int r = lies_recurse(10000, crash); /* MARK:deep_calls_recurse */
	lies_sink += r;
	return 0;
}

// ---- 7. unmapped-stack ----

NOINLINE void lies_mmap_leaf(int ms) {
	uint64_t end = now_ns() + (uint64_t)ms * 1000000u;
	while (now_ns() < end) {
		spin(1000000);
	}
}

// Runs on a stack from mmap: spins in C, then in Go (liesCallback, on an
// extra M whose C frames are below it).
static void *lies_mmap_main(void *arg) {
	int ms = (int)(intptr_t)arg;
	pthread_setname_np(pthread_self(), "lies-mmap");
	lies_mmap_leaf(ms); /* MARK:mmap_calls_leaf */
	liesCallback(ms / 2); /* MARK:mmap_calls_go */
	lies_sink++;
	return NULL;
}

NOINLINE void lies_after_leaf(int crash) {
	if (crash) {
		*lies_null = 7; /* MARK:after_fault */
	}
	while (!expired()) {
		spin(1000000);
	}
}

// Four C threads in turn, each on a fresh 1 MiB mmap'ed stack unmapped
// once it has exited; then other C code, here.
NOINLINE int lies_unmapped(int crash, int ms) {
	for (int round = 0; round < 4; round++) {
		size_t size = 1 << 20;
		void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED) {
			return -1;
		}
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstack(&attr, stack, size);
		pthread_t th;
		if (pthread_create(&th, &attr, lies_mmap_main, (void *)(intptr_t)(ms / 8)) != 0) {
			return -1;
		}
		pthread_join(th, NULL);
		pthread_attr_destroy(&attr);
		munmap(stack, size);
	}
	set_deadline(ms / 2);
	lies_after_leaf(crash); /* MARK:unmapped_calls_after */
	lies_sink++;
	return 0;
}
