//go:build linux && amd64

package cgosymbolizer_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSoak runs testdata/progs/soak: a 2 kHz CPU profile, goroutine
// profiles and runtime.Stack of all goroutines in a loop, C threads calling
// Go, C++ exceptions, dlopen/dlclose, malloc/free and dl_iterate_phdr, all
// at once, for CGOSYMBOLIZER_SOAK_SECONDS (default 20; `make soak` runs it
// for minutes). Symbolizers have deadlocked exactly here (SIGPROF landing
// in the loader's lock) and crashed (unwinding garbage): the program must
// end on its own, with every worker still making progress (its watchdog
// exits 3 with a goroutine dump after 10 s without progress), every
// runtime.Callers in a callback seeing its C caller, and a profile whose
// samples show the C frames.
func TestSoak(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "its watchdog fails any worker idle for 10 s, and under qemu-user a symbolization while a library is dlopen'd and dlclose'd in a loop takes 8 ms (6 times x86-64's): callbacks and goroutine profiles, which symbolize, stall; the soak is for hardware")
	seconds := 20
	if s := os.Getenv("CGOSYMBOLIZER_SOAK_SECONDS"); s != "" {
		var err error
		if seconds, err = strconv.Atoi(s); err != nil {
			t.Fatalf("CGOSYMBOLIZER_SOAK_SECONDS=%q: %v", s, err)
		}
	}
	bin := buildProgram(t, progsDir, "./soak")
	lib := compileSharedLib(t, progFile("soak", "lib/soaklib.c"), "libsoak.so")
	profPath := filepath.Join(t.TempDir(), "soak.prof")
	p := startProgram(t, bin, []string{
		"SOAK_SECONDS=" + strconv.Itoa(seconds), "SOAK_LIB=" + lib, "SOAK_PROFILE=" + profPath,
	})
	p.timeout = time.Duration(seconds)*time.Second + programTimeout
	r := p.Wait()
	if r.ExitCode != 0 || r.Signal != 0 {
		t.Fatalf("the soak did not end cleanly\n%v", r)
	}
	var done string
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.HasPrefix(l, "soak done: ") {
			done = l
		}
	}
	if done == "" {
		t.Fatalf("no \"soak done\" line\n%v", r)
	}
	counts := map[string]int64{}
	for _, kv := range strings.Fields(strings.TrimPrefix(done, "soak done: ")) {
		k, v, _ := strings.Cut(kv, "=")
		counts[k], _ = strconv.ParseInt(v, 10, 64)
	}
	for _, k := range []string{"callbacks", "throws", "dlopens", "mallocs", "dl_iterate_phdr", "stacks", "goroutine_profiles", "go_spins", "callers_ok"} {
		if counts[k] == 0 {
			t.Errorf("%s: none done\n%s", k, done)
		}
	}
	if counts["callers_bad"] != 0 {
		t.Errorf("%d runtime.Callers in a C->Go callback did not see callback_leaf\n%s", counts["callers_bad"], done)
	}

	data, err := os.ReadFile(profPath)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := parseProfile(data)
	if err != nil {
		t.Fatal(err)
	}
	var samples, cSamples int
	for _, s := range prof.Samples {
		samples++
		frames := prof.stack(s)
		for i, f := range frames {
			if f.Func == "spin_in_c" && i+1 < len(frames) && frames[i+1].File != "" && strings.HasSuffix(frames[i+1].File, "soak.c") {
				cSamples++
				break
			}
		}
	}
	t.Logf("%d s: %s; %d profile samples, %d with spin_in_c and its C caller", seconds, done, samples, cSamples)
	if cSamples == 0 {
		t.Errorf("no profile sample shows spin_in_c with its C caller (of %d samples)", samples)
	}
}
