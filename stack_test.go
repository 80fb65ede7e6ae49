//go:build linux && amd64

package cgosymbolizer_test

// Go -> C -> Go (case 3): main calls C c_outer -> c_inner -> c_hop (inlined
// into c_inner) -> the exported Go function goCallback, which reports its
// own stack. The C frames come from the package's context callback (a
// snapshot taken when C called Go) and its traceback callback (unwinding
// from that snapshot), named by its symbolizer. Without the package the
// runtime shows no C frame at all between goCallback and main (the
// control subtests check that).

import (
	"strconv"
	"strings"
	"testing"
)

// callbackCFrames are the C frames between goCallback and main, innermost
// first: c_hop is inlined into c_inner, so both come from one PC.
func callbackCFrames(t testing.TB) []frame {
	return []frame{
		{Func: "c_hop", File: "callback.c", Line: lineOf(t, "callback", "callback.c", "MARK:hop_calls_go")},
		{Func: "c_inner", File: "callback.c", Line: lineOf(t, "callback", "callback.c", "MARK:inner_calls_hop")},
		{Func: "c_outer", File: "callback.c", Line: lineOf(t, "callback", "callback.c", "MARK:outer_calls_inner")},
	}
}

// TestCallbackDebugStack: debug.Stack() inside a C->Go callback prints the
// Go frames of the callback, then (where the runtime's cgocallback frame is;
// runtime frames are hidden at the default traceback level) the C frames of
// the context, then the Go frames that called C.
func TestCallbackDebugStack(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./callback")
	goCallback := []frame{
		{Func: "runtime/debug.Stack"},
		{Func: "main.goCallback", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:go_debug_stack")},
	}
	caller := []frame{
		{Func: "main._Cfunc_c_outer"},
		{Func: "main.main", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:main_calls_outer")},
	}

	t.Run("symbolized", func(t *testing.T) {
		t.Parallel()
		r := runProgram(t, bin, nil, "stack")
		if r.ExitCode != 0 || !strings.HasSuffix(r.Stdout, "done\n") {
			t.Fatalf("want exit status 0 and \"done\"; got %v", r)
		}
		frames := parseFrames(r.Stdout)
		starts := assertFrameGroups(t, frames, [][]frame{
			goCallback,
			append(callbackCFrames(t), caller...),
		}, r.String())
		if starts == nil {
			return
		}
		// Only C frames (the cgo export wrapper's, say) may lie between.
		for _, f := range frames[starts[0]+len(goCallback) : starts[1]] {
			if !f.C {
				t.Errorf("Go frame %v between goCallback and the C frames\n%v", f, r)
			}
		}
		hop, inner := frames[starts[1]], frames[starts[1]+1]
		if hop.PC != inner.PC {
			t.Errorf("inlined c_hop (pc=%#x) and its caller c_inner (pc=%#x) must share one PC\n%v", hop.PC, inner.PC, r)
		}
	})

	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		r := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"}, "stack")
		if r.ExitCode != 0 {
			t.Fatalf("want exit status 0; got %v", r)
		}
		frames := parseFrames(r.Stdout)
		// Without the package: goCallback, then straight to main.
		assertFrames(t, frames, append(goCallback[1:], caller...), r.String())
	})
}

// parseCallersFrames parses the "FRAME\tfunction\tfile\tline\tpc\tgo|c"
// lines the callback program prints, one per runtime.Frame.
func parseCallersFrames(t testing.TB, out string) []frame {
	t.Helper()
	var frames []frame
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) != 6 || fields[0] != "FRAME" {
			continue
		}
		n, err := strconv.Atoi(fields[3])
		if err != nil {
			t.Fatalf("bad line in %q", line)
		}
		frames = append(frames, frame{Func: fields[1], File: fields[2], Line: n, PC: parseHex(fields[4]), C: fields[5] == "c"})
	}
	return frames
}

// TestCallbackCallersFrames: runtime.Callers + runtime.CallersFrames inside
// the callback, in the order of the runtime's own TracebackContext test:
// the callback's Go frames down to runtime.cgocallback, right after it the
// C frames (each a separate runtime.Frame; the inlined c_hop and c_inner
// share one PC, expanded through the symbolizer's More), then the Go frames
// from runtime.cgocall down to main.main.
func TestCallbackCallersFrames(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./callback")
	goCallback := []frame{
		{Func: "main.goCallback", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:go_callers")},
	}
	caller := []frame{
		{Func: "runtime.cgocall", File: "cgocall.go"},
		{Func: "main._Cfunc_c_outer"},
		{Func: "main.main", File: "main.go", Line: lineOf(t, "callback", "main.go", "MARK:main_calls_outer")},
	}

	t.Run("symbolized", func(t *testing.T) {
		t.Parallel()
		r := runProgram(t, bin, nil, "callers")
		if r.ExitCode != 0 || !strings.HasSuffix(r.Stdout, "done\n") {
			t.Fatalf("want exit status 0 and \"done\"; got %v", r)
		}
		frames := parseCallersFrames(t, r.Stdout)
		cgoCallback := append([]frame{{Func: "runtime.cgocallback"}}, callbackCFrames(t)...)
		starts := assertFrameGroups(t, frames, [][]frame{goCallback, cgoCallback, caller}, r.String())
		if starts == nil {
			return
		}
		if frames[0].Func != "main.goCallback" {
			t.Errorf("runtime.Callers(1, ...) must start at main.goCallback, got %v", frames[0])
		}
		for _, f := range frames[starts[1]+1 : starts[1]+len(cgoCallback)] {
			if !f.C {
				t.Errorf("%v: want a C frame (Frame.Func == nil)", f)
			}
		}
		hop, inner := frames[starts[1]+1], frames[starts[1]+2]
		if hop.PC != inner.PC {
			t.Errorf("inlined c_hop (PC %#x) and its caller c_inner (PC %#x) must share one PC\n%v", hop.PC, inner.PC, r)
		}
		// Between the C frames and runtime.cgocall only the runtime's own
		// frames (runtime.systemstack_switch) may appear: no C garbage.
		for _, f := range frames[starts[1]+len(cgoCallback) : starts[2]] {
			if f.C || !strings.HasPrefix(f.Func, "runtime.") {
				t.Errorf("unexpected frame %v between c_outer and runtime.cgocall\n%v", f, r)
			}
		}
		for _, f := range frames {
			if f.C && (f.Func == "" || f.File == "" || f.Line == 0) {
				t.Errorf("C frame without function, file or line: %v\n%v", f, r)
			}
		}
	})

	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		r := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"}, "callers")
		if r.ExitCode != 0 {
			t.Fatalf("want exit status 0; got %v", r)
		}
		frames := parseCallersFrames(t, r.Stdout)
		assertFrameGroups(t, frames, [][]frame{goCallback, {{Func: "runtime.cgocallback"}}, caller}, r.String())
		for _, f := range frames {
			if f.C {
				t.Errorf("C frame %v without the package", f)
			}
		}
	})
}
