//go:build ctx0 || ctx1

package main

// #include "bench.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// The stand-in callbacks of ctx.c: a context callback that returns 0
// (ctx0) or a constant (ctx1), a traceback callback that finds no frames.
func init() {
	runtime.SetCgoTraceback(0, unsafe.Pointer(C.ctxbench_traceback), contextFunc(), nil)
}
