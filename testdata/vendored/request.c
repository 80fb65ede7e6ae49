// request.c — C code that crashes, two frames deep.

#include <stdlib.h>

#include "request.h"

// Fills the request's header; buf is NULL for an empty request (the bug).
__attribute__((noinline)) void fill_header(char *buf, int n) {
	buf[0] = (char)n; /* MARK:vendored_fault */
	buf[1] = 'H';
}

int handle_request(int n) {
	char *buf = n > 0 ? malloc((size_t)n + 2) : NULL;
	fill_header(buf, n); /* MARK:vendored_call */
	free(buf);
	return n;
}
