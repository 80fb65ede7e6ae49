// Command cxx throws a C++ exception nobody catches: main -> cxx_entry
// (extern "C") -> demo::Parser::parse(int) -> demo::Validator<int>::check(int),
// which throws std::runtime_error; std::terminate then calls abort().
package main

/*
#cgo LDFLAGS: -lstdc++
void cxx_entry(int v);
*/
import "C"

import _ "github.com/cgosymbolizer/cgosymbolizer"

func main() {
	C.cxx_entry(7) // MARK:main_calls_entry
}
