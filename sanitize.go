//go:build linux && cgo && (amd64 || arm64) && cgosymbolizer_ubsan

package cgosymbolizer

// Built with -tags cgosymbolizer_ubsan (make test-ubsan), the package's C
// files trap on undefined behaviour: signed overflow, misaligned or null
// accesses, out-of-bounds shifts and indexes. The trap needs no sanitizer
// runtime, which could not run in our signal handlers anyway: a trap is a
// SIGILL that ends the test program with the runtime's crash dump.

// #cgo CFLAGS: -fsanitize=undefined -fsanitize-undefined-trap-on-error -fno-sanitize-recover=all
import "C"
