//go:build linux && cgo && (amd64 || arm64) && go1.23

package cgosymbolizer

// #include "include/cgosymbolizer.h"
import "C"

import (
	"os"
	"runtime/debug"
	"syscall"
)

// SetCrashOutput calls debug.SetCrashOutput(f, opts) and sends the
// package's own crash reports (crashes on threads C created, which the
// runtime cannot report) to f as well. debug.SetCrashOutput alone does that
// too as long as the executable has its symbol table (the package finds the
// runtime's private descriptor through it); a stripped binary needs this
// function. As with the runtime, f is duplicated: closing it afterwards is
// fine. A nil f stops the copy.
func SetCrashOutput(f *os.File, opts debug.CrashOptions) error {
	if err := debug.SetCrashOutput(f, opts); err != nil {
		return err
	}
	fd := -1
	if f != nil {
		dup, err := syscall.Dup(int(f.Fd()))
		if err != nil {
			return err
		}
		syscall.CloseOnExec(dup)
		fd = dup
	}
	if old := int(C.cgosymbolizer_set_crash_output(C.int(fd))); old >= 0 {
		syscall.Close(old)
	}
	return nil
}
