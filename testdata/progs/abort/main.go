// Command abort calls abort() from C two frames deep: main -> abort_outer
// -> abort_inner -> abort().
package main

/*
void abort_outer(void);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.abort_outer() // MARK:main_calls_outer
}
