// Built with cgo's default flags (-g -O2).
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noipa))

// Read at run time, so that the compiler cannot see the NULL.
int *volatile sigframe_target = NULL;
volatile int sigframe_sink;

NOINLINE void sigframe_crash(void) {
	*(volatile int *)sigframe_target = 7; /* MARK:crash_fault */
	sigframe_sink++;
}

NOINLINE void sigframe_handler(int sig) {
	(void)sig;
	sigframe_crash(); /* MARK:handler_calls_crash */
	sigframe_sink++;
}

// tgkill(getpid(), gettid(), SIGUSR1) as one system call instruction, with
// the global label sigframe_after_syscall right after it: the signal is
// delivered when the call returns, so that is the interrupted PC.
NOINLINE void sigframe_interrupted(void) {
	long pid = getpid(), tid = syscall(SYS_gettid);
#if defined(__aarch64__)
	register long x8 __asm__("x8") = SYS_tgkill;
	register long x0 __asm__("x0") = pid;
	register long x1 __asm__("x1") = tid;
	register long x2 __asm__("x2") = SIGUSR1;
	__asm__ volatile("svc #0\n" /* MARK:interrupted_syscall */
			 ".globl sigframe_after_syscall\n"
			 "sigframe_after_syscall:\n"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2)
			 : "memory");
#elif defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall\n" /* MARK:interrupted_syscall */
			 ".globl sigframe_after_syscall\n"
			 "sigframe_after_syscall:\n"
			 : "=a"(ret)
			 : "a"((long)SYS_tgkill), "D"(pid), "S"(tid), "d"((long)SIGUSR1)
			 : "rcx", "r11", "memory");
	(void)ret;
#else
#error "sigframe: unsupported architecture"
#endif
	sigframe_sink++;
}

NOINLINE void sigframe_entry(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sigframe_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigframe_interrupted(); /* MARK:entry_calls_interrupted */
	sigframe_sink++;
}
