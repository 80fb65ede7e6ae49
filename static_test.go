//go:build linux && amd64

package cgosymbolizer_test

// Static linking (-tags cgosymbolizer_static, static_libs.go): the test
// programs built fully static with the README's recipe (with and without
// -Wl,--eh-frame-hdr), and with the tag alone (dynamic against glibc, the
// package's libraries static). Each must
// show the same exact C frames as the default build — in a crash dump
// (symbolized by the crash helper, a fresh copy of the static executable),
// in debug.Stack from a Go callback under C frames, with C++ names
// demangled, in the report of a crash on a C thread — and, as a control,
// none with CGOSYMBOLIZER=off.

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The recipe's -ldflags. gcc -static writes no .eh_frame_hdr, so the
// package builds a search table of its own at start-up (find_object.c);
// with -Wl,--eh-frame-hdr glibc hands it the linker's instead.
const (
	staticLDFlags         = `-extldflags=-static`
	staticEhFrameHdrFlags = `-extldflags "-static -Wl,--eh-frame-hdr"`
)

// buildTagged builds the test program prog with -tags cgosymbolizer_static
// (plus any tags of the suite's GOFLAGS, e.g. make test-ubsan's) and ldflags,
// once per test run, like buildProgram.
func buildTagged(t testing.TB, prog, ldflags string) string {
	t.Helper()
	requireToolchain(t)
	absDir, err := filepath.Abs(progsDir)
	if err != nil {
		t.Fatal(err)
	}
	tags := []string{"cgosymbolizer_static"}
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if v, ok := strings.CutPrefix(f, "-tags="); ok {
			tags = append(tags, strings.Split(v, ",")...)
		}
	}
	key := "static\x00" + prog + "\x00" + ldflags
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
		dir, err := os.MkdirTemp(buildDir, prog+"-static-")
		if err != nil {
			b.err = err
			return
		}
		b.bin = filepath.Join(dir, prog)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		// Flags on the command line: GOFLAGS cannot carry the space in
		// ldflags under Go 1.22, and a -tags there would be overridden.
		cmd := exec.CommandContext(ctx, "go", "build", "-tags", strings.Join(tags, ","), "-ldflags", ldflags, "-o", b.bin, "./"+prog)
		cmd.Dir = absDir
		cmd.Env = goBuildEnv("-buildvcs=false", nil)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("%q in %s: %v\n%s", cmd.Args, absDir, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.bin
}

// checkLinkage fails unless bin is fully static (no PT_INTERP, no
// DT_NEEDED) when static is set, and otherwise dynamic but with neither
// libdw, libelf nor libunwind among its libraries; and unless it has a
// PT_GNU_EH_FRAME exactly when ehFrameHdr is set.
func checkLinkage(t testing.TB, bin string, static, ehFrameHdr bool) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	interp, hdr := false, false
	for _, p := range f.Progs {
		interp = interp || p.Type == elf.PT_INTERP
		hdr = hdr || p.Type == elf.PT_GNU_EH_FRAME
	}
	if hdr != ehFrameHdr {
		t.Errorf("%s: PT_GNU_EH_FRAME %v, want %v", bin, hdr, ehFrameHdr)
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	if static {
		if interp || len(libs) != 0 {
			t.Fatalf("%s is not statically linked: PT_INTERP %v, libraries %q", bin, interp, libs)
		}
		return
	}
	if !interp {
		t.Fatalf("%s: want a dynamic executable (PT_INTERP)", bin)
	}
	for _, l := range libs {
		if strings.HasPrefix(l, "libdw") || strings.HasPrefix(l, "libelf") || strings.HasPrefix(l, "libunwind") {
			t.Errorf("%s needs %s: the tag must link it statically (libraries %q)", bin, l, libs)
		}
	}
}

func TestStaticBuild(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "static builds (-tags cgosymbolizer_static) are linux/amd64 only: static_libs.go links libunwind-x86_64.a, and on arm64 the tag changes nothing")
	for _, mode := range []struct {
		name       string
		ldflags    string
		static     bool
		ehFrameHdr bool // the linker wrote an .eh_frame_hdr
		crashOnly  bool // the crash case only: the others take the same paths
	}{
		{"static", staticLDFlags, true, false, false},
		{"static-eh-frame-hdr", staticEhFrameHdrFlags, true, true, true},
		{"tag-only", "", false, true, false},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			if mode.static {
				skipUnderASan(t, "gcc refuses -static with -fsanitize=address (\"cannot specify -static with -fsanitize=address\")")
			}

			// A crash in inlined C (TestCrash's first case).
			t.Run("crash", func(t *testing.T) {
				t.Parallel()
				bin := buildTagged(t, "segv", mode.ldflags)
				checkLinkage(t, bin, mode.static, mode.ehFrameHdr)
				want := crashCaseNamed(t, "segv-inlined-leaf").frames(t)
				r := runProgram(t, bin, nil)
				checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
				frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
				assertFrames(t, frames, want, r.String())
				if at := indexFrames(frames, want); at >= 0 && frames[at].PC != frames[at+1].PC {
					t.Errorf("inlined leaf and its caller middle must share one PC\n%v", r)
				}
				checkNoGoPCsInCFrames(t, bin, frames, r.String())

				off := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"})
				checkCgoCrash(t, off, "SIGSEGV: segmentation violation")
				offFrames := withoutCgoWrappers(parseFrames(firstGoroutine(off.Stderr)))
				assertFrames(t, offFrames, want[len(want)-3:], off.String())
				if hasFrames(offFrames, want[2:3]) {
					t.Errorf("with CGOSYMBOLIZER=off the dump still shows %v\n%v", want[2], off)
				}
			})

			if mode.crashOnly {
				return
			}

			// debug.Stack in a Go callback under C frames
			// (TestCallbackDebugStack).
			t.Run("callback-debug-stack", func(t *testing.T) {
				t.Parallel()
				bin := buildTagged(t, "callback", mode.ldflags)
				goCallback := []frame{
					{Func: "runtime/debug.Stack"},
					{Func: "main.goCallback", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:go_debug_stack")},
				}
				caller := []frame{
					{Func: "main._Cfunc_c_outer"},
					{Func: "main.main", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:main_calls_outer")},
				}
				r := runProgram(t, bin, nil, "stack")
				if r.ExitCode != 0 || !strings.HasSuffix(r.Stdout, "done\n") {
					t.Fatalf("want exit status 0 and \"done\"; got %v", r)
				}
				frames := parseFrames(r.Stdout)
				starts := assertFrameGroups(t, frames, [][]frame{goCallback, append(callbackCFrames(t), caller...)}, r.String())
				if starts != nil {
					for _, f := range frames[starts[0]+len(goCallback) : starts[1]] {
						if !f.C {
							t.Errorf("Go frame %v between goCallback and the C frames\n%v", f, r)
						}
					}
					if frames[starts[1]].PC != frames[starts[1]+1].PC {
						t.Errorf("inlined c_hop and its caller c_inner must share one PC\n%v", r)
					}
				}

				off := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"}, "stack")
				if off.ExitCode != 0 {
					t.Fatalf("want exit status 0; got %v", off)
				}
				assertFrames(t, parseFrames(off.Stdout), append(goCallback[1:], caller...), off.String())
			})

			// C++ names: the demangler is linked, not looked up.
			t.Run("cxx-demangled", func(t *testing.T) {
				t.Parallel()
				bin := buildTagged(t, "cxx", mode.ldflags)
				r := runProgram(t, bin, nil)
				checkCgoCrash(t, r, "SIGABRT: abort")
				frames := withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr)))
				assertFrames(t, frames, crashCaseNamed(t, "cxx-uncaught-exception").frames(t), r.String())
			})

			// A crash on a thread C created, which only the package's
			// own handler reports (TestCThreadCrash), and the runtime's
			// silence without it.
			t.Run("cthread", func(t *testing.T) {
				t.Parallel()
				bin := buildTagged(t, cthreadProg, mode.ldflags)
				c := cthreadCaseByMode(t, "called-go-once")
				r := runProgram(t, bin, nil, c.mode)
				checkDiedBy(t, r, c.sig)
				checkCThreadReport(t, bin, r, c, nil)
				checkGoSilentDeath(t, runProgram(t, bin, []string{packageOff}, c.mode), c.sig)
			})
		})
	}
}

// crashCaseNamed returns TestCrash's case of that name.
func crashCaseNamed(t testing.TB, name string) crashCase {
	t.Helper()
	for _, tc := range crashCases() {
		if tc.name == name {
			return tc
		}
	}
	t.Fatalf("no crash case %q", name)
	return crashCase{}
}
