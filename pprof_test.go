//go:build linux && amd64

package cgosymbolizer_test

// CPU profiles (case 4): the spin program runs pprof's CPU profiler while C
// code spins in c_spin_leaf <- c_spin_mid <- c_spin_top. Each SIGPROF that
// lands in C is unwound by the package's traceback callback from the
// signal's context, and pprof names the PCs through the symbolizer. The
// profile is decoded here with a minimal protobuf reader (the module has no
// dependencies). Without the package the runtime records such samples as
// [leaf PC, runtime._ExternalCode] with no C stack and no names (the
// control subtest checks the C chain is absent).

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// profile holds the parts of profile.proto the tests use.
type profile struct {
	Samples   []profSample
	Locations map[uint64]*profLocation
	Functions map[uint64]*profFunction
	Mappings  map[uint64]*profMapping
	Strings   []string
}

type profSample struct {
	LocationIDs []uint64 // leaf first
	Values      []int64  // for CPU profiles: [samples, nanoseconds]
}

type profLocation struct {
	ID, MappingID, Address uint64
	Lines                  []profLine // innermost (inlined) first, the physical function last
}

type profLine struct {
	FunctionID uint64
	Line       int64
}

type profFunction struct {
	ID         uint64
	name, file int64 // string table indices, resolved into Name and File
	Name, File string
	StartLine  int64
}

type profMapping struct {
	ID, Start, Limit, Offset uint64
	file                     int64
	File                     string
	HasFunctions             bool
}

// pbField is one field of a protobuf message: its number, and either a
// varint/fixed value or the bytes of a length-delimited field.
type pbField struct {
	num   int
	wire  int
	value uint64
	bytes []byte
}

// pbFields splits a protobuf message into its fields.
func pbFields(b []byte) ([]pbField, error) {
	var fields []pbField
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad field key")
		}
		b = b[n:]
		f := pbField{num: int(key >> 3), wire: int(key & 7)}
		switch f.wire {
		case 0: // varint
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return nil, errors.New("bad varint")
			}
			f.value, b = v, b[n:]
		case 1: // 64-bit
			if len(b) < 8 {
				return nil, errors.New("short fixed64")
			}
			f.value, b = binary.LittleEndian.Uint64(b), b[8:]
		case 2: // length-delimited
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, errors.New("bad length")
			}
			f.bytes, b = b[n:n+int(l)], b[n+int(l):]
		case 5: // 32-bit
			if len(b) < 4 {
				return nil, errors.New("short fixed32")
			}
			f.value, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		default:
			return nil, fmt.Errorf("unsupported wire type %d", f.wire)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// uints returns the values of a repeated integer field, packed or not.
func (f pbField) uints() ([]uint64, error) {
	if f.wire == 0 {
		return []uint64{f.value}, nil
	}
	if f.wire != 2 {
		return nil, fmt.Errorf("field %d: wire type %d for an integer", f.num, f.wire)
	}
	var vs []uint64
	for b := f.bytes; len(b) > 0; {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad packed varint")
		}
		vs = append(vs, v)
		b = b[n:]
	}
	return vs, nil
}

// parseProfile decodes a gzipped (or plain) profile.proto message.
func parseProfile(data []byte) (*profile, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	fields, err := pbFields(data)
	if err != nil {
		return nil, err
	}
	p := &profile{
		Locations: map[uint64]*profLocation{},
		Functions: map[uint64]*profFunction{},
		Mappings:  map[uint64]*profMapping{},
	}
	for _, f := range fields {
		switch f.num {
		case 2: // sample
			sub, err := pbFields(f.bytes)
			if err != nil {
				return nil, err
			}
			var s profSample
			for _, sf := range sub {
				vs, err := sf.uints()
				if err != nil {
					return nil, err
				}
				switch sf.num {
				case 1:
					s.LocationIDs = append(s.LocationIDs, vs...)
				case 2:
					for _, v := range vs {
						s.Values = append(s.Values, int64(v))
					}
				}
			}
			p.Samples = append(p.Samples, s)
		case 3: // mapping
			sub, err := pbFields(f.bytes)
			if err != nil {
				return nil, err
			}
			m := &profMapping{}
			for _, sf := range sub {
				switch sf.num {
				case 1:
					m.ID = sf.value
				case 2:
					m.Start = sf.value
				case 3:
					m.Limit = sf.value
				case 4:
					m.Offset = sf.value
				case 5:
					m.file = int64(sf.value)
				case 7:
					m.HasFunctions = sf.value != 0
				}
			}
			p.Mappings[m.ID] = m
		case 4: // location
			sub, err := pbFields(f.bytes)
			if err != nil {
				return nil, err
			}
			l := &profLocation{}
			for _, sf := range sub {
				switch sf.num {
				case 1:
					l.ID = sf.value
				case 2:
					l.MappingID = sf.value
				case 3:
					l.Address = sf.value
				case 4:
					lf, err := pbFields(sf.bytes)
					if err != nil {
						return nil, err
					}
					var ln profLine
					for _, x := range lf {
						switch x.num {
						case 1:
							ln.FunctionID = x.value
						case 2:
							ln.Line = int64(x.value)
						}
					}
					l.Lines = append(l.Lines, ln)
				}
			}
			p.Locations[l.ID] = l
		case 5: // function
			sub, err := pbFields(f.bytes)
			if err != nil {
				return nil, err
			}
			fn := &profFunction{}
			for _, sf := range sub {
				switch sf.num {
				case 1:
					fn.ID = sf.value
				case 2:
					fn.name = int64(sf.value)
				case 4:
					fn.file = int64(sf.value)
				case 5:
					fn.StartLine = int64(sf.value)
				}
			}
			p.Functions[fn.ID] = fn
		case 6: // string_table
			p.Strings = append(p.Strings, string(f.bytes))
		}
	}
	str := func(i int64) (string, error) {
		if i < 0 || i >= int64(len(p.Strings)) {
			return "", fmt.Errorf("string index %d out of range", i)
		}
		return p.Strings[i], nil
	}
	for _, fn := range p.Functions {
		if fn.Name, err = str(fn.name); err != nil {
			return nil, err
		}
		if fn.File, err = str(fn.file); err != nil {
			return nil, err
		}
	}
	for _, m := range p.Mappings {
		if m.File, err = str(m.file); err != nil {
			return nil, err
		}
	}
	for _, s := range p.Samples {
		for _, id := range s.LocationIDs {
			l := p.Locations[id]
			if l == nil {
				return nil, fmt.Errorf("sample refers to missing location %d", id)
			}
			for _, ln := range l.Lines {
				if p.Functions[ln.FunctionID] == nil {
					return nil, fmt.Errorf("location %d refers to missing function %d", id, ln.FunctionID)
				}
			}
		}
	}
	return p, nil
}

// asanFallbackLocations returns, under make test-asan, the locations that
// only Go's own fallback samples use: a PC, then runtime._System or
// runtime._GC, nothing else. Go's -asan instrumentation calls ASan's
// runtime straight from Go code (runtime.asancall: no cgo call, so no
// traceback callback); a tick landing in the executable's PLT stub of such
// a call is recorded that way, with nothing of the package's in it. nil
// otherwise.
func (p *profile) asanFallbackLocations() map[uint64]bool {
	if !asanBuild {
		return nil
	}
	fallback, other := map[uint64]bool{}, map[uint64]bool{}
	for _, s := range p.Samples {
		ids := s.LocationIDs
		if len(ids) == 2 {
			if name := liesLocFunc(p, ids[1]); name == "runtime._System" || name == "runtime._GC" {
				fallback[ids[0]] = true
				continue
			}
		}
		for _, id := range ids {
			other[id] = true
		}
	}
	for id := range other {
		delete(fallback, id)
	}
	return fallback
}

// stack expands a sample into frames, leaf first, inlined frames included.
// Frame.PC is the location's address; Frame.C is unused.
func (p *profile) stack(s profSample) []frame {
	var frames []frame
	for _, id := range s.LocationIDs {
		l := p.Locations[id]
		if len(l.Lines) == 0 {
			frames = append(frames, frame{Func: "", PC: uintptr(l.Address)})
		}
		for _, ln := range l.Lines {
			fn := p.Functions[ln.FunctionID]
			frames = append(frames, frame{Func: fn.Name, File: fn.File, Line: int(ln.Line), PC: uintptr(l.Address)})
		}
	}
	return frames
}

func (p *profile) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d samples\n", len(p.Samples))
	for i, s := range p.Samples {
		if i == 40 {
			fmt.Fprintf(&b, "...\n")
			break
		}
		fmt.Fprintf(&b, "sample %d %v:\n", i, s.Values)
		for _, f := range p.stack(s) {
			fmt.Fprintf(&b, "\t%#x %s %s:%d\n", f.PC, f.Func, f.File, f.Line)
		}
	}
	return b.String()
}

// elfFuncs is the function symbols of an executable, sorted by address.
type elfFuncs []elf.Symbol

func readELFFuncs(t testing.TB, bin string) elfFuncs {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	var fs elfFuncs
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value != 0 {
			fs = append(fs, s)
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Value < fs[j].Value })
	return fs
}

// lookup returns the function symbol containing addr ("" if none). Go's
// symbols have sizes; a zero-size symbol covers up to the next one.
func (fs elfFuncs) lookup(addr uint64) string {
	i := sort.Search(len(fs), func(i int) bool { return fs[i].Value > addr }) - 1
	if i < 0 {
		return ""
	}
	s := fs[i]
	if s.Size != 0 && addr >= s.Value+s.Size {
		return ""
	}
	return s.Name
}

// TestPprofCPUProfile: about 1 s of CPU in C under the CPU profiler; the
// profile must hold samples whose stacks are c_spin_leaf (any line of its
// body), c_spin_mid and c_spin_top at their call lines, then
// runtime.cgocall, main._Cfunc_c_spin_top, main.main; and no PC in Go code
// may be named as anything but the Go function that holds it.
func TestPprofCPUProfile(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./spin")
	leafBegin := lineOf(t, "spin", "spin.c", "MARK:leaf_begin")
	leafEnd := lineOf(t, "spin", "spin.c", "MARK:leaf_end")
	chain := []frame{
		{Func: "c_spin_mid", File: "spin.c", Line: lineOf(t, "spin", "spin.c", "MARK:mid_calls_leaf")},
		{Func: "c_spin_top", File: "spin.c", Line: lineOf(t, "spin", "spin.c", "MARK:top_calls_mid")},
		{Func: "runtime.cgocall"},
		{Func: "main._Cfunc_c_spin_top"},
		{Func: "main.main", File: "main.go", Line: lineOf(t, "spin", "main.go", "MARK:main_calls_top")},
	}
	// matches reports whether stack holds c_spin_leaf (inside its body)
	// directly followed by chain.
	matches := func(stack []frame) bool {
		stack = withoutCgoWrappers(stack)
		for i := 0; i+1+len(chain) <= len(stack); i++ {
			f := stack[i]
			if f.Func == "c_spin_leaf" && filepath.Base(f.File) == "spin.c" && f.Line >= leafBegin && f.Line <= leafEnd &&
				indexFrames(stack[i+1:i+1+len(chain)], chain) == 0 {
				return true
			}
		}
		return false
	}

	run := func(t *testing.T, env []string) (*profile, result) {
		prof := filepath.Join(t.TempDir(), "cpu.pprof")
		r := runProgram(t, bin, env, prof, "1000")
		if r.ExitCode != 0 || !strings.HasSuffix(r.Stdout, "done\n") {
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
		return p, r
	}

	t.Run("symbolized", func(t *testing.T) {
		t.Parallel()
		p, r := run(t, nil)
		// Samples with the same stack are merged: Values[0] counts them.
		inC, matched := int64(0), int64(0)
		for _, s := range p.Samples {
			stack := p.stack(s)
			if !hasFrames(stack, []frame{{Func: "main._Cfunc_c_spin_top"}}) {
				continue
			}
			inC += s.Values[0]
			if matches(stack) {
				matched += s.Values[0]
			}
		}
		t.Logf("%d of %d samples under main._Cfunc_c_spin_top show the whole C chain", matched, inC)
		// The C code runs for 1 s of thread CPU time: ~100 samples at
		// pprof's 100 Hz, almost all of them inside c_spin_leaf.
		if matched < 20 || matched*2 < inC {
			t.Errorf("%d of %d samples under main._Cfunc_c_spin_top show c_spin_leaf (spin.c:%d-%d) <- %v; want at least 20 and at least half\n%v\n%v",
				matched, inC, leafBegin, leafEnd, chain, p, r)
		}

		// Go code is named by Go's tables only: every location inside Go
		// text must be named (its physical, last, line) after the ELF
		// symbol of the Go function that holds the PC; a C frame's name on
		// a Go PC means the C unwinder leaked into Go frames.
		lo, hi := goText(t, bin)
		syms := readELFFuncs(t, bin)
		var exe *profMapping
		for _, m := range p.Mappings {
			if m.File == bin {
				exe = m
			}
		}
		if exe == nil {
			t.Fatalf("no mapping for %s in the profile", bin)
		}
		asanFallback := p.asanFallbackLocations()
		for _, l := range p.Locations {
			if l.Address < exe.Start || l.Address >= exe.Limit {
				continue // a shared library or the vDSO
			}
			if asanFallback[l.ID] {
				continue
			}
			if len(l.Lines) == 0 {
				t.Errorf("location %#x in %s has no function", l.Address, bin)
				continue
			}
			fn := p.Functions[l.Lines[len(l.Lines)-1].FunctionID]
			if fn.Name == "" || fn.File == "" || l.Lines[len(l.Lines)-1].Line == 0 {
				t.Errorf("location %#x: function %q file %q line %d: want all three", l.Address, fn.Name, fn.File, l.Lines[len(l.Lines)-1].Line)
			}
			if l.Address >= lo && l.Address < hi {
				// Go PCs in profiles are return addresses: the call is
				// at address-1.
				// The ELF names of assembly-ABI wrappers carry a suffix.
				want := strings.TrimSuffix(syms.lookup(l.Address-1), ".abi0")
				// Except a leaf where the signal landed on a function's
				// first instruction, unadjusted: rare on hardware, common
				// under qemu-user, which delivers signals between
				// translated blocks.
				entry := strings.TrimSuffix(syms.lookup(l.Address), ".abi0")
				// Functions the compiler generates for a defer statement
				// (f.deferwrapN) are wrappers, which the runtime leaves out
				// of stacks: their PCs are named after the call inside.
				wrapper := strings.Contains(want, ".deferwrap")
				if fn.Name != want && !wrapper && !(emulated() && fn.Name == entry) {
					t.Errorf("location %#x is Go code of %s but is named %q (file %q)", l.Address, want, fn.Name, fn.File)
				}
			}
		}
		// Each stack is C frames first, then Go: a Go PC among the C
		// frames is a PC the C unwinder should not have returned.
		for i, s := range p.Samples {
			seenGo := false
			for _, id := range s.LocationIDs {
				a := p.Locations[id].Address
				inGo := a >= lo && a < hi
				if seenGo && !inGo && a >= exe.Start && a < exe.Limit {
					t.Errorf("sample %d: C location %#x below Go frames\n%v", i, a, p.stack(s))
					break
				}
				seenGo = seenGo || inGo
			}
		}
		if !exe.HasFunctions {
			t.Errorf("the executable's mapping is not marked HasFunctions: some location got no function or line")
		}
		if t.Failed() {
			t.Logf("profile:\n%v", p)
		}
	})

	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		p, r := run(t, []string{"CGOSYMBOLIZER=off"})
		for _, s := range p.Samples {
			if matches(p.stack(s)) {
				t.Fatalf("a sample shows the C chain without the package: the test proves nothing\n%v\n%v", p, r)
			}
		}
		n := int64(0)
		for _, s := range p.Samples {
			if hasFrames(p.stack(s), []frame{{Func: "main._Cfunc_c_spin_top"}}) {
				n += s.Values[0]
			}
		}
		if n < 20 {
			t.Errorf("only %d samples under main._Cfunc_c_spin_top in 1 s of CPU in C: the profiler or the decoder is broken\n%v", n, p)
		}
	})
}
