// Command hostile loads a library, records stacks through it, then does
// to its files what deployments and disks do to running programs, and
// only then has the stacks symbolized:
//
//	hostile LIBRARY STEP...
//
// Steps run in order:
//
//	capture           victim_first and victim_second call back; each
//	                  records runtime.Callers (nothing is symbolized yet)
//	print=N           prints stack N (1 or 2) through runtime.CallersFrames,
//	                  one "FRAME\tfunction\tfile\tline" line per frame,
//	                  after a "STEP print=N" line
//	truncate=PATH:N   truncates PATH in place to N bytes (the inode stays:
//	                  reading its old pages through a mapping raises SIGBUS)
//	rm=PATH           deletes PATH
package main

/*
#cgo LDFLAGS: -ldl
int load_victim(const char *path);
void run_victim(void);
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

// stacks[slot] is the stack goCapture recorded for slot; written by
// goCapture on the main goroutine only.
var stacks [3][]uintptr

//export goCapture
func goCapture(slot C.int) {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	stacks[slot] = pcs[:n]
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: hostile LIBRARY STEP...")
		os.Exit(2)
	}
	if C.load_victim(C.CString(os.Args[1])) != 0 {
		os.Exit(1)
	}
	for _, step := range os.Args[2:] {
		name, arg, _ := strings.Cut(step, "=")
		switch name {
		case "capture":
			C.run_victim()
		case "print":
			slot, err := strconv.Atoi(arg)
			if err != nil || slot < 1 || slot > 2 {
				fail(step, fmt.Errorf("bad stack number"))
			}
			fmt.Printf("STEP %s\n", step)
			frames := runtime.CallersFrames(stacks[slot])
			for {
				f, more := frames.Next()
				fmt.Printf("FRAME\t%s\t%s\t%d\n", f.Function, f.File, f.Line)
				if !more {
					break
				}
			}
		case "truncate":
			i := strings.LastIndexByte(arg, ':')
			if i < 0 {
				fail(step, fmt.Errorf("want PATH:SIZE"))
			}
			size, err := strconv.ParseInt(arg[i+1:], 10, 64)
			if err == nil {
				err = os.Truncate(arg[:i], size)
			}
			fail(step, err)
		case "rm":
			fail(step, os.Remove(arg))
		default:
			fail(step, fmt.Errorf("unknown step"))
		}
	}
	fmt.Println("done")
}

func fail(step string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
		os.Exit(1)
	}
}
