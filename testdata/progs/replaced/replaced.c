#include <stddef.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

int *volatile replaced_target = NULL;
volatile int replaced_sink;

NOINLINE void replaced_crash(void) {
	*(volatile int *)replaced_target = 5; /* MARK:crash_fault */
	replaced_sink++;
}

NOINLINE void replaced_entry(void) {
	replaced_crash(); /* MARK:entry_calls_crash */
	replaced_sink++;
}
