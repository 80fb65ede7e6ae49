//go:build linux && amd64

package cgosymbolizer_test

// The test harness: build a real program, run it, parse what the Go runtime
// printed, and compare frames exactly.
//
// API (everything else in this file is private to it):
//
//	progsDir                              the test-program module, testdata/progs
//	buildProgram(t, moduleDir, pkg, env…) go build once per (moduleDir, pkg, env) per test run
//	runProgram(t, bin, env, args…)        run with a hard timeout; returns a result
//	startProgram(t, bin, env, args…)      the same, for tests that act while it runs
//	parseFrames(output) []frame           frames of Go traceback text (crash dumps, debug.Stack)
//	sourceLine(t, file, marker) int       line of a unique marker comment in a source file
//	assertFrames(t, got, want, output)    want must appear, contiguous, in got
//	assertFrameGroups(t, got, groups, output)  each group contiguous, groups in order
//	hasFrames(got, want) bool             the same test as assertFrames, without failing
//	indexFrames(got, want) int            where that run starts in got, or -1
//	firstGoroutine(output) string         the first goroutine's block of a dump
//	goText(t, bin) (lo, hi uint64)        the Go code's address range in bin
//
// Runs are reproducible: programs get the test's environment minus
// GOTRACEBACK, CGOSYMBOLIZER and CGOSYMBOLIZER_CRASH_HANDLER, plus what the
// test passes; a program that runs past programTimeout is killed with its
// process group and fails the test. TestMain (here) removes the shared build
// directory.
//
// A frame's Func is compared exactly; File by base name; Line exactly. In a
// want frame, an empty File or a zero Line matches anything, and a Func ending
// in "*" matches by prefix (for names such as cgo's generated
// "_cgo_0123abcd_Cfunc_entry").

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// progsDir is the module of the test programs, one main package per
// subdirectory; its go.mod replaces the package with this checkout.
const progsDir = "testdata/progs"

// programTimeout bounds every program run: a program still running after it
// is killed with its whole process group, and the test fails.
const programTimeout = 60 * time.Second

// buildDir holds every binary built during this run of the test binary. It
// is shared (unlike t.TempDir) because builds are shared between tests, and
// removed by TestMain.
var (
	buildDirOnce sync.Once
	buildDir     string
	buildDirErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// asanBuild is set (asan_test.go) when the test binary is built with -asan,
// as make test-asan builds it and, through GOFLAGS, every test program.
var asanBuild bool

// skipUnderASan skips the test under make test-asan; why says what
// AddressSanitizer changes that the test depends on.
func skipUnderASan(t testing.TB, why string) {
	t.Helper()
	if asanBuild {
		t.Skip("under AddressSanitizer (make test-asan): " + why)
	}
}

// withoutLeakCheck returns env plus, under make test-asan, the inherited
// ASAN_OPTIONS with LeakSanitizer's check at exit turned off, for a program
// that exits normally in a state the check cannot survive.
func withoutLeakCheck(env []string) []string {
	if !asanBuild {
		return env
	}
	return append(env[:len(env):len(env)], "ASAN_OPTIONS="+os.Getenv("ASAN_OPTIONS")+":detect_leaks=0")
}

// testGOARCH is CGOSYMBOLIZER_TEST_GOARCH: "" builds test programs for the
// machine the tests run on; "arm64" (make test-arm64) cross-builds them with
// Debian's aarch64 toolchain and runs them under qemu-user.
var testGOARCH = os.Getenv("CGOSYMBOLIZER_TEST_GOARCH")

// Under CGOSYMBOLIZER_TEST_GOARCH=arm64: the cross compilers and the
// emulator. qemu runs without -L: the loader and the libraries come from
// Debian's multiarch tree (/lib/aarch64-linux-gnu); with the cross
// toolchain's sysroot instead, cgo programs hang at start-up
// (shared/notes/portability.md).
const (
	arm64CC   = "aarch64-linux-gnu-gcc"
	arm64CXX  = "aarch64-linux-gnu-g++"
	arm64QEMU = "qemu-aarch64-static"
)

// emulated reports whether test programs run under qemu-user.
func emulated() bool { return testGOARCH == "arm64" }

// skipUnderEmulation skips the test under make test-arm64; why says what
// the test needs that cross-building or qemu-user cannot give it.
func skipUnderEmulation(t testing.TB, why string) {
	t.Helper()
	if emulated() {
		t.Skip("under qemu-user (make test-arm64): " + why)
	}
}

// crossBuildEnv is what buildProgram adds to the go command's environment
// for testGOARCH.
func crossBuildEnv() []string {
	if !emulated() {
		return nil
	}
	return []string{"GOARCH=arm64", "CGO_ENABLED=1", "CC=" + arm64CC, "CXX=" + arm64CXX}
}

// cgoCC returns the C compiler (and its flags) cgo uses for test programs:
// go env CC, or the cross compiler under CGOSYMBOLIZER_TEST_GOARCH.
func cgoCC(t testing.TB) []string {
	t.Helper()
	if emulated() {
		return []string{arm64CC}
	}
	out, err := exec.Command("go", "env", "CC").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))
}

// objcopyTool is the objcopy for the test programs' binaries.
func objcopyTool() string {
	if emulated() {
		return "aarch64-linux-gnu-objcopy"
	}
	return "objcopy"
}

// toolchainErr is why programs cannot be built here ("" when they can).
var toolchainOnce sync.Once
var toolchainErr string

// crossErr is why CGOSYMBOLIZER_TEST_GOARCH cannot be honoured: a failure,
// not a skip.
var crossErr string

// requireToolchain skips the test when there is no go command, cgo is
// disabled, or the C compiler cgo would use is missing. Nothing else skips.
func requireToolchain(t testing.TB) {
	t.Helper()
	toolchainOnce.Do(func() {
		if _, err := exec.LookPath("go"); err != nil {
			toolchainErr = "no go command in PATH"
			return
		}
		switch testGOARCH {
		case "":
		case "arm64":
			// make test-arm64 installs these: missing, they are an error.
			for _, tool := range []string{arm64CC, arm64QEMU} {
				if _, err := exec.LookPath(tool); err != nil {
					crossErr = fmt.Sprintf("CGOSYMBOLIZER_TEST_GOARCH=arm64 needs %s (make test-arm64 installs it): %v", tool, err)
					return
				}
			}
			return
		default:
			crossErr = fmt.Sprintf("CGOSYMBOLIZER_TEST_GOARCH=%q: only arm64 is supported", testGOARCH)
			return
		}
		out, err := exec.Command("go", "env", "CGO_ENABLED", "CC").Output()
		if err != nil {
			toolchainErr = fmt.Sprintf("go env: %v", err)
			return
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) < 2 || lines[0] != "1" {
			toolchainErr = "cgo is disabled (go env CGO_ENABLED != 1)"
			return
		}
		cc := strings.Fields(lines[1])
		if len(cc) == 0 {
			toolchainErr = "go env CC is empty"
			return
		}
		if _, err := exec.LookPath(cc[0]); err != nil {
			toolchainErr = fmt.Sprintf("C compiler %q not found", cc[0])
		}
	})
	if crossErr != "" {
		t.Fatal(crossErr)
	}
	if toolchainErr != "" {
		t.Skip("cannot build cgo programs: " + toolchainErr)
	}
}

type buildResult struct {
	once sync.Once
	bin  string
	err  error
}

var builds sync.Map // key string -> *buildResult

// buildProgram builds the main package pkg (an import path, or a path such
// as "./segv" relative to moduleDir) of the module in moduleDir and returns
// the binary's absolute path. extraEnv ("CGO_CFLAGS=-O0", ...) is added to
// the go command's environment. The binary is built once per (moduleDir,
// pkg, extraEnv) per run of the test binary and shared between tests, so
// tests must not modify it (copy it first). Builds keep full source paths
// (no -trimpath) so that file names in frames are real. A failed build fails
// the test with the compiler's output; a missing toolchain skips it.
func buildProgram(t testing.TB, moduleDir, pkg string, extraEnv ...string) string {
	t.Helper()
	requireToolchain(t)
	absDir, err := filepath.Abs(moduleDir)
	if err != nil {
		t.Fatal(err)
	}
	extraEnv = append(crossBuildEnv(), extraEnv...)
	key := absDir + "\x00" + pkg + "\x00" + strings.Join(extraEnv, "\x00")
	v, _ := builds.LoadOrStore(key, &buildResult{})
	b := v.(*buildResult)
	b.once.Do(func() {
		buildDirOnce.Do(func() {
			buildDir, buildDirErr = os.MkdirTemp("", "cgosymbolizer-test-")
		})
		if buildDirErr != nil {
			b.err = buildDirErr
			return
		}
		dir, err := os.MkdirTemp(buildDir, filepath.Base(pkg)+"-")
		if err != nil {
			b.err = err
			return
		}
		b.bin = filepath.Join(dir, filepath.Base(pkg))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.bin, pkg)
		cmd.Dir = absDir
		cmd.Env = goBuildEnv("-buildvcs=false", extraEnv)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s in %s (env %q): %v\n%s", pkg, absDir, extraEnv, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.bin
}

// goBuildEnv is the environment of a go command that builds a test
// program: the test's own, GOWORK off, and extraEnv. GOFLAGS accumulates
// rather than being replaced: the test run's own (make test-ubsan's -tags,
// make test-asan's -asan), then flags, then any GOFLAGS in extraEnv, so
// that test programs are built the way the suite was asked to build them.
func goBuildEnv(flags string, extraEnv []string) []string {
	goflags := strings.Fields(os.Getenv("GOFLAGS"))
	goflags = append(goflags, strings.Fields(flags)...)
	env := append(os.Environ(), "GOWORK=off")
	for _, kv := range extraEnv {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			goflags = append(goflags, strings.Fields(v)...)
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS="+strings.Join(goflags, " "))
}

// result is how a program ended and what it printed.
type result struct {
	ExitCode int            // exit status; -1 when killed by a signal
	Signal   syscall.Signal // the signal that killed it, or 0
	Stdout   string
	Stderr   string
	Elapsed  time.Duration
}

// Output is stdout followed by stderr (crash dumps go to stderr).
func (r result) Output() string { return r.Stdout + r.Stderr }

// String describes the run, with its whole output, for failure messages.
func (r result) String() string {
	how := fmt.Sprintf("exit status %d", r.ExitCode)
	if r.Signal != 0 {
		how = fmt.Sprintf("killed by signal %d (%v)", int(r.Signal), r.Signal)
	}
	return fmt.Sprintf("%s after %v\n----- stdout -----\n%s\n----- stderr -----\n%s\n------------------",
		how, r.Elapsed.Round(time.Millisecond), r.Stdout, r.Stderr)
}

// process is a program started by startProgram.
type process struct {
	t       testing.TB
	cmd     *exec.Cmd
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	start   time.Time
	timeout time.Duration // programTimeout unless a test sets a longer one before Wait
	done    chan struct{}
	waitErr error
	waited  bool
}

// startProgram starts bin with args, in its own process group, with the
// test's environment minus GOTRACEBACK, CGOSYMBOLIZER and
// CGOSYMBOLIZER_CRASH_HANDLER (so that runs are reproducible) plus env. Call
// Wait to get the result; a process not waited for is killed when the test
// ends.
func startProgram(t testing.TB, bin string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if emulated() {
		qemu, err := exec.LookPath(arm64QEMU)
		if err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(qemu, append([]string{bin}, args...)...)
		// The crash helper is the program itself, which the kernel cannot
		// execute here: the package runs it under the emulator.
		env = append([]string{"CGOSYMBOLIZER_CRASH_HELPER_INTERPRETER=" + qemu}, env...)
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOTRACEBACK=") || strings.HasPrefix(kv, "CGOSYMBOLIZER=") || strings.HasPrefix(kv, "CGOSYMBOLIZER_CRASH_HANDLER=") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{t: t, cmd: cmd, timeout: programTimeout, done: make(chan struct{})}
	cmd.Stdout = &p.stdout
	cmd.Stderr = &p.stderr
	// A helper child that outlives the program and keeps the pipes open
	// must not block Wait.
	cmd.WaitDelay = 5 * time.Second
	p.start = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.waited {
			p.killGroup()
			<-p.done
		}
	})
	return p
}

func (p *process) killGroup() {
	// The negative pid names the process group: the program and any helper
	// process it started.
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
}

// Wait waits for the program to end, at most p.timeout after it started; past that it kills the process group and fails the test (with
// the output so far). Every process of the group is killed afterwards too.
func (p *process) Wait() result {
	p.t.Helper()
	timer := time.NewTimer(time.Until(p.start.Add(p.timeout)))
	defer timer.Stop()
	timedOut := false
	select {
	case <-p.done:
	case <-timer.C:
		timedOut = true
		p.killGroup()
		<-p.done
	}
	p.waited = true
	// Leave no helper behind, even when the program itself exited.
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)

	r := result{
		ExitCode: p.cmd.ProcessState.ExitCode(),
		Stdout:   p.stdout.String(),
		Stderr:   withoutEmulatorNotes(p.stderr.String()),
		Elapsed:  time.Since(p.start),
	}
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.Signal = ws.Signal()
	}
	var exitErr *exec.ExitError
	if p.waitErr != nil && !errors.As(p.waitErr, &exitErr) && !errors.Is(p.waitErr, exec.ErrWaitDelay) {
		p.t.Errorf("waiting for %s: %v", p.cmd.Path, p.waitErr)
	}
	if timedOut {
		p.t.Fatalf("%s %q did not end within %v; killed its process group.\n%v",
			p.cmd.Path, p.cmd.Args[1:], p.timeout, r)
	}
	return r
}

// withoutEmulatorNotes removes what qemu-user adds to a program's stderr
// when a signal kills it ("qemu: uncaught target signal 11 (Segmentation
// fault) - core dumped"): the program printed none of it.
func withoutEmulatorNotes(stderr string) string {
	if !emulated() {
		return stderr
	}
	lines := strings.SplitAfter(stderr, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, "qemu: uncaught target signal ") {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "")
}

// runProgram runs bin like startProgram and waits for it (see Wait).
func runProgram(t testing.TB, bin string, env []string, args ...string) result {
	t.Helper()
	return startProgram(t, bin, env, args...).Wait()
}

// frame is one frame of a traceback.
type frame struct {
	Func string // Go: package-qualified name without arguments; C: as printed; "non-Go function" when unnamed
	File string // full path as printed ("" when unknown); want frames: base name
	Line int
	PC   uintptr // C frames: the pc= value; Go frames: 0 unless printed
	C    bool    // printed by the cgo symbolizer path (Func line then "\t[file:line ]pc=0x...")
}

func (f frame) String() string {
	s := f.Func
	if f.File != "" || f.Line != 0 {
		s += fmt.Sprintf(" %s:%d", f.File, f.Line)
	}
	if f.C {
		s += fmt.Sprintf(" pc=%#x", f.PC)
	}
	return s
}

var (
	// "\t/path/file.c:12 pc=0x4a1b2c" or "\tpc=0x4a1b2c": a frame the cgo
	// symbolizer described.
	cLocRE = regexp.MustCompile(`^\t(?:(.+):(\d+) )?pc=(0x[0-9a-f]+)$`)
	// "\t/path/file.go:12 +0x1f fp=0x... sp=0x... pc=0x...", the suffixes
	// optional (inlined frames print none).
	goLocRE = regexp.MustCompile(`^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=(0x[0-9a-f]+))?$`)
	// What the runtime prints for C PCs when no symbolizer is registered.
	bareCRE = regexp.MustCompile(`^non-Go function at pc=(0x[0-9a-f]+)$`)
	// "created by main.main in goroutine 1"
	createdByRE = regexp.MustCompile(`^created by (\S+)(?: in goroutine \d+)?$`)
)

// parseFrames extracts the frames from Go traceback text: crash dumps,
// runtime.Stack, debug.Stack, panics; several goroutines are concatenated.
// Recognised, each a function line followed by a location line:
//
//	main.f(0x1, ...)              Go frame (arguments dropped)
//		/src/main.go:12 +0x1f
//	leaf                          C frame named by the symbolizer
//		/src/leaf.c:7 pc=0x4a1b2c
//	non-Go function               C frame the symbolizer could not name
//		pc=0x4a1b2c
//	created by main.main in goroutine 1     (Func "created by main.main")
//		/src/main.go:30 +0x25
//
// and the one-line "non-Go function at pc=0x..." printed when no symbolizer
// is registered. Everything else (headers, registers, messages) is skipped.
func parseFrames(output string) []frame {
	var frames []frame
	lines := strings.Split(strings.ReplaceAll(output, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := bareCRE.FindStringSubmatch(line); m != nil {
			frames = append(frames, frame{Func: "non-Go function", PC: parseHex(m[1]), C: true})
			continue
		}
		if line == "" || line[0] == '\t' || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "\t") {
			continue
		}
		loc := lines[i+1]
		if m := cLocRE.FindStringSubmatch(loc); m != nil {
			f := frame{Func: line, File: m[1], PC: parseHex(m[3]), C: true}
			f.Line, _ = strconv.Atoi(m[2])
			frames = append(frames, f)
			i++
			continue
		}
		if m := goLocRE.FindStringSubmatch(loc); m != nil {
			f := frame{File: m[1]}
			f.Line, _ = strconv.Atoi(m[2])
			if m[3] != "" {
				f.PC = parseHex(m[3])
			}
			if c := createdByRE.FindStringSubmatch(line); c != nil {
				f.Func = "created by " + c[1]
			} else if name, ok := stripGoArgs(line); ok {
				f.Func = name
			} else {
				continue
			}
			frames = append(frames, f)
			i++
		}
	}
	return frames
}

// stripGoArgs turns "main.(*T).m(0x1, {0x2, 0x3}, ...)" into "main.(*T).m".
func stripGoArgs(line string) (string, bool) {
	if !strings.HasSuffix(line, ")") {
		return "", false
	}
	depth := 0
	for i := len(line) - 1; i >= 0; i-- {
		switch line[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				if i == 0 {
					return "", false
				}
				return line[:i], true
			}
		}
	}
	return "", false
}

func parseHex(s string) uintptr {
	v, _ := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	return uintptr(v)
}

// sourceLine returns the 1-based line of file (relative to the test's
// directory, e.g. "testdata/progs/segv/segv.c") holding marker, normally
// written as a comment such as /* MARK:crash_site */ on the line a frame
// must point at. The marker must occur exactly once, as a whole word
// (MARK:crash does not match MARK:crash_site).
func sourceLine(t testing.TB, file, marker string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		for off := 0; ; {
			i := strings.Index(text[off:], marker)
			if i < 0 {
				break
			}
			end := off + i + len(marker)
			if end == len(text) || !isIdentByte(text[end]) {
				if found != 0 {
					t.Fatalf("marker %q occurs more than once in %s (lines %d and %d)", marker, file, found, n)
				}
				found = n
			}
			off = end
		}
	}
	if found == 0 {
		t.Fatalf("marker %q not found in %s", marker, file)
	}
	return found
}

func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// libcFrame, as a want frame's Func, matches one of glibc's thread-start
// frames (start_thread, clone3), named or not.
const libcFrame = "<libc thread start>"

// frameMatches reports whether got satisfies w (see the file comment).
func frameMatches(got, w frame) bool {
	if w.Func == libcFrame {
		// glibc's thread-start frames are named only with its debug info
		// (libc6-dbg); without it they are "/path/libc.so.6+0xOFF".
		return got.Func == "start_thread" || got.Func == "clone3" || got.Func == "clone" ||
			strings.Contains(got.Func, "/libc.so")
	}
	if prefix, ok := strings.CutSuffix(w.Func, "*"); ok {
		if !strings.HasPrefix(got.Func, prefix) {
			return false
		}
	} else if got.Func != w.Func {
		return false
	}
	if w.File != "" && filepath.Base(got.File) != w.File {
		return false
	}
	return w.Line == 0 || got.Line == w.Line
}

// indexFrames returns where want starts as a contiguous run in got, or -1.
func indexFrames(got, want []frame) int {
	for i := 0; i+len(want) <= len(got); i++ {
		ok := true
		for j := range want {
			if !frameMatches(got[i+j], want[j]) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// hasFrames reports whether want appears in got as a contiguous run.
func hasFrames(got, want []frame) bool { return indexFrames(got, want) >= 0 }

// assertFrames fails the test unless want appears in got as a contiguous
// run of frames. On failure it prints want, the parsed frames, and output
// (the whole text they came from, or a result's String()).
func assertFrames(t testing.TB, got, want []frame, output string) {
	t.Helper()
	if hasFrames(got, want) {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "want these frames, contiguous, innermost first:\n")
	for _, f := range want {
		fmt.Fprintf(&b, "\t%v\n", f)
	}
	// Say how far the longest matching prefix got, to point at the culprit.
	best, at := 0, -1
	for i := range got {
		n := 0
		for n < len(want) && i+n < len(got) && frameMatches(got[i+n], want[n]) {
			n++
		}
		if n > best {
			best, at = n, i
		}
	}
	if at >= 0 {
		fmt.Fprintf(&b, "longest match: %d of %d frames from parsed frame %d; next wanted %v, got ", best, len(want), at, want[best])
		if at+best < len(got) {
			fmt.Fprintf(&b, "%v\n", got[at+best])
		} else {
			fmt.Fprintf(&b, "end of traceback\n")
		}
	} else {
		fmt.Fprintf(&b, "not even the first wanted frame was found\n")
	}
	fmt.Fprintf(&b, "parsed frames (%d):\n", len(got))
	for i, f := range got {
		fmt.Fprintf(&b, "\t%2d %v\n", i, f)
	}
	fmt.Fprintf(&b, "output:\n%s", output)
	t.Error(b.String())
}

// assertFrameGroups fails the test unless every group of want frames
// appears contiguously in got, each group after the previous one (anything
// may come between groups). It returns where each group starts in got (nil
// on failure), so that callers can check what lies between.
func assertFrameGroups(t testing.TB, got []frame, groups [][]frame, output string) []int {
	t.Helper()
	var starts []int
	from := 0
	for gi, want := range groups {
		i := indexFrames(got[from:], want)
		if i < 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "frame group %d of %d not found", gi+1, len(groups))
			if gi > 0 {
				fmt.Fprintf(&b, " after parsed frame %d (where group %d ended)", from-1, gi)
			}
			fmt.Fprintf(&b, "; groups wanted, in order, innermost first:\n")
			for gj, g := range groups {
				fmt.Fprintf(&b, "  group %d:\n", gj+1)
				for _, f := range g {
					fmt.Fprintf(&b, "\t%v\n", f)
				}
			}
			fmt.Fprintf(&b, "parsed frames (%d):\n", len(got))
			for k, f := range got {
				fmt.Fprintf(&b, "\t%2d %v\n", k, f)
			}
			fmt.Fprintf(&b, "output:\n%s", output)
			t.Error(b.String())
			return nil
		}
		starts = append(starts, from+i)
		from += i + len(want)
	}
	return starts
}

// firstGoroutine returns the first goroutine's block of a traceback: from
// its "goroutine N ..." header to the next blank line. In a crash dump that
// is the goroutine that crashed. "" if there is none.
func firstGoroutine(output string) string {
	i := strings.Index(output, "goroutine ")
	for i > 0 && output[i-1] != '\n' {
		j := strings.Index(output[i+1:], "goroutine ")
		if j < 0 {
			return ""
		}
		i += 1 + j
	}
	if i < 0 {
		return ""
	}
	block := output[i:]
	if j := strings.Index(block, "\n\n"); j >= 0 {
		block = block[:j+1]
	}
	return block
}

// goText returns the address range [lo, hi) of the Go code in the
// executable bin (the runtime.text and runtime.etext symbols). C code linked
// into the program lies outside it. Addresses are link-time ones, which are
// the run-time ones for Go's default non-PIE executables.
func goText(t testing.TB, bin string) (lo, hi uint64) {
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
		switch s.Name {
		case "runtime.text":
			lo = s.Value
		case "runtime.etext":
			hi = s.Value
		}
	}
	if lo == 0 || hi <= lo {
		t.Fatalf("%s: no runtime.text/runtime.etext symbols", bin)
	}
	if f.Type == elf.ET_DYN {
		t.Fatalf("%s is position-independent: goText's link-time addresses are not run-time ones", bin)
	}
	return lo, hi
}

// TestHarness checks the harness itself on canned runtime output, so that a
// failure elsewhere is about the package, not the parsing.
func TestHarness(t *testing.T) {
	const dump = `SIGSEGV: segmentation violation
PC=0x48bcb7 m=0 sigcode=1 addr=0x0
signal arrived during cgo execution

goroutine 1 gp=0x2065532041e0 m=0 mp=0x55f780 [syscall]:
leaf
	/src/segv.c:16 pc=0x48bcb7
demo::Parser::parse(int)
	/src/parser.cc:32 pc=0x48bce2
std::terminate()
	pc=0x7f00000a8e84
non-Go function
	pc=0x48bd00
runtime.cgocall(0x48bca0, 0x20655324af38)
	/usr/local/go/src/runtime/cgocall.go:167 +0x4b fp=0x20655324af10 sp=0x20655324aed8 pc=0x477bab
main._Cfunc_entry()
	_cgo_gotypes.go:46 +0x3a fp=0x20655324af38 sp=0x20655324af10 pc=0x48bbfa
main.(*T).m(...)
	/src/main.go:9
runtime.goexit({})
	/usr/local/go/src/runtime/asm_amd64.s:1771 +0x1 fp=0x20655324afe8 sp=0x20655324afe0 pc=0x47f101

goroutine 2 gp=0x206553204d20 m=nil [force gc (idle)]:
runtime.gopark(0x0?, {0x1, 0x2}, ...)
	/usr/local/go/src/runtime/proc.go:462 +0xce
created by runtime.init.7 in goroutine 1
	/usr/local/go/src/runtime/proc.go:363 +0x1a
non-Go function at pc=0x48bd10

rax    0x57e4e0
`
	want := []frame{
		{Func: "leaf", File: "/src/segv.c", Line: 16, PC: 0x48bcb7, C: true},
		{Func: "demo::Parser::parse(int)", File: "/src/parser.cc", Line: 32, PC: 0x48bce2, C: true},
		{Func: "std::terminate()", PC: 0x7f00000a8e84, C: true},
		{Func: "non-Go function", PC: 0x48bd00, C: true},
		{Func: "runtime.cgocall", File: "/usr/local/go/src/runtime/cgocall.go", Line: 167, PC: 0x477bab},
		{Func: "main._Cfunc_entry", File: "_cgo_gotypes.go", Line: 46, PC: 0x48bbfa},
		{Func: "main.(*T).m", File: "/src/main.go", Line: 9},
		{Func: "runtime.goexit", File: "/usr/local/go/src/runtime/asm_amd64.s", Line: 1771, PC: 0x47f101},
		{Func: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 462},
		{Func: "created by runtime.init.7", File: "/usr/local/go/src/runtime/proc.go", Line: 363},
		{Func: "non-Go function", PC: 0x48bd10, C: true},
	}
	got := parseFrames(dump)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseFrames:\n got %v\nwant %v", got, want)
	}
	if g := firstGoroutine(dump); !strings.HasPrefix(g, "goroutine 1 ") || strings.Contains(g, "goroutine 2") || len(parseFrames(g)) != 8 {
		t.Errorf("firstGoroutine returned %q", g)
	}

	// Matching: base names, wildcards, prefixes, contiguity, order.
	if !hasFrames(got, []frame{{Func: "leaf", File: "segv.c", Line: 16}, {Func: "demo::Parser::parse(int)"}}) {
		t.Error("hasFrames: contiguous run with a base file name not found")
	}
	if hasFrames(got, []frame{{Func: "leaf"}, {Func: "std::terminate()"}}) {
		t.Error("hasFrames: matched a run that is not contiguous")
	}
	if hasFrames(got, []frame{{Func: "leaf", File: "segv.c", Line: 17}}) {
		t.Error("hasFrames: matched the wrong line")
	}
	if !hasFrames(got, []frame{{Func: "main._Cfunc_*"}}) || hasFrames(got, []frame{{Func: "main._Cfunc_"}}) {
		t.Error("hasFrames: prefix matching is wrong")
	}
	if starts := assertFrameGroups(t, got, [][]frame{{{Func: "leaf"}}, {{Func: "runtime.cgocall"}, {Func: "main._Cfunc_entry"}}}, dump); fmt.Sprint(starts) != "[0 4]" {
		t.Errorf("assertFrameGroups returned %v", starts)
	}
	if got := withoutCgoWrappers([]frame{{Func: "_cgo_0a1b2c3d4e5f_Cfunc_entry"}, {Func: "entry"}}); len(got) != 1 || got[0].Func != "entry" {
		t.Errorf("withoutCgoWrappers kept %v", got)
	}

	// sourceLine: whole-word, unique markers.
	src := filepath.Join(t.TempDir(), "x.c")
	os.WriteFile(src, []byte("int a; /* MARK:crash_site */\n/* MARK:crash */\nint b; /* MARK:crash_site_2 */\n"), 0o666)
	if n := sourceLine(t, src, "MARK:crash"); n != 2 {
		t.Errorf("sourceLine(MARK:crash) = %d, want 2", n)
	}
	if n := sourceLine(t, src, "MARK:crash_site"); n != 1 {
		t.Errorf("sourceLine(MARK:crash_site) = %d, want 1", n)
	}
}
