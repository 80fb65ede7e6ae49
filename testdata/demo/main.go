// Command demo shows what github.com/cgosymbolizer/cgosymbolizer adds to Go's
// tracebacks: C frames, with function, file:line and inlined frames.
//
// Run without arguments it prints two things:
//
//  1. debug.Stack() from a Go function that C code called back: the C frames
//     sit between the Go frames.
//  2. The crash dump of a NULL-pointer write in C, from a copy of itself run
//     with the argument "crash" (so the demo itself does not crash).
package main

/*
#include <stdlib.h>
#include "demo.h"
*/
import "C"

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"unsafe"
)

//export reportProgress
func reportProgress(index C.int, key *C.char) {
	if index == 0 {
		fmt.Printf("reportProgress(%d, %q) called from C; debug.Stack():\n\n%s\n",
			int(index), C.GoString(key), debug.Stack())
	}
}

func loadConfig(text string) int {
	ctext := C.CString(text)
	defer C.free(unsafe.Pointer(ctext))
	return int(C.parse_config(ctext))
}

// importRow stores a value in column 5 of a record that has 3 columns.
func importRow() {
	rec := C.new_record(C.CString("customers"), 3)
	C.load_record(rec, 5, 42)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "crash" {
		importRow()
		return
	}

	fmt.Println("==== 1. Go -> C -> Go: debug.Stack() in a callback ====")
	fmt.Println()
	n := loadConfig("listen=:8080;workers=4;log=debug")
	fmt.Printf("parse_config read %d entries\n\n", n)

	fmt.Println("==== 2. A crash in C: NULL write in an inlined function (child process) ====")
	fmt.Println()
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := exec.Command(self, "crash").CombinedOutput()
	fmt.Print(crashingGoroutine(string(out)))
	fmt.Printf("\n(%s crash: %v)\n", self, err)
	if err == nil {
		fmt.Fprintln(os.Stderr, "demo: the child did not crash")
		os.Exit(1)
	}
}

// crashingGoroutine keeps a crash dump up to the end of the first
// goroutine's traceback (the one that crashed) and says how much it left out:
// the runtime's own goroutines and the registers.
func crashingGoroutine(dump string) string {
	lines := strings.SplitAfter(dump, "\n")
	inGoroutine := false
	for i, line := range lines {
		if strings.HasPrefix(line, "goroutine ") {
			inGoroutine = true
		} else if inGoroutine && strings.TrimSpace(line) == "" {
			rest := len(lines) - i - 1
			return strings.Join(lines[:i], "") +
				fmt.Sprintf("\n[... %d more lines: other goroutines and registers; run %s crash to see them]\n",
					rest, os.Args[0])
		}
	}
	return dump
}
