// Command stackuse runs cgosymbolizer's signal-handler paths on signal
// stacks that stackuse_test.go can measure afterwards, even when the
// process died.
//
//	stackuse cthread-crash-never-called-go  a C thread that never called Go writes through NULL:
//	                                        the package's crash handler decides and reports
//	stackuse cthread-crash-after-go         a C thread calls the exported goHello, returns to C,
//	                                        then the same NULL write: likewise
//	stackuse go-crash                       main.main calls C, which writes through NULL: the
//	                                        runtime's crash dump, with the package's traceback
//	                                        and symbolizer (crash helper) called from it
//	stackuse profile MS                     a 1 kHz CPU profile while main.main spins MS ms of
//	                                        CPU in C and a C thread (that never called Go) spins
//	                                        as long; writes $STACKUSE_DIR/cpu.pprof, prints "done"
//
// With STACKUSE_DIR set, the threads that matter handle their signals on
// painted stacks (stackuse.c): the main thread on $STACKUSE_DIR/main.stack,
// set by a C constructor before the runtime starts (the runtime keeps a
// signal stack a thread already has), and the C thread on
// $STACKUSE_DIR/cthread.stack, set by the thread itself. Each is a 64 KiB
// MAP_SHARED file mapping filled with a pattern: the deepest byte that
// differs from the pattern afterwards marks the peak use. main.main runs on
// the main thread (LockOSThread in init).
package main

/*
#include <stdlib.h>
int start_worker(const char *mode, int ms);
void join_worker(void);
void crash_leaf(int *p);
void spin_top(int ms);
*/
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"unsafe"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

func init() {
	// main.main then runs on the main thread, whose signal stack is
	// main.stack.
	runtime.LockOSThread()
}

//export goHello
func goHello() {
	fmt.Println("goHello: called from the C thread")
}

func runWorker(mode string, ms int) {
	cmode := C.CString(mode)
	defer C.free(unsafe.Pointer(cmode))
	if C.start_worker(cmode, C.int(ms)) != 0 {
		os.Exit(3)
	}
	C.join_worker()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stackuse MODE [MS]")
		os.Exit(2)
	}
	switch mode := os.Args[1]; mode {
	case "cthread-crash-never-called-go", "cthread-crash-after-go":
		runWorker(mode[len("cthread-"):], 0) // MARK:main_calls_worker
		fmt.Println("stackuse: the C thread returned")
		os.Exit(1)
	case "go-crash":
		C.crash_leaf(nil) // MARK:main_calls_crash_leaf
		fmt.Println("stackuse: crash_leaf returned")
		os.Exit(1)
	case "profile":
		ms := 200
		if len(os.Args) > 2 {
			ms, _ = strconv.Atoi(os.Args[2])
		}
		f, err := os.Create(filepath.Join(os.Getenv("STACKUSE_DIR"), "cpu.pprof"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		runtime.SetCPUProfileRate(1000) // pprof then warns that it cannot set 100 Hz: expected
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		cmode := C.CString("spin")
		if C.start_worker(cmode, C.int(ms)) != 0 {
			os.Exit(3)
		}
		C.free(unsafe.Pointer(cmode))
		C.spin_top(C.int(ms)) // MARK:main_calls_spin
		C.join_worker()
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Println("done")
	default:
		fmt.Fprintln(os.Stderr, "stackuse: unknown mode", mode)
		os.Exit(2)
	}
}
