// Command soak runs, for SOAK_SECONDS (default 20), everything that has
// made cgo symbolizers hang or crash a process, at once: a CPU profile at
// 2 kHz (SIGPROF landing in C, in the loader, in malloc, in C++ unwinding),
// goroutine profiles and runtime.Stack of all goroutines in a loop, C
// threads calling Go (which unwinds through them), C++ exceptions thrown
// and caught, dlopen/dlclose of SOAK_LIB in a loop, malloc/free and
// dl_iterate_phdr. It writes the profile to SOAK_PROFILE and prints its
// counts; a watchdog ends it with a goroutine dump if any worker stops
// making progress for 10 s.
package main

/*
#include <stdlib.h>
#include "soak.h"
*/
import "C"

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

// Counters of the Go side, read by the watchdog and printed at the end.
var callersOK, callersBad, stacks, goroutineProfiles, goSpins atomic.Int64

//export soakCallback
func soakCallback() {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	found := false
	for {
		f, more := frames.Next()
		if f.Function == "callback_leaf" {
			found = true
		}
		if !more {
			break
		}
	}
	if found {
		callersOK.Add(1)
	} else {
		callersBad.Add(1)
	}
}

func main() {
	seconds := 20
	if s := os.Getenv("SOAK_SECONDS"); s != "" {
		seconds, _ = strconv.Atoi(s)
	}
	lib := C.CString(os.Getenv("SOAK_LIB"))
	defer C.free(unsafe.Pointer(lib))

	var prof bytes.Buffer
	runtime.SetCPUProfileRate(2000) // pprof then warns that it cannot set 100 Hz: expected
	if err := pprof.StartCPUProfile(&prof); err != nil {
		panic(err)
	}
	C.soak_start(lib, 4)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	loop := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					f()
				}
			}
		}()
	}
	buf := make([]byte, 1<<20)
	loop(func() { runtime.Stack(buf, true); stacks.Add(1) })
	loop(func() { pprof.Lookup("goroutine").WriteTo(io.Discard, 1); goroutineProfiles.Add(1) })
	loop(func() { C.soak_spin(200000); goSpins.Add(1) })
	loop(func() { C.soak_spin(200000); goSpins.Add(1) })

	counters := func() []int64 {
		return []int64{
			int64(C.soak_callbacks), int64(C.soak_throws), int64(C.soak_dlopens), int64(C.soak_mallocs),
			int64(C.soak_iterations), stacks.Load(), goroutineProfiles.Load(), goSpins.Load(),
		}
	}
	names := []string{"callbacks", "throws", "dlopens", "mallocs", "dl_iterate_phdr", "stacks", "goroutine_profiles", "go_spins"}
	last := counters()
	lastChange := make([]time.Time, len(last))
	for i := range lastChange {
		lastChange[i] = time.Now()
	}
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		now := counters()
		var line []string
		for i := range now {
			if now[i] != last[i] {
				lastChange[i] = time.Now()
			} else if time.Since(lastChange[i]) > 10*time.Second {
				fmt.Printf("STALL: %s made no progress for 10s\n", names[i])
				buf := make([]byte, 8<<20)
				os.Stdout.Write(buf[:runtime.Stack(buf, true)])
				os.Exit(3)
			}
			line = append(line, fmt.Sprintf("%s=%d", names[i], now[i]))
		}
		last = now
		fmt.Println("progress", strings.Join(line, " "))
	}
	close(stop)
	wg.Wait()
	C.soak_stop()
	pprof.StopCPUProfile()
	if path := os.Getenv("SOAK_PROFILE"); path != "" {
		if err := os.WriteFile(path, prof.Bytes(), 0o644); err != nil {
			panic(err)
		}
	}
	var line []string
	for i, v := range counters() {
		line = append(line, fmt.Sprintf("%s=%d", names[i], v))
	}
	fmt.Printf("soak done: %s callers_ok=%d callers_bad=%d\n", strings.Join(line, " "), callersOK.Load(), callersBad.Load())
}
