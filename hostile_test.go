//go:build linux && amd64

package cgosymbolizer_test

// Hostile files: a loaded library or its debug file truncated in place,
// deleted, or replaced by something that must not be read (huge, a FIFO, a
// directory, another build's), and debug info over the memory cap. The
// program records its stacks first and has them symbolized only after the
// damage, so the symbolizer meets the files as they are then.
//
// A file truncated in place keeps its inode: the loader's mapping and
// /proc/self/map_files still lead to it, and reading any page past the new
// end through a mapping raises SIGBUS. Before the engine read files instead
// of mapping them, "library truncated after first use" died of SIGBUS
// inside libdw.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// hostileFrame is one "FRAME\tfunction\tfile\tline" line of the hostile
// program, compared exactly (File "" means the symbolizer had none).
type hostileFrame struct {
	Func, File string
	Line       int
}

// stepFrames returns the frames the hostile program printed for step
// ("print=1"), with File reduced to its base name.
func stepFrames(t *testing.T, out, step string) []hostileFrame {
	t.Helper()
	var frames []hostileFrame
	in := false
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "STEP ") {
			in = line == "STEP "+step
			continue
		}
		if !in || !strings.HasPrefix(line, "FRAME\t") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("bad frame line %q", line)
		}
		n, err := strconv.Atoi(f[3])
		if err != nil {
			t.Fatalf("bad frame line %q", line)
		}
		file := f[2]
		if file != "" {
			file = filepath.Base(file)
		}
		frames = append(frames, hostileFrame{f[1], file, n})
	}
	if frames == nil {
		t.Fatalf("no frames printed for %s", step)
	}
	return frames
}

// victimWant is what the library's frame must look like after a step.
type victimWant int

const (
	victimFull         victimWant = iota // function, victim.c:line from DWARF
	victimSymbol                         // function name from the symbol table, no file
	victimModuleOffset                   // "LIBRARY+0xOFFSET", no file
	victimAbsent                         // no C frames at all (package off)
)

func TestHostileFiles(t *testing.T) {
	bin := buildProgram(t, progsDir, "./hostile")
	src := progFile("hostile", "solib/victim.c")
	captureLine := lineOf(t, "hostile", "hostile.c", "MARK:capture_calls_go")
	runLine := map[string]int{
		"1": lineOf(t, "hostile", "hostile.c", "MARK:run_calls_first"),
		"2": lineOf(t, "hostile", "hostile.c", "MARK:run_calls_second"),
	}
	victim := map[string]hostileFrame{
		"1": {"victim_first", "victim.c", lineOf(t, "hostile", "solib/victim.c", "MARK:first_calls_back")},
		"2": {"victim_second", "victim.c", lineOf(t, "hostile", "solib/victim.c", "MARK:second_calls_back")},
	}
	deletedWant := victimFull // read through /proc/self/map_files
	if os.Geteuid() != 0 {
		deletedWant = victimModuleOffset
	}

	tests := []struct {
		name        string
		debuglink   bool                                  // library stripped, DWARF in LIB.debug via .gnu_debuglink
		prepare     func(t *testing.T, lib, debug string) // before the run
		steps       string                                // LIB and DEBUG are replaced by the paths
		env         []string
		want        map[string]victimWant // per print step
		stderr      string                // must appear, with LIB/DEBUG replaced
		mainNoDWARF bool                  // the program's own C frames named from .symtab only
	}{
		{
			name:  "library truncated after first use",
			steps: "capture print=1 truncate=LIB:0 print=2",
			want:  map[string]victimWant{"1": victimFull, "2": victimFull},
		},
		{
			name:  "library truncated to nothing before first use",
			steps: "capture truncate=LIB:0 print=1",
			want:  map[string]victimWant{"1": victimModuleOffset},
		},
		{
			name:  "library truncated to half before first use",
			steps: "capture truncate=LIB:HALF print=1",
			want:  map[string]victimWant{"1": victimModuleOffset},
		},
		{
			name:  "library deleted",
			steps: "capture rm=LIB print=1",
			want:  map[string]victimWant{"1": deletedWant},
		},
		{
			name:      "debug file truncated after first use",
			debuglink: true,
			steps:     "capture print=1 truncate=DEBUG:0 print=2",
			want:      map[string]victimWant{"1": victimFull, "2": victimFull},
		},
		{
			name:      "debug file truncated before first use",
			debuglink: true,
			steps:     "capture truncate=DEBUG:0 print=1",
			want:      map[string]victimWant{"1": victimSymbol},
		},
		{
			name:      "debug file deleted",
			debuglink: true,
			steps:     "capture rm=DEBUG print=1",
			want:      map[string]victimWant{"1": victimSymbol},
		},
		{
			name:      "debuglink to an 8 GiB file",
			debuglink: true,
			prepare: func(t *testing.T, lib, debug string) {
				replace(t, debug, func() error {
					f, err := os.Create(debug)
					if err != nil {
						return err
					}
					defer f.Close()
					return f.Truncate(8 << 30) // sparse: no disk used
				})
			},
			steps:  "capture print=1",
			want:   map[string]victimWant{"1": victimSymbol},
			stderr: "cgosymbolizer: DEBUG: debug info not read: the file is 8192 MiB, over the",
		},
		{
			name:      "debuglink to a FIFO",
			debuglink: true,
			prepare: func(t *testing.T, lib, debug string) {
				replace(t, debug, func() error { return syscall.Mkfifo(debug, 0o600) })
			},
			steps: "capture print=1",
			want:  map[string]victimWant{"1": victimSymbol},
		},
		{
			name:      "debuglink to a directory",
			debuglink: true,
			prepare: func(t *testing.T, lib, debug string) {
				replace(t, debug, func() error { return os.Mkdir(debug, 0o755) })
			},
			steps: "capture print=1",
			want:  map[string]victimWant{"1": victimSymbol},
		},
		{
			name:      "debug file of another build",
			debuglink: true,
			prepare: func(t *testing.T, lib, debug string) {
				other := compileVictim(t, src, "-O1", "-DOTHER_BUILD=1")
				replace(t, debug, func() error {
					return exec.Command(objcopyTool(), "--only-keep-debug", other, debug).Run()
				})
			},
			steps: "capture print=1",
			want:  map[string]victimWant{"1": victimSymbol},
		},
		{
			name:        "debug info over the memory cap",
			steps:       "capture print=1",
			env:         []string{"CGOSYMBOLIZER_MAX_MEMORY=64K"},
			want:        map[string]victimWant{"1": victimFull},
			stderr:      "hostile: debug info not read: it needs",
			mainNoDWARF: true,
		},
		{
			name:   "memory cap not understood",
			steps:  "capture print=1",
			env:    []string{"CGOSYMBOLIZER_MAX_MEMORY=lots"},
			want:   map[string]victimWant{"1": victimFull},
			stderr: "cgosymbolizer: CGOSYMBOLIZER_MAX_MEMORY=lots not understood (want e.g. 512M or off); the cap stays 512 MiB",
		},
		{
			name:  "package off",
			steps: "capture truncate=LIB:0 print=1",
			env:   []string{"CGOSYMBOLIZER=off"},
			want:  map[string]victimWant{"1": victimAbsent},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := compileVictim(t, src)
			debug := lib + ".debug"
			if tt.debuglink {
				for _, args := range [][]string{
					{"--only-keep-debug", lib, debug},
					{"--strip-all", "--add-gnu-debuglink=" + debug, lib},
				} {
					if out, err := exec.Command(objcopyTool(), args...).CombinedOutput(); err != nil {
						t.Fatalf("objcopy %q: %v\n%s", args, err, out)
					}
				}
			}
			if tt.prepare != nil {
				tt.prepare(t, lib, debug)
			}
			st, err := os.Stat(lib)
			if err != nil {
				t.Fatal(err)
			}
			expand := strings.NewReplacer("LIB:HALF", lib+":"+strconv.FormatInt(st.Size()/2, 10), "LIB", lib, "DEBUG", debug)
			args := append([]string{lib}, strings.Fields(expand.Replace(tt.steps))...)
			if strings.Contains(tt.steps, "truncate=LIB") {
				// The unwinder reads the library's mapped unwind table,
				// each page checked first by a system call that the
				// kernel fails with EFAULT past the file's end. qemu-user
				// answers it from its own page table (mapped: readable),
				// and the read then faults inside qemu, which aborts
				// ("assertion failed: (cpu == current_cpu)").
				skipUnderEmulation(t, "qemu-user cannot tell a mapping past a truncated file's end from readable memory")
			}
			env := tt.env
			if strings.Contains(tt.steps, "truncate=LIB") {
				// LeakSanitizer's scan at exit (make test-asan) reads the
				// library's data mapping, past the truncated file's end:
				// SIGBUS in the scan.
				env = withoutLeakCheck(env)
			}
			r := runProgram(t, bin, env, args...)
			if r.ExitCode != 0 || !strings.Contains(r.Stdout, "\ndone\n") {
				t.Fatalf("the program did not finish cleanly:\n%v", r)
			}
			if tt.stderr != "" && !strings.Contains(r.Stderr, expand.Replace(tt.stderr)) {
				t.Errorf("stderr lacks %q:\n%v", expand.Replace(tt.stderr), r)
			}
			for slot, want := range tt.want {
				got := stepFrames(t, r.Stdout, "print="+slot)
				i := indexOfFunc(got, "capture")
				if want == victimAbsent {
					if i >= 0 {
						t.Errorf("print=%s: C frames with the package off:\n%v", slot, r)
					}
					continue
				}
				if i < 0 || i+2 >= len(got) {
					t.Fatalf("print=%s: no capture frame followed by two more:\n%v", slot, r)
				}
				capture := hostileFrame{"capture", "hostile.c", captureLine}
				run := hostileFrame{"run_victim", "hostile.c", runLine[slot]}
				if tt.mainNoDWARF {
					capture = hostileFrame{"capture", "", 0}
					run = hostileFrame{"run_victim", "", 0}
				}
				if got[i] != capture || got[i+2] != run {
					t.Errorf("print=%s: got %v … %v, want %v … %v", slot, got[i], got[i+2], capture, run)
				}
				v := got[i+1]
				switch want {
				case victimFull:
					if v != victim[slot] {
						t.Errorf("print=%s: library frame %v, want %v", slot, v, victim[slot])
					}
				case victimSymbol:
					if w := (hostileFrame{victim[slot].Func, "", 0}); v != w {
						t.Errorf("print=%s: library frame %v, want %v (symbol table only)", slot, v, w)
					}
				case victimModuleOffset:
					if !strings.HasPrefix(v.Func, lib+"+0x") || v.File != "" || v.Line != 0 {
						t.Errorf("print=%s: library frame %v, want %s+0xOFFSET", slot, v, lib)
					}
				}
			}
		})
	}
}

// compileVictim builds the hostile program's library into a fresh
// directory (each case damages its own copy).
func compileVictim(t *testing.T, src string, flags ...string) string {
	t.Helper()
	requireToolchain(t)
	cc := cgoCC(t)
	absSrc, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(t.TempDir(), "libvictim.so")
	args := append(append(cc[1:], "-g", "-O2", "-shared", "-fPIC", "-o", lib, absSrc), flags...)
	if out, err := exec.Command(cc[0], args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %q: %v\n%s", cc[0], args, err, out)
	}
	return lib
}

// goEnv is one value of go env.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	requireToolchain(t)
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// replace removes path and makes something else there.
func replace(t *testing.T, path string, make func() error) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := make(); err != nil {
		t.Fatalf("making %s: %v", path, err)
	}
}

func indexOfFunc(frames []hostileFrame, fn string) int {
	for i, f := range frames {
		if f.Func == fn {
			return i
		}
	}
	return -1
}
