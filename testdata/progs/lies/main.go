//go:build amd64

// Command lies runs C code whose stacks lie to unwinders, under a fast CPU
// profile or to a crash:
//
//	lies MODE profile PROFILE [MS]   spin MS (default 2000) ms of wall time in
//	                                 the mode's code under a 2 kHz CPU profile
//	                                 written to PROFILE; print "done", exit 0
//	lies MODE crash [PROFILE]        write through NULL at the mode's deepest
//	                                 point (under the profiler if PROFILE is given)
//
// Modes (lies.c):
//
//	asm-no-cfi              C -> assembly without CFI (loops; or calls C back)
//	garbage-frame-pointers  frame-pointer C code running with rbp = garbage
//	first-instruction       a tiny function called millions of times
//	in-trampoline           a C SIGUSR1 handler on this thread interrupts C code
//	deep-recursion          C recursion 10,000 frames deep
//	sigaltstack             the same handler on a C thread's own sigaltstack
//	unmapped-stack          C threads on mmap'ed stacks, unmapped after exit
package main

/*
#include <stdint.h>
extern uintptr_t lies_go_pc;
int lies_asm(int crash, int ms);
int lies_fp(int crash, int ms);
int lies_first(int crash, int ms);
int lies_trampoline(int crash, int ms);
int lies_deep(int crash, int ms);
int lies_altstack(int crash, int ms);
int lies_unmapped(int crash, int ms);
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

var sink int

//export liesCallback
func liesCallback(ms C.int) {
	end := time.Now().Add(time.Duration(ms) * time.Millisecond)
	// A local, not sink, in the loop: built with -asan (make test-asan),
	// every store to a global calls ASan's runtime, where the profiler
	// cannot see this function's frames.
	acc := 0
	for time.Now().Before(end) {
		for i := 0; i < 100000; i++ {
			acc += i
		}
	}
	sink += acc
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: lies MODE profile|crash [PROFILE [MS]]")
		os.Exit(2)
	}
	mode, variant := os.Args[1], os.Args[2]
	crash := C.int(0)
	if variant == "crash" {
		crash = 1
	}
	ms := C.int(2000)
	if len(os.Args) > 4 {
		n, err := strconv.Atoi(os.Args[4])
		if err != nil {
			panic(err)
		}
		ms = C.int(n)
	}

	// A return address inside main.main: the lie planted on C stacks.
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	C.lies_go_pc = C.uintptr_t(pcs[0])

	var prof *os.File
	if len(os.Args) > 3 {
		var err error
		if prof, err = os.Create(os.Args[3]); err != nil {
			panic(err)
		}
		runtime.SetCPUProfileRate(2000) // pprof then warns that it cannot set 100 Hz: expected
		if err := pprof.StartCPUProfile(prof); err != nil {
			panic(err)
		}
	}

	var rc C.int
	switch mode {
	case "asm-no-cfi":
		rc = C.lies_asm(crash, ms) // MARK:main_calls_asm
	case "garbage-frame-pointers":
		rc = C.lies_fp(crash, ms) // MARK:main_calls_fp
	case "first-instruction":
		rc = C.lies_first(crash, ms) // MARK:main_calls_first
	case "in-trampoline":
		rc = C.lies_trampoline(crash, ms) // MARK:main_calls_trampoline
	case "deep-recursion":
		rc = C.lies_deep(crash, ms) // MARK:main_calls_deep
	case "sigaltstack":
		rc = C.lies_altstack(crash, ms) // MARK:main_calls_altstack
	case "unmapped-stack":
		rc = C.lies_unmapped(crash, ms) // MARK:main_calls_unmapped
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", mode)
		os.Exit(2)
	}

	if prof != nil {
		pprof.StopCPUProfile()
		if err := prof.Close(); err != nil {
			panic(err)
		}
	}
	if crash != 0 {
		fmt.Printf("%s: no crash (rc %d)\n", mode, rc)
		os.Exit(1)
	}
	if rc != 0 {
		fmt.Printf("%s: rc %d\n", mode, rc)
		os.Exit(1)
	}
	fmt.Println("done")
}
