#include <dlfcn.h>
#include <stdio.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

volatile int dlopen_sink;

NOINLINE int call_plugin(const char *path) {
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return -1;
	}
	int (*entry)(int) = (int (*)(int))dlsym(h, "plugin_entry");
	if (entry == NULL) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return -2;
	}
	int r = entry(3); /* MARK:call_plugin_calls_entry */
	dlopen_sink++;
	return r;
}
