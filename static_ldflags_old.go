//go:build linux && cgo && amd64 && cgosymbolizer_static && !go1.27

package cgosymbolizer

// The static archives of static_libs.go, for Go before 1.27, whose cgo flag
// check refuses -Wl,--push-state (Go 1.22) but allows -l:libdw.a, which
// names the archive whatever mode the linker is in.

// #cgo LDFLAGS: -l:libunwind-x86_64.a -l:libdw.a -l:libelf.a -l:libz.a -l:liblzma.a -l:libbz2.a -l:libsupc++.a
import "C"
