//go:build linux && cgo && amd64

package cgosymbolizer_test

import (
	"debug/dwarf"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/cgosymbolizer/cgosymbolizer"
)

// fileOffsetOfLine returns the file offset of the first instruction that
// the line table of bin puts at file:line.
func fileOffsetOfLine(t *testing.T, bin, file string, line int) uint64 {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		t.Fatal(err)
	}
	r := d.Reader()
	for {
		cu, err := r.Next()
		if err != nil || cu == nil {
			break
		}
		lr, err := d.LineReader(cu)
		if err != nil || lr == nil {
			r.SkipChildren()
			continue
		}
		// A row counts if code follows it: several rows may share an
		// address, and the last one describes it.
		var prev dwarf.LineEntry
		have := false
		for {
			var e dwarf.LineEntry
			if err := lr.Next(&e); err != nil {
				break
			}
			if have && !prev.EndSequence && e.Address > prev.Address && prev.Line == line &&
				prev.File != nil && filepath.Base(prev.File.Name) == file {
				for _, p := range f.Progs {
					if p.Type == elf.PT_LOAD && prev.Address >= p.Vaddr && prev.Address-p.Vaddr < p.Filesz {
						return prev.Address - p.Vaddr + p.Off
					}
				}
			}
			prev, have = e, true
		}
		r.SkipChildren()
	}
	t.Fatalf("%s: no code for %s:%d", bin, file, line)
	return 0
}

// TestFileSymbolizer symbolizes file offsets of the segv program: the
// unstripped binary, and a stripped copy whose debug file is in a debug
// directory; with inlined frames, innermost first.
func TestFileSymbolizer(t *testing.T) {
	skipUnderEmulation(t, "FileSymbolizer runs in this test process, on the host, and reads files of the host's architecture, not the arm64 test programs")
	bin := buildProgram(t, progsDir, "./segv")
	src := filepath.Join(progsDir, "segv", "segv.c")
	off := fileOffsetOfLine(t, bin, "segv.c", sourceLine(t, src, "MARK:leaf_fault"))
	want := []cgosymbolizer.Frame{
		{Function: "leaf", File: "segv.c", Line: sourceLine(t, src, "MARK:leaf_fault")},
		{Function: "middle", File: "segv.c", Line: sourceLine(t, src, "MARK:middle_calls_leaf")},
	}

	dir := t.TempDir()
	debugDir := filepath.Join(dir, "debug")
	stripped := filepath.Join(dir, "bin", "segv")
	for _, d := range []string{debugDir, filepath.Dir(stripped)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	runTool(t, "objcopy", "--only-keep-debug", bin, filepath.Join(debugDir, "segv.debug"))
	runTool(t, "objcopy", "--strip-all", "--add-gnu-debuglink="+filepath.Join(debugDir, "segv.debug"), bin, stripped)

	for _, tc := range []struct {
		name string
		path string
		dirs []string
		want []cgosymbolizer.Frame
	}{
		{"unstripped", bin, nil, want},
		{"stripped, debug dir", stripped, []string{debugDir}, want},
		{"stripped, no debug info", stripped, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := cgosymbolizer.NewFileSymbolizer(tc.dirs)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got, err := s.Symbolize(tc.path, off)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				got[i].File = filepath.Base(got[i].File)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Symbolize(%s, %#x) = %+v, want %+v", tc.path, off, got, tc.want)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		s, err := cgosymbolizer.NewFileSymbolizer(nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Symbolize(src, 0); err == nil || !strings.Contains(err.Error(), src) {
			t.Errorf("a C source file: error %v, want one naming the file", err)
		}
		if _, err := s.Symbolize(bin, 1<<40); err == nil || !strings.Contains(err.Error(), "no loadable segment") {
			t.Errorf("an offset past the file: error %v", err)
		}
		s.Close()
		if _, err := s.Symbolize(bin, off); err == nil {
			t.Error("Symbolize after Close: no error")
		}
	})
}

// TestFileSymbolizerSpecialFiles checks that Symbolize refuses what is not
// a regular file without opening it: a FIFO whose only other end the test
// holds (an open would not block, and would show as a reader), a device,
// a directory.
func TestFileSymbolizerSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Held open for writing (O_RDWR does not block on Linux): were the
	// FIFO opened for reading, that would not block either.
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	s, err := cgosymbolizer.NewFileSymbolizer(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, path := range []string{fifo, "/dev/null", link, dir} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, err := s.Symbolize(path, 0)
			if err == nil || !strings.Contains(err.Error(), path+": not a regular file") {
				t.Errorf("Symbolize(%s): error %v, want one saying it is not a regular file", path, err)
			}
		})
	}
}

// runTool runs a command and fails the test if it fails.
func runTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
}
