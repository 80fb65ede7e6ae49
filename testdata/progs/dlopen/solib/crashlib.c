// Compiled by the test: gcc -g -O2 -shared -fPIC -o libcrash.so crashlib.c
// (not part of the Go package: cgo does not see this directory).
#include <stddef.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

int *volatile plugin_target = NULL;
volatile int plugin_sink;

NOINLINE int plugin_crash(int v) {
	*(volatile int *)plugin_target = v; /* MARK:plugin_fault */
	return v + plugin_sink;
}

int plugin_entry(int v) {
	int r = plugin_crash(v + 1); /* MARK:entry_calls_crash */
	plugin_sink++;
	return r;
}
