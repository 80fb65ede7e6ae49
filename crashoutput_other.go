//go:build !(linux && cgo && (amd64 || arm64)) && go1.23

package cgosymbolizer

import (
	"os"
	"runtime/debug"
)

// SetCrashOutput calls debug.SetCrashOutput(f, opts); on this platform the
// package prints no crash reports of its own.
func SetCrashOutput(f *os.File, opts debug.CrashOptions) error {
	return debug.SetCrashOutput(f, opts)
}
