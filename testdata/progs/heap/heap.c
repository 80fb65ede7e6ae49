#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

void *volatile heap_keep;
volatile int heap_sink;

// The pointer goes through a volatile so the compiler cannot see the
// double free (GCC warns about, or folds, the obvious one).
NOINLINE void heap_free_twice(size_t size) {
	char *p = malloc(size);
	heap_keep = malloc(size); // keeps p from merging into the top chunk
	memset(p, 1, size);
	void *volatile q = p;
	free(q);
	free(q); /* MARK:second_free */
	heap_sink++;
}

NOINLINE void heap_entry(int locked) {
	// 64 bytes: tcache. 128 KiB - 4 KiB: below the mmap threshold, above
	// the tcache and fastbin sizes, so free takes the arena lock.
	heap_free_twice(locked ? 126976 : 64); /* MARK:entry_calls_free_twice */
	heap_sink++;
}
