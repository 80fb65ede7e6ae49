package main

import (
	"bufio"
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// runJSON runs a benchmark program and decodes the JSON object it prints.
func runJSON(v any, env []string, bin string, args ...string) error {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		return fmt.Errorf("%s %s: %v: %q", filepath.Base(bin), strings.Join(args, " "), err, stdout.String())
	}
	return nil
}

var envOff = []string{"CGOSYMBOLIZER=off"}

// ---- Go -> C -> Go callbacks ----

type variant struct {
	name, desc string
	bin        string
	env        []string
}

type callbackResult struct {
	variants []variant
	ns, cpu  map[string][]float64 // wall and thread CPU time per call
}

func (c *config) measureCallback(a *artifacts) (*callbackResult, error) {
	r := &callbackResult{
		variants: []variant{
			{"bare", "bare runtime: no traceback functions registered", a.progBare, nil},
			{"ctx0", "stand-in context callback that leaves the context 0", a.progCtx0, nil},
			{"ctx1", "stand-in context callback that returns a constant non-zero context", a.progCtx1, nil},
			{"package", "the package (its context callback takes a snapshot)", a.progOn, nil},
			{"package-off", "the package imported, `CGOSYMBOLIZER=off`", a.progOn, envOff},
		},
		ns:  map[string][]float64{},
		cpu: map[string][]float64{},
	}
	for i := 0; i < c.callbackRuns; i++ {
		for _, v := range r.variants {
			var out struct {
				NsPerOp    float64 `json:"ns_per_op"`
				CPUNsPerOp float64 `json:"cpu_ns_per_op"`
			}
			if err := runJSON(&out, v.env, v.bin, "callback"); err != nil {
				return nil, err
			}
			r.ns[v.name] = append(r.ns[v.name], out.NsPerOp)
			r.cpu[v.name] = append(r.cpu[v.name], out.CPUNsPerOp)
		}
	}
	for _, v := range r.variants {
		c.bs.add("Callback/variant="+v.name, "ns/op", r.ns[v.name]...)
		c.bs.add("CallbackCPU/variant="+v.name, "cpu-ns/op", r.cpu[v.name]...)
	}
	return r, nil
}

// ---- Unwinding ----

var methods = []string{"package", "fp", "libgcc"}

type round struct {
	NsFrame [3]float64 `json:"ns_frame"`
	NsWalk  [3]float64 `json:"ns_walk"`
	Frames  [3]int     `json:"frames"`
	Agree   int        `json:"agree"`
}

// unwindStats: the medians over rounds of one configuration.
type unwindStats struct {
	nsFrame, nsWalk [3]float64
	frames          [3]int
	agreeAll        bool
	rounds          int
}

func summarize(rs []round) unwindStats {
	var s unwindStats
	s.agreeAll = true
	s.rounds = len(rs)
	for m := 0; m < 3; m++ {
		var f, w []float64
		for _, r := range rs {
			f = append(f, r.NsFrame[m])
			w = append(w, r.NsWalk[m])
			s.frames[m] = r.Frames[m]
		}
		s.nsFrame[m], s.nsWalk[m] = median(f), median(w)
	}
	for _, r := range rs {
		if r.Agree != 7 {
			s.agreeAll = false
		}
	}
	return s
}

type unwindResult struct {
	depth   map[int]unwindStats
	threads map[int]unwindStats
}

func (c *config) measureUnwind(a *artifacts) (*unwindResult, error) {
	depth := map[int][]round{}
	threads := map[int][]round{}
	for i := 0; i < c.unwindProcs; i++ {
		var out struct {
			Package bool               `json:"package"`
			Depth   map[string][]round `json:"depth"`
			Threads map[string][]round `json:"threads"`
		}
		if err := runJSON(&out, nil, a.progOn, "unwind", fmt.Sprint(c.unwindRounds), fmt.Sprint(c.unwindReps)); err != nil {
			return nil, err
		}
		if !out.Package {
			return nil, fmt.Errorf("prog_on does not link the package")
		}
		for k, v := range out.Depth {
			d, _ := strconv.Atoi(k)
			depth[d] = append(depth[d], v...)
		}
		for k, v := range out.Threads {
			t, _ := strconv.Atoi(k)
			threads[t] = append(threads[t], v...)
		}
	}
	r := &unwindResult{depth: map[int]unwindStats{}, threads: map[int]unwindStats{}}
	for d, rs := range depth {
		r.depth[d] = summarize(rs)
		for m, name := range methods {
			var xs []float64
			for _, x := range rs {
				xs = append(xs, x.NsFrame[m])
			}
			c.bs.add(fmt.Sprintf("UnwindSignal/depth=%d/method=%s", d, name), "ns/frame", xs...)
		}
	}
	for t, rs := range threads {
		r.threads[t] = summarize(rs)
		for m, name := range methods {
			var xs []float64
			for _, x := range rs {
				xs = append(xs, x.NsFrame[m])
			}
			c.bs.add(fmt.Sprintf("UnwindSignalThreads/threads=%d/method=%s", t, name), "cpu-ns/frame", xs...)
		}
	}
	return r, nil
}

// ---- Modules ----

type modulesStats struct {
	unwind          unwindStats
	load            float64 // ns to dlopen them all
	cold            float64 // first symbolization in the process, ns
	firstPerModule  float64 // first PC of each further library, ns
	warm            float64 // ns per PC, cached
	named, chainLen int
}

func (c *config) measureModules(a *artifacts) (map[int]*modulesStats, error) {
	type acc struct {
		rounds                     []round
		load, cold, firstPer, warm []float64
		named                      int
	}
	accs := map[int]*acc{}
	for i := 0; i < c.runs; i++ {
		for _, n := range c.modCounts {
			var out struct {
				LoadNs         float64   `json:"load_ns"`
				Unwind         []round   `json:"unwind"`
				ColdNs         float64   `json:"cold_ns"`
				FirstPerModule *float64  `json:"first_per_module_ns"`
				WarmNs         []float64 `json:"warm_ns"`
				Named          int       `json:"named"`
			}
			if err := runJSON(&out, nil, a.progOn, "modules", a.modsDir, fmt.Sprint(n), "3", fmt.Sprint(c.unwindReps)); err != nil {
				return nil, err
			}
			x := accs[n]
			if x == nil {
				x = &acc{}
				accs[n] = x
			}
			x.rounds = append(x.rounds, out.Unwind...)
			x.load = append(x.load, out.LoadNs)
			x.cold = append(x.cold, out.ColdNs)
			if out.FirstPerModule != nil {
				x.firstPer = append(x.firstPer, *out.FirstPerModule)
			}
			x.warm = append(x.warm, out.WarmNs...)
			x.named = out.Named
		}
	}
	res := map[int]*modulesStats{}
	for n, x := range accs {
		res[n] = &modulesStats{
			unwind: summarize(x.rounds), load: median(x.load), cold: median(x.cold),
			firstPerModule: median(x.firstPer), warm: median(x.warm), named: x.named, chainLen: 32,
		}
		for m, name := range methods {
			var xs []float64
			for _, r := range x.rounds {
				xs = append(xs, r.NsFrame[m])
			}
			c.bs.add(fmt.Sprintf("UnwindModules/libs=%d/method=%s", n, name), "ns/frame", xs...)
		}
		c.bs.add(fmt.Sprintf("SymbolizeModules/libs=%d/phase=first", n), "ns/op", x.cold...)
		c.bs.add(fmt.Sprintf("SymbolizeModules/libs=%d/phase=warm", n), "ns/pc", x.warm...)
	}
	return res, nil
}

// ---- Symbolization ----

type symTarget struct {
	name, desc string
	prog       string // the program that symbolizes it
	arg        string // a library to dlopen, or "self"
	file       string // the ELF file the PCs are in (for the tools)
	vaddrs     string // file addresses, one a line
	dwarf      dwarfSize
	cuFilter   string
}

type dwarfSize struct {
	uncompressed, inFile int64
	compressed           bool
}

type symStats struct {
	cold, coldCPU, miss, hit, cf float64 // ns
	rssCold, heapCold, rssAll    float64 // KiB
	framesPerPC, namedPerPC      float64
	pcs                          int
	tools                        map[string]*toolStats
}

type toolStats struct {
	cold, coldCPU, perPC float64 // ns
	batch                int
}

type tool struct {
	name string
	path string
	args func(file string) []string
	// How many PCs go to one run of the batch mode (eu-addr2line is slow).
	batch int
}

func findTools() []tool {
	look := func(names ...string) string {
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
		}
		return ""
	}
	var llvm string
	if p := look("llvm-symbolizer"); p != "" {
		llvm = p
	} else if m, _ := filepath.Glob("/usr/bin/llvm-symbolizer-*"); len(m) > 0 {
		sort.Strings(m)
		llvm = m[len(m)-1]
	}
	var tools []tool
	if p := look("addr2line"); p != "" {
		tools = append(tools, tool{"addr2line", p, func(f string) []string { return []string{"-f", "-i", "-C", "-e", f} }, 1000})
	}
	if p := look("eu-addr2line"); p != "" {
		tools = append(tools, tool{"eu-addr2line", p, func(f string) []string { return []string{"-f", "-i", "-C", "-e", f} }, 40})
	}
	if llvm != "" {
		tools = append(tools, tool{"llvm-symbolizer", llvm, func(f string) []string { return []string{"--inlining", "--demangle", "--obj=" + f} }, 1000})
	}
	return tools
}

// timeTool runs a symbolizer over the first n vaddrs (stdin, batch mode)
// and returns the wall time of the whole process and its CPU time (user +
// system).
func timeTool(t tool, file string, vaddrs []uint64, n int) (wall, cpu float64, err error) {
	var in bytes.Buffer
	for _, v := range vaddrs[:n] {
		fmt.Fprintf(&in, "0x%x\n", v)
	}
	cmd := exec.Command(t.path, t.args(file)...)
	cmd.Stdin = &in
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %v", t.name, err)
	}
	d := time.Since(start)
	if out.Len() == 0 {
		return 0, 0, fmt.Errorf("%s printed nothing", t.name)
	}
	ps := cmd.ProcessState
	return float64(d.Nanoseconds()), float64((ps.UserTime() + ps.SystemTime()).Nanoseconds()), nil
}

func readVaddrs(path string) ([]uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v []uint64
	for _, f := range strings.Fields(string(data)) {
		x, err := strconv.ParseUint(strings.TrimPrefix(f, "0x"), 16, 64)
		if err != nil {
			return nil, err
		}
		v = append(v, x)
	}
	return v, nil
}

func (c *config) measureSym(targets []*symTarget, tools []tool) (map[string]*symStats, error) {
	type acc struct {
		cold, coldCPU, miss, hit, cf, rssCold, heapCold, rssAll []float64
		frames, named                                           float64
		pcs                                                     int
	}
	accs := map[string]*acc{}
	for i := 0; i < c.runs; i++ {
		for _, t := range targets {
			if t.name == "big" && i >= c.bigRuns {
				continue
			}
			var out struct {
				Pcs           int       `json:"pcs"`
				ColdNs        float64   `json:"cold_ns"`
				ColdCPUNs     float64   `json:"cold_cpu_ns"`
				RssColdKiB    float64   `json:"rss_cold_kib"`
				HeapColdKiB   float64   `json:"heap_cold_kib"`
				MissNs        float64   `json:"miss_ns"`
				FramesPerPC   float64   `json:"frames_per_pc"`
				NamedPerPC    float64   `json:"named_per_pc"`
				HitNs         []float64 `json:"hit_ns"`
				CallersFrames []float64 `json:"callersframes_ns"`
				RssKiB        float64   `json:"rss_kib"`
			}
			if err := runJSON(&out, nil, t.prog, "sym", t.arg, t.vaddrs, "3"); err != nil {
				return nil, err
			}
			x := accs[t.name]
			if x == nil {
				x = &acc{}
				accs[t.name] = x
			}
			x.cold = append(x.cold, out.ColdNs)
			x.coldCPU = append(x.coldCPU, out.ColdCPUNs)
			x.miss = append(x.miss, out.MissNs)
			x.hit = append(x.hit, out.HitNs...)
			x.cf = append(x.cf, out.CallersFrames...)
			x.rssCold = append(x.rssCold, out.RssColdKiB)
			x.heapCold = append(x.heapCold, out.HeapColdKiB)
			x.rssAll = append(x.rssAll, out.RssKiB)
			x.frames, x.named, x.pcs = out.FramesPerPC, out.NamedPerPC, out.Pcs
		}
	}
	res := map[string]*symStats{}
	for _, t := range targets {
		x := accs[t.name]
		s := &symStats{
			cold: median(x.cold), coldCPU: median(x.coldCPU), miss: median(x.miss), hit: median(x.hit), cf: median(x.cf),
			rssCold: median(x.rssCold), heapCold: median(x.heapCold), rssAll: median(x.rssAll),
			framesPerPC: x.frames, namedPerPC: x.named, pcs: x.pcs, tools: map[string]*toolStats{},
		}
		res[t.name] = s
		c.bs.add("Symbolize/target="+t.name+"/impl=package/phase=cold", "ns/op", x.cold...)
		c.bs.add("Symbolize/target="+t.name+"/impl=package/phase=cold", "cpu-ns/op", x.coldCPU...)
		c.bs.add("Symbolize/target="+t.name+"/impl=package/phase=miss", "ns/pc", x.miss...)
		c.bs.add("Symbolize/target="+t.name+"/impl=package/phase=warm", "ns/pc", x.hit...)
		c.bs.add("Symbolize/target="+t.name+"/impl=callersframes/phase=warm", "ns/pc", x.cf...)
		vaddrs, err := readVaddrs(t.vaddrs)
		if err != nil {
			return nil, err
		}
		runs := c.toolRuns
		if t.name == "big" {
			runs = min(runs, c.bigRuns)
		}
		for _, tl := range tools {
			var one, oneCPU, batchCPU []float64
			n := min(tl.batch, len(vaddrs))
			if t.name == "big" {
				n = max(10, n/10)
			}
			for i := 0; i < runs; i++ {
				w1, c1, err := timeTool(tl, t.file, vaddrs, 1)
				if err != nil {
					return nil, err
				}
				_, cn, err := timeTool(tl, t.file, vaddrs, n)
				if err != nil {
					return nil, err
				}
				one, oneCPU, batchCPU = append(one, w1), append(oneCPU, c1), append(batchCPU, cn)
			}
			ts := &toolStats{cold: median(one), coldCPU: median(oneCPU),
				perPC: math.Max(0, (median(batchCPU)-median(oneCPU))/float64(n-1)), batch: n}
			s.tools[tl.name] = ts
			c.bs.add("Symbolize/target="+t.name+"/impl="+tl.name+"/phase=cold", "ns/op", one...)
			c.bs.add("Symbolize/target="+t.name+"/impl="+tl.name+"/phase=cold", "cpu-ns/op", oneCPU...)
			c.bs.add(fmt.Sprintf("Symbolize/target=%s/impl=%s/phase=batch%d", t.name, tl.name, n), "cpu-ns/op", batchCPU...)
		}
	}
	return res, nil
}

// pickPCs writes n file addresses inside functions of file (FUNC symbols
// with a size, in executable sections), chosen at random with a fixed seed:
// a random function, then a random offset in it. cuFilter, when set, keeps
// only functions inside compile units whose name ends with it.
func pickPCs(file, cuFilter string, n int, out string) error {
	f, err := elf.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return err
	}
	var ranges [][2]uint64
	if cuFilter != "" {
		d, err := f.DWARF()
		if err != nil {
			return err
		}
		r := d.Reader()
		for {
			e, err := r.Next()
			if err != nil {
				return err
			}
			if e == nil {
				break
			}
			if e.Tag == dwarf.TagCompileUnit {
				if name, _ := e.Val(dwarf.AttrName).(string); strings.HasSuffix(name, cuFilter) {
					rs, err := d.Ranges(e)
					if err != nil {
						return err
					}
					ranges = append(ranges, rs...)
				}
			}
			r.SkipChildren()
		}
		if len(ranges) == 0 {
			return fmt.Errorf("%s: no compile unit %s", file, cuFilter)
		}
	}
	inRanges := func(a uint64) bool {
		if ranges == nil {
			return true
		}
		for _, r := range ranges {
			if a >= r[0] && a < r[1] {
				return true
			}
		}
		return false
	}
	type fn struct{ addr, size uint64 }
	var fns []fn
	seen := map[uint64]bool{}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Size == 0 || s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		if f.Sections[s.Section].Flags&elf.SHF_EXECINSTR == 0 || seen[s.Value] || !inRanges(s.Value) {
			continue
		}
		seen[s.Value] = true
		fns = append(fns, fn{s.Value, s.Size})
	}
	if len(fns) == 0 {
		return fmt.Errorf("%s: no functions", file)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].addr < fns[j].addr })
	rng := rand.New(rand.NewSource(1))
	var sb strings.Builder
	picked := map[uint64]bool{}
	for len(picked) < n && len(picked) < 64*len(fns) {
		f := fns[rng.Intn(len(fns))]
		a := f.addr + uint64(rng.Int63n(int64(f.size)))
		if !picked[a] {
			picked[a] = true
			fmt.Fprintf(&sb, "0x%x\n", a)
		}
	}
	return os.WriteFile(out, []byte(sb.String()), 0o644)
}

func measureDwarf(file string) (dwarfSize, error) {
	f, err := elf.Open(file)
	if err != nil {
		return dwarfSize{}, err
	}
	defer f.Close()
	var d dwarfSize
	for _, s := range f.Sections {
		if strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			d.uncompressed += int64(s.Size)
			d.inFile += int64(s.FileSize)
			if s.Flags&elf.SHF_COMPRESSED != 0 || strings.HasPrefix(s.Name, ".zdebug_") {
				d.compressed = true
			}
		}
	}
	return d, nil
}

// ---- Crash ----

func monotonicNs() int64 {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1 /* CLOCK_MONOTONIC */, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

type crashResult struct {
	firstFrame, endOn, endOff []float64
	binSize                   int64
	sample                    string
}

// crashOnce runs prog crash and returns the times from the fault (the
// child's FAULT_AT timestamp, CLOCK_MONOTONIC) to the arrival of the first
// line naming crash_leaf on the pipe (-1 if none) and to the end of the
// dump.
func crashOnce(bin string, env []string) (first, end float64, dump string, err error) {
	cmd := exec.Command(bin, "crash")
	cmd.Env = append(os.Environ(), env...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return 0, 0, "", err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, "", err
	}
	r := bufio.NewReader(pipe)
	var fault int64
	first = -1
	var sb strings.Builder
	for {
		line, err := r.ReadString('\n')
		now := monotonicNs()
		sb.WriteString(line)
		if rest, ok := strings.CutPrefix(line, "FAULT_AT "); ok {
			fault, _ = strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
		} else if first < 0 && fault != 0 && strings.HasPrefix(line, "crash_leaf") {
			first = float64(now - fault)
		}
		if err != nil {
			end = float64(now - fault)
			break
		}
	}
	cmd.Wait()
	if fault == 0 {
		return 0, 0, sb.String(), fmt.Errorf("crash: no FAULT_AT line:\n%s", sb.String())
	}
	return first, end, sb.String(), nil
}

func (c *config) measureCrash(a *artifacts) (*crashResult, error) {
	r := &crashResult{}
	if fi, err := os.Stat(a.progSQLite); err == nil {
		r.binSize = fi.Size()
	}
	for i := 0; i < c.runs; i++ {
		first, end, dump, err := crashOnce(a.progSQLite, nil)
		if err != nil {
			return nil, err
		}
		if first < 0 {
			return nil, fmt.Errorf("crash: no crash_leaf frame in the dump:\n%s", dump)
		}
		r.sample = dump
		r.firstFrame, r.endOn = append(r.firstFrame, first), append(r.endOn, end)
		_, end, _, err = crashOnce(a.progSQLite, envOff)
		if err != nil {
			return nil, err
		}
		r.endOff = append(r.endOff, end)
	}
	c.bs.add("Crash/mode=package/until=first-frame", "ns/op", r.firstFrame...)
	c.bs.add("Crash/mode=package/until=end", "ns/op", r.endOn...)
	c.bs.add("Crash/mode=off/until=end", "ns/op", r.endOff...)
	return r, nil
}

// ---- Start-up ----

type startupResult struct {
	ns, cpu map[string][]float64 // wall time; the child's user + system CPU time
	runs    int
}

func (c *config) measureStartup(a *artifacts) (*startupResult, error) {
	vs := []variant{
		{"bare", "", a.helloBare, nil},
		{"libs", "", a.helloLibs, nil},
		{"package", "", a.helloOn, nil},
		{"package-off", "", a.helloOn, envOff},
	}
	r := &startupResult{ns: map[string][]float64{}, cpu: map[string][]float64{}, runs: c.startupRuns}
	for i := 0; i < c.startupRuns; i++ {
		for _, v := range vs {
			cmd := exec.Command(v.bin)
			cmd.Env = append(os.Environ(), v.env...)
			cmd.Stdout = io.Discard
			start := time.Now()
			if err := cmd.Run(); err != nil {
				return nil, err
			}
			r.ns[v.name] = append(r.ns[v.name], float64(time.Since(start).Nanoseconds()))
			r.cpu[v.name] = append(r.cpu[v.name], float64((cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Nanoseconds()))
		}
	}
	for _, v := range vs {
		c.bs.add("Startup/variant="+v.name, "ns/op", r.ns[v.name]...)
		c.bs.add("StartupCPU/variant="+v.name, "cpu-ns/op", r.cpu[v.name]...)
	}
	return r, nil
}

// ---- CPU profile overhead ----

type hotResult struct {
	nsIter  map[string][]float64
	samples map[string][]float64 // per second of CPU
}

func (c *config) measureHot(a *artifacts) (*hotResult, error) {
	vs := []variant{
		{"bare", "", a.progBare, nil},
		{"package", "", a.progOn, nil},
		{"package-off", "", a.progOn, envOff},
	}
	r := &hotResult{nsIter: map[string][]float64{}, samples: map[string][]float64{}}
	for i := 0; i < c.callbackRuns; i++ {
		for _, v := range vs {
			var out struct {
				NsPerIter float64 `json:"ns_per_iter"`
				CPUNs     float64 `json:"cpu_ns"`
				Samples   float64 `json:"samples"`
			}
			if err := runJSON(&out, v.env, v.bin, "hot", fmt.Sprint(c.hotSeconds)); err != nil {
				return nil, err
			}
			r.nsIter[v.name] = append(r.nsIter[v.name], out.NsPerIter)
			r.samples[v.name] = append(r.samples[v.name], out.Samples/(out.CPUNs/1e9))
		}
	}
	for _, v := range vs {
		c.bs.add("ProfiledHotLoop/variant="+v.name, "ns/iter", r.nsIter[v.name]...)
	}
	return r, nil
}

// ---- Memory ----

type memoryResult struct {
	growth   map[string][]float64 // KiB, around StopCPUProfile
	heap     map[string][]float64 // KiB malloc holds, around StopCPUProfile
	after    map[string][]float64 // KiB
	samples  float64
	dwarfExe dwarfSize
	// The modules with PCs in the profile, and the DWARF they (and their
	// separate debug files) hold: what symbolizing the profile may read.
	modules     []string
	dwarfNeeded int64
}

// debugFile is the separate debug file of a build ID under
// /usr/lib/debug/.build-id, or "".
func debugFile(buildID string) string {
	if len(buildID) < 3 {
		return ""
	}
	p := filepath.Join("/usr/lib/debug/.build-id", buildID[:2], buildID[2:]+".debug")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func (c *config) measureMemory(a *artifacts) (*memoryResult, error) {
	r := &memoryResult{growth: map[string][]float64{}, heap: map[string][]float64{}, after: map[string][]float64{}}
	var err error
	if r.dwarfExe, err = measureDwarf(a.progSQLite); err != nil {
		return nil, err
	}
	for i := 0; i < c.memRuns; i++ {
		for _, v := range []variant{{"package", "", a.progSQLite, nil}, {"package-off", "", a.progSQLite, envOff}} {
			var out struct {
				Samples   float64 `json:"samples"`
				RssBefore float64 `json:"rss_before_kib"`
				RssAfter  float64 `json:"rss_after_kib"`
				HeapKiB   float64 `json:"heap_growth_kib"`
				Modules   []struct {
					File      string `json:"file"`
					BuildID   string `json:"build_id"`
					Locations int    `json:"locations"`
				} `json:"modules"`
			}
			if err := runJSON(&out, v.env, v.bin, "memory", fmt.Sprint(c.memSeconds)); err != nil {
				return nil, err
			}
			r.growth[v.name] = append(r.growth[v.name], out.RssAfter-out.RssBefore)
			r.after[v.name] = append(r.after[v.name], out.RssAfter)
			r.heap[v.name] = append(r.heap[v.name], out.HeapKiB)
			if v.name == "package" && i == 0 {
				r.samples = out.Samples
				for _, m := range out.Modules {
					desc := fmt.Sprintf("%s (%d PCs", filepath.Base(m.File), m.Locations)
					if d, err := measureDwarf(m.File); err == nil {
						r.dwarfNeeded += d.uncompressed
						desc += ", " + fmtMiB(float64(d.uncompressed)/1024) + " of DWARF"
					}
					if dbg := debugFile(m.BuildID); dbg != "" {
						if d, err := measureDwarf(dbg); err == nil {
							r.dwarfNeeded += d.uncompressed
							desc += " + " + fmtMiB(float64(d.uncompressed)/1024) + " in " + dbg
						}
					}
					r.modules = append(r.modules, desc+")")
				}
				sort.Strings(r.modules)
			}
		}
	}
	c.bs.add("ProfileRSSGrowth/variant=package", "KiB", r.growth["package"]...)
	c.bs.add("ProfileRSSGrowth/variant=package-off", "KiB", r.growth["package-off"]...)
	return r, nil
}
