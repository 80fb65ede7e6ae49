//go:build go1.23

package main

import (
	"os"
	"runtime/debug"

	"github.com/cgosymbolizer/cgosymbolizer"
)

// setCrashOutput sends crash reports to the file named by
// CTHREAD_CRASH_OUTPUT too, when it is set: through the runtime's
// debug.SetCrashOutput when CTHREAD_CRASH_OUTPUT_VIA=runtime, else through
// cgosymbolizer.SetCrashOutput.
func setCrashOutput() {
	path := os.Getenv("CTHREAD_CRASH_OUTPUT")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	set := cgosymbolizer.SetCrashOutput
	if os.Getenv("CTHREAD_CRASH_OUTPUT_VIA") == "runtime" {
		set = debug.SetCrashOutput
	}
	if err := set(f, debug.CrashOptions{}); err != nil {
		panic(err)
	}
	f.Close() // SetCrashOutput keeps a duplicate
}
