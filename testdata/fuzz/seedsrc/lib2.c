// Second compile unit of the seeds: shares shared.h's types with lib.c
// (so dwz has something to merge) and has its own inline function.
#include "shared.h"

extern volatile int seed_sink;

static inline __attribute__((always_inline)) int twice(int x) {
	seed_sink ^= x;
	return x + x;
}

__attribute__((noinline)) int seed_helper(int x) {
	struct seed_pair p = {x, twice(x)};
	return p.a + twice(p.b);
}

__attribute__((noinline)) int seed_unused(int x) {
	return x * 7 + twice(x);
}
