// Command dlopen loads a shared library at run time and calls into it:
// main -> call_plugin (C, here) -> plugin_entry (the library) ->
// plugin_crash (the library), which writes through NULL.
//
//	dlopen /path/to/libcrash.so
//
// The library's source is solib/crashlib.c; the test compiles it.
package main

/*
#cgo LDFLAGS: -ldl
int call_plugin(const char *path);
*/
import "C"

import (
	"fmt"
	"os"

	_ "github.com/cgosymbolizer/cgosymbolizer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dlopen LIBRARY")
		os.Exit(2)
	}
	r := C.call_plugin(C.CString(os.Args[1])) // MARK:main_calls_plugin
	fmt.Println("call_plugin returned", r)
	os.Exit(1)
}
