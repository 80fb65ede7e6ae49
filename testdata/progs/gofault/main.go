// Command gofault checks that Go's own recoverable faults still recover
// with the package imported: a nil pointer dereference, and, under
// debug.SetPanicOnFault(true), a read of a PROT_NONE page. A cgo call runs
// first so the package's C side is fully live. Prints "recovered nil" and
// "recovered fault", exits 0.
package main

/*
static int c_noop(int x) { return x + 1; }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
	"unsafe"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

type T struct{ x int }

var sinkByte byte

//go:noinline
func deref(p *T) int { return p.x }

func nilDeref() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	deref(nil)
	return ""
}

func badRead() (msg string) {
	mem, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_NONE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	defer syscall.Munmap(mem)
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	p := (*byte)(unsafe.Pointer(&mem[0]))
	sinkByte = *p
	return ""
}

func main() {
	if C.c_noop(1) != 2 {
		panic("cgo broken")
	}
	for i := 0; i < 3; i++ {
		if msg := nilDeref(); msg != "" {
			fmt.Println("recovered nil:", msg)
		} else {
			fmt.Println("nil dereference did not panic")
			os.Exit(1)
		}
		if msg := badRead(); msg != "" {
			fmt.Println("recovered fault:", msg)
		} else {
			fmt.Println("fault did not panic")
			os.Exit(1)
		}
	}
}
