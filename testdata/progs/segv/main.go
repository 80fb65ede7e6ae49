// Command segv crashes with SIGSEGV inside C: main -> entry -> middle ->
// leaf, where leaf is inlined into middle and writes through NULL.
package main

/*
void entry(void);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.entry() // MARK:main_calls_entry
}
