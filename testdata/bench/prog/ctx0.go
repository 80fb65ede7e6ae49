//go:build ctx0

package main

// #include "bench.h"
import "C"

import "unsafe"

func contextFunc() unsafe.Pointer { return unsafe.Pointer(C.ctxbench_context0) }
