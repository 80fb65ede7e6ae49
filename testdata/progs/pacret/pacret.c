// Built with cgo's default flags (-g -O2) and, through the pragma,
// -mbranch-protection=standard (cgo's flag check refuses it on the command
// line). noipa keeps each function a real frame.
#include <stddef.h>

#if defined(__aarch64__)
#pragma GCC target("branch-protection=standard")
#endif

int *volatile pac_target = NULL;
volatile int pac_sink;

__attribute__((noinline, noipa)) void pac_d(void) {
	pac_sink++;
}

__attribute__((noinline, noipa)) void pac_c(int *p) {
	pac_d();
	*(volatile int *)p = 1; /* MARK:crash_fault */
	pac_sink++;
}

__attribute__((noinline, noipa)) void pac_b(int *p) {
	pac_c(p);
	pac_sink++;
}

__attribute__((noinline, noipa)) void pac_a(int *p) {
	pac_b(p);
	pac_sink++;
}

__attribute__((noinline, noipa)) void pac_entry(void) {
	pac_a(pac_target);
	pac_sink++;
}
