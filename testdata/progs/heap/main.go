// Command heap makes glibc abort inside free():
//
//	heap tcache   a double free of a small chunk ("free(): double free
//	              detected in tcache 2")
//	heap locked   a double free of a large chunk, detected in _int_free with
//	              the arena lock held ("double free or corruption (!prev)"):
//	              anything that calls malloc while symbolizing hangs here
//
// main -> heap_entry(mode) -> heap_free_twice(size) -> free().
package main

/*
void heap_entry(int locked);
*/
import "C"

import (
	"fmt"
	"os"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "tcache" && os.Args[1] != "locked") {
		fmt.Fprintln(os.Stderr, "usage: heap tcache|locked")
		os.Exit(2)
	}
	locked := 0
	if os.Args[1] == "locked" {
		locked = 1
	}
	C.heap_entry(C.int(locked)) // MARK:main_calls_entry
	fmt.Println("glibc did not abort")
	os.Exit(1)
}
