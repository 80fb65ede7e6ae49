package main

// End-to-end tests: a real cgo program (testdata/progs/offline) built,
// stripped, crashed; its dump symbolized with the debug information found in
// each of the ways the command supports.

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"net"
	"net/http"
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

// progsDir is the module of the test programs.
var progsDir = filepath.Join("..", "..", "testdata", "progs")

// programTimeout bounds every program run and the debuginfod server's start.
const programTimeout = 60 * time.Second

// fixture is the offline test program, built once per test binary run.
type fixture struct {
	dir      string // everything below lives here
	bin      string // as built: with DWARF and symbols
	stripped string // strip --strip-all, with a .gnu_debuglink to offline.debug
	debug    string // objcopy --only-keep-debug, in a directory of its own
	buildID  string
	ranAs    string // the path the stripped binary crashed at; gone since
	crash    string // the crash dump (standard error of a SIGSEGV)
	stack    string // debug.Stack output printed from a C -> Go callback
	src      string // the program's source directory, absolute

	lib      string // lib/offlinelib.c built as a shared library
	libRanAs string // where its stripped copy was loaded from; gone since
	libCrash string // the crash dump of a SIGSEGV inside it
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
)

// TestMain removes the fixture's directory at the end.
func TestMain(m *testing.M) {
	// The test binary as the command, for tests that need a process of
	// its own (see TestDebuginfodSignal).
	if os.Getenv("CGOSYMBOLIZE_TEST_AS_COMMAND") == "1" {
		main()
	}
	code := m.Run()
	if theFixture != nil {
		os.RemoveAll(theFixture.dir)
	}
	os.Exit(code)
}

// getFixture builds, strips and runs the test program, once.
func getFixture(t *testing.T) *fixture {
	t.Helper()
	for _, tool := range []string{"go", "objcopy"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found (make deps installs what the tests need): %v", tool, err)
		}
	}
	fixtureOnce.Do(func() { theFixture, fixtureErr = makeFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return theFixture
}

func makeFixture() (*fixture, error) {
	dir, err := os.MkdirTemp("", "cgosymbolize-test-")
	if err != nil {
		return nil, err
	}
	f := &fixture{dir: dir}
	if f.src, err = filepath.Abs(filepath.Join(progsDir, "offline")); err != nil {
		return nil, err
	}
	for _, d := range []string{"build", "stripped", "debug", "run"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	f.bin = filepath.Join(dir, "build", "offline")
	f.stripped = filepath.Join(dir, "stripped", "offline")
	f.debug = filepath.Join(dir, "debug", "offline.debug")
	f.ranAs = filepath.Join(dir, "run", "offline")
	f.lib = filepath.Join(dir, "build", "libofflinelib.so")
	f.libRanAs = filepath.Join(dir, "run", "libofflinelib.so")
	// Full source paths (no -trimpath): frames name real files. GOFLAGS
	// passes on make test-asan's -asan and make test-ubsan's tags.
	build := exec.Command("go", "build", "-buildvcs=false", "-o", f.bin, "./offline")
	build.Dir = progsDir
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./offline in %s: %v\n%s", progsDir, err, out)
	}
	cc := exec.Command("gcc", "-g", "-O2", "-shared", "-fPIC", "-Wl,--build-id", "-o", f.lib, filepath.Join(f.src, "lib", "offlinelib.c"))
	if out, err := cc.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%q: %v\n%s", cc.Args, err, out)
	}
	for _, args := range [][]string{
		{"--only-keep-debug", f.bin, f.debug},
		{"--strip-all", "--add-gnu-debuglink=" + f.debug, f.bin, f.stripped},
		{"--strip-all", f.lib, f.libRanAs},
	} {
		if out, err := exec.Command("objcopy", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("objcopy %q: %v\n%s", args, err, out)
		}
	}
	if f.buildID, err = fileBuildID(f.stripped); err != nil {
		return nil, err
	}
	// The dumps come from a copy that is then removed, as on a production
	// host whose files are not at hand where the dump is read.
	if err := copyFile(f.stripped, f.ranAs); err != nil {
		return nil, err
	}
	defer os.Remove(f.ranAs)
	defer os.Remove(f.libRanAs)
	crash, err := runProgram(f.ranAs, "crash")
	if err != nil {
		return nil, err
	}
	f.crash = crash.stderr
	if crash.err == nil {
		return nil, fmt.Errorf("%s crash: exited normally\n%s", f.ranAs, crash.stderr)
	}
	stack, err := runProgram(f.ranAs, "stack")
	if err != nil {
		return nil, err
	}
	if stack.err != nil {
		return nil, fmt.Errorf("%s stack: %v\n%s%s", f.ranAs, stack.err, stack.stdout, stack.stderr)
	}
	f.stack = stack.stdout
	lib, err := runProgram(f.ranAs, "lib", f.libRanAs)
	if err != nil {
		return nil, err
	}
	if lib.err == nil {
		return nil, fmt.Errorf("%s lib: exited normally\n%s", f.ranAs, lib.stderr)
	}
	f.libCrash = lib.stderr
	return f, nil
}

type runResult struct {
	stdout, stderr string
	err            error
}

// runProgram runs bin with a hard timeout, its process group killed past it.
func runProgram(bin string, args ...string) (runResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), programTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOTRACEBACK=") && !strings.HasPrefix(kv, "CGOSYMBOLIZER") {
			env = append(env, kv)
		}
	}
	if strings.Contains(os.Getenv("GOFLAGS"), "-asan") {
		// LeakSanitizer's exit check: not what these tests are about.
		env = append(env, "ASAN_OPTIONS="+os.Getenv("ASAN_OPTIONS")+":detect_leaks=0")
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return runResult{}, fmt.Errorf("%s %q did not end within %v\n%s", bin, args, programTimeout, stderr.String())
	}
	return runResult{stdout.String(), stderr.String(), err}, nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

// sourceLine is the line of the unique marker comment in the file.
func sourceLine(t *testing.T, file, marker string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), marker) {
			if line != 0 {
				t.Fatalf("%s: marker %s on lines %d and %d", file, marker, line, n)
			}
			line = n
		}
	}
	if line == 0 {
		t.Fatalf("%s: no marker %s", file, marker)
	}
	return line
}

// wantFrame is one frame the command should print for an unnamed one.
type wantFrame struct {
	fn, file string
	line     int
}

// wantFrames are the frames of the dump's four unnamed frames (the
// offline_leaf/offline_middle PC, then one per caller); top is the marker of
// offline_leaf's line.
func (f *fixture) wantFrames(t *testing.T, top string) [][]wantFrame {
	t.Helper()
	c := filepath.Join(f.src, "offline.c")
	cc := filepath.Join(f.src, "offline.cc")
	return [][]wantFrame{
		{{"offline_leaf", c, sourceLine(t, c, top)}, {"offline_middle", c, sourceLine(t, c, "MARK:middle_calls_leaf")}},
		{{"offline::Runner::run(int)", cc, sourceLine(t, cc, "MARK:run_calls_middle")}},
		{{"offline_run", cc, sourceLine(t, cc, "MARK:offline_run_calls_run")}},
		{{"offline_entry", c, sourceLine(t, c, "MARK:entry_calls_run")}},
	}
}

// unnamedRE matches a frame the runtime could not name, with its pc= line.
var unnamedFrameRE = regexp.MustCompile(`(?m)^[^\t\n].*\+0x[0-9a-f]+(?: \(vaddr\))?(?: \(BuildId: [0-9a-f]+\))?\n\tpc=(0x[0-9a-f]+)\n`)

// symbolized is what the command should make of dump: the unnamed frames
// replaced, in order, by want's, each with the frame's pc=; every other byte
// the same.
func symbolized(t *testing.T, dump string, want [][]wantFrame) string {
	t.Helper()
	found := unnamedFrameRE.FindAllStringSubmatchIndex(dump, -1)
	if len(found) != len(want) {
		t.Fatalf("the dump has %d unnamed C frames, want %d (PATH+0xOFFSET and a pc= line: is the program stripped?):\n%s", len(found), len(want), dump)
	}
	var b strings.Builder
	last := 0
	for i, m := range found {
		b.WriteString(dump[last:m[0]])
		pc := dump[m[2]:m[3]]
		for _, w := range want[i] {
			fmt.Fprintf(&b, "%s\n\t%s:%d pc=%s\n", w.fn, w.file, w.line, pc)
		}
		last = m[1]
	}
	b.WriteString(dump[last:])
	return b.String()
}

// checkDump makes sure the runtime printed the module's build-id in the
// dump, in the format the command reads.
func (f *fixture) checkDump(t *testing.T, dump string) {
	t.Helper()
	want := f.ranAs + "+0x"
	if !strings.Contains(dump, want) || !strings.Contains(dump, " (BuildId: "+f.buildID+")") {
		t.Fatalf("the dump has no frame %q... with (BuildId: %s):\n%s", want, f.buildID, dump)
	}
}

// runCommand runs the command in this process.
func runCommand(t *testing.T, args []string, stdin string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(args, strings.NewReader(stdin), &out, &errOut); code != 0 {
		t.Fatalf("cgosymbolize %q: exit status %d\n%s", args, code, errOut.String())
	}
	return out.String(), errOut.String()
}

// assertOutput compares the command's output with the expected one, line
// by line for a readable failure.
func assertOutput(t *testing.T, got, want, stderr string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("output line %d:\n got %q\nwant %q\n----- output -----\n%s\n----- stderr -----\n%s", i+1, gl, wl, got, stderr)
		}
	}
}

// TestSymbolize symbolizes the stripped program's crash dump and
// debug.Stack output with the debug information found locally, in each
// supported way, and checks the output is exactly the dump with the C
// frames named (function, file:line, inlined frame, demangled C++ name).
func TestSymbolize(t *testing.T) {
	f := getFixture(t)
	f.checkDump(t, f.crash)
	f.checkDump(t, f.stack)

	// A debug directory laid out by build-id.
	byID := t.TempDir()
	idDir := filepath.Join(byID, ".build-id", f.buildID[:2])
	if err := os.MkdirAll(idDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(f.debug, filepath.Join(idDir, f.buildID[2:]+".debug")); err != nil {
		t.Fatal(err)
	}
	// The stripped binary with its debug file next to it, as its
	// .gnu_debuglink names it.
	linked := t.TempDir()
	for from, to := range map[string]string{f.stripped: "offline", f.debug: "offline.debug"} {
		if err := copyFile(from, filepath.Join(linked, to)); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	noDebuginfod := []string{"-debuginfod", ""}

	crash := f.wantFrames(t, "MARK:leaf_fault")
	stack := f.wantFrames(t, "MARK:leaf_calls_go")
	c := filepath.Join(f.src, "offline.c")
	lc := filepath.Join(f.src, "lib", "offlinelib.c")
	lib := [][]wantFrame{
		{{"lib_leaf", lc, sourceLine(t, lc, "MARK:lib_fault")}, {"lib_middle", lc, sourceLine(t, lc, "MARK:lib_middle_calls_leaf")}},
		{{"lib_crash", lc, sourceLine(t, lc, "MARK:lib_crash_calls_middle")}},
		{{"offline_dlopen_crash", c, sourceLine(t, c, "MARK:dlopen_calls_lib")}},
	}
	for _, tc := range []struct {
		name   string
		args   []string
		dump   string
		want   [][]wantFrame
		stderr string // something stderr must say
	}{
		{"crash, unstripped binary", []string{f.bin}, f.crash, crash, ""},
		{"debug.Stack, unstripped binary", []string{f.bin}, f.stack, stack, ""},
		{"crash, build-id debug dir", []string{"-debug-dir", byID, f.stripped}, f.crash, crash, ""},
		{"crash, .gnu_debuglink next to the binary", []string{"-debug-dir", empty, filepath.Join(linked, "offline")}, f.crash, crash, ""},
		{"crash, stripped binary and debug file as FILEs", []string{"-debug-dir", empty, f.stripped, f.debug}, f.crash, crash, ""},
		{"crash in a shared library", []string{"-debug-dir", empty, f.lib, f.bin}, f.libCrash, lib, ""},
		{"crash without build-ids, matched by name", []string{f.bin}, withoutBuildIDs(f.crash), crash,
			"the dump has no build-id; " + f.bin + " matched by name, not checked to be the same build"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{}, noDebuginfod...), tc.args...)
			got, stderr := runCommand(t, args, tc.dump)
			assertOutput(t, got, symbolized(t, tc.dump, tc.want), stderr)
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tc.stderr, stderr)
			}
			if tc.stderr == "" && stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}

// withoutBuildIDs removes the " (BuildId: ...)" suffixes, as in a dump
// printed where the build-id could not be read.
func withoutBuildIDs(dump string) string {
	return regexp.MustCompile(` \(BuildId: [0-9a-f]+\)`).ReplaceAllString(dump, "")
}

// asVaddr rewrites the dump's PATH+0xOFFSET frames of bin's module into
// PATH+0xVADDR (vaddr), as the process prints them when it cannot read the
// program headers; the build-id suffixes are kept.
func asVaddr(t *testing.T, dump, ranAs, bin string) string {
	t.Helper()
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(ranAs) + `\+0x([0-9a-f]+)`)
	n := 0
	out := re.ReplaceAllStringFunc(dump, func(m string) string {
		off, err := strconv.ParseUint(re.FindStringSubmatch(m)[1], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ef.Progs {
			if p.Type == elf.PT_LOAD && off >= p.Off && off-p.Off < p.Filesz {
				n++
				return fmt.Sprintf("%s+%#x (vaddr)", ranAs, off-p.Off+p.Vaddr)
			}
		}
		t.Fatalf("%s: offset %#x in no PT_LOAD segment", bin, off)
		return ""
	})
	if n == 0 {
		t.Fatalf("no frame of %s in the dump:\n%s", ranAs, dump)
	}
	return out
}

// TestSymbolizeVaddr symbolizes a crash dump whose frames give the address
// within the object, PATH+0xVADDR (vaddr), instead of the file offset,
// with and without build-ids; an address outside the binary's segments is
// left as it is, with a message.
func TestSymbolizeVaddr(t *testing.T) {
	f := getFixture(t)
	f.checkDump(t, f.crash)
	crash := f.wantFrames(t, "MARK:leaf_fault")
	vaddrs := asVaddr(t, f.crash, f.ranAs, f.stripped)
	outside := f.ranAs + "+0xfffffffffff0 (vaddr) (BuildId: " + f.buildID + ")\n\tpc=0x1\n"
	for _, tc := range []struct {
		name, dump, want, stderr string
	}{
		{"with build-ids", vaddrs, symbolized(t, vaddrs, crash), ""},
		{"without build-ids", withoutBuildIDs(vaddrs), symbolized(t, withoutBuildIDs(vaddrs), crash),
			"the dump has no build-id; " + f.bin + " matched by name"},
		{"outside the segments", outside, outside,
			f.ranAs + " (build-id " + f.buildID + "): address 0xfffffffffff0 (vaddr) is in no loadable segment of " + f.bin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, stderr := runCommand(t, []string{"-debuginfod", "", "-debug-dir", t.TempDir(), f.bin}, tc.dump)
			assertOutput(t, got, tc.want, stderr)
			if !strings.Contains(stderr, tc.stderr) || (tc.stderr == "" && stderr != "") {
				t.Errorf("stderr does not say %q:\n%s", tc.stderr, stderr)
			}
		})
	}
}

// TestWrongBuild gives the command a binary of another build under the
// dump's name: it is refused, with a message, and the dump left as it is.
func TestWrongBuild(t *testing.T) {
	f := getFixture(t)
	f.checkDump(t, f.crash)
	other := filepath.Join(t.TempDir(), "offline")
	if err := copyFile(f.bin, other); err != nil {
		t.Fatal(err)
	}
	flipBuildID(t, other)
	otherID, err := fileBuildID(other)
	if err != nil {
		t.Fatal(err)
	}
	got, stderr := runCommand(t, []string{"-debuginfod", "", "-debug-dir", t.TempDir(), other}, f.crash)
	if got != f.crash {
		t.Errorf("the dump was changed:\n%s", got)
	}
	for _, want := range []string{
		other + ": not the build the dump ran (its build-id is " + otherID + "; the dump has " + f.ranAs + " (build-id " + f.buildID + ")): not used",
		f.ranAs + " (build-id " + f.buildID + "): no matching executable or library; 4 frames left as they are",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

// TestUnrelatedFile gives the command a file of no module of the dump: it
// says so, and the dump is left as it is.
func TestUnrelatedFile(t *testing.T) {
	f := getFixture(t)
	libID, err := fileBuildID(f.lib)
	if err != nil {
		t.Fatal(err)
	}
	got, stderr := runCommand(t, []string{"-debuginfod", "", "-debug-dir", t.TempDir(), f.lib}, f.crash)
	if got != f.crash {
		t.Errorf("the dump was changed:\n%s", got)
	}
	if want := f.lib + ": matches no module of the dump (its build-id is " + libID + "): not used"; !strings.Contains(stderr, want) {
		t.Errorf("stderr does not say %q:\n%s", want, stderr)
	}
}

// flipBuildID changes the last byte of the file's GNU build-id in place.
func flipBuildID(t *testing.T, path string) {
	t.Helper()
	ef, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := ef.Section(".note.gnu.build-id")
	ef.Close()
	if s == nil {
		t.Fatalf("%s: no .note.gnu.build-id", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[s.Offset+s.Size-1] ^= 0xff
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestDebuginfod symbolizes the stripped program's crash dump through a
// real debuginfod server (elfutils) on loopback, which serves both the
// executable (not at its path here) and the debug file; nothing is given
// but the server's URL.
func TestDebuginfod(t *testing.T) {
	f := getFixture(t)
	f.checkDump(t, f.crash)
	served := t.TempDir()
	for _, p := range []string{f.stripped, f.debug} {
		if err := copyFile(p, filepath.Join(served, filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	url := startDebuginfod(t, served, f.buildID)
	cache := t.TempDir()
	t.Setenv("DEBUGINFOD_CACHE_PATH", cache)
	t.Setenv("DEBUGINFOD_URLS", url)
	want := symbolized(t, f.crash, f.wantFrames(t, "MARK:leaf_fault"))
	got, stderr := runCommand(t, []string{"-v", "-debug-dir", t.TempDir()}, f.crash)
	assertOutput(t, got, want, stderr)
	for _, kind := range []string{"executable", "debuginfo"} {
		u := url + "/buildid/" + f.buildID + "/" + kind
		if !strings.Contains(stderr, "debuginfod: "+u) {
			t.Errorf("stderr does not say it fetched %s:\n%s", u, stderr)
		}
		if _, err := os.Stat(filepath.Join(cache, f.buildID, kind)); err != nil {
			t.Errorf("not cached: %v", err)
		}
	}
	// Again from the cache, with the server unreachable.
	got, stderr = runCommand(t, []string{"-debuginfod", "http://127.0.0.1:1", "-debug-dir", t.TempDir()}, f.crash)
	assertOutput(t, got, want, stderr)
}

// TestStartDebuginfodPortTaken checks the helper's retry: the first port
// it is given is taken (as when another process binds the port found free
// before debuginfod does), and debuginfod is started again on another.
func TestStartDebuginfodPortTaken(t *testing.T) {
	f := getFixture(t)
	served := t.TempDir()
	for _, p := range []string{f.stripped, f.debug} {
		if err := copyFile(p, filepath.Join(served, filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	taken, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	go func() { // Closes what it accepts: polling it fails at once.
		for {
			c, err := taken.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	var given []int
	ports := func(t *testing.T) int {
		t.Helper()
		p := takenPort
		if len(given) > 0 {
			p = freePort(t)
		}
		given = append(given, p)
		return p
	}
	url := startDebuginfodOn(t, served, f.buildID, ports)
	if want := fmt.Sprintf("http://127.0.0.1:%d", given[len(given)-1]); len(given) < 2 || url != want {
		t.Errorf("URL %s after ports %v; want a second port, %s", url, given, want)
	}
}

// startDebuginfod starts debuginfod on a free loopback port over dir and
// waits until it serves the build-id's executable and debug file; it is
// killed when the test ends.
func startDebuginfod(t *testing.T, dir, buildID string) string {
	t.Helper()
	return startDebuginfodOn(t, dir, buildID, freePort)
}

// freePort returns a loopback port free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// debuginfodTries bounds startDebuginfodOn's attempts.
const debuginfodTries = 5

// startDebuginfodOn is startDebuginfod on the ports ports returns: the port
// found free may be taken before debuginfod binds it, so a debuginfod that
// exits before serving is started again on another, up to
// debuginfodTries times.
func startDebuginfodOn(t *testing.T, dir, buildID string, ports func(*testing.T) int) string {
	t.Helper()
	bin, err := exec.LookPath("debuginfod")
	if err != nil {
		t.Fatalf("debuginfod not found: install the Debian package debuginfod (make test does): %v", err)
	}
	var logs []string
	for try := 1; try <= debuginfodTries; try++ {
		url, log, exited := tryDebuginfod(t, bin, dir, buildID, ports(t))
		if !exited {
			return url
		}
		logs = append(logs, fmt.Sprintf("try %d, %s: %s", try, url, log))
	}
	t.Fatalf("debuginfod exited before serving, %d times:\n%s", debuginfodTries, strings.Join(logs, "\n"))
	return ""
}

// tryDebuginfod starts debuginfod on port and waits until it serves the
// build-id's files, or exits (exited: then log is its output).
func tryDebuginfod(t *testing.T, bin, dir, buildID string, port int) (url, log string, exited bool) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(bin, "-p", fmt.Sprint(port), "-d", filepath.Join(t.TempDir(), "db.sqlite"), "-F", dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		done <- <-done
	})
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(programTimeout)
	for {
		select {
		case err := <-done:
			done <- err
			return url, fmt.Sprintf("%v\n%s", err, out.String()), true
		default:
		}
		// Indexing goes file by file: wait for both.
		ready := 0
		var err error
		for _, kind := range []string{"executable", "debuginfo"} {
			var resp *http.Response
			resp, err = client.Get(url + "/buildid/" + buildID + "/" + kind)
			if err != nil {
				break
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("%s: %s", kind, resp.Status)
				break
			}
			ready++
		}
		if ready == 2 {
			return url, "", false
		}
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			done <- <-done
			t.Fatalf("debuginfod did not serve %s within %v (last: %v)\n%s", buildID, programTimeout, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
