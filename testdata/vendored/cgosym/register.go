//go:build linux && cgo && (amd64 || arm64)

// Package cgosym holds a vendored copy of cgosymbolizer's C sources (copied
// in by vendor_test.go) and registers them with the Go runtime.
package cgosym

/*
#cgo CFLAGS: -std=gnu11 -D_GNU_SOURCE
#cgo amd64,!cgosymbolizer_static LDFLAGS: -Wl,--no-as-needed -lgcc_s -lunwind-x86_64 -ldl
#cgo arm64 LDFLAGS: -Wl,--no-as-needed -lgcc_s -lunwind-aarch64 -ldl
#include "include/cgosymbolizer.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

func init() {
	if C.cgosymbolizer_init() == 0 {
		runtime.SetCgoTraceback(0,
			unsafe.Pointer(C.cgosymbolizer_traceback),
			unsafe.Pointer(C.cgosymbolizer_context),
			unsafe.Pointer(C.cgosymbolizer_symbolize))
	}
}
