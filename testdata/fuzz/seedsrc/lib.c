// Seed source for the ELF/DWARF fuzzer (make_seeds.sh): small, but with
// inline chains, lexical blocks, a cold partition, static functions and
// a function pointer table, so the seeds' DWARF has the shapes the engine
// walks (subprograms with ranges, inlined_subroutine chains, call_file and
// call_line, abstract origins).
#include "shared.h"

volatile int seed_sink;

static inline __attribute__((always_inline)) int leaf(int x) {
	seed_sink += x;
	return x * 3;
}

static inline __attribute__((always_inline)) int mid(int x) {
	int r = leaf(x + 1);
	seed_sink += r;
	return r + leaf(x);
}

__attribute__((noinline)) int seed_outer(int x) {
	int r = 0;
	for (int i = 0; i < x; i++) {
		int t = mid(i);
		r += t;
	}
	return r;
}

__attribute__((cold, noinline)) static int rare(int x) {
	seed_sink -= x;
	return -x;
}

__attribute__((noinline)) int seed_branchy(struct seed_pair *p) {
	if (__builtin_expect(p->a < 0, 0)) {
		return rare(p->a) + mid(p->b);
	}
	{
		int local = p->a * p->b;
		seed_sink += local;
	}
	return seed_helper(p->b) + leaf(p->a);
}

static int add1(int x) { return x + 1; }
static int dbl(int x) { return x * 2; }
int (*const seed_table[])(int) = {add1, dbl, seed_outer};
