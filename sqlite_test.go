//go:build linux && amd64

package cgosymbolizer_test

// SQLite through github.com/mattn/go-sqlite3: a real cgo library from the
// module proxy, whose C code (the SQLite amalgamation, sqlite3-binding.c) is
// compiled by cgo into the program. The program is testdata/sqlite, its own
// module; building it takes about a minute the first time (then the build
// cache has it), and happens once per test run.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const sqliteModule = "testdata/sqlite"

func TestSQLite(t *testing.T) {
	bin := buildProgram(t, sqliteModule, "cgosymbolizer.test/sqlite")
	t.Run("CrashInSQLite", func(t *testing.T) { testSQLiteCrash(t, bin) })
	t.Run("CPUProfile", func(t *testing.T) { testSQLiteProfile(t, bin) })
}

// sqliteBindingSource is the path of sqlite3-binding.c in the module cache,
// for the lines the frames must point at.
func sqliteBindingSource(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/mattn/go-sqlite3")
	cmd.Dir = sqliteModule
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m github.com/mattn/go-sqlite3 in %s: %v", sqliteModule, err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "sqlite3-binding.c")
}

// A buggy SQL function hands sqlite3_result_text16 a wild pointer; SQLite's
// own code faults reading it. The dump must show SQLite's frames, with
// sqlite3-binding.c lines, between the program's C frames and Go's.
func testSQLiteCrash(t *testing.T, bin string) {
	r := runProgram(t, bin, nil, "crash")
	out := r.String()
	if r.ExitCode != 2 || !strings.Contains(r.Stderr, "SIGSEGV") {
		t.Fatalf("want a SIGSEGV crash dump and exit status 2; got:\n%s", out)
	}
	got := parseFrames(r.Stderr)

	src := sqliteBindingSource(t)
	const binding = "sqlite3-binding.c"
	report := filepath.Join(sqliteModule, "report.c")
	runs := [][]frame{
		{ // the fault, inside SQLite, and the buggy function that called it
			{Func: "sqlite3VdbeMemSetStr", File: binding, Line: sourceLine(t, src, "(z[nByte] | z[nByte+1]); nByte+=2){}")},
			{Func: "setResultStrOrError", File: binding, Line: sourceLine(t, src, "rc = sqlite3VdbeMemSetStr(pOut, z, n, enc, xDel);")},
			// GCC compiles sqlite3_result_text16 into a tail call of
			// setResultStrOrError: it leaves no frame.
			{Func: "label_func", File: "report.c", Line: sourceLine(t, report, "MARK:sqlite_label_call")},
			{Func: "sqlite3VdbeExec", File: binding, Line: sourceLine(t, src, "(*pCtx->pFunc->xSFunc)(pCtx, pCtx->argc, pCtx->argv);")},
		},
		// sqlite3Step is inlined into sqlite3_step; whether it gets a frame
		// of its own is the compiler's business.
		{{Func: "sqlite3_step", File: binding}},
		{ // back to the program's C code, and on into Go
			{Func: "sqlite3_exec", File: binding},
			{Func: "run_label_report", File: "report.c", Line: sourceLine(t, report, "MARK:sqlite_exec_call")},
			{Func: "_cgo_*"},
			{Func: "runtime.cgocall"},
			{Func: "main._Cfunc_run_label_report"},
			{Func: "main.main", File: "main.go"},
		},
	}
	sqliteAssertRunsInOrder(t, got, runs, out)
	for _, f := range got {
		if filepath.Base(f.File) == binding && f.Line <= 0 {
			t.Errorf("SQLite frame without a line: %v", f)
		}
	}
}

// sqliteAssertRunsInOrder checks that each run of frames appears contiguously
// in got (assertFrames), and the runs in the order given.
func sqliteAssertRunsInOrder(t *testing.T, got []frame, runs [][]frame, output string) {
	t.Helper()
	prev := -1
	for _, run := range runs {
		i := indexFrames(got, run)
		if i < 0 {
			assertFrames(t, got, run, output)
			return
		}
		if i <= prev {
			t.Errorf("frames %v found at %d, before the previous run (at %d); frames:\n%v", run, i, prev, got)
			return
		}
		prev = i
	}
}

// A CPU profile of an SQL workload: the samples taken while SQLite runs
// must name SQLite's C functions, with file and line, under the Go frames
// of the driver that called them. The profile is decoded with
// pprof_test.go's parseProfile.
func testSQLiteProfile(t *testing.T, bin string) {
	file := filepath.Join(t.TempDir(), "cpu.pprof")
	r := runProgram(t, bin, nil, "profile", file, "2")
	if r.ExitCode != 0 {
		t.Fatalf("profile run failed:\n%v", r)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseProfile(data)
	if err != nil {
		t.Fatalf("decoding %s: %v", file, err)
	}

	var total, withSQLite, joined int64
	leaves := map[string]int64{} // for the failure message
	for _, s := range p.Samples {
		if len(s.Values) == 0 {
			t.Fatalf("sample without values in %s", file)
		}
		n := s.Values[0]
		total += n
		stack := p.stack(s)
		vdbe, driver := -1, -1
		inSQLite := false
		for i, f := range stack {
			if filepath.Base(f.File) == "sqlite3-binding.c" {
				inSQLite = true
				if f.Func == "sqlite3VdbeExec" && f.Line > 0 && vdbe < 0 {
					vdbe = i
				}
			}
			if strings.HasPrefix(f.Func, "github.com/mattn/go-sqlite3.") && driver < 0 {
				driver = i
			}
		}
		if inSQLite {
			withSQLite += n
		}
		if vdbe >= 0 && driver > vdbe {
			joined += n
		}
		if len(stack) > 0 {
			leaf := stack[0]
			key := fmt.Sprintf("%s %s:%d", leaf.Func, leaf.File, leaf.Line)
			if leaf.Func == "" {
				key = fmt.Sprintf("pc=%#x (no function)", leaf.PC)
			}
			leaves[key] += n
		}
	}
	if total < 50 {
		t.Fatalf("only %d samples in 2 s of SQL work; want at least 50\n%v", total, r)
	}
	t.Logf("%d samples: %d in sqlite3-binding.c, %d with sqlite3VdbeExec under the driver's Go frames",
		total, withSQLite, joined)
	if joined == 0 || withSQLite*4 < total {
		t.Errorf("want samples naming sqlite3VdbeExec (sqlite3-binding.c, line > 0) called from "+
			"github.com/mattn/go-sqlite3's Go code, and at least a quarter of all samples in "+
			"sqlite3-binding.c; got %d and %d of %d.\nMost frequent leaf frames:\n%s",
			joined, withSQLite, total, sqliteTopCounts(leaves, 15))
	}
}

// sqliteTopCounts lists the n largest counts, largest first.
func sqliteTopCounts(counts map[string]int64, n int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	var b strings.Builder
	for i, k := range keys {
		if i == n {
			break
		}
		fmt.Fprintf(&b, "\t%5d %s\n", counts[k], k)
	}
	return b.String()
}
