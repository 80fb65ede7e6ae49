//go:build linux && amd64

package cgosymbolizer_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCrashHelperHarness runs testdata/crash_helper_harness/run.sh: the
// crash path in C, outside Go, in the cases a Go program cannot easily
// stage — a crash inside malloc with the heap lock held, exec or vfork
// forbidden by seccomp, a non-dumpable process, two threads crashing at
// once, a helper that hangs, answers slowly or exceeds its budget, and a
// program whose constructors never run. Each scenario must end (no hang)
// with the answers or fallbacks it expects.
func TestCrashHelperHarness(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "a C harness built and run on the host, for the host's architecture: make test runs it")
	requireToolchain(t)
	cmd := exec.Command("sh", "testdata/crash_helper_harness/run.sh")
	if asanBuild {
		// The harness is C built by run.sh: under make test-asan, with ASan
		// too (run.sh then skips the scenarios that need glibc's malloc).
		cmd.Env = append(os.Environ(), "HARNESS_CFLAGS=-fsanitize=address")
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ALL PASS") {
		t.Fatalf("run.sh: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "== ") {
			t.Log(strings.TrimPrefix(l, "== "))
		}
	}
}
