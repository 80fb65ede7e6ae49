#include <stdint.h>
uint64_t bench_callbacks(long n);
uint64_t bench_unwind(int depth, long reps, uintptr_t *pcs, int max, int *frames);
