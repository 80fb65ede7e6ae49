// Command bench measures what github.com/cgosymbolizer/cgosymbolizer costs
// against the budgets of the README's "Performance" section, and prints one
// table: each row the package's figure, a comparison measured in the same
// run, their ratio and the budget. Then one table per scale dimension
// (stack depth, loaded libraries, DWARF size, threads) and the details.
//
//	make bench        # cd testdata/bench && go run .: ~2½ min once built, ~6 from scratch
//	make bench-quick  # go run . -quick: fewer runs, no 110 MB library (~1 min)
//	go run . -build   # only build into bin/
//	go run . -runs 9  # processes per measurement (default 7)
//
// It builds everything it runs into bin/ (./prog in several variants,
// ./hello, SQLite as a shared library, generated libraries: cached there),
// runs every measurement in fresh processes, several times, and reports
// medians. The report also goes to bin/report.md, and every single run to
// bin/bench.txt in the Go benchmark format (benchstat bin/bench.txt).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

type config struct {
	quick                                 bool
	here, root, bin, goCmd                string
	runs                                  int // processes per measurement
	callbackRuns                          int
	unwindProcs, unwindRounds, unwindReps int
	modCounts                             []int
	symPCs, toolRuns, bigRuns             int
	startupRuns, memRuns                  int
	hotSeconds, memSeconds                float64
	bs                                    benchstat
	start                                 time.Time
}

func main() {
	quick := flag.Bool("quick", false, "a fast smoke run: fewer runs, no 110 MB library")
	runs := flag.Int("runs", 0, "processes per measurement (default 7, quick 3)")
	buildOnly := flag.Bool("build", false, "only build (and generate the libraries)")
	flag.Parse()
	c := &config{quick: *quick, start: time.Now(), goCmd: "go"}
	if g := os.Getenv("GO"); g != "" {
		c.goCmd = g
	}
	var err error
	if c.here, err = os.Getwd(); err != nil {
		fatal(err)
	}
	c.root = filepath.Clean(filepath.Join(c.here, "..", ".."))
	c.bin = filepath.Join(c.here, "bin")
	if c.quick {
		c.runs, c.unwindProcs, c.unwindRounds, c.unwindReps = 3, 1, 3, 500
		c.modCounts = []int{1, 50}
		c.symPCs, c.toolRuns, c.bigRuns = 300, 2, 0
		c.startupRuns, c.memRuns, c.hotSeconds, c.memSeconds = 30, 1, 0.5, 1
	} else {
		c.runs, c.unwindProcs, c.unwindRounds, c.unwindReps = 7, 3, 5, 2000
		c.modCounts = []int{1, 50, 200}
		c.symPCs, c.toolRuns, c.bigRuns = 1000, 5, 3
		c.startupRuns, c.memRuns, c.hotSeconds, c.memSeconds = 200, 5, 0.6, 2
	}
	if *runs > 0 {
		c.runs = *runs
	}
	// The callback's few nanoseconds and the hot loop's 1 % need more
	// processes to settle.
	c.callbackRuns = 2*c.runs + 1
	if err := os.MkdirAll(c.bin, 0o755); err != nil {
		fatal(err)
	}
	if *buildOnly {
		if _, err := c.build(); err != nil {
			fatal(err)
		}
		return
	}
	report, err := c.run()
	if err != nil {
		fatal(err)
	}
	fmt.Print(report)
	if err := os.WriteFile(filepath.Join(c.bin, "report.md"), []byte(report), 0o644); err != nil {
		fatal(err)
	}
	header := []string{"goos: linux", "goarch: " + runtime.GOARCH, "pkg: cgosymbolizer.test/bench", "cpu: " + cpuModel()}
	if err := c.bs.write(filepath.Join(c.bin, "bench.txt"), header); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench: report in %s, every run in %s (benchstat format); %s in all\n",
		filepath.Join(c.bin, "report.md"), filepath.Join(c.bin, "bench.txt"), time.Since(c.start).Round(time.Second))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func (c *config) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%5.1fs] %s\n", time.Since(c.start).Seconds(), fmt.Sprintf(format, args...))
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func (c *config) run() (string, error) {
	c.logf("building (the first run compiles SQLite twice and generates the libraries: a few minutes)")
	a, err := c.build()
	if err != nil {
		return "", err
	}
	buildTime := time.Since(c.start)
	tools := findTools()
	var names []string
	for _, t := range tools {
		names = append(names, t.name)
	}
	c.logf("built; symbolizers to compare with: %s", strings.Join(names, ", "))

	targets := []*symTarget{
		{name: "small", desc: "small C library (generated, 80 functions)", prog: a.progOn, arg: a.smallSO, file: a.smallSO},
		{name: "sqlite", desc: "SQLite 3 amalgamation, `-O2 -g` shared library", prog: a.progOn, arg: a.sqliteSO, file: a.sqliteSO},
		{name: "sqlite-in-go", desc: "SQLite inside a Go binary (go-sqlite3; Go compresses the DWARF)", prog: a.progSQLite, arg: "self", file: a.progSQLite, cuFilter: "sqlite3-binding.c"},
	}
	if !c.quick {
		targets = append(targets, &symTarget{name: "big", desc: "generated `-O0 -g` library (always_inline helpers), 330 units with C++-like type bulk", prog: a.progOn, arg: a.bigSO, file: a.bigSO})
	}
	for _, t := range targets {
		t.vaddrs = filepath.Join(c.bin, "pcs-"+t.name+".txt")
		if err := pickPCs(t.file, t.cuFilter, c.symPCs, t.vaddrs); err != nil {
			return "", err
		}
		if t.dwarf, err = measureDwarf(t.file); err != nil {
			return "", err
		}
	}

	c.logf("callbacks: 5 variants x %d runs", c.callbackRuns)
	cb, err := c.measureCallback(a)
	if err != nil {
		return "", err
	}
	c.logf("unwinding from a signal: %d processes x %d rounds x %d walks", c.unwindProcs, c.unwindRounds, c.unwindReps)
	uw, err := c.measureUnwind(a)
	if err != nil {
		return "", err
	}
	c.logf("loaded libraries %v: %d runs", c.modCounts, c.runs)
	mods, err := c.measureModules(a)
	if err != nil {
		return "", err
	}
	c.logf("symbolization: %d targets x %d runs, then %d symbolizers", len(targets), c.runs, len(tools))
	sym, err := c.measureSym(targets, tools)
	if err != nil {
		return "", err
	}
	c.logf("crash path: %d runs", c.runs)
	crash, err := c.measureCrash(a)
	if err != nil {
		return "", err
	}
	c.logf("start-up: %d runs of 4 variants", c.startupRuns)
	st, err := c.measureStartup(a)
	if err != nil {
		return "", err
	}
	c.logf("C hot loop under a 1 kHz profile: 3 variants x %d runs of %gs", c.callbackRuns, c.hotSeconds)
	hot, err := c.measureHot(a)
	if err != nil {
		return "", err
	}
	c.logf("memory: %d runs of an SQLite workload, profiled", c.memRuns)
	mem, err := c.measureMemory(a)
	if err != nil {
		return "", err
	}
	total := time.Since(c.start)
	c.logf("done")
	return c.report(a, cb, uw, mods, targets, sym, tools, crash, st, hot, mem, buildTime, total), nil
}

func goVersion(goCmd string) string {
	out, err := exec.Command(goCmd, "env", "GOVERSION").Output()
	if err != nil {
		return "go?"
	}
	return strings.TrimSpace(string(out))
}

func (c *config) report(a *artifacts, cb *callbackResult, uw *unwindResult, mods map[int]*modulesStats,
	targets []*symTarget, sym map[string]*symStats, tools []tool, crash *crashResult,
	st *startupResult, hot *hotResult, mem *memoryResult, buildTime, total time.Duration) string {
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	mode := "make bench"
	if c.quick {
		mode = "make bench-quick"
	}
	p("`%s` on %s, %d CPUs, %s; each figure the median of %d runs (fresh processes) unless noted.\n\n",
		mode, cpuModel(), runtime.NumCPU(), goVersion(c.goCmd), c.runs)

	// ---- The budget table ----
	var rows [][]string
	cbOn, cbBare := median(cb.cpu["package"]), median(cb.cpu["bare"])
	rows = append(rows, []string{fmt.Sprintf("Go→C→Go callback, context function on every call (thread CPU time per call, median of %d)", c.callbackRuns),
		fmtNs(cbOn), fmtNs(cbBare) + " bare runtime", fmtRatio(cbOn / cbBare), "≤ 1.10x", yesNo(cbOn/cbBare <= 1.10)})
	d32 := uw.depth[32]
	ours, fp, gcc := d32.nsFrame[0], d32.nsFrame[1], d32.nsFrame[2]
	rows = append(rows, []string{"unwinding one C frame from a signal context, warm (32-frame chain)",
		fmtNs(ours), fmtNs(fp) + " frame-pointer walk", fmtRatio(ours / fp), "≤ 2x (aim)", yesNo(ours/fp <= 2)})
	rows = append(rows, []string{"… the same against libgcc",
		fmtNs(ours), fmtNs(gcc) + " libgcc `_Unwind_Backtrace`", fmtRatio(ours/gcc) + fmt.Sprintf(" (%.1fx faster)", gcc/ours), "≥ 3x faster", yesNo(gcc/ours >= 3)})
	ref := refTool(tools)
	sq := sym["sqlite"]
	refWarm, refCold := math.NaN(), math.NaN()
	if t := sq.tools[ref]; t != nil {
		refWarm, refCold = t.perPC, t.cold
	}
	rows = append(rows, []string{"symbolizing one PC with its full inline chain, warm (SQLite `.so`, repeated PCs)",
		fmtNs(sq.hit), fmtNs(refWarm) + " " + ref + " (batch, per PC)", fmtRatio(sq.hit / refWarm), "≤ 1 µs", yesNo(sq.hit <= 1000)})
	rows = append(rows, []string{"first symbolization in a process, cold (SQLite `.so`)",
		fmtNs(sq.cold), fmtNs(refCold) + " " + ref + " (whole process, 1 PC)", fmtRatio(sq.cold / refCold), "≤ 50 ms", yesNo(sq.cold <= 50e6)})
	cf, offEnd := median(crash.firstFrame), median(crash.endOff)
	rows = append(rows, []string{fmt.Sprintf("crash: first symbolized C frame after the fault (%.1f MB binary)", float64(crash.binSize)/1e6),
		fmtNs(cf), fmtNs(offEnd) + " `CGOSYMBOLIZER=off`: whole dump, no C frames", fmtRatio(cf / offEnd), "≤ 50 ms", yesNo(cf <= 50e6)})
	sOn, sBare := median(st.ns["package"]), median(st.ns["bare"])
	cOn, cBare := median(st.cpu["package"]), median(st.cpu["bare"])
	rows = append(rows, []string{"program start-up, blank import vs without (wall; the child's CPU time)",
		fmt.Sprintf("%s (CPU %s)", fmtNs(sOn), fmtNs(cOn)), fmt.Sprintf("%s (CPU %s) without the import", fmtNs(sBare), fmtNs(cBare)),
		fmt.Sprintf("%+.2f ms (CPU %+.2f ms)", (sOn-sBare)/1e6, (cOn-cBare)/1e6), "≤ +1 ms", yesNo(sOn-sBare <= 1e6)})
	hOn, hBare := median(hot.nsIter["package"]), median(hot.nsIter["bare"])
	rows = append(rows, []string{fmt.Sprintf("C hot loop under a 1 kHz CPU profile (CPU time per iteration, median of %d)", c.callbackRuns),
		fmtNs(hOn), fmtNs(hBare) + " without the import", fmtRatio(hOn / hBare), "≤ 1.01x", yesNo(hOn/hBare <= 1.01)})
	gOn, gOff := median(mem.growth["package"]), median(mem.growth["package-off"])
	rows = append(rows, []string{"resident memory: growth when the profile of an SQLite workload is symbolized",
		fmtMiB(gOn), fmtMiB(gOff) + " `CGOSYMBOLIZER=off`; DWARF of the profile's modules: " + fmtMiB(float64(mem.dwarfNeeded)/1024),
		fmtMiB(gOn-gOff) + " more", "report; ≤ the DWARF it needs", yesNo(gOn-gOff <= float64(mem.dwarfNeeded)/1024)})
	p("%s\n", table([]string{"budget item", "package", "comparison (same run)", "ratio", "budget", "met?"}, rows))

	// ---- Scale: stack depth ----
	p("**Stack depth.** Unwinding from a signal, warm: a chain of C frames (frame pointers kept) ends in a leaf that sends itself a signal; the handler walks the interrupted stack %d times with each method and takes the thread's CPU time. The package: `cgosymbolizer_traceback` with the signal's `ucontext` (as the runtime's SIGPROF handler calls it); the frame-pointer walk: from the same `ucontext`, checking only that each frame record is on the thread's stack; libgcc: `_Unwind_Backtrace` from the handler, through the signal trampoline (its frame count includes the handler's frames). Median of %d rounds.\n\n", c.unwindReps, c.unwindProcs*c.unwindRounds)
	rows = nil
	for _, d := range []int{8, 32} {
		s := uw.depth[d]
		rows = append(rows, []string{fmt.Sprint(d),
			fmt.Sprintf("%s (%s/frame)", fmtNs(s.nsWalk[0]), fmtNs(s.nsFrame[0])),
			fmt.Sprintf("%s (%s/frame)", fmtNs(s.nsWalk[1]), fmtNs(s.nsFrame[1])),
			fmt.Sprintf("%s (%s/frame, %d frames)", fmtNs(s.nsWalk[2]), fmtNs(s.nsFrame[2]), s.frames[2]),
			fmtRatio(s.nsFrame[0] / s.nsFrame[1]), fmtRatio(s.nsFrame[2] / s.nsFrame[0])})
	}
	p("%s\n", table([]string{"frames", "package", "frame-pointer walk", "libgcc", "package / FP", "libgcc / package"}, rows))
	marg := func(m int) float64 {
		return (uw.depth[32].nsWalk[m] - uw.depth[8].nsWalk[m]) / 24
	}
	p("Marginal cost of a frame (32 − 8 frames): package %s, frame pointers %s, libgcc %s.\n\n", fmtNs(marg(0)), fmtNs(marg(1)), fmtNs(marg(2)))

	// ---- Scale: threads ----
	p("**Threads unwinding at once.** Each thread signals itself and walks its own 32-frame chain; thread CPU time per frame, so that waiting for one of the %d CPUs is not counted.\n\n", runtime.NumCPU())
	rows = nil
	for _, t := range []int{1, 2, 4} {
		s := uw.threads[t]
		rows = append(rows, []string{fmt.Sprint(t), fmtNs(s.nsFrame[0]), fmtNs(s.nsFrame[1]), fmtNs(s.nsFrame[2]),
			fmtRatio(s.nsFrame[0] / uw.threads[1].nsFrame[0])})
	}
	p("%s\n", table([]string{"threads", "package", "frame-pointer walk", "libgcc", "package vs 1 thread"}, rows))

	// ---- Scale: modules ----
	p("**Loaded libraries.** N generated one-function libraries `dlopen`ed; a 32-frame chain whose frame k is in library k mod N (so it crosses min(N, 32) libraries). First symbolization: the first PC symbolized in the process (a PC in library 0; the engine also opens the executable); then the first PC of each other library; warm: the chain's PCs again.\n\n")
	rows = nil
	for _, n := range c.modCounts {
		m := mods[n]
		first := "—"
		if !math.IsNaN(m.firstPerModule) {
			first = fmtNs(m.firstPerModule)
		}
		rows = append(rows, []string{fmt.Sprint(n), fmtNs(m.unwind.nsFrame[0]), fmtNs(m.unwind.nsFrame[1]), fmtNs(m.unwind.nsFrame[2]),
			fmtNs(m.cold), first, fmtNs(m.warm)})
	}
	p("%s\n", table([]string{"libraries", "unwind: package /frame", "FP /frame", "libgcc /frame", "first symbolization", "first PC of each other library", "warm, per PC"}, rows))

	// ---- Scale: DWARF size ----
	p("**DWARF size.** The package: cold = the first PC symbolized in a fresh process (files in the page cache); first lookup = each other PC for the first time (index built, result cache missed); warm = repeated PCs (cache hits), through the callback as the runtime calls it and through `runtime.CallersFrames`; RSS = growth of resident memory over the first lookup (and of the bytes malloc holds, `mallinfo2`). %d PCs, random offsets in random functions.\n\n", c.symPCs)
	rows = nil
	for _, t := range targets {
		s := sym[t.name]
		dw := fmtMiB(float64(t.dwarf.uncompressed) / 1024)
		if t.dwarf.compressed {
			dw += fmt.Sprintf(" (%s compressed)", fmtMiB(float64(t.dwarf.inFile)/1024))
		}
		rows = append(rows, []string{t.name, t.desc, dw, fmt.Sprintf("%s (CPU %s)", fmtNs(s.cold), fmtNs(s.coldCPU)), fmtNs(s.miss), fmtNs(s.hit), fmtNs(s.cf),
			fmt.Sprintf("%s (malloc %s)", fmtMiB(s.rssCold), fmtMiB(s.heapCold)), fmt.Sprintf("%.2f", s.framesPerPC)})
	}
	p("%s\n", table([]string{"target", "what", "DWARF", "cold", "first lookup /PC", "warm /PC", "warm via CallersFrames /PC", "RSS at first lookup", "frames /PC"}, rows))
	if len(tools) > 0 {
		p("The command-line symbolizers on the same files and PCs, `-f -i -C` (llvm-symbolizer `--inlining --demangle`), addresses on stdin: cold = one process symbolizing one PC, start-up included (wall, and CPU); per PC = the CPU time of a batch of n PCs less that of one PC, over n − 1 (n in brackets). They keep no cache: a repeated PC costs the same again.\n\n")
		hdr := []string{"target"}
		for _, tl := range tools {
			hdr = append(hdr, tl.name+" cold", tl.name+" per PC")
		}
		rows = nil
		for _, t := range targets {
			r := []string{t.name}
			for _, tl := range tools {
				ts := sym[t.name].tools[tl.name]
				r = append(r, fmt.Sprintf("%s (CPU %s)", fmtNs(ts.cold), fmtNs(ts.coldCPU)), fmt.Sprintf("%s (%d)", fmtNs(ts.perPC), ts.batch))
			}
			rows = append(rows, r)
		}
		p("%s\n", table(hdr, rows))
	}

	// ---- Details ----
	p("**Callback variants** (Go calls C once, C calls an empty exported Go function b.N times, `testing.Benchmark` for 60 ms; in each process the best of 5 such rounds, then the median over %d processes; wall and thread CPU time per call; spread = (max − min) / median of the processes' CPU times):\n\n", c.callbackRuns)
	rows = nil
	for _, v := range cb.variants {
		w, m := median(cb.ns[v.name]), median(cb.cpu[v.name])
		lo := slices.Min(cb.cpu[v.name])
		rows = append(rows, []string{v.name, v.desc, fmtNs(w), fmtNs(m), fmtRatio(m / cbBare), fmtNs(lo), fmtRatio(lo / slices.Min(cb.cpu["bare"])), fmt.Sprintf("%.0f%%", spread(cb.cpu[v.name]))})
	}
	p("%s\n", table([]string{"variant", "what", "wall /call", "CPU /call", "CPU vs bare", "fastest process, CPU", "vs bare", "spread"}, rows))
	lo := func(v string) float64 { return slices.Min(cb.cpu[v]) }
	p("Where the package's cost goes, from the fastest processes (the least disturbed; the medians carry the machine's noise): of its %+.1f ns a call over the bare runtime, calling a context function that leaves the context 0 costs %+.1f ns; the runtime's bookkeeping for a non-zero context (`cgocallbackg1` appends it to `gp.cgoCtxt` and defers the pop; the C wrapper cgo generates calls the function again, through `_cgo_release_context`, to release it) %+.1f ns more; the package's own context callback (the snapshot and its release) %+.1f ns more.\n\n",
		lo("package")-lo("bare"), lo("ctx0")-lo("bare"), lo("ctx1")-lo("ctx0"), lo("package")-lo("ctx1"))

	p("**Crash path** (`prog_sqlite crash`: a NULL write 8 C frames deep; times from a CLOCK_MONOTONIC stamp written just before the fault to the arrival of the line on the parent's pipe): first C frame %s, end of the dump %s with the package; end of the dump %s with `CGOSYMBOLIZER=off`.\n\n",
		fmtNs(cf), fmtNs(median(crash.endOn)), fmtNs(offEnd))
	p("**Start-up** (a cgo hello world, fork+exec+exit from Go's os/exec, median of %d interleaved runs; CPU = the child's user + system time, all threads):\n\n", st.runs)
	rows = nil
	for _, v := range []struct{ name, desc string }{
		{"bare", "without the import"},
		{"libs", "without the import, linked with the package's libraries (`-lgcc_s -lunwind-x86_64 -ldl`)"},
		{"package-off", "with the import, `CGOSYMBOLIZER=off`"},
		{"package", "with the import"},
	} {
		w, cpu := median(st.ns[v.name]), median(st.cpu[v.name])
		rows = append(rows, []string{v.name, v.desc, fmtNs(w), fmt.Sprintf("%+.2f ms", (w-sBare)/1e6), fmtNs(cpu), fmt.Sprintf("%+.2f ms", (cpu-median(st.cpu["bare"]))/1e6)})
	}
	p("%s\n", table([]string{"variant", "what", "wall", "vs bare", "CPU", "vs bare"}, rows))
	p("**Profiled hot loop** (xorshift 8 C frames deep, %gs of thread CPU time per process in 5 rounds, the best round's CPU time per iteration, median of %d processes, `runtime.SetCPUProfileRate(1000)`): without the import %s/iteration, with it %s, with it and `CGOSYMBOLIZER=off` %s (the same binary: package on / off %s); samples actually taken: %.0f per CPU-second (the kernel's timer tick caps the rate below 1 kHz).\n\n",
		c.hotSeconds, c.callbackRuns, fmtNs(hBare), fmtNs(hOn), fmtNs(median(hot.nsIter["package-off"])), fmtRatio(hOn/median(hot.nsIter["package-off"])), median(hot.samples["package"]))
	p("**Memory** (`prog_sqlite memory`: %gs of SQL under a 1 kHz CPU profile, %.0f samples; RSS after `runtime.GC` around `pprof.StopCPUProfile`, which builds the profile and symbolizes its PCs; median of %d runs): growth %s with the package (RSS then %s; the bytes malloc holds grew by %s), %s with `CGOSYMBOLIZER=off` (RSS then %s). The profile's PCs are in %s: %s of DWARF in all, uncompressed (the binary's own is %s in the file, compressed; SQLite's share of it is about %s, the shared library's).\n\n",
		c.memSeconds, mem.samples, c.memRuns, fmtMiB(gOn), fmtMiB(median(mem.after["package"])), fmtMiB(median(mem.heap["package"])), fmtMiB(gOff), fmtMiB(median(mem.after["package-off"])),
		strings.Join(mem.modules, ", "), fmtMiB(float64(mem.dwarfNeeded)/1024), fmtMiB(float64(mem.dwarfExe.inFile)/1024), fmtMiB(float64(targetDwarf(targets, "sqlite"))/1024))

	agree := d32.agreeAll && uw.depth[8].agreeAll
	p("Checks: the three unwinders found the same PCs in every round: %v. Frames with file:line per PC: %s.\n\n", agree, namedSummary(targets, sym))
	p("Build %s, measurements %s, total %s.\n", buildTime.Round(time.Second), (total - buildTime).Round(time.Second), total.Round(time.Second))
	return sb.String()
}

// refTool is the symbolizer the budget table compares with: llvm-symbolizer
// when installed, else the first one found.
func refTool(tools []tool) string {
	for _, t := range tools {
		if t.name == "llvm-symbolizer" {
			return t.name
		}
	}
	if len(tools) > 0 {
		return tools[0].name
	}
	return "none"
}

func targetDwarf(ts []*symTarget, name string) int64 {
	for _, t := range ts {
		if t.name == name {
			return t.dwarf.uncompressed
		}
	}
	return 0
}

func namedSummary(ts []*symTarget, sym map[string]*symStats) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("%s %.2f of %.2f", t.name, sym[t.name].namedPerPC, sym[t.name].framesPerPC))
	}
	return strings.Join(parts, ", ")
}
