//go:build arm64

// Built with cgo's default flags (-g -O2).
#include <stddef.h>

#define NOINLINE __attribute__((noinline, noipa))

// Read at run time, so that the compiler cannot see the NULL.
int *volatile fpzero_target = NULL;
volatile int fpzero_sink;

// Defined in fpzero_arm64.S: calls fn() with X29 set to 0.
void fpzero_call(void (*fn)(void));

NOINLINE void fpzero_crash(void) {
	*(volatile int *)fpzero_target = 7; /* MARK:crash_fault */
	fpzero_sink++;
}

NOINLINE void fpzero_entry(void) {
	fpzero_call(fpzero_crash); /* MARK:entry_calls_call */
	fpzero_sink++;
}
