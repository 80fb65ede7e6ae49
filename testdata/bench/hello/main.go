// Command hello is the start-up benchmark's program: a cgo hello world,
// built with (tag cgosym) and without the package.
package main

// #include <stdio.h>
// static void hello(void) { puts("hello, world"); fflush(stdout); }
import "C"

func main() { C.hello() }
