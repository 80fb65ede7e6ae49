// Command vendored crashes in C, with cgosymbolizer's C sources vendored in
// package cgosym rather than imported as a Go module.
package main

// #include "request.h"
import "C"

import (
	"fmt"

	_ "cgosymbolizer.test/vendored/cgosym"
)

func main() {
	fmt.Println(C.handle_request(16))
	fmt.Println(C.handle_request(0)) // crashes in C
}
