// Loaded with LD_PRELOAD: its constructor installs a SIGSEGV handler before
// the Go runtime starts. The runtime forwards faults outside Go code to such
// a handler; this one says so with write(2) and exits 42.
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void preinstalled_handler(int sig, siginfo_t *info, void *uc) {
	static const char msg[] = "preinstalled handler ran\n";
	(void)sig;
	(void)info;
	(void)uc;
	ssize_t unused = write(2, msg, sizeof msg - 1);
	(void)unused;
	_exit(42);
}

__attribute__((constructor)) static void install(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = preinstalled_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}
