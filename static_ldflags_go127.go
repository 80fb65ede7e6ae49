//go:build linux && cgo && amd64 && cgosymbolizer_static && go1.27

package cgosymbolizer

// The static archives of static_libs.go, for Go 1.27 and later, whose cgo
// flag check refuses a colon in -l (-l:libdw.a). --push-state and
// --pop-state put the linker back in the mode it was in: static under
// -extldflags=-static, dynamic for the C library and the rest of a
// tag-only link.

// #cgo LDFLAGS: -Wl,--push-state -Wl,-Bstatic -lunwind-x86_64 -ldw -lelf -lz -llzma -lbz2 -lsupc++ -Wl,--pop-state
import "C"
