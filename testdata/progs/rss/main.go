// Command rss symbolizes the same C and Go PCs RSS_ROUNDS times (default
// 100,000) through runtime.CallersFrames — the path of pprof and of every
// Frames user — and prints how much its resident memory grew after the
// first round: the symbolizer must not leak per call.
package main

// #include "rss.h"
import "C"

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

var pcs []uintptr

//export rssCapture
func rssCapture() {
	buf := make([]uintptr, 64)
	pcs = buf[:runtime.Callers(1, buf)]
}

// rssKB is the process's resident set size, in KiB.
func rssKB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	panic("no VmRSS")
}

func symbolize() (cFrames int) {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "rss_") {
			cFrames++
		}
		if !more {
			return cFrames
		}
	}
}

func main() {
	rounds := 100000
	if s := os.Getenv("RSS_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	C.rss_top()
	cFrames := symbolize() // cold: loads DWARF
	debug.FreeOSMemory()
	before := rssKB()
	for i := 0; i < rounds; i++ {
		if symbolize() != cFrames {
			panic("symbolization changed")
		}
	}
	debug.FreeOSMemory() // what the Go heap no longer holds, back to the OS
	after := rssKB()
	fmt.Printf("rounds=%d pcs=%d c_frames=%d rss_before_kb=%d rss_after_kb=%d growth_kb=%d\n",
		rounds, len(pcs), cFrames, before, after, after-before)
}
