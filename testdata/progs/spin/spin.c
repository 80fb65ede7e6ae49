#include <time.h>

#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noipa))
#endif

volatile unsigned long spin_sink;

static double now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); // CPU time: the same samples however busy the machine is
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

NOINLINE void c_spin_leaf(int ms) { /* MARK:leaf_begin */
	double end = now_ms() + ms;
	do {
		for (int i = 0; i < 1000000; i++) {
			spin_sink += i;
		}
	} while (now_ms() < end);
} /* MARK:leaf_end */

NOINLINE void c_spin_mid(int ms) {
	c_spin_leaf(ms); /* MARK:mid_calls_leaf */
	spin_sink++;
}

NOINLINE void c_spin_top(int ms) {
	c_spin_mid(ms); /* MARK:top_calls_mid */
	spin_sink++;
}
