//go:build linux && amd64

package cgosymbolizer_test

// Crash dumps: each program crashes inside C called from Go, and the Go
// runtime's dump (GOTRACEBACK unset, i.e. "single") must show the C frames,
// innermost first, with exact function, file and line, right before
// runtime.cgocall. Every case also runs with CGOSYMBOLIZER=off (the package
// then registers nothing) as a control: the same C frames must be absent
// there, which shows the assertions test the package and not the runtime,
// and the Go frames must be present, which shows the parsing works on the
// runtime's real output.

import (
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// maxCrashTime bounds how long a crashing program may take to print its
// dump and exit. Symbolizing in a helper process costs tens of ms.
const maxCrashTime = 10 * time.Second

// progFile is the path of a test program's source file.
func progFile(prog, name string) string { return filepath.Join(progsDir, prog, name) }

// lineOf is sourceLine for a test program's source file.
func lineOf(t testing.TB, prog, name, marker string) int {
	t.Helper()
	return sourceLine(t, progFile(prog, name), marker)
}

// cgoWrapperRE matches the C wrapper cgo generates around each C function
// that Go calls (_cgo_<hash>_Cfunc_<name>). GCC makes it a tail call when
// the function returns nothing, so whether it is a frame depends on the
// signature and the compiler; tests drop it before comparing.
var cgoWrapperRE = regexp.MustCompile(`^_cgo_[0-9a-f]+_Cfunc_`)

func withoutCgoWrappers(frames []frame) []frame {
	var out []frame
	for _, f := range frames {
		if !cgoWrapperRE.MatchString(f.Func) {
			out = append(out, f)
		}
	}
	return out
}

// cgoTail is what a crash dump prints below the C frames of a cgo call made
// from main.main: the runtime's cgocall, cgo's Go stub, and main.main at the
// line of the call (marked in prog/main.go).
func cgoTail(t testing.TB, prog, cfunc, mainMarker string) []frame {
	t.Helper()
	return []frame{
		{Func: "runtime.cgocall"},
		{Func: "main._Cfunc_" + cfunc},
		{Func: "main.main", File: "main.go", Line: lineOf(t, prog, "main.go", mainMarker)},
	}
}

// checkCgoCrash checks how a program that crashed in C ended: the runtime's
// dump for signal (its first line, e.g. "SIGSEGV: segmentation violation"),
// in cgo, exit status 2, in reasonable time.
func checkCgoCrash(t testing.TB, r result, signal string) {
	t.Helper()
	if r.ExitCode != 2 || r.Signal != 0 {
		t.Errorf("want exit status 2 (the runtime's crash exit); got %v", r)
	}
	for _, s := range []string{signal + "\n", "signal arrived during cgo execution\n"} {
		if !strings.Contains(r.Stderr, s) {
			t.Errorf("stderr does not contain %q; %v", s, r)
		}
	}
	if r.Elapsed > maxCrashTime {
		t.Errorf("the crash took %v to end the process (limit %v)", r.Elapsed, maxCrashTime)
	}
}

// checkNoGoPCsInCFrames fails if a frame printed by the cgo symbolizer path
// has a PC inside the Go code of bin: the C unwinder walked into Go frames.
func checkNoGoPCsInCFrames(t testing.TB, bin string, frames []frame, output string) {
	t.Helper()
	lo, hi := goText(t, bin)
	for i, f := range frames {
		if f.C && uint64(f.PC) >= lo && uint64(f.PC) < hi {
			t.Errorf("parsed frame %d (%v) is printed as a C frame but its PC is Go code [%#x, %#x): the unwinder did not stop where Go begins\n%s",
				i, f, lo, hi, output)
		}
	}
}

// elfSymbol is the address of symbol name in the executable bin (link-time,
// which is run-time for Go's default non-PIE executables).
func elfSymbol(t *testing.T, bin, name string) uint64 {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("%s: no symbol %s", bin, name)
	return 0
}

// compileSharedLib compiles one C file into a shared library in a fresh
// temporary directory with cgo's C compiler and default flags, and returns
// the library's path.
func compileSharedLib(t *testing.T, src, name string) string {
	t.Helper()
	requireToolchain(t)
	cc := cgoCC(t)
	absSrc, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(t.TempDir(), name)
	args := append(cc[1:], "-g", "-O2", "-shared", "-fPIC", "-o", lib, absSrc)
	if msg, err := exec.Command(cc[0], args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %q: %v\n%s", cc[0], args, err, msg)
	}
	return lib
}

type crashCase struct {
	name   string
	prog   string                      // directory under testdata/progs
	args   func(t *testing.T) []string // program arguments; may be nil
	signal string                      // first line of the runtime's dump
	stderr []string                    // more text the dump must contain
	frames func(t *testing.T) []frame  // the C frames, innermost first, then cgoTail
	inline [][2]int                    // pairs of frames (indices into frames) that must share a PC: one is inlined into the other
	noASan string                      // why the case cannot run under make test-asan ("" when it can)
	arm64  string                      // non-empty: an AArch64 case (make test-arm64 only), and why
	exact  map[int]string              // frame index -> the ELF symbol whose address is that frame's exact PC
}

func crashCases() []crashCase {
	return []crashCase{
		{
			// 1. SIGSEGV in a static inline function (always_inline) inside
			// a noinline one: the faulting PC symbolizes to two frames,
			// leaf at the faulting line and middle at the line where leaf
			// was inlined, both at the same PC (the symbolizer's More).
			name:   "segv-inlined-leaf",
			prog:   "segv",
			signal: "SIGSEGV: segmentation violation",
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "leaf", File: "segv.c", Line: lineOf(t, "segv", "segv.c", "MARK:leaf_fault")},
					{Func: "middle", File: "segv.c", Line: lineOf(t, "segv", "segv.c", "MARK:middle_calls_leaf")},
					{Func: "entry", File: "segv.c", Line: lineOf(t, "segv", "segv.c", "MARK:entry_calls_middle")},
				}, cgoTail(t, "segv", "entry", "MARK:main_calls_entry")...)
			},
			inline: [][2]int{{0, 1}},
		},
		{
			// 2. abort() from C two frames deep. libc's frames (raise,
			// abort) come first; ours must follow them.
			name:   "abort",
			prog:   "abort",
			signal: "SIGABRT: abort",
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "abort_inner", File: "abort.c", Line: lineOf(t, "abort", "abort.c", "MARK:inner_calls_abort")},
					{Func: "abort_outer", File: "abort.c", Line: lineOf(t, "abort", "abort.c", "MARK:outer_calls_inner")},
				}, cgoTail(t, "abort", "abort_outer", "MARK:main_calls_outer")...)
			},
		},
		{
			// 8. A frame with no unwind information (assembly without
			// .cfi directives) between C frames: the crashing function
			// is printed, then the walk stops cleanly at the trampoline
			// (the header's contract: it stops at the first PC with no
			// unwind information, writing no PC for it), no garbage, and
			// the Go part of the dump follows as usual.
			name:   "no-unwind-info",
			prog:   "noeh",
			signal: "SIGSEGV: segmentation violation",
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "noeh_crash", File: "noeh.c", Line: lineOf(t, "noeh", "noeh.c", "MARK:crash_fault")},
				}, cgoTail(t, "noeh", "noeh_top", "MARK:main_calls_top")...)
			},
		},
		{
			// A crash in a C signal handler: the walk goes out of the
			// handler through the signal trampoline (glibc's __restore_rt
			// on x86-64; on AArch64 the vDSO's, or qemu-user's own page,
			// unnamed) into the frame the signal interrupted, at its exact
			// PC (right after the system call instruction, not a return
			// address - 1), and on to its callers.
			name:   "signal-handler",
			prog:   "sigframe",
			signal: "SIGSEGV: segmentation violation",
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "sigframe_crash", File: "sigframe.c", Line: lineOf(t, "sigframe", "sigframe.c", "MARK:crash_fault")},
					{Func: "sigframe_handler", File: "sigframe.c", Line: lineOf(t, "sigframe", "sigframe.c", "MARK:handler_calls_crash")},
					{Func: "*"}, // the trampoline
					{Func: "sigframe_interrupted", File: "sigframe.c"},
					{Func: "sigframe_entry", File: "sigframe.c", Line: lineOf(t, "sigframe", "sigframe.c", "MARK:entry_calls_interrupted")},
				}, cgoTail(t, "sigframe", "sigframe_entry", "MARK:main_calls_entry")...)
			},
			exact: map[int]string{3: "sigframe_after_syscall"},
		},
		{
			// A caller whose X29 (AArch64's frame pointer) is 0, with
			// correct unwind information: the walk goes on through it.
			// Code built without frame pointers may leave 0 there;
			// libunwind releases after Debian 12's 1.6.2 end a walk at
			// X29 == 0, which unwinder_arm64.c works around.
			name:   "arm64-caller-x29-zero",
			prog:   "fpzero",
			signal: "SIGSEGV: segmentation violation",
			arm64:  "X29 is AArch64's frame pointer",
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "fpzero_crash", File: "fpzero.c", Line: lineOf(t, "fpzero", "fpzero.c", "MARK:crash_fault")},
					{Func: "fpzero_call", File: "fpzero_arm64.S", Line: lineOf(t, "fpzero", "fpzero_arm64.S", "MARK:call_calls_fn")},
					{Func: "fpzero_entry", File: "fpzero.c", Line: lineOf(t, "fpzero", "fpzero.c", "MARK:entry_calls_call")},
				}, cgoTail(t, "fpzero", "fpzero_entry", "MARK:main_calls_entry")...)
			},
		},
		{
			// Code built with return-address signing (Fedora's and
			// RHEL's default flags): its CFI uses
			// DW_CFA_AARCH64_negate_ra_state, which Debian 12's
			// libunwind (1.6.2) cannot parse, and its step then guesses
			// the caller from X30, the faulting frame's own return
			// address. The walk must stop after the faulting frame
			// rather than print it twice (a known limit with libunwind
			// before 1.7; see README).
			name:   "arm64-pac-ret",
			prog:   "pacret",
			signal: "SIGSEGV: segmentation violation",
			arm64:  "-mbranch-protection is an AArch64 flag",
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "pac_c", File: "pacret.c", Line: lineOf(t, "pacret", "pacret.c", "MARK:crash_fault")},
				}, cgoTail(t, "pacret", "pac_entry", "MARK:main_calls_entry")...)
			},
		},
		{
			// 9. A crash inside a library loaded with dlopen after the
			// package initialised: its frames, then the program's.
			name:   "dlopen",
			prog:   "dlopen",
			signal: "SIGSEGV: segmentation violation",
			args: func(t *testing.T) []string {
				return []string{compileSharedLib(t, progFile("dlopen", "solib/crashlib.c"), "libcrash.so")}
			},
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "plugin_crash", File: "crashlib.c", Line: lineOf(t, "dlopen", "solib/crashlib.c", "MARK:plugin_fault")},
					{Func: "plugin_entry", File: "crashlib.c", Line: lineOf(t, "dlopen", "solib/crashlib.c", "MARK:entry_calls_crash")},
					{Func: "call_plugin", File: "dlopen.c", Line: lineOf(t, "dlopen", "dlopen.c", "MARK:call_plugin_calls_entry")},
				}, cgoTail(t, "dlopen", "call_plugin", "MARK:main_calls_plugin")...)
			},
		},
		{
			// 10. An uncaught C++ exception: __cxa_throw finds no handler
			// and calls std::terminate -> abort with the throwing frames
			// still on the stack. Names are demangled (as __cxa_demangle
			// prints them); Validator<int>::check is emitted by GCC as an
			// .isra clone with a .cold part holding the throw, so the
			// name must come from DWARF, not the ELF symbol.
			name:   "cxx-uncaught-exception",
			prog:   "cxx",
			signal: "SIGABRT: abort",
			stderr: []string{"terminate called after throwing an instance of 'std::runtime_error'"},
			frames: func(t *testing.T) []frame {
				return append([]frame{
					{Func: "__cxa_throw"},
					{Func: "demo::Validator<int>::check(int)", File: "parser.cc", Line: lineOf(t, "cxx", "parser.cc", "MARK:check_throws")},
					{Func: "demo::Parser::parse(int)", File: "parser.cc", Line: lineOf(t, "cxx", "parser.cc", "MARK:parse_calls_check")},
					{Func: "cxx_entry", File: "parser.cc", Line: lineOf(t, "cxx", "parser.cc", "MARK:entry_calls_parse")},
				}, cgoTail(t, "cxx", "cxx_entry", "MARK:main_calls_entry")...)
			},
		},
		{
			// 11a. glibc aborts inside free() (tcache double free). The
			// symbolizer must not rely on malloc working.
			name:   "heap-double-free-tcache",
			prog:   "heap",
			args:   func(*testing.T) []string { return []string{"tcache"} },
			signal: "SIGABRT: abort",
			stderr: []string{"free(): double free detected in tcache 2"},
			frames: heapFrames,
			noASan: heapNoASan,
		},
		{
			// 11b. The same with the arena lock held by the dying thread:
			// any malloc in the crash path deadlocks (runProgram's timeout
			// turns that into a failure).
			name:   "heap-double-free-arena-locked",
			prog:   "heap",
			args:   func(*testing.T) []string { return []string{"locked"} },
			signal: "SIGABRT: abort",
			stderr: []string{"double free or corruption (!prev)"},
			frames: heapFrames,
			noASan: heapNoASan,
		},
	}
}

// The heap cases need glibc's malloc: ASan's allocator replaces it, reports
// the double free itself and exits 1 before any SIGABRT.
const heapNoASan = "its malloc replaces glibc's, whose double-free abort (and arena lock) the case is about"

func heapFrames(t *testing.T) []frame {
	return append([]frame{
		{Func: "heap_free_twice", File: "heap.c", Line: lineOf(t, "heap", "heap.c", "MARK:second_free")},
		{Func: "heap_entry", File: "heap.c", Line: lineOf(t, "heap", "heap.c", "MARK:entry_calls_free_twice")},
	}, cgoTail(t, "heap", "heap_entry", "MARK:main_calls_entry")...)
}

// TestCrash covers crashes in C on a goroutine's thread (cases 1, 2, 8, 9,
// 10, 11 of the test plan): the dump must show the C frames exactly.
func TestCrash(t *testing.T) {
	t.Parallel()
	for _, tc := range crashCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.noASan != "" {
				skipUnderASan(t, tc.noASan)
			}
			if tc.arm64 != "" && !emulated() {
				t.Skip("linux/arm64 only (make test-arm64): " + tc.arm64)
			}
			bin := buildProgram(t, progsDir, "./"+tc.prog)
			var args []string
			if tc.args != nil {
				args = tc.args(t)
			}
			want := tc.frames(t)
			cWant := want[:len(want)-3] // without cgoTail
			goWant := want[len(want)-3:]

			t.Run("symbolized", func(t *testing.T) {
				t.Parallel()
				r := runProgram(t, bin, nil, args...)
				checkCgoCrash(t, r, tc.signal)
				for _, s := range tc.stderr {
					if !strings.Contains(r.Stderr, s) {
						t.Errorf("stderr does not contain %q", s)
					}
				}
				frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
				assertFrames(t, frames, want, r.String())
				if at := indexFrames(frames, want); at >= 0 {
					for _, p := range tc.inline {
						a, b := frames[at+p[0]], frames[at+p[1]]
						if a.PC != b.PC {
							t.Errorf("%v and %v must share one PC (an inlined frame and its caller)\n%v", a, b, r)
						}
					}
				}
				if at := indexFrames(frames, want); at >= 0 {
					for i, sym := range tc.exact {
						if got, want := uint64(frames[at+i].PC), elfSymbol(t, bin, sym); got != want {
							t.Errorf("%v: want pc %#x (%s), the exact PC\n%v", frames[at+i], want, sym, r)
						}
					}
				}
				checkNoGoPCsInCFrames(t, bin, frames, r.String())
			})

			// Control: without the package the runtime prints no C frames
			// at all, so the assertions above cannot pass by accident.
			t.Run("control-off", func(t *testing.T) {
				t.Parallel()
				r := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"}, args...)
				checkCgoCrash(t, r, tc.signal)
				frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
				assertFrames(t, frames, goWant, r.String())
				if hasFrames(frames, cWant[len(cWant)-1:]) {
					t.Errorf("with CGOSYMBOLIZER=off the dump still shows %v: the package is not what makes the test pass\n%v", cWant[len(cWant)-1], r)
				}
			})
		})
	}
}

// TestCrashDeepCStack: 51 C frames deep (c_recurse(50) down to 0, then
// deep_crash). The runtime's buffer for a signal's C traceback holds 32 PCs
// (runtime.cgoCallers is [32]uintptr) and printCgoTraceback prints all of
// them when none is 0, so the dump must show exactly 32 C frames, innermost
// first — deep_crash, c_recurse at its call of deep_crash, 30 more
// c_recurse at the recursive call — and then runtime.cgocall directly.
func TestCrashDeepCStack(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./deep")

	// Control: without the package no C frame is printed at all.
	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		r := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"})
		checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
		frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
		if at := indexFrames(frames, cgoTail(t, "deep", "c_recurse", "MARK:main_calls_recurse")); at != 0 {
			t.Errorf("want the crashing goroutine to start at runtime.cgocall without the package (got it at %d)\n%v", at, r)
		}
	})

	r := runProgram(t, bin, nil)
	checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
	frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))

	want := []frame{
		{Func: "deep_crash", File: "deep.c", Line: lineOf(t, "deep", "deep.c", "MARK:crash_fault")},
		{Func: "c_recurse", File: "deep.c", Line: lineOf(t, "deep", "deep.c", "MARK:recurse_calls_crash")},
	}
	recurse := frame{Func: "c_recurse", File: "deep.c", Line: lineOf(t, "deep", "deep.c", "MARK:recurse_calls_recurse")}
	for len(want) < 32 {
		want = append(want, recurse)
	}
	// runtime.cgocall follows at once: the 33rd and later C frames are
	// dropped by the runtime, not printed as anything.
	want = append(want, cgoTail(t, "deep", "c_recurse", "MARK:main_calls_recurse")...)
	assertFrames(t, frames, want, r.String())

	nC := 0
	for _, f := range frames {
		if f.C {
			nC++
		}
	}
	if nC != 32 {
		t.Errorf("the crashing goroutine shows %d C frames; want exactly 32 (the runtime's limit)\n%v", nC, r)
	}
	if at := indexFrames(frames, want); at > 0 {
		t.Errorf("%d frames precede %v in the crashing goroutine; want none\n%v", at, want[0], r)
	}
	checkNoGoPCsInCFrames(t, bin, frames, r.String())
}

// TestCrashExecutableReplaced (case 12): the program's file is replaced on
// disk (renamed over, as a package upgrade does) while it runs, then it
// crashes in C. The frames must still be those of the running program:
// anything that reads the executable by path (os.Args[0], the path behind
// /proc/self/exe) would find the other binary, where these addresses mean
// nothing. The replacement is the segv program, whose C functions sit at
// other addresses.
func TestCrashExecutableReplaced(t *testing.T) {
	t.Parallel()
	orig := buildProgram(t, progsDir, "./replaced")
	other := buildProgram(t, progsDir, "./segv")
	want := append([]frame{
		{Func: "replaced_crash", File: "replaced.c", Line: lineOf(t, "replaced", "replaced.c", "MARK:crash_fault")},
		{Func: "replaced_entry", File: "replaced.c", Line: lineOf(t, "replaced", "replaced.c", "MARK:entry_calls_crash")},
	}, cgoTail(t, "replaced", "replaced_entry", "MARK:main_calls_entry")...)

	t.Run("symbolized", func(t *testing.T) {
		t.Parallel()
		r := runReplaced(t, orig, other, nil)
		frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
		assertFrames(t, frames, want, r.String())
		checkNoGoPCsInCFrames(t, orig, frames, r.String())
	})
	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		r := runReplaced(t, orig, other, []string{"CGOSYMBOLIZER=off"})
		frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
		assertFrames(t, frames, want[2:], r.String())
		if hasFrames(frames, want[1:2]) {
			t.Errorf("%v shown without the package\n%v", want[1], r)
		}
	})
}

// runReplaced runs a copy of the replaced program, renames a copy of other
// over it once it runs, lets it crash, and checks it crashed as it should.
func runReplaced(t *testing.T, orig, other string, env []string) result {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "replaced")
	copyFile(t, orig, bin)

	p := startProgram(t, bin, env, dir)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			p.killGroup()
			t.Fatalf("the program did not create %s in 30 s\n%v", filepath.Join(dir, "ready"), p.Wait())
		}
		time.Sleep(5 * time.Millisecond)
	}
	tmp := filepath.Join(dir, "replacement")
	copyFile(t, other, tmp)
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	r := p.Wait()
	checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
	return r
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestGoFaultsStillRecover (case 7): Go's own recoverable faults — a nil
// pointer dereference, and a bad read under debug.SetPanicOnFault(true) —
// must still become recoverable panics with the package imported (its
// signal handling must not claim them). This test passes without the
// package too: it guards against the package breaking Go, it does not show
// the package working.
func TestGoFaultsStillRecover(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./gofault")
	r := runProgram(t, bin, nil)
	if r.ExitCode != 0 {
		t.Fatalf("want exit status 0; got %v", r)
	}
	for _, s := range []string{"recovered nil: runtime error: invalid memory address or nil pointer dereference", "recovered fault: "} {
		if n := strings.Count(r.Stdout, s); n != 3 {
			t.Errorf("want %q 3 times in stdout, got %d\n%v", s, n, r)
		}
	}
}

// TestInternalLinking: with -ldflags=-linkmode=internal the program has no
// unwind tables. The package must still build, and must stand aside: the
// crash dump is the runtime's own, with no C frames and no bogus ones.
// Like TestGoFaultsStillRecover it passes without the package too: it guards
// against the package breaking such builds (a link error before this fix).
func TestInternalLinking(t *testing.T) {
	t.Parallel()
	skipUnderASan(t, "the Go linker cannot link an ASan program internally")
	bin := buildProgram(t, progsDir, "./segv", "GOFLAGS=-ldflags=-linkmode=internal")
	r := runProgram(t, bin, nil)
	checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
	for _, f := range parseFrames(r.Output()) {
		if f.C {
			t.Fatalf("C frame %v in the dump of an internally linked program\n%v", f, r)
		}
	}
	assertFrames(t, parseFrames(r.Output()), []frame{{Func: "runtime.cgocall"}}, r.Output())
}
