//go:build linux && cgo && amd64 && asan && !cgosymbolizer_static

package cgosymbolizer

// Built with go build -asan (make test-asan), the package links libdw and
// libelf at start-up instead of loading them on first use (dwarf_api.c):
// GCC 12's LeakSanitizer crashes at exit ("Tracer caught signal 11") while
// scanning the dynamic TLS of a library loaded by dlopen, and libdw has
// thread-local variables. Linked, its TLS is static; the dlopen on first use
// then finds it loaded.
// (With -tags cgosymbolizer_static, static_libs.go links them already.)

// #cgo LDFLAGS: -ldw -lelf
import "C"
