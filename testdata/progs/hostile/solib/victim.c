// The library whose file the hostile program truncates, deletes or points
// at hostile debug files while it is loaded. Each entry calls back into the
// program, which records the stack.

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

volatile int victim_sink;

NOINLINE void victim_first(void (*cb)(int)) {
	cb(1); /* MARK:first_calls_back */
	victim_sink++;
}

NOINLINE void victim_second(void (*cb)(int)) {
	cb(2); /* MARK:second_calls_back */
	victim_sink++;
}
