#include <stddef.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

int *volatile deep_target = NULL;

NOINLINE int deep_crash(void) {
	*(volatile int *)deep_target = 1; /* MARK:crash_fault */
	return 0;
}

// The volatile result stops GCC from turning the recursion into a loop or
// a tail call: every level stays a frame.
NOINLINE int c_recurse(int n) {
	volatile int r;
	if (n == 0) {
		r = deep_crash(); /* MARK:recurse_calls_crash */
	} else {
		r = c_recurse(n - 1); /* MARK:recurse_calls_recurse */
	}
	return r + n;
}
