//go:build linux && cgo && amd64

// traceback.c — STUB
#include "internal.h"
void cgosymbolizer_traceback(void *varg) {
	struct cgosymbolizer_traceback_arg *arg = varg;
	if (arg->max > 0) arg->buf[0] = 0;
}
