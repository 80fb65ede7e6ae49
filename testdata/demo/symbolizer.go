//go:build !cgosymbolizer_size_without

package main

// The package, imported for its side effect: C frames in Go's tracebacks.
// (In a file of its own so that make size-static can build the demo without
// it, -tags cgosymbolizer_size_without, to measure what it adds.)
import _ "github.com/cgosymbolizer/cgosymbolizer"
