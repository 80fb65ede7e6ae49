//go:build linux && amd64 && asan

package cgosymbolizer_test

import (
	"debug/elf"
	"testing"
)

// Built with -asan (make test-asan): see skipUnderASan.
func init() { asanBuild = true }

// TestASanBuildsPrograms: the test programs must be built with ASan too
// (buildProgram passes GOFLAGS on), or make test-asan checks none of the C
// code that runs in them.
func TestASanBuildsPrograms(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./segv")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	for _, s := range syms {
		if s.Name == "__asan_init" {
			return
		}
	}
	t.Errorf("%s does not call __asan_init: the test programs are built without -asan", bin)
}
