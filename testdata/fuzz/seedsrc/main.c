// Seed executable (ET_EXEC, non-PIE): an inline chain in main's callee.
#include <stdio.h>

static inline __attribute__((always_inline)) int sq(int x) { return x * x; }

__attribute__((noinline)) static int sum(int n) {
	int s = 0;
	for (int i = 0; i < n; i++) {
		s += sq(i);
	}
	return s;
}

int main(int argc, char **argv) {
	(void)argv;
	printf("%d\n", sum(argc * 10));
	return 0;
}
