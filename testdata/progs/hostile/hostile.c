#include <dlfcn.h>
#include <stdio.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

extern void goCapture(int slot);

static void (*victim_first)(void (*)(int));
static void (*victim_second)(void (*)(int));
volatile int hostile_sink;

NOINLINE static void capture(int slot) {
	goCapture(slot); /* MARK:capture_calls_go */
	hostile_sink++;
}

NOINLINE int load_victim(const char *path) {
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return -1;
	}
	victim_first = (void (*)(void (*)(int)))dlsym(h, "victim_first");
	victim_second = (void (*)(void (*)(int)))dlsym(h, "victim_second");
	return victim_first != NULL && victim_second != NULL ? 0 : -1;
}

NOINLINE void run_victim(void) {
	victim_first(capture); /* MARK:run_calls_first */
	victim_second(capture); /* MARK:run_calls_second */
	hostile_sink++;
}
