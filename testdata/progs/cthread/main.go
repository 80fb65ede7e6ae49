// Command cthread crashes on a thread that C created, in C code, while Go is
// alive (main is blocked in a cgo call joining the thread): the crashes the
// Go runtime itself does not report.
//
//	cthread never-called-go       the thread never called Go; NULL write
//	cthread called-go-once        it called the exported goHello, returned to C, then the NULL write
//	cthread abort                 abort() on the thread
//	cthread sigbus PATH           reads a page of PATH mapped past the file's end (SIGBUS)
//	cthread sigfpe                integer division by zero
//	cthread sigill                __builtin_trap (ud2)
//	cthread go-fault-in-callback  the thread calls Go, which recovers from a nil dereference; exits 0
//	cthread crash-in-nested-cgo   the thread calls Go, which calls C, which writes through NULL:
//	                              a crash on a thread running Go, which the runtime reports
//	cthread null-call             a call through a NULL function pointer
//	cthread deep                  300 frames of recursion, then the NULL write
//
// With CTHREAD_CRASH_OUTPUT=FILE (Go 1.23 and later), crash reports go to
// FILE too, through cgosymbolizer.SetCrashOutput.
//
// The thread is named "cthread-worker" and first prints "cthread: tid N"
// on stdout. A crash mode that does not crash prints "C thread returned N"
// and exits 1.
package main

/*
#include <stdlib.h>
int run_cthread(const char *mode, const char *path);
void crash_leaf(int *p);
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

type T struct{ x int }

//go:noinline
func deref(p *T) int { return p.x }

//export goHello
func goHello() {
	fmt.Println("goHello: called from the C thread")
}

//export goRecoverNil
func goRecoverNil() {
	defer func() {
		fmt.Println("goRecoverNil: recovered:", recover())
	}()
	deref(nil)
}

//export goCallsCrash
func goCallsCrash() {
	C.crash_leaf(nil) // MARK:go_calls_crash_leaf
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cthread MODE [PATH]")
		os.Exit(2)
	}
	setCrashOutput()
	mode := C.CString(os.Args[1])
	defer C.free(unsafe.Pointer(mode))
	path := C.CString("")
	if len(os.Args) > 2 {
		path = C.CString(os.Args[2])
	}
	defer C.free(unsafe.Pointer(path))
	rc := C.run_cthread(mode, path) // MARK:main_calls_run
	fmt.Println("C thread returned", rc)
	if rc != 0 || os.Args[1] != "go-fault-in-callback" {
		os.Exit(1)
	}
}
