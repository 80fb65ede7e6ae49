// soak.c — C threads that do what has deadlocked or crashed symbolizers
// under profiling: calls into Go, C++ exceptions, dlopen/dlclose, malloc,
// dl_iterate_phdr — all while SIGPROF lands at 1-2 kHz.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"
#include "soak.h"

static volatile int stop_flag;
static volatile long sink;

// Progress per kind of worker, read by Go.
long soak_callbacks, soak_throws, soak_dlopens, soak_mallocs, soak_iterations;

int soak_throw_and_catch(int n); // soak.cc

__attribute__((noinline)) static long spin_in_c(long n) {
	long x = 0;
	for (long i = 0; i < n; i++) {
		x += i * 7 % 13;
	}
	return x;
}

__attribute__((noinline)) static void callback_leaf(void) {
	soakCallback(); // Go: runtime.Callers + CallersFrames
	sink++;
}

static void *callback_worker(void *arg) {
	(void)arg;
	while (!stop_flag) {
		callback_leaf();
		sink += spin_in_c(20000);
		__atomic_add_fetch(&soak_callbacks, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *throw_worker(void *arg) {
	(void)arg;
	while (!stop_flag) {
		sink += soak_throw_and_catch(8);
		__atomic_add_fetch(&soak_throws, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static const char *dlopen_path;

static void *dlopen_worker(void *arg) {
	(void)arg;
	while (!stop_flag) {
		void *h = dlopen(dlopen_path, RTLD_NOW | RTLD_LOCAL);
		if (h != NULL) {
			long (*fn)(long) = (long (*)(long))dlsym(h, "soaklib_work");
			if (fn != NULL) {
				sink += fn(1000);
			}
			dlclose(h);
		}
		__atomic_add_fetch(&soak_dlopens, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *malloc_worker(void *arg) {
	(void)arg;
	void *slots[64] = {0};
	unsigned r = 1;
	while (!stop_flag) {
		for (int i = 0; i < 1000; i++) {
			r = r * 1103515245u + 12345u;
			unsigned k = (r >> 8) % 64;
			free(slots[k]);
			slots[k] = malloc(16 + (r >> 16) % 4096);
		}
		__atomic_add_fetch(&soak_mallocs, 1000, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < 64; i++) {
		free(slots[i]);
	}
	return NULL;
}

static int count_object(struct dl_phdr_info *info, size_t size, void *data) {
	(void)info;
	(void)size;
	(*(long *)data)++;
	sink += spin_in_c(200); // long enough inside the loader's lock for SIGPROF to land there
	return 0;
}

static void *iterate_worker(void *arg) {
	(void)arg;
	while (!stop_flag) {
		long n = 0;
		dl_iterate_phdr(count_object, &n);
		__atomic_add_fetch(&soak_iterations, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static pthread_t threads[16];
static int nthreads;

void soak_start(const char *lib, int callback_threads) {
	dlopen_path = lib;
	void *(*workers[])(void *) = {throw_worker, throw_worker, dlopen_worker, malloc_worker, iterate_worker};
	for (size_t i = 0; i < sizeof workers / sizeof workers[0]; i++) {
		pthread_create(&threads[nthreads++], NULL, workers[i], NULL);
	}
	for (int i = 0; i < callback_threads && nthreads < 16; i++) {
		pthread_create(&threads[nthreads++], NULL, callback_worker, NULL);
	}
}

void soak_stop(void) {
	stop_flag = 1;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(threads[i], NULL);
	}
}

long soak_spin(long n) {
	return spin_in_c(n);
}
