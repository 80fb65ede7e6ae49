//go:build linux && cgo && (amd64 || arm64)

package cgosymbolizer

/*
#cgo CFLAGS: -std=gnu11 -D_GNU_SOURCE
// libgcc_s is named before libunwind so that the process-wide _Unwind_*
// symbols (C++ exceptions) keep binding to libgcc_s: libunwind-x86_64 (and
// libunwind-aarch64) pulls in libunwind.so.8, which exports its own,
// deadlock-prone, _Unwind_*. (--push-state would scope --no-as-needed to
// libgcc_s, but cgo's flag allow-list refuses it before Go 1.24;
// --no-as-needed is Debian's default.)
// With -tags cgosymbolizer_static, static_libs.go links static archives
// instead: there is no libgcc_s.a for a -static link, and no libunwind.so.8.
// (linux/amd64 only: on arm64 the tag changes nothing.)
#cgo amd64,!cgosymbolizer_static LDFLAGS: -Wl,--no-as-needed -lgcc_s -lunwind-x86_64 -ldl
#cgo arm64 LDFLAGS: -Wl,--no-as-needed -lgcc_s -lunwind-aarch64 -ldl
#include "include/cgosymbolizer.h"
*/
import "C"

import (
	"os"
	"runtime"
	"unsafe"
)

func init() {
	if os.Getenv("CGOSYMBOLIZER") == "off" {
		return
	}
	if C.cgosymbolizer_init() != 0 {
		return
	}
	defer func() {
		// SetCgoTraceback panics when another package registered different
		// callbacks first; theirs stay, and the program keeps running.
		if r := recover(); r != nil {
			println("cgosymbolizer: not registered:", r)
		}
	}()
	runtime.SetCgoTraceback(0,
		unsafe.Pointer(C.cgosymbolizer_traceback),
		unsafe.Pointer(C.cgosymbolizer_context),
		unsafe.Pointer(C.cgosymbolizer_symbolize))
	switch os.Getenv("CGOSYMBOLIZER_CRASH_HANDLER") {
	case "off":
	case "goroutines":
		C.cgosymbolizer_install_crash_handler(C.CGOSYMBOLIZER_CRASH_GOROUTINES)
	default:
		C.cgosymbolizer_install_crash_handler(0)
	}
}
