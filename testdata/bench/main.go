// Command bench measures what the package costs: the C->Go callback with
// the context callback on every call, unwinding per C frame, and
// symbolization cold and warm. `make bench` runs it with the package on and
// off (CGOSYMBOLIZER=off) and prints both.
package main

/*
#include "bench.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
	"unsafe"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

//export benchNop
func benchNop() {}

// median runs f rounds times and returns the median of what it reports.
func median(rounds int, f func() float64) float64 {
	v := make([]float64, rounds)
	for i := range v {
		v[i] = f()
	}
	sort.Float64s(v)
	return v[rounds/2]
}

func main() {
	mode := "on"
	if os.Getenv("CGOSYMBOLIZER") == "off" {
		mode = "off"
	}
	const calls = 2_000_000
	cb := median(7, func() float64 { return float64(C.bench_callbacks(calls)) / calls })
	fmt.Printf("BenchmarkCallback/package=%s\t%d\t%.1f ns/op\n", mode, calls, cb)
	if mode == "off" {
		return
	}

	var pcs [64]C.uintptr_t
	for _, depth := range []int{8, 30} {
		const reps = 20000
		var frames C.int
		ns := median(5, func() float64 {
			return float64(C.bench_unwind(C.int(depth), reps, &pcs[0], 64, &frames)) / reps
		})
		fmt.Printf("BenchmarkUnwind/depth=%d\t%d\t%.0f ns/op\t%.1f ns/frame\t%d frames\n", depth, reps, ns, ns/float64(frames), frames)
	}

	// Symbolize the PCs of the last walk: cold (first time in the process),
	// then warm.
	var list []uintptr
	for _, pc := range pcs {
		if pc == 0 {
			break
		}
		list = append(list, uintptr(pc))
	}
	symbolize := func() int {
		n := 0
		frames := runtime.CallersFrames(list)
		for {
			f, more := frames.Next()
			if f.File != "" {
				n++
			}
			if !more {
				break
			}
		}
		return n
	}
	start := time.Now()
	named := symbolize()
	cold := time.Since(start)
	fmt.Printf("BenchmarkSymbolizeCold\t1\t%d ns/op\t%d PCs\t%d frames with file:line\n", cold.Nanoseconds(), len(list), named)
	const warmReps = 2000
	warm := median(5, func() float64 {
		start := time.Now()
		for i := 0; i < warmReps; i++ {
			symbolize()
		}
		return float64(time.Since(start).Nanoseconds()) / warmReps / float64(len(list))
	})
	fmt.Printf("BenchmarkSymbolizeWarm\t%d\t%.0f ns/op\t(per PC)\n", warmReps, warm)
	_ = unsafe.Pointer(nil)
}
