// A shared library for cmd/cgosymbolize's tests, built by them (gcc -g -O2
// -shared -fPIC) and loaded by the offline program's "lib" mode. Its
// functions are hidden, so that nothing names them once it is stripped: only
// a function pointer is exported, for dlsym.
#define HIDDEN __attribute__((visibility("hidden")))
#define NOINLINE __attribute__((noinline, noipa))

int *volatile offline_lib_target = 0;
volatile int offline_lib_sink;

static inline __attribute__((always_inline)) void lib_leaf(int *p) {
	*(volatile int *)p = 7; /* MARK:lib_fault */
}

HIDDEN NOINLINE void lib_middle(int *p) {
	lib_leaf(p); /* MARK:lib_middle_calls_leaf */
	offline_lib_sink++;
}

HIDDEN NOINLINE void lib_crash(void) {
	lib_middle(offline_lib_target); /* MARK:lib_crash_calls_middle */
	offline_lib_sink++;
}

void (*const offline_lib_entry)(void) = lib_crash;
