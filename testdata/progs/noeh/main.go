//go:build amd64 || arm64

// Command noeh crashes in C below a frame that has no unwind information:
// main -> noeh_top (C) -> noeh_trampoline (assembly, no CFI) -> noeh_crash
// (C), which writes through NULL.
package main

/*
void noeh_top(void);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.noeh_top() // MARK:main_calls_top
}
