//go:build linux && cgo && amd64

package cgosymbolizer_test

import (
	"fmt"
	"log"

	"github.com/cgosymbolizer/cgosymbolizer"
)

// A stripped server's crash dump named a C frame
// "/srv/app/bin/server+0x8dad7": symbolize it against an unstripped copy of
// the same build, or against the stripped one with its debug file under
// /usr/lib/debug.
func ExampleFileSymbolizer() {
	s, err := cgosymbolizer.NewFileSymbolizer([]string{"/usr/lib/debug"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	frames, err := s.Symbolize("/srv/app/bin/server", 0x8dad7)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range frames { // innermost first
		fmt.Printf("%s\n\t%s:%d\n", f.Function, f.File, f.Line)
	}
}
