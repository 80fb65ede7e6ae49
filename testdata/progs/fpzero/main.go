//go:build arm64

// Command fpzero crashes in C below a frame whose X29 (the AArch64 frame
// pointer) is 0: main -> fpzero_entry (C) -> fpzero_call (assembly, with
// CFI, which sets X29 to 0 before it calls) -> fpzero_crash (C), which
// writes through NULL. Code built without frame pointers may leave any
// value in X29; libunwind takes 0 there for the end of the stack.
package main

/*
void fpzero_entry(void);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.fpzero_entry() // MARK:main_calls_entry
}
