// harness.c — a pure-C test of crash_helper.c. A fatal-signal handler on an
// alternate stack, with every signal blocked as in Go's handlers, walks its
// stack with libunwind (test-only), symbolizes each PC with
// cgosym_crash_lookup and writes the result with write(2) from static
// buffers. run.sh builds it and checks what it prints.
//
// Usage: harness MODE, where MODE is
//   inline          SIGSEGV inside an inlined function
//   malloc          SIGABRT from glibc inside free() (double free), with
//                   the arena lock held (the process is multi-threaded)
//   malloc-control  the same, but the handler first calls malloc itself:
//                   must hang (proves the lock is held); run with a timeout
//   noexec          inline, with execve forbidden by seccomp
//   novfork         inline, with vfork forbidden by seccomp
//   nondumpable     inline, after prctl(PR_SET_DUMPABLE, 0)
//   threads         two threads take SIGUSR1 at once and both symbolize

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "../../internal.h"

#define MAX_PCS 32

struct report {
	char text[32768];
	size_t len;
};

static void put(struct report *r, const char *s) {
	while (*s != '\0' && r->len < sizeof r->text) {
		r->text[r->len++] = *s++;
	}
}

static void put_dec(struct report *r, unsigned long v) {
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0 && r->len < sizeof r->text) {
		r->text[r->len++] = tmp[--n];
	}
}

static void put_hex(struct report *r, uintptr_t v) {
	char buf[24];
	size_t n = cgosym_format_hex(buf, v);
	buf[n] = '\0';
	put(r, buf);
}

static long long now_us(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

// Walks the interrupted stack: frame 0 exact, callers return address - 1.
static int collect(ucontext_t *uc, uintptr_t *pcs) {
	unw_cursor_t c;
	if (unw_init_local2(&c, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME) != 0) {
		return 0;
	}
	int n = 0;
	do {
		unw_word_t ip = 0;
		if (unw_get_reg(&c, UNW_REG_IP, &ip) != 0 || ip == 0) {
			break;
		}
		pcs[n] = n == 0 || unw_is_signal_frame(&c) > 0 ? (uintptr_t)ip : (uintptr_t)ip - 1;
		n++;
	} while (n < MAX_PCS && unw_step(&c) > 0);
	return n;
}

// Symbolizes pcs, twice (the second round must come from the cache), plus
// a PC in no module; appends text and timings to r.
static void symbolize(struct report *r, const char *who, uintptr_t *pcs, int npcs) {
	struct cgosym_frame frames[CGOSYM_MAX_INLINE];
	long long first_us = -1, uncached_total = 0, slowest = 0;
	int uncached = 0;
	for (int i = 0; i < npcs; i++) {
		long long t0 = now_us();
		int n = cgosym_crash_lookup(pcs[i], frames, CGOSYM_MAX_INLINE);
		long long dt = now_us() - t0;
		if (i == 0) {
			first_us = dt;
		} else {
			uncached_total += dt;
			uncached++;
			if (dt > slowest) {
				slowest = dt;
			}
		}
		put(r, who);
		put(r, " #");
		put_dec(r, (unsigned long)i);
		put(r, " pc=");
		put_hex(r, pcs[i]);
		put(r, " n=");
		put_dec(r, (unsigned long)n);
		put(r, " us=");
		put_dec(r, (unsigned long)dt);
		put(r, "\n");
		for (int j = 0; j < n; j++) {
			put(r, "\t");
			put(r, frames[j].function);
			put(r, " ");
			put(r, frames[j].file != NULL ? frames[j].file : "?");
			put(r, ":");
			put_dec(r, frames[j].line);
			put(r, " entry=");
			put_hex(r, frames[j].entry);
			put(r, "\n");
		}
	}
	// The runtime calls once per inline frame: all of these are cached.
	long long t0 = now_us();
	int again = 0;
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < npcs; i++) {
			again += cgosym_crash_lookup(pcs[i], frames, CGOSYM_MAX_INLINE) > 0;
		}
	}
	long long cached_total = now_us() - t0;
	int none = cgosym_crash_lookup(0x1000, frames, CGOSYM_MAX_INLINE);

	put(r, who);
	put(r, " TIMING first_lookup_us=");
	put_dec(r, (unsigned long)first_us);
	put(r, " uncached_pcs=");
	put_dec(r, (unsigned long)uncached);
	put(r, " uncached_avg_us=");
	put_dec(r, uncached > 0 ? (unsigned long)(uncached_total / uncached) : 0);
	put(r, " uncached_max_us=");
	put_dec(r, (unsigned long)slowest);
	put(r, " cached_avg_ns=");
	put_dec(r, npcs > 0 ? (unsigned long)(cached_total * 1000 / (100 * npcs)) : 0);
	put(r, "\n");
	put(r, who);
	put(r, none == 0 ? " NO_MODULE_OK\n" : " NO_MODULE_WRONG\n");
	(void)again;
}

static int control_mode; // malloc-control: call malloc in the handler

static void on_fatal(int sig, siginfo_t *info, void *ucv) {
	(void)info;
	static struct report r;
	static uintptr_t pcs[MAX_PCS];
	if (control_mode) {
		static const char msg[] = "CONTROL calling malloc(8000) in the handler\n";
		write(2, msg, sizeof msg - 1);
		void *volatile p = malloc(8000);
		(void)p;
		static const char msg2[] = "CONTROL malloc returned (lock was not held)\n";
		write(2, msg2, sizeof msg2 - 1);
	}
	put(&r, sig == SIGSEGV ? "SIGNAL SIGSEGV\n" : sig == SIGABRT ? "SIGNAL SIGABRT\n" : "SIGNAL other\n");
	int n = collect(ucv, pcs);
	symbolize(&r, "main", pcs, n);
	put(&r, "DONE\n");
	write(2, r.text, r.len);
	_exit(0);
}

// ---- The crash sites. ----

static volatile int stores;

static inline __attribute__((always_inline)) void store_value(int *p, int v) {
	stores++;
	p[stores & 1] = v * 3; // CRASH-INLINE
	stores++;
}

__attribute__((noinline)) void parse_record(int *p, int v) {
	store_value(p, v + 1); // CALL-INLINE
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void crash_inline(void) {
	int *volatile p = NULL;
	parse_record(p, 41); // CALL-PARSE
	__asm__ volatile("" ::: "memory");
}

static void *nothing(void *arg) {
	return arg;
}

__attribute__((noinline)) void double_free(void) {
	// The process must be multi-threaded, or glibc skips the arena lock.
	pthread_t t;
	pthread_create(&t, NULL, nothing, NULL);
	pthread_join(t, NULL);
	char *volatile a = malloc(4096); // beyond tcache and fastbins
	char *volatile guard = malloc(64); // keeps a away from the top chunk
	free(a);
	free(a); // CRASH-FREE: "double free or corruption (!prev)", lock held
	free(guard);
}

// ---- Hostile environments. ----

static void forbid_syscall(long nr) {
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0], .filter = filter};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		static const char msg[] = "seccomp failed\n";
		write(2, msg, sizeof msg - 1);
		_exit(3);
	}
}

// ---- Two threads at once. ----

static pthread_barrier_t barrier;
static struct report thread_reports[2];
static __thread int thread_index;

static void on_usr1(int sig, siginfo_t *info, void *ucv) {
	(void)sig;
	(void)info;
	uintptr_t pcs[MAX_PCS];
	int me = thread_index;
	int n = collect(ucv, pcs);
	symbolize(&thread_reports[me], me ? "thread1" : "thread0", pcs, n);
}

__attribute__((noinline)) static void *thread_main(void *arg) {
	static char stacks[2][65536];
	int me = (int)(intptr_t)arg;
	thread_index = me;
	stack_t ss = {.ss_sp = stacks[me], .ss_size = sizeof stacks[me]};
	sigaltstack(&ss, NULL);
	pthread_barrier_wait(&barrier);
	pthread_kill(pthread_self(), SIGUSR1);
	return NULL;
}

int main(int argc, char **argv) {
	if (argc < 2) {
		return 2;
	}
	const char *mode = argv[1];
	cgosym_format_init();
	cgosym_crash_init();

	static char altstack[65536];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask); // like Go: everything blocked in the handler
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sa.sa_sigaction = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);

	if (strcmp(mode, "inline") == 0) {
		crash_inline();
	} else if (strcmp(mode, "malloc") == 0) {
		double_free();
	} else if (strcmp(mode, "malloc-control") == 0) {
		control_mode = 1;
		double_free();
	} else if (strcmp(mode, "noexec") == 0) {
		forbid_syscall(SYS_execve);
		crash_inline();
	} else if (strcmp(mode, "novfork") == 0) {
		forbid_syscall(SYS_vfork);
		crash_inline();
	} else if (strcmp(mode, "nondumpable") == 0) {
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		crash_inline();
	} else if (strcmp(mode, "threads") == 0) {
		pthread_t threads[2];
		pthread_barrier_init(&barrier, NULL, 2);
		for (int i = 0; i < 2; i++) {
			pthread_create(&threads[i], NULL, thread_main, (void *)(intptr_t)i);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(threads[i], NULL);
		}
		write(2, thread_reports[0].text, thread_reports[0].len);
		write(2, thread_reports[1].text, thread_reports[1].len);
		static const char done[] = "DONE\n";
		write(2, done, sizeof done - 1);
		return 0;
	}
	static const char msg[] = "NO CRASH\n";
	write(2, msg, sizeof msg - 1);
	return 1;
}
