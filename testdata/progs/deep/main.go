// Command deep crashes in C under 51 C frames: main -> c_recurse(50) ->
// ... -> c_recurse(0) -> deep_crash, which writes through NULL.
package main

/*
int c_recurse(int n);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.c_recurse(50) // MARK:main_calls_recurse
}
