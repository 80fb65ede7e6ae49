//go:build linux && amd64

package cgosymbolizer_test

// Production binaries: stripped executables and separate debug files.
//
// TestStrippedUnnamedFrames: with no symbol or debug information at all, a
// C frame is printed as "PATH+0xOFFSET", OFFSET the frame's file offset in
// PATH, and the object's GNU build-id follows the first such frame of each
// object in a crash dump (every such frame in a goroutine dump, which may be
// read on its own). The test maps every offset back to the function it must
// be in, with the symbol table of the same binary before stripping.
//
// TestSplitDebugInfo: an executable stripped of everything, its DWARF in a
// separate file (objcopy --only-keep-debug) found through .gnu_debuglink
// (beside the binary or in .debug/) or by build-id under a directory from
// CGOSYMBOLIZER_DEBUG_DIRS: the crash dump and debug.Stack show the C frames
// with function, file:line and inlined frames, as an unstripped build does.
// A debug file of another build is refused (its CRC differs) and the frames
// are named as if it were not there.

import (
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// unnamedRE matches a frame nothing names: "PATH+0xOFFSET", with
// " (BuildId: HEX)" on the object's first mention.
// A path too long for the name keeps its end.
var unnamedRE = regexp.MustCompile(`^(.+)\+0x([0-9a-f]+)(?: \(BuildId: ([0-9a-f]+)\))?$`)

// objcopy runs objcopy with args, failing the test on error.
func objcopy(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(objcopyTool(), args...).CombinedOutput(); err != nil {
		t.Fatalf("objcopy %q: %v\n%s", args, err, out)
	}
}

// gnuBuildID is the GNU build-id of the ELF file at path, in hex.
func gnuBuildID(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		data := make([]byte, p.Filesz)
		if _, err := p.ReadAt(data, 0); err != nil {
			t.Fatal(err)
		}
		for len(data) >= 12 {
			namesz := int(f.ByteOrder.Uint32(data[0:]))
			descsz := int(f.ByteOrder.Uint32(data[4:]))
			typ := f.ByteOrder.Uint32(data[8:])
			name := data[12:]
			desc := name[(namesz+3)&^3:]
			if typ == 3 && namesz == 4 && string(name[:3]) == "GNU" { // NT_GNU_BUILD_ID
				return hex.EncodeToString(desc[:descsz])
			}
			data = desc[(descsz+3)&^3:]
		}
	}
	t.Fatalf("%s has no GNU build-id", path)
	return ""
}

// functionAtOffset names the function symbol of the ELF file at path that
// holds file offset off, and returns the virtual address off maps to.
func functionAtOffset(t *testing.T, path string, off uint64) (string, uint64) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vaddr uint64
	found := false
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && off >= p.Off && off < p.Off+p.Filesz {
			vaddr, found = off-p.Off+p.Vaddr, true
		}
	}
	if !found {
		t.Fatalf("%s: file offset %#x is in no PT_LOAD segment", path, off)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && vaddr >= s.Value && vaddr < s.Value+s.Size {
			return s.Name, vaddr
		}
	}
	return "", vaddr
}

// strippedCopy copies bin into a new directory (nested depth levels of
// 100-byte names deep) and strips the copy of its symbol table and debug
// information; it returns the copy's path.
func strippedCopy(t *testing.T, bin string, depth int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < depth; i++ {
		dir = filepath.Join(dir, strings.Repeat(string(rune('a'+i%26)), 100))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stripped := filepath.Join(dir, filepath.Base(bin))
	copyFile(t, bin, stripped)
	objcopy(t, "--strip-all", stripped)
	return stripped
}

// unnamedCase is a program whose C frames a stripped build cannot name.
type unnamedCase struct {
	name      string
	prog      string   // directory under testdata/progs
	args      []string // program arguments
	crash     bool     // a crash dump (on stderr); else a goroutine dump on stdout
	functions []string // the C functions of the unnamed frames, innermost first
	after     string   // the Go frame right below them
	static    bool     // built with -tags cgosymbolizer_static -extldflags=-static
	depth     int      // directories of 100-byte names the binary sits under
}

func TestStrippedUnnamedFrames(t *testing.T) {
	t.Parallel()
	cases := []unnamedCase{
		{
			// leaf is inlined into middle: one frame for both.
			name: "crash", prog: "segv", crash: true,
			functions: []string{"middle", "entry"},
			after:     "runtime.cgocall",
		},
		{
			// c_hop is inlined into c_inner.
			name: "debug.Stack", prog: "callback", args: []string{"stack"},
			functions: []string{"c_inner", "c_outer"},
			after:     "main._Cfunc_c_outer",
		},
		{
			// A path of 1,500 bytes: the names keep its end and the
			// whole offset.
			name: "debug.Stack-long-path", prog: "callback", args: []string{"stack"},
			functions: []string{"c_inner", "c_outer"},
			after:     "main._Cfunc_c_outer",
			depth:     15,
		},
		{
			name: "crash-long-path", prog: "segv", crash: true,
			functions: []string{"middle", "entry"},
			after:     "runtime.cgocall",
			depth:     15,
		},
		{
			// In a static program the loader's map start is the text
			// segment, not the ELF header: the headers come from the
			// auxiliary vector.
			name: "crash-static", prog: "segv", crash: true,
			functions: []string{"middle", "entry"},
			after:     "runtime.cgocall",
			static:    true,
		},
		{
			name: "debug.Stack-static", prog: "callback", args: []string{"stack"},
			functions: []string{"c_inner", "c_outer"},
			after:     "main._Cfunc_c_outer",
			static:    true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var bin string
			if tc.static {
				skipUnderEmulation(t, "static builds are linux/amd64 only")
				skipUnderASan(t, "gcc refuses -static with -fsanitize=address")
				bin = buildTagged(t, tc.prog, staticLDFlags)
			} else {
				bin = buildProgram(t, progsDir, "./"+tc.prog)
			}
			stripped := strippedCopy(t, bin, tc.depth)
			id := gnuBuildID(t, stripped)

			r := runProgram(t, stripped, nil, tc.args...)
			dump := r.Stdout
			if tc.crash {
				checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
				dump = r.Stderr
			}
			frames := parseFrames(dump)
			var got []string
			mentions := 0
			last := -1
			for i, f := range frames {
				m := unnamedRE.FindStringSubmatch(f.Func)
				if m == nil || !strings.HasSuffix(stripped, m[1]) || len(m[1]) < 200 && m[1] != stripped {
					continue
				}
				if !f.C || f.File != "" {
					t.Errorf("unnamed frame %v printed with a file or as a Go frame", f)
				}
				if m[3] != "" {
					mentions++
					if m[3] != id {
						t.Errorf("frame %v: build-id %s, want the binary's %s", f, m[3], id)
					}
				}
				off, _ := strconv.ParseUint(m[2], 16, 64)
				name, vaddr := functionAtOffset(t, bin, off)
				// Go's executables are not position-independent: the
				// run-time PC is the link-time address.
				if vaddr != uint64(f.PC) {
					t.Errorf("frame %v: file offset %#x is address %#x, not the frame's pc", f, off, vaddr)
				}
				if !cgoWrapperRE.MatchString(name) {
					got = append(got, name)
					last = i
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.functions, " ") {
				t.Errorf("unnamed frames are in %q, want %q\n%s", got, tc.functions, dump)
			}
			if last >= 0 && (last+1 >= len(frames) || frames[last+1].Func != tc.after) {
				t.Errorf("the unnamed frames are not followed by %s\n%s", tc.after, dump)
			}
			// A crash dump names each object's build-id once; a
			// goroutine dump on every frame.
			want := 1
			if !tc.crash {
				want = len(got)
			}
			if mentions != want {
				t.Errorf("the build-id is printed %d times, want %d\n%s", mentions, want, dump)
			}
		})
	}

	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		stripped := strippedCopy(t, buildProgram(t, progsDir, "./segv"), 0)
		r := runProgram(t, stripped, []string{"CGOSYMBOLIZER=off"})
		checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
		if strings.Contains(r.Stderr, stripped+"+0x") {
			t.Errorf("module+offset frames without the package\n%v", r)
		}
	})
}

// splitLayout lays out a stripped copy of bin and its debug file; it
// returns the binary to run and the environment to run it with.
type splitLayout func(t *testing.T, bin string) (string, []string)

// splitDebug writes bin's DWARF and symbols to debugPath and a copy of bin
// stripped of everything to exe, with a .gnu_debuglink to debugPath when
// link is set.
func splitDebug(t *testing.T, bin, exe, debugPath string, link bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, bin, exe)
	if err := os.MkdirAll(filepath.Dir(debugPath), 0o755); err != nil {
		t.Fatal(err)
	}
	objcopy(t, "--only-keep-debug", exe, debugPath)
	args := []string{"--strip-all"}
	if link {
		args = append(args, "--add-gnu-debuglink="+debugPath)
	}
	objcopy(t, append(args, exe)...)
}

func splitLayouts() []struct {
	name   string
	layout splitLayout
	named  bool // the C frames get names and lines
} {
	return []struct {
		name   string
		layout splitLayout
		named  bool
	}{
		{"debuglink-beside", func(t *testing.T, bin string) (string, []string) {
			dir := t.TempDir()
			exe := filepath.Join(dir, "app")
			splitDebug(t, bin, exe, filepath.Join(dir, "app.debug"), true)
			return exe, nil
		}, true},
		{"debuglink-in-.debug", func(t *testing.T, bin string) (string, []string) {
			dir := t.TempDir()
			exe := filepath.Join(dir, "app")
			splitDebug(t, bin, exe, filepath.Join(dir, ".debug", "app.debug"), true)
			return exe, nil
		}, true},
		{"build-id-dir", func(t *testing.T, bin string) (string, []string) {
			exe := filepath.Join(t.TempDir(), "app")
			debugDir := t.TempDir()
			id := gnuBuildID(t, bin)
			splitDebug(t, bin, exe, filepath.Join(debugDir, ".build-id", id[:2], id[2:]+".debug"), false)
			return exe, []string{"CGOSYMBOLIZER_DEBUG_DIRS=" + debugDir}
		}, true},
		{"debuglink-to-another-build", func(t *testing.T, bin string) (string, []string) {
			// The same name and path, another build's contents (a
			// deployment that replaced the binary but not the debug
			// file): refused by its CRC.
			dir := t.TempDir()
			exe := filepath.Join(dir, "app")
			splitDebug(t, bin, exe, filepath.Join(dir, "app.debug"), true)
			other := t.TempDir()
			splitDebug(t, otherBuild(t, bin), filepath.Join(other, "app"), filepath.Join(other, "app.debug"), true)
			copyFile(t, filepath.Join(other, "app.debug"), filepath.Join(dir, "app.debug"))
			return exe, nil
		}, false},
	}
}

// otherBuild is a build of the same program as bin that differs in its
// C code generation, hence in its build-id and debug file.
func otherBuild(t *testing.T, bin string) string {
	t.Helper()
	return buildProgram(t, progsDir, "./"+filepath.Base(bin), "CGO_CFLAGS=-g -O2 -DCGOSYM_OTHER_BUILD=1 -fno-omit-frame-pointer")
}

func TestSplitDebugInfo(t *testing.T) {
	t.Parallel()
	type program struct {
		name, prog string
		args       []string
		crash      bool
		frames     func(t *testing.T) []frame // the C frames, then the Go frame below them
	}
	programs := []program{
		{"crash", "segv", nil, true, func(t *testing.T) []frame {
			return append([]frame{
				{Func: "leaf", File: "segv.c", Line: lineOf(t, "segv", "segv.c", "MARK:leaf_fault")},
				{Func: "middle", File: "segv.c", Line: lineOf(t, "segv", "segv.c", "MARK:middle_calls_leaf")},
				{Func: "entry", File: "segv.c", Line: lineOf(t, "segv", "segv.c", "MARK:entry_calls_middle")},
			}, cgoTail(t, "segv", "entry", "MARK:main_calls_entry")...)
		}},
		{"debug.Stack", "callback", []string{"stack"}, false, func(t *testing.T) []frame {
			return append(callbackCFrames(t),
				frame{Func: "main._Cfunc_c_outer"},
				frame{Func: "main.main", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:main_calls_outer")})
		}},
	}
	for _, p := range programs {
		for _, l := range splitLayouts() {
			t.Run(p.name+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				bin := buildProgram(t, progsDir, "./"+p.prog)
				exe, env := l.layout(t, bin)
				r := runProgram(t, exe, env, p.args...)
				dump := r.Stdout
				if p.crash {
					checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
					dump = r.Stderr
				}
				frames := withoutCgoWrappers(parseFrames(dump))
				if l.named {
					assertFrames(t, frames, p.frames(t), r.String())
					return
				}
				// Refused: no name from the wrong file, and the frames
				// are path+offset as with no debug file at all.
				want := p.frames(t)
				for _, f := range frames {
					for _, w := range want {
						if f.C && f.Func == w.Func {
							t.Errorf("frame %v named from another build's debug file\n%v", f, r)
						}
					}
				}
				if !strings.Contains(dump, exe+"+0x") {
					t.Errorf("no %s+0xOFFSET frames\n%v", exe, r)
				}
			})
		}
	}
}
