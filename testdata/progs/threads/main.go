// Command threads starts 8 C threads (pthread_create in C); each calls the
// exported Go function goCheck ITERS times, from thread_main -> thread_work.
// goCheck walks its own stack with runtime.Callers + CallersFrames and
// checks that its C callers are there, in order, with exact lines:
//
//	thread_work FILE:WORKLINE, then thread_main FILE:MAINLINE
//
//	threads callers FILE WORKLINE MAINLINE ITERS
//	threads stackall FILE WORKLINE MAINLINE ITERS
//
// stackall also runs a goroutine calling runtime.Stack(buf, true) in a loop
// while the threads run (they keep going past ITERS until it has checked
// 200 goroutines, or 20 s passed), and checks that every goroutine stopped
// in goCheck shows the same two C frames. Prints "callers ok N/M" (and
// "stacks ok K/L") and exits 0 only if every check passed.
package main

/*
#include <stdlib.h>
int run_threads(int nthreads, int iters, int until_stop);
void stop_threads(void);
*/
import "C"

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

const nthreads = 8

var (
	cFile            string
	workLine         int
	mainLine         int
	calls, callsOK   atomic.Int64
	firstFailure     sync.Once
	firstFailureText string
)

//export goCheck
func goCheck(id C.int) {
	calls.Add(1)
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var got []runtime.Frame
	for {
		f, more := frames.Next()
		got = append(got, f)
		if !more {
			break
		}
	}
	// The first frame is goCheck; thread_work and thread_main must follow,
	// contiguous, after the cgo callback frames.
	ok := len(got) > 0 && got[0].Function == "main.goCheck"
	if ok {
		ok = false
		for i := 1; i+1 < len(got); i++ {
			if got[i].Function == "thread_work" {
				ok = filepath.Base(got[i].File) == cFile && got[i].Line == workLine &&
					got[i+1].Function == "thread_main" && filepath.Base(got[i+1].File) == cFile && got[i+1].Line == mainLine
				break
			}
		}
	}
	if ok {
		callsOK.Add(1)
		return
	}
	firstFailure.Do(func() {
		var b strings.Builder
		fmt.Fprintf(&b, "thread %d: want thread_work %s:%d then thread_main %s:%d; got:\n", id, cFile, workLine, cFile, mainLine)
		for _, f := range got {
			fmt.Fprintf(&b, "\t%s %s:%d pc=%#x\n", f.Function, f.File, f.Line, f.PC)
		}
		firstFailureText = b.String()
	})
}

// checkStacks checks one runtime.Stack(all) dump: every goroutine block that
// is inside main.goCheck must show thread_work and thread_main, contiguous,
// with their lines, below it.
func checkStacks(dump []byte) (checked, ok int, bad string) {
	for _, block := range bytes.Split(dump, []byte("\n\n")) {
		s := string(block)
		if !strings.Contains(s, "\nmain.goCheck(") {
			continue
		}
		checked++
		good := false
		if i := strings.Index(s, "\nthread_work\n\t"); i >= 0 {
			rest := s[i:]
			// "\nthread_work\n\t/path/threads.c:LINE pc=0x...\nthread_main\n\t/path/threads.c:LINE pc=0x..."
			lines := strings.SplitN(rest[1:], "\n", 5)
			good = len(lines) >= 4 &&
				lines[0] == "thread_work" && locMatches(lines[1], workLine) &&
				lines[2] == "thread_main" && locMatches(lines[3], mainLine)
		}
		if good {
			ok++
		} else if bad == "" {
			bad = s
		}
	}
	return checked, ok, bad
}

func locMatches(loc string, line int) bool {
	loc = strings.TrimPrefix(loc, "\t")
	fileLine, _, found := strings.Cut(loc, " pc=0x")
	if !found {
		return false
	}
	i := strings.LastIndexByte(fileLine, ':')
	return i > 0 && filepath.Base(fileLine[:i]) == cFile && fileLine[i+1:] == strconv.Itoa(line)
}

func main() {
	if len(os.Args) != 6 || (os.Args[1] != "callers" && os.Args[1] != "stackall") {
		fmt.Fprintln(os.Stderr, "usage: threads callers|stackall FILE WORKLINE MAINLINE ITERS")
		os.Exit(2)
	}
	cFile = os.Args[2]
	var err1, err2, err3 error
	workLine, err1 = strconv.Atoi(os.Args[3])
	mainLine, err2 = strconv.Atoi(os.Args[4])
	iters, err3 := strconv.Atoi(os.Args[5])
	if err1 != nil || err2 != nil || err3 != nil {
		fmt.Fprintln(os.Stderr, "bad number")
		os.Exit(2)
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	var dumps, checked, checkedOK int
	var firstBad string
	if os.Args[1] == "stackall" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer C.stop_threads()
			buf := make([]byte, 1<<20)
			deadline := time.Now().Add(20 * time.Second)
			for !stop.Load() && checked < 200 && time.Now().Before(deadline) {
				n := runtime.Stack(buf, true)
				c, o, bad := checkStacks(buf[:n])
				dumps++
				checked += c
				checkedOK += o
				if bad != "" && firstBad == "" {
					firstBad = bad
				}
			}
		}()
	}

	untilStop := 0
	if os.Args[1] == "stackall" {
		untilStop = 1
	}
	started := C.run_threads(nthreads, C.int(iters), C.int(untilStop))
	stop.Store(true)
	wg.Wait()

	failed := false
	if int(started) != nthreads {
		fmt.Printf("started %d of %d threads\n", started, nthreads)
		failed = true
	}
	fmt.Printf("callers ok %d/%d\n", callsOK.Load(), calls.Load())
	if calls.Load() < int64(nthreads*iters) || untilStop == 0 && calls.Load() != int64(nthreads*iters) || callsOK.Load() != calls.Load() {
		failed = true
		fmt.Print(firstFailureText)
	}
	if os.Args[1] == "stackall" {
		fmt.Printf("stacks ok %d/%d in %d dumps\n", checkedOK, checked, dumps)
		if checked == 0 || checkedOK != checked {
			failed = true
			fmt.Printf("first bad goroutine:\n%s\n", firstBad)
		}
	}
	if failed {
		os.Exit(1)
	}
}
