//go:build linux && amd64

package cgosymbolizer_test

// Signal-stack use: the package's code runs inside signal handlers, on the
// runtime's 32 KiB gsignal stack (os_linux.go, mpreinit) or on the
// alternate signal stack a C thread brought. An overflow there kills the
// process silently, in the middle of the crash report that was to explain
// the crash. TestStackUse measures the peak use on the real paths and
// asserts it stays within stackUseBound:
//
//	crash-handler/*  a NULL write on a C-created thread: the package's crash
//	                 handler walks the stack to decide, then reports (the
//	                 C frames symbolized through the crash helper, a vfork
//	                 child that runs on the same stack until its execve)
//	go-dump/*        a NULL write in C called from main.main: the package's
//	                 handler decides and forwards to the runtime's, whose
//	                 dump calls the traceback and symbolizer callbacks (the
//	                 symbolizer in crash context talks to the crash helper).
//	                 With GOTRACEBACK=crash the runtime then raises SIGABRT
//	                 on the same thread, still inside its handler
//	                 (dieFromSignal): a second signal frame, the package's
//	                 handler deciding and the traceback callback (the
//	                 thread is in a cgo call) nested on top of the dump's
//	                 frames. The deepest path measured.
//	sigprof          a CPU profile while main.main sits in C (the runtime
//	                 calls the traceback callback in cgoSigtramp, then its
//	                 own sigprof) and a C thread that never called Go spins
//	                 (sigtrampnog: the callback, then sigprofNonGo). The C
//	                 code calls libc through the PLT, as C code does: a
//	                 sample in a PLT stub has libunwind evaluate the stub's
//	                 CFA expression, which (Debian 12's libunwind 1.6.2)
//	                 calls _Ux86_64_get_reg through libunwind's own PLT,
//	                 bound lazily: the first such sample of a process runs
//	                 the dynamic linker's resolver inside the handler
//	                 (+2.4 KiB with AVX-512, _dl_runtime_resolve_xsavec).
//
// How: testdata/progs/stackuse gives the thread under test a "painted"
// alternate signal stack, a 64 KiB MAP_SHARED mapping of a file in the
// test's temporary directory, filled with a position-dependent pattern.
// The main thread gets it from a C constructor, before the runtime starts:
// in a cgo program the runtime keeps the signal stack a thread already has
// (minitSignalStack, signal_unix.go), and init's LockOSThread keeps
// main.main on that thread. A C thread installs its own, and keeps it when
// it calls Go. Every handler of every signal on that thread then runs on the
// painted stack (all of them are installed with SA_ONSTACK), the kernel's
// signal frame included; since the mapping is shared and backed by a file,
// the file still holds what was written after the process died, and the
// deepest byte that no longer holds the pattern is the peak use. That is the
// high-water mark of bytes written: stack reserved below it and never
// written (a leaf's unused locals) is not counted.
//
// Each case checks that the measured path really ran (the report, the
// dump's C frames or the profile's C stacks are there: absent without the
// package) and that the painted stack was used at all (were it not, the
// runtime would have replaced it). Two more runs, at the same time, are
// logged for comparison: with CGOSYMBOLIZER=off, the runtime's own use on
// the same path; with LD_BIND_NOW=1, the use when no PLT slot is left to
// bind inside a handler. The painted stack is 64 KiB, twice the runtime's,
// so that a use past 32 KiB is measured and reported rather than fatal.
//
// Measured on Debian 12 (GCC 12, libunwind 1.6.2, Go 1.26, a CPU with
// AVX-512): crash handler 6.9 KiB (Go alone 4.1); dump 7.5 KiB (5.1), with
// GOTRACEBACK=crash 10.9 KiB (7.4); SIGPROF 7.5 KiB (4.8 on the main
// thread, 3.2 on the C thread), 9.8 KiB on the thread whose sample binds
// the PLT slot. The bound, 16 KiB, is half the runtime's 32 KiB and about
// 1.5 times the deepest of these. The other half stays for what this test
// cannot see on this machine: other compilers, libcs and libunwind
// versions, sanitizer builds (make test-ubsan runs this test too: the same
// figures within 100 bytes), a runtime whose own share grows (it runs
// before, around and after our code), a larger signal frame (a process
// that enabled AMX adds 8 KiB to each), and C callers' frames not walked
// here. A change that makes the package's own share (the difference from
// CGOSYMBOLIZER=off: 2.4-3.5 KiB, 6.6 KiB with the lazy binding) grow by
// half fails here, not in the field.

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const (
	stackuseProg = "stackuse"
	// paintedStackSize is STACKUSE_SIZE in stackuse.c.
	paintedStackSize = 64 << 10
	// goSignalStackSize is the runtime's gsignal stack (mpreinit).
	goSignalStackSize = 32 << 10
	// stackUseBound is the most signal stack a path may use, the kernel's
	// signal frame and the runtime's own frames included (see above).
	stackUseBound = 16 << 10
	// stackUseBoundArm64 is stackUseBound for linux/arm64 (make
	// test-arm64). Measured under qemu-user (the guest's stack use is the
	// compiled code's, as on hardware): crash handler 13.0 KiB (Go alone
	// 6.0); dump 16.4 KiB (7.1), with GOTRACEBACK=crash 20.9 KiB (11.0);
	// SIGPROF 16.5 KiB (6.6 on the main thread, 5.0 on the C thread). The
	// AArch64 signal frame is larger (4 KiB of FP/SIMD context), and the
	// package's share is 7-11.5 KiB, three times x86-64's: every frame is
	// a libunwind step there (no rule cache), with a 4 KiB unw_cursor_t and
	// libunwind's register-state records for AArch64's 97 DWARF registers
	// on the stack. Three quarters of the runtime's 32 KiB, 1.15 times the
	// deepest path.
	stackUseBoundArm64 = 24 << 10
)

// stackUseLimit is the bound for the architecture the test programs are
// built for.
func stackUseLimit() int {
	if emulated() {
		return stackUseBoundArm64
	}
	return stackUseBound
}

// stackusePattern is what word i (8 bytes, little-endian) of a painted
// stack holds before use: stackuse_pattern in stackuse.c (splitmix64).
func stackusePattern(i uint64) uint64 {
	z := i + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// paintedStackUse returns how many bytes of the painted stack in path were
// used: from the deepest (lowest) byte that differs from the pattern to the
// top. 0 means the stack was never used.
func paintedStackUse(t testing.TB, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the painted stack: %v", err)
	}
	if len(data) != paintedStackSize {
		t.Fatalf("%s has %d bytes, want %d", path, len(data), paintedStackSize)
	}
	var want [8]byte
	for off := 0; off < len(data); off += 8 {
		binary.LittleEndian.PutUint64(want[:], stackusePattern(uint64(off/8)))
		for k := 0; k < 8; k++ {
			if data[off+k] != want[k] {
				return len(data) - (off + k)
			}
		}
	}
	return 0
}

// stackUseRun is one run of the stackuse program, with a fresh
// STACKUSE_DIR: its result, the use of each painted stack and the
// directory.
type stackUseRun struct {
	r   result
	use map[string]int // by stack name ("main", "cthread")
	dir string
}

// startStackUse starts the stackuse program with a fresh STACKUSE_DIR;
// the function it returns waits for it and measures the painted stacks
// named in stacks.
func startStackUse(t *testing.T, bin string, stacks []string, env []string, args ...string) func() stackUseRun {
	t.Helper()
	dir := t.TempDir()
	p := startProgram(t, bin, append([]string{"STACKUSE_DIR=" + dir}, env...), args...)
	return func() stackUseRun {
		t.Helper()
		run := stackUseRun{r: p.Wait(), use: map[string]int{}, dir: dir}
		for _, s := range stacks {
			run.use[s] = paintedStackUse(t, filepath.Join(dir, s+".stack"))
		}
		return run
	}
}

func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

// stackUseCase is one path. check, on the run with the package, fails the
// test unless the path ran; checkOff, on the control, unless the program
// got as far as the same signal.
type stackUseCase struct {
	name     string
	args     []string
	env      []string
	stacks   []string // the painted stacks the path runs on
	check    func(t *testing.T, bin string, r result, dir string)
	checkOff func(t *testing.T, r result, dir string)
}

func stackuseFrame(t testing.TB, fn, marker string) frame {
	t.Helper()
	return frame{Func: fn, File: "stackuse.c", Line: lineOf(t, stackuseProg, "stackuse.c", marker)}
}

// checkStackUseReport checks the crash handler's report of the NULL write
// on the C thread, and that the process then died by SIGSEGV.
func checkStackUseReport(workerMarker string) func(t *testing.T, bin string, r result, dir string) {
	return func(t *testing.T, bin string, r result, _ string) {
		checkDiedBy(t, r, syscall.SIGSEGV)
		if !strings.Contains(r.Stdout, "stackuse: C thread crashes\n") {
			t.Fatalf("the C thread never got to its crash\n%v", r)
		}
		rep, err := parseCThreadReport(r.Stderr, "SIGSEGV: segmentation violation")
		if err != nil {
			t.Fatalf("no crash report of the C thread: %v\n%v", err, r)
		}
		if rep.Name != "stackuse-worker" {
			t.Errorf("the report names thread %q, want \"stackuse-worker\"\n%v", rep.Name, r)
		}
		assertFrames(t, rep.Frames, []frame{
			stackuseFrame(t, "crash_store", "MARK:store_fault"),
			stackuseFrame(t, "crash_leaf", "MARK:leaf_calls_store"),
			stackuseFrame(t, "worker_main", workerMarker),
			{Func: libcFrame},
		}, r.String())
	}
}

// checkStackUseDump checks the runtime's crash dump of the NULL write in C
// called from main.main: the C frames, named by the package in crash
// context, right before the cgo call.
func checkStackUseDump(t *testing.T, r result) {
	t.Helper()
	want := append([]frame{
		stackuseFrame(t, "crash_store", "MARK:store_fault"),
		stackuseFrame(t, "crash_leaf", "MARK:leaf_calls_store"),
	}, cgoTail(t, stackuseProg, "crash_leaf", "MARK:main_calls_crash_leaf")...)
	assertFrames(t, withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr))), want, r.String())
}

// checkGoDumpEnd checks how the crash dump run ended: status 2 for
// GOTRACEBACK unset, killed by SIGABRT for GOTRACEBACK=crash.
func checkGoDumpEnd(t *testing.T, r result, gotraceback string) {
	t.Helper()
	if gotraceback == "crash" {
		checkDiedBy(t, r, syscall.SIGABRT)
		for _, s := range []string{"SIGSEGV: segmentation violation\n", "signal arrived during cgo execution\n"} {
			if !strings.Contains(r.Stderr, s) {
				t.Errorf("stderr does not contain %q; %v", s, r)
			}
		}
		return
	}
	checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
}

func stackUseCases() []stackUseCase {
	cases := []stackUseCase{
		{
			// A C thread with a signal stack of its own (a library's):
			// the handler walks the whole stack to decide. Without one,
			// it runs on the thread's own stack and decides at once.
			name:   "crash-handler/never-called-go",
			args:   []string{"cthread-crash-never-called-go"},
			stacks: []string{"cthread"},
			check:  checkStackUseReport("MARK:worker_calls_crash_never"),
		},
		{
			// The common case: the signal stack is the one the runtime
			// gave the thread when it called Go (here the painted one,
			// which the runtime kept).
			name:   "crash-handler/called-go-once",
			args:   []string{"cthread-crash-after-go"},
			stacks: []string{"cthread"},
			check: func(t *testing.T, bin string, r result, dir string) {
				if !strings.Contains(r.Stdout, "goHello: called from the C thread\n") {
					t.Errorf("the C thread did not call Go\n%v", r)
				}
				checkStackUseReport("MARK:worker_calls_crash_after_go")(t, bin, r, dir)
			},
		},
	}
	for i := range cases {
		cases[i].checkOff = func(t *testing.T, r result, _ string) {
			checkDiedBy(t, r, syscall.SIGSEGV)
			if strings.Contains(r.Stderr, cthreadReportMark) {
				t.Errorf("a report without the package\n%v", r)
			}
		}
	}
	for _, tb := range []string{"single", "crash"} {
		tb := tb
		var env []string
		if tb == "crash" {
			env = []string{"GOTRACEBACK=crash"}
		}
		cases = append(cases, stackUseCase{
			name:   "go-dump/GOTRACEBACK=" + tb,
			args:   []string{"go-crash"},
			env:    env,
			stacks: []string{"main"},
			check: func(t *testing.T, _ string, r result, _ string) {
				checkGoDumpEnd(t, r, tb)
				checkStackUseDump(t, r)
			},
			checkOff: func(t *testing.T, r result, _ string) {
				checkGoDumpEnd(t, r, tb)
			},
		})
	}
	cases = append(cases, stackUseCase{
		name:     "sigprof",
		args:     []string{"profile", "200"},
		stacks:   []string{"main", "cthread"},
		check:    checkStackUseProfile,
		checkOff: func(t *testing.T, r result, _ string) { checkStackUseProfileRun(t, r) },
	})
	return cases
}

func checkStackUseProfileRun(t *testing.T, r result) {
	t.Helper()
	if r.ExitCode != 0 || !strings.HasSuffix(r.Stdout, "done\n") {
		t.Fatalf("want exit status 0 and \"done\"; got %v", r)
	}
}

// checkStackUseProfile checks that the profile holds the C stacks of both
// spinning threads: only the package's traceback callback, run in the
// SIGPROF handler on their painted stacks, can have found them.
func checkStackUseProfile(t *testing.T, _ string, r result, dir string) {
	checkStackUseProfileRun(t, r)
	data, err := os.ReadFile(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseProfile(data)
	if err != nil {
		t.Fatalf("decoding the profile: %v", err)
	}
	leafBegin := lineOf(t, stackuseProg, "stackuse.c", "MARK:spin_leaf_begin")
	leafEnd := lineOf(t, stackuseProg, "stackuse.c", "MARK:spin_leaf_end")
	mid := stackuseFrame(t, "spin_mid", "MARK:mid_calls_leaf")
	mainChain := append([]frame{mid, stackuseFrame(t, "spin_top", "MARK:top_calls_mid")},
		cgoTail(t, stackuseProg, "spin_top", "MARK:main_calls_spin")...)
	threadChain := []frame{mid, stackuseFrame(t, "worker_main", "MARK:worker_calls_spin"), {Func: libcFrame}}
	// matches reports whether stack is spin_leaf (inside its body) then chain.
	matches := func(stack, chain []frame) bool {
		stack = withoutCgoWrappers(stack)
		for i := 0; i+1+len(chain) <= len(stack); i++ {
			f := stack[i]
			if f.Func == "spin_leaf" && filepath.Base(f.File) == "stackuse.c" && f.Line >= leafBegin && f.Line <= leafEnd &&
				indexFrames(stack[i+1:], chain) == 0 {
				return true
			}
		}
		return false
	}
	var onMain, onThread int64
	for _, s := range p.Samples {
		st := p.stack(s)
		if matches(st, mainChain) {
			onMain += s.Values[0]
		}
		if matches(st, threadChain) {
			onThread += s.Values[0]
		}
	}
	t.Logf("samples with the whole C stack: %d from main.main's cgo call, %d from the C thread", onMain, onThread)
	// 200 ms of CPU each at 1 kHz, which the kernel's CPU timers deliver
	// at most once a tick (250 Hz on Debian's kernels): ~50 samples each.
	if onMain < 10 || onThread < 10 {
		t.Errorf("want at least 10 samples with spin_leaf <- %v and 10 with spin_leaf <- %v\n%v", mainChain, threadChain, p)
	}
}

// TestStackUse measures the signal stack used on each path, with the
// package, without it and with every PLT slot bound at load time (see the
// top of the file), and fails past stackUseBound.
func TestStackUse(t *testing.T) {
	skipUnderASan(t, "the bound is for production builds; ASan's redzones double the package's share (16.5 KiB on the deepest path)")
	t.Parallel()
	bin := buildProgram(t, progsDir, "./"+stackuseProg)
	for _, c := range stackUseCases() {
		c := c
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			waitOn := startStackUse(t, bin, c.stacks, c.env, c.args...)
			waitOff := startStackUse(t, bin, c.stacks, append([]string{packageOff}, c.env...), c.args...)
			waitBindNow := startStackUse(t, bin, c.stacks, append([]string{"LD_BIND_NOW=1"}, c.env...), c.args...)
			on, off, bindNow := waitOn(), waitOff(), waitBindNow()
			c.check(t, bin, on.r, on.dir)
			c.checkOff(t, off.r, off.dir)
			c.check(t, bin, bindNow.r, bindNow.dir)
			for _, s := range c.stacks {
				use := on.use[s]
				t.Logf("%s.stack: %s (%d bytes) with the package; %s with %s; %s with LD_BIND_NOW=1; bound %s",
					s, kib(use), use, kib(off.use[s]), packageOff, kib(bindNow.use[s]), kib(stackUseLimit()))
				switch {
				case use == 0 || bindNow.use[s] == 0:
					t.Errorf("%s.stack was never used: the path ran on another signal stack (did the runtime replace the painted one?)\n%v", s, on.r)
				case use >= paintedStackSize:
					t.Errorf("%s.stack was used to its end: more than %d bytes, past the runtime's %s\n%v", s, use, kib(goSignalStackSize), on.r)
				case use > stackUseLimit() || bindNow.use[s] > stackUseLimit():
					t.Errorf("%s.stack: %d bytes used (%d with LD_BIND_NOW=1), more than the bound of %d (the runtime gives a thread a %s signal stack)\n%v",
						s, use, bindNow.use[s], stackUseLimit(), kib(goSignalStackSize), on.r)
				}
			}
		})
	}
}
