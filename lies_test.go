//go:build linux && amd64

package cgosymbolizer_test

// Unwinding through lies (issue 4, item 2). testdata/progs/lies runs C code
// whose stacks mislead unwinders, in seven modes (see its main.go), each
// twice:
//
//   - profile: ~2 s in the hostile code under a 2 kHz CPU profile, so that
//     SIGPROF lands everywhere in it and the traceback callback walks from
//     there. The program must exit 0; the profile must hold samples, and no
//     C frame may carry a PC of Go code: wherever the C frames of a sample
//     give way to Go code, that Go code must be runtime.cgocall (where the
//     runtime's own traceback of a cgo call begins) or the runtime's
//     _ExternalCode marker, never a Go PC the C unwinder walked into.
//   - crash: a NULL write at the deepest point. The runtime's dump must
//     appear (exit 2, "signal arrived during cgo execution") with exactly
//     the C frames expected, none with a PC of Go code, and the process
//     must neither hang nor die silently. sigaltstack crashes on a thread C
//     created: there the package's own report is expected, and death by
//     SIGSEGV.
//
// Where the right frames are knowable, they are checked exactly: a walk
// stops at code without unwind information or at a lie rather than report
// a guess; a cycle of fake frames is cut; a signal's trampoline frame is
// __restore_rt and the frame it interrupted has its exact PC.

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	liesProg      = "lies"
	liesProfileMS = 2000
	// liesTimeout bounds each run: a hang fails well within the test's
	// budget instead of after programTimeout.
	liesTimeout = 25 * time.Second
)

// liesEnv is what a mode's checks need to know about the binary.
type liesEnv struct {
	bin    string
	lo, hi uint64            // Go text
	syms   map[string]uint64 // every symbol of the binary, by name
}

func (e *liesEnv) sym(t testing.TB, name string) uint64 {
	t.Helper()
	a, ok := e.syms[name]
	if !ok || a == 0 {
		t.Fatalf("%s: no symbol %s", e.bin, name)
	}
	return a
}

func (e *liesEnv) inGo(pc uint64) bool { return pc >= e.lo && pc < e.hi }

func liesLine(t testing.TB, marker string) int {
	t.Helper()
	return lineOf(t, liesProg, "lies.c", marker)
}

func liesFrame(t testing.TB, fn, marker string) frame {
	t.Helper()
	return frame{Func: fn, File: "lies.c", Line: liesLine(t, marker)}
}

// liesMode is one mode: its name, its C entry point and the marker of the
// line where main calls it, and its own checks.
type liesMode struct {
	name   string
	entry  string
	marker string
	// cthread: the crash happens on a thread C created (the package's
	// report, not the runtime's dump).
	cthread bool
	// crashMS, when non-zero, runs the crash variant under the profiler for
	// about that long before it crashes.
	crashMS int
	profile func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack)
	// crash returns the C frames the dump must show, innermost first.
	crash func(t *testing.T, e *liesEnv) []frame
	// crashPCs checks the PCs of the crash's C frames (frames as parsed,
	// starting at the first C frame).
	crashPCs func(t *testing.T, e *liesEnv, frames []frame)
}

func liesModes() []liesMode {
	return []liesMode{
		{
			// C -> assembly without CFI, which loops, or calls C back: a
			// walk from below stops at the assembly frame (whose stack
			// holds only Go PCs for guessers), from inside it reports
			// nothing.
			name: "asm-no-cfi", entry: "lies_asm", marker: "MARK:main_calls_asm",
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				leaf, inAsm := int64(0), int64(0)
				for _, ss := range stacks {
					st := ss.frames
					if i := liesIndexFunc(st, "lies_asm_leaf"); i >= 0 {
						leaf += ss.n
						if i+1 >= len(st) || st[i+1].Func != "runtime.cgocall" {
							t.Errorf("lies_asm_leaf is called from assembly without CFI: want runtime.cgocall right after it, got %v", liesStackString(st))
						}
					}
					if len(st) > 0 && st[0].Func == "runtime.cgocall" {
						inAsm += ss.n
					}
				}
				t.Logf("%d samples in lies_asm_leaf (below the assembly), %d with no C frame (in the assembly)", leaf, inAsm)
				if leaf == 0 || inAsm == 0 {
					t.Errorf("want samples both in lies_asm_leaf and in the assembly; got %d and %d", leaf, inAsm)
				}
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				return []frame{liesFrame(t, "lies_asm_crash", "MARK:asm_crash_fault")}
			},
		},
		{
			// Frame-pointer code spinning with rbp = 0xdeadbeef, = a fake
			// frame returning into Go, = a fake frame returning into
			// itself at the same CFA (a cycle).
			name: "garbage-frame-pointers", entry: "lies_fp", marker: "MARK:main_calls_fp",
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				stopped, cycle := int64(0), int64(0)
				for _, ss := range stacks {
					st := ss.frames
					i := liesIndexFunc(st, "lies_fp_spin")
					if i < 0 {
						continue
					}
					j := i
					for j < len(st) && st[j].Func == "lies_fp_spin" {
						j++
					}
					if j-i > 2 {
						t.Errorf("%d lies_fp_spin frames in a row: the fake frame's cycle was not cut\n%v", j-i, liesStackString(st))
					}
					if j >= len(st) || (st[j].Func != "runtime.cgocall" && st[j].Func != "lies_fp") {
						t.Errorf("after lies_fp_spin want runtime.cgocall (the walk stopped at the lie) or lies_fp (rbp genuine); got %v", liesStackString(st))
						continue
					}
					if i == 0 && st[j].Func == "runtime.cgocall" {
						if j == 1 {
							stopped += ss.n
						} else {
							cycle += ss.n
						}
					}
				}
				t.Logf("samples in lies_fp_spin: %d stopped at once by the lie, %d cut after one fake frame (the cycle)", stopped, cycle)
				if stopped == 0 || cycle == 0 {
					t.Errorf("want samples of both kinds; got %d and %d", stopped, cycle)
				}
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				// rbp points at a frame whose return address is Go code:
				// nothing more can be known, nothing more is printed.
				return []frame{liesFrame(t, "lies_fp_crash", "MARK:fp_crash_fault")}
			},
		},
		{
			// lies_tiny (frame pointer) and lies_nop (a lone ret) called
			// millions of times: samples on their first instructions.
			name: "first-instruction", entry: "lies_first", marker: "MARK:main_calls_first",
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				tiny, nop := e.sym(t, "lies_tiny"), e.sym(t, "lies_nop")
				callers := []frame{liesFrame(t, "lies_tiny", "MARK:tiny_calls_nop"), liesFrame(t, "lies_first", "MARK:first_calls_tiny"), {Func: "runtime.cgocall"}}
				offsets := map[uint64]int64{}
				atEntry := map[string]int64{}
				for _, ss := range stacks {
					st := ss.frames
					if len(st) == 0 {
						continue
					}
					var want []frame
					switch st[0].Func {
					case "lies_nop":
						want = callers
					case "lies_tiny":
						want = callers[1:]
						offsets[uint64(st[0].PC)-tiny] += ss.n
					default:
						continue
					}
					if uint64(st[0].PC) == tiny || uint64(st[0].PC) == nop {
						atEntry[st[0].Func] += ss.n
					}
					if indexFrames(st[1:], want) != 0 {
						t.Errorf("leaf %s at %#x: want %v after it; got %v", st[0].Func, st[0].PC, want, liesStackString(st))
					}
				}
				// lies_nop is a lone ret: its samples are all on a first
				// instruction. lies_tiny's entry gets few (the tick lands
				// after the call's return mostly): logged, not required.
				t.Logf("samples on the first instruction: %v; samples in lies_tiny by offset: %v", atEntry, offsets)
				if atEntry["lies_nop"] == 0 {
					t.Errorf("want samples on the first instruction of lies_nop; got %v", atEntry)
				}
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				return []frame{
					liesFrame(t, "lies_first_crash", "MARK:first_crash_fault"),
					liesFrame(t, "lies_first", "MARK:first_calls_crash"),
				}
			},
			crashPCs: func(t *testing.T, e *liesEnv, frames []frame) {
				if want := e.sym(t, "lies_first_crash"); uint64(frames[0].PC) != want {
					t.Errorf("the fault is lies_first_crash's first instruction, %#x; the dump says pc=%#x", want, frames[0].PC)
				}
			},
		},
		{
			// A C SIGUSR1 handler on this (Go's) thread interrupts C code.
			name: "in-trampoline", entry: "lies_trampoline", marker: "MARK:main_calls_trampoline",
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				liesCheckHandlerSamples(t, e, stacks, []frame{
					liesFrame(t, "lies_trampoline", "MARK:trampoline_calls_interrupted"),
					{Func: "runtime.cgocall"},
				})
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				return []frame{
					liesFrame(t, "lies_usr1_handler", "MARK:handler_fault"),
					{Func: "__restore_rt"},
					liesFrame(t, "lies_interrupted", "MARK:interrupted_spin"),
					liesFrame(t, "lies_trampoline", "MARK:trampoline_calls_interrupted"),
				}
			},
			crashPCs: liesCheckInterruptedPC,
		},
		{
			// C recursion 10,000 frames deep; the runtime keeps 32 C PCs.
			name: "deep-recursion", entry: "lies_deep", marker: "MARK:main_calls_deep",
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				line := liesLine(t, "MARK:recurse_calls_recurse")
				full := int64(0)
				for _, ss := range stacks {
					st, s := ss.frames, ss.sample
					if i := liesIndexFunc(st, "lies_recurse"); i >= 0 {
						for _, f := range st[i+1:] {
							if f.Func == "lies_recurse" && f.Line != line {
								t.Errorf("a calling lies_recurse frame at line %d, want %d\n%v", f.Line, line, liesStackString(st))
								break
							}
						}
					}
					// 32 C locations, all lies_recurse, then runtime.cgocall.
					ids := s.LocationIDs
					if len(ids) > 32 && !e.inGo(p.Locations[ids[31]].Address) && e.inGo(p.Locations[ids[32]].Address) {
						ok := liesLocFunc(p, ids[32]) == "runtime.cgocall"
						for _, id := range ids[:32] {
							ok = ok && liesLocFunc(p, id) == "lies_recurse"
						}
						if ok {
							full += ss.n
						}
					}
				}
				t.Logf("%d samples show 32 lies_recurse frames, then runtime.cgocall", full)
				if full == 0 {
					t.Errorf("no sample shows 32 lies_recurse frames (the runtime's limit) followed by runtime.cgocall")
				}
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				want := []frame{liesFrame(t, "lies_recurse", "MARK:deep_fault")}
				for len(want) < 32 {
					want = append(want, liesFrame(t, "lies_recurse", "MARK:recurse_calls_recurse"))
				}
				return want
			},
		},
		{
			// The handler on a C thread's own sigaltstack (SA_ONSTACK): the
			// walk crosses from the alternate stack to the thread's.
			name: "sigaltstack", entry: "lies_altstack", marker: "MARK:main_calls_altstack", cthread: true,
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				liesCheckHandlerSamples(t, e, stacks, []frame{
					liesFrame(t, "lies_alt_main", "MARK:alt_calls_interrupted"),
					{Func: libcFrame},
					{Func: libcFrame},
				})
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				return []frame{
					liesFrame(t, "lies_usr1_handler", "MARK:handler_fault"),
					{Func: "__restore_rt"},
					liesFrame(t, "lies_interrupted", "MARK:interrupted_spin"),
					liesFrame(t, "lies_alt_main", "MARK:alt_calls_interrupted"),
					{Func: libcFrame},
					{Func: libcFrame},
				}
			},
			crashPCs: liesCheckInterruptedPC,
		},
		{
			// C threads on mmap'ed stacks (C code, then a Go callback),
			// each stack unmapped after the thread exits; then C code on
			// Go's thread. Mostly: nothing touches the old stacks.
			name: "unmapped-stack", entry: "lies_unmapped", marker: "MARK:main_calls_unmapped", crashMS: 400,
			profile: func(t *testing.T, e *liesEnv, p *profile, stacks []liesStack) {
				groups := map[string][]frame{
					"C on the mmap'ed stack":  {{Func: "lies_mmap_leaf"}, liesFrame(t, "lies_mmap_main", "MARK:mmap_calls_leaf"), {Func: libcFrame}, {Func: libcFrame}},
					"Go on the mmap'ed stack": {{Func: "runtime.cgocallback"}, liesFrame(t, "lies_mmap_main", "MARK:mmap_calls_go"), {Func: libcFrame}, {Func: libcFrame}},
					"C after the unmapping":   {{Func: "lies_after_leaf"}, liesFrame(t, "lies_unmapped", "MARK:unmapped_calls_after"), {Func: "runtime.cgocall"}},
				}
				// Every sample in the callback shows its C caller: the
				// context snapshot's walk over the mmap'ed stack.
				for _, ss := range stacks {
					if liesIndexFunc(ss.frames, "main.liesCallback") >= 0 && !hasFrames(ss.frames, groups["Go on the mmap'ed stack"]) {
						t.Errorf("a sample in main.liesCallback without its C callers %v: %v", groups["Go on the mmap'ed stack"], liesStackString(ss.frames))
					}
				}
				for name, g := range groups {
					n := int64(0)
					for _, ss := range stacks {
						if hasFrames(ss.frames, g) {
							n += ss.n
						}
					}
					t.Logf("%s: %d samples show %v", name, n, g)
					if n == 0 {
						t.Errorf("%s: no sample shows %v", name, g)
					}
				}
			},
			crash: func(t *testing.T, e *liesEnv) []frame {
				return []frame{
					liesFrame(t, "lies_after_leaf", "MARK:after_fault"),
					liesFrame(t, "lies_unmapped", "MARK:unmapped_calls_after"),
				}
			},
		},
	}
}

// liesCheckHandlerSamples: samples inside lies_usr1_handler must continue
// with __restore_rt, lies_interrupted at an exact PC, then tail; some must.
func liesCheckHandlerSamples(t *testing.T, e *liesEnv, stacks []liesStack, tail []frame) {
	t.Helper()
	want := append([]frame{{Func: "__restore_rt"}, liesFrame(t, "lies_interrupted", "MARK:interrupted_spin")}, tail...)
	exact := map[uint64]bool{e.sym(t, "lies_interrupt_loop"): true, e.sym(t, "lies_interrupt_jump"): true}
	n := int64(0)
	for _, ss := range stacks {
		st := ss.frames
		i := liesIndexFunc(st, "lies_usr1_handler")
		if i < 0 {
			continue
		}
		n += ss.n
		if indexFrames(st[i+1:], want) != 0 {
			t.Errorf("after lies_usr1_handler want %v; got %v", want, liesStackString(st))
			continue
		}
		if pc := uint64(st[i+2].PC); !exact[pc] {
			t.Errorf("the interrupted lies_interrupted frame has pc %#x: want lies_interrupt_loop or lies_interrupt_jump (%#x, %#x), the exact PC\n%v",
				pc, e.sym(t, "lies_interrupt_loop"), e.sym(t, "lies_interrupt_jump"), liesStackString(st))
		}
	}
	t.Logf("%d samples inside the signal handler", n)
	if n == 0 {
		t.Errorf("no sample inside lies_usr1_handler")
	}
}

// liesCheckInterruptedPC: the frame the signal interrupted (the third) has
// its exact PC, one of the loop's two instructions.
func liesCheckInterruptedPC(t *testing.T, e *liesEnv, frames []frame) {
	t.Helper()
	loop, jump := e.sym(t, "lies_interrupt_loop"), e.sym(t, "lies_interrupt_jump")
	if len(frames) < 3 {
		return
	}
	if pc := uint64(frames[2].PC); pc != loop && pc != jump {
		t.Errorf("the interrupted frame %v: want pc %#x or %#x (exact, not a return address - 1)", frames[2], loop, jump)
	}
}

// liesStack is a sample's stack: frames without cgo's wrappers, the
// trampoline normalized (liesNormalizeTrampoline), and how many samples
// had it.
type liesStack struct {
	frames []frame
	n      int64
	sample profSample
}

// liesIndexFunc is the index of the first frame of function fn, or -1.
func liesIndexFunc(st []frame, fn string) int {
	for i, f := range st {
		if f.Func == fn {
			return i
		}
	}
	return -1
}

// liesLocFunc is the physical (outermost) function of a location.
func liesLocFunc(p *profile, id uint64) string {
	l := p.Locations[id]
	if len(l.Lines) == 0 {
		return ""
	}
	return p.Functions[l.Lines[len(l.Lines)-1].FunctionID].Name
}

func liesStackString(st []frame) string {
	var b strings.Builder
	for _, f := range st {
		fmt.Fprintf(&b, "\n\t%#x %s %s:%d", f.PC, f.Func, f.File, f.Line)
	}
	return b.String()
}

// restoreRTCode is glibc's x86-64 __restore_rt: mov $15,%rax; syscall
// (rt_sigreturn).
var restoreRTCode = []byte{0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05}

// moduleOffsetRE matches the name of a frame nothing names:
// "PATH+0xFILEOFFSET", with the object's build-id on its first mention.
var moduleOffsetRE = regexp.MustCompile(`^(/.+)\+0x([0-9a-f]+)(?: \(BuildId: [0-9a-f]+\))?$`)

var restoreRTCache sync.Map // libc path -> uint64 (0: not found)

// restoreRTAddr is the file offset of __restore_rt in the libc at path,
// found by its code (it has no dynamic symbol).
func restoreRTAddr(path string) uint64 {
	if v, ok := restoreRTCache.Load(path); ok {
		return v.(uint64)
	}
	var addr uint64
	if f, err := elf.Open(path); err == nil {
		for _, p := range f.Progs {
			if p.Type != elf.PT_LOAD || p.Flags&elf.PF_X == 0 {
				continue
			}
			data := make([]byte, p.Filesz)
			if _, err := p.ReadAt(data, 0); err != nil {
				continue
			}
			if i := bytes.Index(data, restoreRTCode); i >= 0 && bytes.Index(data[i+1:], restoreRTCode) < 0 {
				addr = p.Off + uint64(i)
			}
		}
		f.Close()
	}
	restoreRTCache.Store(path, addr)
	return addr
}

// liesNormalizeTrampoline renames a frame that is the signal trampoline but
// is printed without its name (libc without symbols: "libc.so.6+0xOFF" at
// exactly __restore_rt) to "__restore_rt", so that one want list serves
// both. A module+offset anywhere else (say, __restore_rt - 1) stays as it is.
func liesNormalizeTrampoline(frames []frame) []frame {
	out := append([]frame(nil), frames...)
	for i, f := range out {
		m := moduleOffsetRE.FindStringSubmatch(f.Func)
		if m == nil || !strings.Contains(filepath.Base(m[1]), "libc.so") {
			continue
		}
		off, _ := strconv.ParseUint(m[2], 16, 64)
		if a := restoreRTAddr(m[1]); a != 0 && off == a {
			out[i].Func, out[i].File, out[i].Line = "__restore_rt", "", 0
		}
	}
	return out
}

// liesCheckGoBoundaries: wherever a sample goes from a location outside Go
// text (a C PC) to one inside, the Go one must be where the runtime's
// traceback of a cgo call starts (runtime.cgocall), or the runtime's marker
// for a lone external PC; anything else is a Go PC the C unwinder returned.
func liesCheckGoBoundaries(t *testing.T, e *liesEnv, p *profile) {
	t.Helper()
	allowed := map[string]bool{"runtime.cgocall": true, "runtime._ExternalCode": true}
	seen := map[string]int{}
	bad := 0
	asanFallback := p.asanFallbackLocations()
	for _, s := range p.Samples {
		ids := s.LocationIDs
		if len(ids) == 2 && asanFallback[ids[0]] {
			continue // Go's own sample of Go code calling ASan's runtime
		}
		for j := 0; j+1 < len(ids); j++ {
			a, b := p.Locations[ids[j]].Address, p.Locations[ids[j+1]].Address
			if e.inGo(a) || !e.inGo(b) {
				continue
			}
			name := liesLocFunc(p, ids[j+1])
			seen[name]++
			if !allowed[name] && bad < 5 {
				bad++
				t.Errorf("C location %#x is followed by Go location %#x (%s): a Go PC among the C frames\n%v", a, b, name, liesStackString(p.stack(s)))
			}
		}
	}
	t.Logf("Go code right after C frames: %v", seen)
}

func TestLies(t *testing.T) {
	t.Parallel()
	skipUnderEmulation(t, "the lying frames (testdata/progs/lies) are x86-64 assembly; an AArch64 set is still to be written")
	bin := buildProgram(t, progsDir, "./"+liesProg)
	e := &liesEnv{bin: bin, syms: map[string]uint64{}}
	e.lo, e.hi = goText(t, bin)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		e.syms[s.Name] = s.Value
	}

	for _, m := range liesModes() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			t.Run("profile", func(t *testing.T) {
				t.Parallel()
				liesProfile(t, e, m)
			})
			t.Run("crash", func(t *testing.T) {
				t.Parallel()
				liesCrash(t, e, m)
			})
		})
	}
}

func liesRun(t *testing.T, e *liesEnv, args ...string) result {
	t.Helper()
	p := startProgram(t, e.bin, nil, args...)
	p.timeout = liesTimeout
	return p.Wait()
}

func liesProfile(t *testing.T, e *liesEnv, m liesMode) {
	prof := filepath.Join(t.TempDir(), "cpu.pprof")
	r := liesRun(t, e, m.name, "profile", prof, strconv.Itoa(liesProfileMS))
	if r.ExitCode != 0 || r.Signal != 0 || !strings.HasSuffix(r.Stdout, "done\n") {
		t.Fatalf("want exit status 0 and \"done\"; got %v", r)
	}
	data, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseProfile(data)
	if err != nil {
		t.Fatalf("decoding %s: %v", prof, err)
	}
	n := int64(0)
	for _, s := range p.Samples {
		n += s.Values[0]
	}
	t.Logf("%d samples, %d distinct stacks", n, len(p.Samples))
	if n == 0 {
		t.Fatalf("the profile is empty\n%v", r)
	}
	liesCheckGoBoundaries(t, e, p)
	stacks := make([]liesStack, len(p.Samples))
	for i, s := range p.Samples {
		stacks[i] = liesStack{frames: liesNormalizeTrampoline(withoutCgoWrappers(p.stack(s))), n: s.Values[0], sample: s}
	}
	m.profile(t, e, p, stacks)
	if t.Failed() {
		t.Logf("profile:\n%v", p)
	}
}

func liesCrash(t *testing.T, e *liesEnv, m liesMode) {
	args := []string{m.name, "crash"}
	if m.crashMS != 0 {
		args = append(args, filepath.Join(t.TempDir(), "cpu.pprof"), strconv.Itoa(m.crashMS))
	}
	r := liesRun(t, e, args...)
	cWant := m.crash(t, e)
	var frames []frame
	if m.cthread {
		checkDiedBy(t, r, syscall.SIGSEGV)
		rep, err := parseCThreadReport(r.Stderr, "SIGSEGV: segmentation violation")
		if err != nil {
			t.Fatalf("no report of the C thread's crash: %v\n%v", err, r)
		}
		if rep.Name != "lies-alt" {
			t.Errorf("the report names thread %q, want \"lies-alt\"", rep.Name)
		}
		frames = liesNormalizeTrampoline(rep.Frames)
		// The report ends at the thread's first frame: nothing may follow.
		if len(frames) != len(cWant) {
			t.Errorf("the report shows %d frames; want exactly %d", len(frames), len(cWant))
		}
		assertFrames(t, frames, cWant, r.String())
	} else {
		checkCgoCrash(t, r, "SIGSEGV: segmentation violation")
		frames = liesNormalizeTrampoline(withoutCgoWrappers(parseFrames(firstGoroutine(r.Stderr))))
		want := append(append([]frame(nil), cWant...), cgoTail(t, liesProg, m.entry, m.marker)...)
		assertFrames(t, frames, want, r.String())
		if at := indexFrames(frames, want); at > 0 {
			t.Errorf("%d frames precede %v in the crashing goroutine; want none\n%v", at, want[0], r)
		}
		nC := 0
		for _, f := range frames {
			if f.C {
				nC++
			}
		}
		if nC != len(cWant) {
			t.Errorf("the crashing goroutine shows %d C frames; want exactly %d\n%v", nC, len(cWant), r)
		}
	}
	checkNoGoPCsInCFrames(t, e.bin, frames, r.String())
	if m.crashPCs != nil && indexFrames(frames, cWant) == 0 {
		m.crashPCs(t, e, frames)
	}
}
