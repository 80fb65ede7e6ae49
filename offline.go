//go:build linux && cgo && (amd64 || arm64)

package cgosymbolizer

/*
#include <stdlib.h>
#include "internal.h"
*/
import "C"

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

// Frame is one frame of a code location: a function and where in its
// source the location is. A location inside inlined code has several.
type Frame struct {
	Function string // the function's name, C++ names demangled
	File     string // the source file, or "" when unknown
	Line     int    // the line in File, or 0 when unknown
}

// A FileSymbolizer describes code locations in ELF files on disk, with the
// same engine that names C frames in the running program: it is for tools
// that symbolize, after the fact, what a process reported without debug
// information, such as the "PATH+0xOFFSET" frames of a stripped binary's
// crash dump (see cmd/cgosymbolize).
//
// Each file's separate debug information is looked for in the debug
// directories given to NewFileSymbolizer: the build-id tree
// (DIR/.build-id/xx/rest.debug), then the file's .gnu_debuglink next to it,
// in its .debug subdirectory and under each directory; a file found there is
// used only if its build-id (or the debug link's CRC) matches. dwz's shared
// files are found the same way.
//
// Symbolize opens only regular files (symbolic links are followed): a path
// naming a FIFO, a device or a directory fails without being opened, since
// opening one can block or have effects (paths often come from a dump).
//
// The debug information held in memory counts against the same cap as the
// running program's, CGOSYMBOLIZER_MAX_MEMORY (512M by default).
//
// A FileSymbolizer is safe for concurrent use. Close releases the files and
// debug information it read; the function and file names it returned stay
// in memory for the life of the process (the engine interns them), so it is
// meant for a tool's run, not for a server symbolizing an unbounded stream
// of different files.
type FileSymbolizer struct {
	mu    sync.Mutex
	d     *C.struct_cgosym_dwarf
	files map[string]*symFile
	next  uint64 // the lowest base free for the next file
}

// symFile is one file added to the engine, at base.
type symFile struct {
	base  uint64
	loads []elf.ProgHeader // PT_LOAD segments with bytes in the file
	err   error            // why the file cannot be used
}

// The first file goes at firstBase; each next one above the previous one,
// aligned to baseAlign (a multiple of any segment alignment in practice).
const (
	firstBase = 1 << 40
	baseAlign = 1 << 30
)

var errClosed = errors.New("cgosymbolizer: FileSymbolizer is closed")

// NewFileSymbolizer returns a FileSymbolizer that looks for separate debug
// files in debugDirs, in that order (absolute paths; relative ones are
// ignored). A nil or empty debugDirs means none: pass "/usr/lib/debug" to
// search the system's. It fails when elfutils' libdw (libdw.so.1) cannot be
// loaded.
func NewFileSymbolizer(debugDirs []string) (*FileSymbolizer, error) {
	if C.cgosym_dwarf_prepare() != 0 {
		return nil, errors.New("cgosymbolizer: libdw.so.1 (elfutils) cannot be loaded")
	}
	C.cgosym_dwarf_load_demangler()
	d := C.cgosym_dwarf_open_files()
	if d == nil {
		return nil, errors.New("cgosymbolizer: cannot create a symbolizer (libdw)")
	}
	dirs := C.malloc(C.size_t(len(debugDirs)+1) * C.size_t(unsafe.Sizeof((*C.char)(nil))))
	cdirs := unsafe.Slice((**C.char)(dirs), len(debugDirs)+1)
	for i, dir := range debugDirs {
		cdirs[i] = C.CString(dir)
	}
	rc := C.cgosym_dwarf_set_debug_dirs(d, (**C.char)(dirs), C.size_t(len(debugDirs)))
	for i := range debugDirs {
		C.free(unsafe.Pointer(cdirs[i]))
	}
	C.free(dirs)
	if rc != 0 {
		C.cgosym_dwarf_close(d)
		return nil, errors.New("cgosymbolizer: out of memory")
	}
	return &FileSymbolizer{d: d, files: map[string]*symFile{}, next: firstBase}, nil
}

// Symbolize describes the code at fileOffset, a byte offset into the ELF
// executable or shared library at path (stripped or not; not a separate
// debug file, whose program headers no longer say where its code was in
// the file): the frames at that location, innermost first, the inlined
// ones before the function they were inlined into. When neither debug
// information nor a symbol table names the code, it returns no frames and
// no error. Errors are about the file (unreadable, not ELF) or an offset
// outside its loadable segments.
func (s *FileSymbolizer) Symbolize(path string, fileOffset uint64) ([]Frame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.d == nil {
		return nil, errClosed
	}
	f := s.file(path)
	if f.err != nil {
		return nil, f.err
	}
	vaddr, ok := f.vaddr(fileOffset)
	if !ok {
		return nil, fmt.Errorf("cgosymbolizer: %s: offset %#x is in no loadable segment", path, fileOffset)
	}
	var out [C.CGOSYM_MAX_INLINE]C.struct_cgosym_frame
	n := int(C.cgosym_dwarf_lookup(s.d, C.uintptr_t(f.base+vaddr), &out[0], C.CGOSYM_MAX_INLINE))
	// A single frame with neither a function entry nor a file is the
	// engine's "module+0xoffset": nothing named the code.
	if n <= 0 || (n == 1 && out[0].entry == 0 && out[0].file == nil) {
		return nil, nil
	}
	frames := make([]Frame, n)
	for i := range frames {
		frames[i].Function = C.GoString(out[i].function)
		if out[i].file != nil {
			frames[i].File = C.GoString(out[i].file)
			frames[i].Line = int(out[i].line)
		}
	}
	return frames, nil
}

// file returns path's entry, adding the file to the engine on first use.
func (s *FileSymbolizer) file(path string) *symFile {
	if f := s.files[path]; f != nil {
		return f
	}
	f := &symFile{}
	s.files[path] = f
	lo, hi, err := f.readLoads(path)
	if err != nil {
		f.err = err
		return f
	}
	// Segments are placed at base+vaddr: choose a base that puts the
	// file's lowest segment at or above s.next.
	base := (s.next + baseAlign - 1) &^ (baseAlign - 1)
	if lo > base {
		base = 0
	} else {
		base -= lo &^ (baseAlign - 1)
	}
	if base+hi < base {
		f.err = fmt.Errorf("cgosymbolizer: %s: segments too high in the address space", path)
		return f
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if C.cgosym_dwarf_add_file(s.d, cpath, C.uintptr_t(base)) != 0 {
		f.err = fmt.Errorf("cgosymbolizer: %s: not usable as an ELF executable or shared object", path)
		return f
	}
	f.base = base
	s.next = base + hi + baseAlign
	return f
}

// nativeMachine is the ELF machine of the files FileSymbolizer reads: this
// program's own.
var nativeMachine = map[string]struct {
	machine elf.Machine
	name    string
}{
	"amd64": {elf.EM_X86_64, "x86-64"},
	"arm64": {elf.EM_AARCH64, "AArch64"},
}[runtime.GOARCH]

// readLoads reads the file's PT_LOAD segments and returns the span of
// addresses they take.
func (f *symFile) readLoads(path string) (lo, hi uint64, err error) {
	fh, err := openRegular(path)
	if err != nil {
		return 0, 0, fmt.Errorf("cgosymbolizer: %w", err)
	}
	defer fh.Close()
	e, err := elf.NewFile(fh)
	if err != nil {
		return 0, 0, fmt.Errorf("cgosymbolizer: %s: %w", path, err)
	}
	defer e.Close()
	if e.Class != elf.ELFCLASS64 || e.Machine != nativeMachine.machine {
		return 0, 0, fmt.Errorf("cgosymbolizer: %s: not an %s ELF file", path, nativeMachine.name)
	}
	lo = ^uint64(0)
	for _, p := range e.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		lo = min(lo, p.Vaddr)
		if p.Vaddr+p.Memsz > hi && p.Vaddr+p.Memsz > p.Vaddr {
			hi = p.Vaddr + p.Memsz
		}
		if p.Filesz > 0 {
			f.loads = append(f.loads, p.ProgHeader)
		}
	}
	if len(f.loads) == 0 || lo >= hi {
		return 0, 0, fmt.Errorf("cgosymbolizer: %s: no loadable segments", path)
	}
	return lo, hi, nil
}

// openRegular opens the file at path for reading only if it is a regular
// file, symlinks followed: the type is checked before the file is opened
// (opening a FIFO or a device has effects of its own: a blocked writer
// released, a driver's open run), and the file opened checked to be the
// one checked.
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%v), not opened", path, st.Mode().Type())
	}
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	fst, err := fh.Stat()
	if err == nil && (!fst.Mode().IsRegular() || !os.SameFile(st, fst)) {
		err = fmt.Errorf("%s: replaced while being opened", path)
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	return fh, nil
}

// vaddr converts a file offset into the address the file's segments put it
// at.
func (f *symFile) vaddr(off uint64) (uint64, bool) {
	for _, p := range f.loads {
		if off >= p.Off && off-p.Off < p.Filesz {
			return off - p.Off + p.Vaddr, true
		}
	}
	return 0, false
}

// Close releases the engine and every file it read. Symbolize fails
// afterwards.
func (s *FileSymbolizer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.d != nil {
		C.cgosym_dwarf_close(s.d)
		s.d = nil
	}
	return nil
}
