//go:build !(linux && cgo && (amd64 || arm64))

package cgosymbolizer

// Nothing to register: the runtime's tracebacks stay as they are.
