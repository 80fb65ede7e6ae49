// Command offline has C and C++ frames for cmd/cgosymbolize's tests to
// symbolize once the binary is stripped: main -> offline_entry (C) ->
// offline::Runner::run(int) (C++) -> offline_middle (C) -> offline_leaf
// (C, inlined into offline_middle), which writes through NULL ("crash") or
// calls back into Go to print debug.Stack ("stack"). "lib PATH" loads the
// shared library lib/offlinelib.c built at PATH, which crashes.
package main

/*
#cgo LDFLAGS: -lstdc++ -ldl
#include <stdlib.h>
void offline_entry(int mode);
void offline_dlopen_crash(const char *path);
*/
import "C"

import (
	"os"
	"runtime/debug"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

//export offlineGoStack
func offlineGoStack() {
	os.Stdout.Write(debug.Stack())
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "lib" {
		C.offline_dlopen_crash(C.CString(os.Args[2]))
		return
	}
	mode := 0
	if len(os.Args) > 1 && os.Args[1] == "stack" {
		mode = 1
	}
	C.offline_entry(C.int(mode)) // MARK:main_calls_entry
}
