// Command callback goes Go -> C -> Go: main -> c_outer -> c_inner ->
// (inlined) c_hop -> goCallback, which reports its own stack.
//
//	callback stack    goCallback prints debug.Stack()
//	callback callers  goCallback prints runtime.Callers + CallersFrames, one
//	                  "FRAME\tfunction\tfile\tline\tpc\tgo|c" line per frame
package main

/*
void c_outer(void);
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

var mode string

//export goCallback
func goCallback() {
	switch mode {
	case "stack":
		os.Stdout.Write(debug.Stack()) // MARK:go_debug_stack
	case "callers":
		pcs := make([]uintptr, 128)
		n := runtime.Callers(1, pcs) // MARK:go_callers
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			kind := "c"
			if f.Func != nil {
				kind = "go"
			}
			fmt.Printf("FRAME\t%s\t%s\t%d\t%#x\t%s\n", f.Function, f.File, f.Line, f.PC, kind)
			if !more {
				break
			}
		}
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: callback stack|callers")
		os.Exit(2)
	}
	mode = os.Args[1]
	C.c_outer() // MARK:main_calls_outer
	fmt.Println("done")
}
