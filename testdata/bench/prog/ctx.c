// ctx.c — stand-in callbacks for runtime.SetCgoTraceback (prog_ctx0,
// prog_ctx1): they separate the cost of the runtime's own bookkeeping for
// a context from the cost of the package's context callback.

#include <stdint.h>

#include "bench.h"

struct tb_arg {
	uintptr_t context, sig_context, *buf, max;
};

struct ctx_arg {
	uintptr_t context;
};

// No C frames, ever.
void ctxbench_traceback(void *arg) {
	struct tb_arg *a = arg;
	if (a->max > 0) {
		a->buf[0] = 0;
	}
}

// Called on every C->Go call, does nothing: the context stays 0.
void ctxbench_context0(void *arg) {
	(void)arg;
}

// Called on every C->Go call, returns a constant non-zero context: the
// runtime then keeps it on the goroutine for the call (no snapshot taken).
void ctxbench_context1(void *arg) {
	struct ctx_arg *a = arg;
	if (a->context == 0) {
		a->context = 1;
	}
}
