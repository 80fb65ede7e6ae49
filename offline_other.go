//go:build !(linux && cgo && (amd64 || arm64))

package cgosymbolizer

import "errors"

// Frame is one frame of a code location (see the linux/amd64 and linux/arm64 documentation).
type Frame struct {
	Function string // the function's name, C++ names demangled
	File     string // the source file, or "" when unknown
	Line     int    // the line in File, or 0 when unknown
}

// A FileSymbolizer describes code locations in ELF files on disk. It is
// available on linux/amd64 and linux/arm64 with cgo only.
type FileSymbolizer struct{}

// NewFileSymbolizer fails on this platform.
func NewFileSymbolizer(debugDirs []string) (*FileSymbolizer, error) {
	return nil, errors.New("cgosymbolizer: FileSymbolizer needs linux/amd64 or linux/arm64 with cgo")
}

// Symbolize fails on this platform.
func (s *FileSymbolizer) Symbolize(path string, fileOffset uint64) ([]Frame, error) {
	return nil, errors.New("cgosymbolizer: FileSymbolizer needs linux/amd64 or linux/arm64 with cgo")
}

// Close does nothing on this platform.
func (s *FileSymbolizer) Close() error { return nil }
