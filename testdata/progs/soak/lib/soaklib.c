// A library the soak program loads and unloads in a loop.
long soaklib_work(long n) {
	long x = 0;
	for (long i = 0; i < n; i++) {
		x += i % 7;
	}
	return x;
}
