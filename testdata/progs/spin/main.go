// Command spin runs a CPU profile while C code spins in c_spin_leaf, called
// from c_spin_mid, called from c_spin_top: spin PROFILE MILLISECONDS.
package main

/*
void c_spin_top(int ms);
*/
import "C"

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: spin PROFILE MILLISECONDS")
		os.Exit(2)
	}
	ms, err := strconv.Atoi(os.Args[2])
	if err != nil {
		panic(err)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	C.c_spin_top(C.int(ms)) // MARK:main_calls_top
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Println("done")
}
