//go:build linux && amd64

package cgosymbolizer_test

import (
	"fmt"
	"testing"
)

// TestNoLeakPerSymbolization symbolizes the same C and Go PCs 200,000 times
// through runtime.CallersFrames (testdata/progs/rss) and bounds the growth
// of resident memory after the first, cold round: a leak of even 16 bytes
// per C frame would add 9 MiB. About 1 MiB of growth is the Go runtime's
// own, with or without the package.
func TestNoLeakPerSymbolization(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "resident memory there includes qemu's translation cache, which grows by megabytes with the code run (4.7 MiB measured over these rounds)")
	bin := buildProgram(t, progsDir, "./rss")
	r := runProgram(t, bin, []string{"RSS_ROUNDS=200000"})
	if r.ExitCode != 0 {
		t.Fatalf("rss failed\n%v", r)
	}
	var rounds, pcs, cFrames, before, after, growth int64
	if _, err := fmt.Sscanf(r.Stdout, "rounds=%d pcs=%d c_frames=%d rss_before_kb=%d rss_after_kb=%d growth_kb=%d",
		&rounds, &pcs, &cFrames, &before, &after, &growth); err != nil {
		t.Fatalf("parsing %q: %v", r.Stdout, err)
	}
	t.Logf("%d rounds of %d PCs (%d C frames): RSS %d KiB -> %d KiB", rounds, pcs, cFrames, before, after)
	if cFrames != 3 {
		t.Errorf("want the 3 C frames rss_leaf, rss_middle, rss_top symbolized; got %d\n%v", cFrames, r)
	}
	if growth > 4096 {
		t.Errorf("resident memory grew by %d KiB over %d rounds: a leak per symbolization", growth, rounds)
	}
}
