package main

import (
	"bytes"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// TestParseDump checks which lines are frames to symbolize, and the
// build-ids they get from the module's other frames.
func TestParseDump(t *testing.T) {
	const id1 = "12b43a1da784bacb1d77994b5eb34993fb9fc228"
	const id2 = "00112233445566778899aabbccddeeff00112233"
	type want struct {
		at      int
		path    string
		offset  uint64
		vaddr   bool
		buildID string
		pc      string
	}
	for _, tc := range []struct {
		name  string
		input string
		want  []want
	}{
		{"crash dump: build-id on the first frame of each module",
			"goroutine 1 [syscall]:\n" +
				"/srv/app/bin/server+0x8dad7 (BuildId: " + id1 + ")\n\tpc=0x48dad7\n" +
				"/usr/lib/libfoo.so.1+0x1234 (BuildId: " + id2 + ")\n\tpc=0x7f12a4c01234\n" +
				"/srv/app/bin/server+0x8db00\n\tpc=0x48db00\n" +
				"runtime.cgocall(0x4a7a80, 0xc000051f30)\n\t/usr/local/go/src/runtime/cgocall.go:167 +0x4b fp=0xc0 sp=0xc0 pc=0x47b1eb\n",
			[]want{
				{1, "/srv/app/bin/server", 0x8dad7, false, id1, "0x48dad7"},
				{3, "/usr/lib/libfoo.so.1", 0x1234, false, id2, "0x7f12a4c01234"},
				{5, "/srv/app/bin/server", 0x8db00, false, id1, "0x48db00"},
			}},
		{"build-id printed after the frame",
			"/a b/prog+0x10\n\tpc=0x1\n/a b/prog+0x20 (BuildId: " + id1 + ")\n\tpc=0x2\n",
			[]want{{0, "/a b/prog", 0x10, false, id1, "0x1"}, {2, "/a b/prog", 0x20, false, id1, "0x2"}}},
		{"two builds of one path: the last one printed before",
			"/p+0x1 (BuildId: " + id1 + ")\n\tpc=0x1\n/p+0x2\n\tpc=0x2\n/p+0x3 (BuildId: " + id2 + ")\n\tpc=0x3\n/p+0x4\n\tpc=0x4\n",
			[]want{{0, "/p", 1, false, id1, "0x1"}, {2, "/p", 2, false, id1, "0x2"}, {4, "/p", 3, false, id2, "0x3"}, {6, "/p", 4, false, id2, "0x4"}}},
		{"no build-id at all, CRLF line endings",
			"/p+0xff\r\n\tpc=0x4000ff\r\n",
			[]want{{0, "/p", 0xff, false, "", "0x4000ff"}}},
		{"addresses within the object (vaddr), with and without build-id",
			"/srv/app/bin/server+0x48dad7 (vaddr) (BuildId: " + id1 + ")\n\tpc=0x48dad7\n" +
				"/srv/app/bin/server+0x8db00\n\tpc=0x48db00\n" +
				"/usr/lib/libfoo.so.1+0x1234 (vaddr)\r\n\tpc=0x7f12a4c01234\r\n",
			[]want{
				{0, "/srv/app/bin/server", 0x48dad7, true, id1, "0x48dad7"},
				{2, "/srv/app/bin/server", 0x8db00, false, id1, "0x48db00"},
				{4, "/usr/lib/libfoo.so.1", 0x1234, true, "", "0x7f12a4c01234"},
			}},
		{"not frames",
			"/p+0x10\n\tpc=0x10 extra\n" + // not a pc= line
				"/p+0x10\n\t/x.c:3 pc=0x10\n" + // a named frame's location line
				"\t/p+0x10\n\tpc=0x10\n" + // starts with a tab
				"/p+0xABC\n\tpc=0x1\n" + // upper-case hex
				"/p+0x10 (BuildId: )\n\tpc=0x1\n" + // empty build-id
				"/p+0x10 (BuildId: " + id1 + ") (vaddr)\n\tpc=0x1\n" + // (vaddr) after the build-id
				"/p+0x10 (vaddr) (vaddr)\n\tpc=0x1\n" + // twice
				"/p+0x10 (VADDR)\n\tpc=0x1\n" + // upper case
				"/p+0x11111111111111111\n\tpc=0x1\n" + // offset over 64 bits
				"non-Go function at pc=0x1234\n" +
				"/p+0x10\n", // no pc= line at the end
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := parseDump(tc.input)
			var got []want
			for _, f := range d.frames {
				got = append(got, want{f.at, f.path, f.offset, f.vaddr, f.buildID, f.pc})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("frames\n got %+v\nwant %+v", got, tc.want)
			}
			if strings.Join(d.lines, "") != tc.input {
				t.Errorf("lines do not join back into the input")
			}
		})
	}
}

// TestGarbageInput runs the command on input that is no dump, or a dump
// whose frames nothing can name: the output is the input, byte for byte.
func TestGarbageInput(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 64<<10)
	rng.Read(random)
	for _, tc := range []struct {
		name, input, stderr string
	}{
		{"empty", "", ""},
		{"random bytes", string(random), ""},
		{"no final newline", "goroutine 1 [running]:\nmain.main()", ""},
		{"NUL bytes and long lines", "\x00\x00+0x1\n\tpc=0x1\n" + strings.Repeat("x", 1<<20), ""},
		{"control characters in a path", "/a\x1b[2J+0x1\n\tpc=0x1\n", `"/a\x1b[2J": no matching executable`},
		{"a module nothing matches",
			"/nonexistent/prog+0x1234 (BuildId: 0011223344)\n\tpc=0x401234\n",
			"/nonexistent/prog (build-id 0011223344): no matching executable or library; 1 frame left as it is"},
		{"a module without build-id nothing matches",
			"/nonexistent/prog+0x1234\n\tpc=0x401234\n",
			"/nonexistent/prog: no matching executable or library"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"-debuginfod", "", "-debug-dir", t.TempDir()}, strings.NewReader(tc.input), &out, &errOut)
			if code != 0 {
				t.Errorf("exit status %d; stderr:\n%s", code, errOut.String())
			}
			if out.String() != tc.input {
				t.Errorf("output differs from the input (%d bytes, want %d)", out.Len(), len(tc.input))
			}
			if tc.stderr == "" && errOut.Len() > 0 {
				t.Errorf("stderr: %s", errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.stderr) {
				t.Errorf("stderr %q does not say %q", errOut.String(), tc.stderr)
			}
		})
	}
}

// TestUsage checks the command's refusals of bad arguments.
func TestUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown flag", []string{"-nope"}, "usage: cgosymbolize [flags] [FILE...] < dump > symbolized"},
		{"missing file", []string{dir + "/missing"}, "no such file or directory"},
		{"not ELF", []string{"dump_test.go"}, "dump_test.go: not an ELF file"},
		{"zero timeout", []string{"-timeout", "0"}, "-timeout 0s: must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tc.args, strings.NewReader(""), &out, &errOut); code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tc.stderr) {
				t.Errorf("stderr %q does not say %q", errOut.String(), tc.stderr)
			}
		})
	}
}

// TestDumpNamesSpecialFiles gives the command a dump whose modules are a
// FIFO and a device: it must neither block nor read them.
func TestDumpNamesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	input := fifo + "+0x10 (BuildId: 0011223344)\n\tpc=0x10\n/dev/zero+0x10 (BuildId: 0011223344)\n\tpc=0x10\n"
	var out, errOut bytes.Buffer
	if code := run([]string{"-debuginfod", "", "-debug-dir", t.TempDir()}, strings.NewReader(input), &out, &errOut); code != 0 {
		t.Fatalf("exit status %d\n%s", code, errOut.String())
	}
	if out.String() != input {
		t.Errorf("output %q, want the input", out.String())
	}
	for _, p := range []string{fifo, "/dev/zero"} {
		if !strings.Contains(errOut.String(), p+" (build-id 0011223344): no matching executable or library") {
			t.Errorf("stderr does not mention %s:\n%s", p, errOut.String())
		}
	}
}
