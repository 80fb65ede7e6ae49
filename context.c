//go:build linux && cgo && amd64

// context.c — STUB
#include "internal.h"
void cgosymbolizer_context(void *varg) {
	(void)varg;
}
