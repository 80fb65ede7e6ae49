//go:build linux && amd64

package cgosymbolizer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestFuzzCorpus replays the ELF/DWARF fuzzer's seeds and regression corpus
// (testdata/fuzz: real files of every kind the engine reads, inputs the
// fuzzer found, hand-made hostile ones) through the engine in file mode,
// built with gcc -fsanitize=address,undefined: every input must be read,
// looked up across its address range and closed without a sanitizer report
// or a broken promise of the lookup API. libFuzzer itself is for
// `make fuzz`; this needs only gcc with libasan and libubsan.
func TestFuzzCorpus(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "a C harness built and run on the host, for the host's architecture: make test runs it")
	requireSanitizingGCC(t)
	out, err := exec.Command("sh", "testdata/fuzz/replay.sh").CombinedOutput()
	if err != nil {
		t.Fatalf("testdata/fuzz/replay.sh: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`replayed (\d+) inputs, 0 unreadable`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("testdata/fuzz/replay.sh: no summary\n%s", out)
	}
	want := 0
	for _, dir := range []string{"testdata/fuzz/seeds", "testdata/fuzz/corpus"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && e.Name()[0] != '.' && e.Name() != "README.md" {
				want++
			}
		}
	}
	if got, _ := strconv.Atoi(string(m[1])); got != want || want == 0 {
		t.Fatalf("replayed %d inputs, want %d (seeds/ and corpus/)\n%s", got, want, out)
	}
	t.Logf("replayed %d inputs", want)
}

// TestDwarfHarness runs testdata/dwarf_harness/run.sh: the engine in C,
// outside Go, on this process (inline chains, C++, stripped libraries,
// separate debug files by debuglink and build-id, dwz, mismatched and
// corrupt debug files, dlclose, the vdso), on a library replaced on disk,
// on another process (open_pid, also with its executable replaced), as
// root and unprivileged; then the engine's answers against addr2line,
// eu-addr2line and llvm-symbolizer, those installed.
func TestDwarfHarness(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "a C harness built and run on the host, for the host's architecture: make test runs it")
	for _, tool := range []string{"gcc", "g++", "python3", "objcopy", "strip", "readelf", "nm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found (make deps installs what the harness needs)", tool)
		}
	}
	out, err := exec.Command("sh", "testdata/dwarf_harness/run.sh").CombinedOutput()
	if err != nil {
		t.Fatalf("testdata/dwarf_harness/run.sh: %v\n%s", err, out)
	}
	if regexp.MustCompile(`(?m)^FAIL`).Match(out) || !regexp.MustCompile(`(?m)^PASS self`).Match(out) {
		t.Fatalf("testdata/dwarf_harness/run.sh:\n%s", out)
	}
	for _, l := range regexp.MustCompile(`(?m)^(PASS .*|  \S+ +\S+: depth.*)$`).FindAll(out, -1) {
		t.Log(string(l))
	}
}

// requireSanitizingGCC skips t unless gcc can build and run a program with
// -fsanitize=address,undefined (Debian's gcc brings libasan and libubsan;
// other distributions package them apart).
func requireSanitizingGCC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not found")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "probe.c")
	if err := os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "probe")
	if out, err := exec.Command("gcc", "-fsanitize=address,undefined", "-o", bin, src).CombinedOutput(); err != nil {
		t.Skipf("gcc cannot build with -fsanitize=address,undefined (libasan, libubsan missing?): %v\n%s", err, out)
	}
	if out, err := exec.Command(bin).CombinedOutput(); err != nil {
		t.Skipf("a program built with -fsanitize=address,undefined does not run here: %v\n%s", err, out)
	}
}
