// Command prog is the benchmark program that the driver (../main.go)
// builds in several variants and runs, one measurement per process:
//
//	prog_bare   without the package (the bare runtime)
//	prog_on     with the package (build tag cgosym)
//	prog_ctx0   stand-in callbacks, context always 0 (tag ctx0)
//	prog_ctx1   stand-in callbacks, context always 1 (tag ctx1)
//	prog_sqlite with the package and github.com/mattn/go-sqlite3 (tags
//	            cgosym sqlite): a 10 MB binary with SQLite in it
//
// Modes (each prints one JSON object on stdout):
//
//	callback                   Go->C->Go calls, a testing.B benchmark
//	unwind ROUNDS REPS         unwinding from a signal: depth 8 and 32,
//	                           then 1, 2 and 4 threads at once
//	modules DIR N ROUNDS REPS  N shared libraries loaded, a chain across
//	                           them: unwinding, first and warm symbolization
//	sym TARGET VADDRS ROUNDS   symbolization cold, warm (TARGET: a shared
//	                           library to dlopen, or "self")
//	hot SECONDS                a C hot loop under a 1 kHz CPU profile
//	memory SECONDS             (prog_sqlite) RSS around the symbolization
//	                           of a CPU profile of an SQLite workload
//	crash                      a NULL write in C, 8 frames deep
//	serve ADDR                 (prog_sqlite) SQL over HTTP; never run, it
//	                           gives prog_sqlite a service's size
package main

/*
#cgo CFLAGS: -std=gnu11 -D_GNU_SOURCE -O2 -g -fno-omit-frame-pointer -Wall
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "bench.h"
*/
import "C"

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"
)

//export benchNop
func benchNop() {}

// Set by sqlite.go.
var (
	memoryMode func(seconds float64) map[string]any
	serve      func(addr string) error
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: prog MODE ARGS")
	}
	args := os.Args[2:]
	var out any
	switch os.Args[1] {
	case "callback":
		out = modeCallback()
	case "unwind":
		out = modeUnwind(atoi(arg(args, 0)), atoi(arg(args, 1)))
	case "modules":
		out = modeModules(arg(args, 0), atoi(arg(args, 1)), atoi(arg(args, 2)), atoi(arg(args, 3)))
	case "sym":
		out = modeSym(arg(args, 0), arg(args, 1), atoi(arg(args, 2)))
	case "hot":
		out = modeHot(atof(arg(args, 0)))
	case "memory":
		if memoryMode == nil {
			fail("memory: built without the sqlite tag")
		}
		out = memoryMode(atof(arg(args, 0)))
	case "serve":
		if serve == nil {
			fail("serve: built without the sqlite tag")
		}
		if err := serve(arg(args, 0)); err != nil {
			fail(err.Error())
		}
		return
	case "crash":
		C.bench_crash(8)
		fail("crash: still alive")
	default:
		fail("unknown mode " + os.Args[1])
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "prog:", msg)
	os.Exit(1)
}

func arg(args []string, i int) string {
	if i >= len(args) {
		fail("missing argument")
	}
	return args[i]
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(err.Error())
	}
	return n
}

func atof(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		fail(err.Error())
	}
	return f
}

// modeCallback: Go calls C once, which calls an empty Go function b.N times
// (a testing.B benchmark of 60 ms). The best of 5 rounds, in wall and in
// thread CPU time per call: a busy machine only ever adds to either.
func modeCallback() map[string]any {
	testing.Init()
	if err := flag.Set("test.benchtime", "60ms"); err != nil {
		fail(err.Error())
	}
	runtime.LockOSThread()
	var cpu C.uint64_t
	C.bench_callbacks(100000, &cpu) // warm-up: the thread's context slots, the caches
	wall, cpuBest := math.Inf(1), math.Inf(1)
	for round := 0; round < 5; round++ {
		r := testing.Benchmark(func(b *testing.B) {
			C.bench_callbacks(C.long(b.N), &cpu)
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		})
		wall = math.Min(wall, float64(r.T.Nanoseconds())/float64(r.N))
		cpuBest = math.Min(cpuBest, r.Extra["cpu-ns/op"])
	}
	return map[string]any{"ns_per_op": wall, "cpu_ns_per_op": cpuBest}
}

type round struct {
	NsFrame [3]float64 `json:"ns_frame"`
	NsWalk  [3]float64 `json:"ns_walk"`
	Frames  [3]int     `json:"frames"`
	Agree   int        `json:"agree"`
}

func rounds(rs []C.struct_unwind_round) []round {
	out := make([]round, len(rs))
	for i, r := range rs {
		for m := 0; m < 3; m++ {
			out[i].NsFrame[m] = float64(r.ns_per_frame[m])
			out[i].NsWalk[m] = float64(r.ns_per_walk[m])
			out[i].Frames[m] = int(r.frames[m])
		}
		out[i].Agree = int(r.agree)
	}
	return out
}

func modeUnwind(nrounds, reps int) map[string]any {
	runtime.LockOSThread()
	depths := map[string][]round{}
	var c C.struct_chain_ctx
	C.bench_chain_plain(&c)
	for _, depth := range []int{8, 32} {
		rs := make([]C.struct_unwind_round, nrounds)
		if C.bench_unwind(&c, C.int(depth), C.int(reps), C.int(nrounds), 1, &rs[0], nil) != 0 {
			fail("unwind: no signal")
		}
		depths[strconv.Itoa(depth)] = rounds(rs)
	}
	threads := map[string][]round{}
	for _, n := range []int{1, 2, 4} {
		rs := make([]C.struct_unwind_round, n*nrounds)
		if C.bench_unwind_threads(C.int(n), 32, C.int(reps), C.int(nrounds), &rs[0]) != 0 {
			fail("unwind threads: no signal")
		}
		threads[strconv.Itoa(n)] = rounds(rs)
	}
	return map[string]any{"package": C.bench_has_package() != 0, "depth": depths, "threads": threads}
}

func modeModules(dir string, nmods, nrounds, reps int) map[string]any {
	runtime.LockOSThread()
	var c C.struct_chain_ctx
	entries := make([]C.uintptr_t, nmods)
	cdir := C.CString(dir)
	t0 := time.Now()
	if C.bench_modules_load(cdir, C.int(nmods), &c, &entries[0]) != 0 {
		fail("modules: cannot load the libraries")
	}
	loadTime := time.Since(t0)
	const depth = 32
	rs := make([]C.struct_unwind_round, nrounds)
	var pcs [depth]C.uintptr_t
	if C.bench_unwind(&c, depth, C.int(reps), C.int(nrounds), 1, &rs[0], &pcs[0]) != 0 {
		fail("modules: no signal")
	}
	out := map[string]any{"load_ns": loadTime.Nanoseconds(), "unwind": rounds(rs)}
	// Frame 0 is the leaf in the executable; frame 1 is in library 0.
	var named C.int
	t := C.bench_now_ns()
	C.bench_sym_one(pcs[1], &named)
	out["cold_ns"] = float64(C.bench_now_ns() - t)
	// Every other library's first PC.
	var frames, nm C.long
	if nmods > 1 {
		first := make([]C.uintptr_t, 0, nmods)
		for _, e := range entries[1:] {
			first = append(first, e+4)
		}
		out["first_per_module_ns"] = float64(C.bench_sym_pass(&first[0], C.int(len(first)), &frames, &nm)) / float64(len(first))
	}
	C.bench_sym_pass(&pcs[0], depth, &frames, &nm) // misses
	var warm []float64
	for r := 0; r < nrounds; r++ {
		const passes = 200
		t := C.bench_now_ns()
		for p := 0; p < passes; p++ {
			C.bench_sym_pass(&pcs[0], depth, &frames, &nm)
		}
		warm = append(warm, float64(C.bench_now_ns()-t)/passes/depth)
	}
	out["warm_ns"] = warm
	out["named"] = int(nm)
	return out
}

func readVaddrs(file string) []uint64 {
	data, err := os.ReadFile(file)
	if err != nil {
		fail(err.Error())
	}
	var v []uint64
	for _, f := range strings.Fields(string(data)) {
		x, err := strconv.ParseUint(strings.TrimPrefix(f, "0x"), 16, 64)
		if err != nil {
			fail(err.Error())
		}
		v = append(v, x)
	}
	return v
}

// rssKiB reads VmRSS from /proc/self/status.
func rssKiB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return -1
}

func modeSym(target, vaddrFile string, nrounds int) map[string]any {
	var base C.uintptr_t
	if target == "self" {
		base = C.bench_main_base()
	} else {
		ct := C.CString(target)
		if C.bench_dlopen(ct, &base) != 0 {
			fail("sym: cannot dlopen " + target)
		}
	}
	vaddrs := readVaddrs(vaddrFile)
	pcs := make([]C.uintptr_t, len(vaddrs))
	for i, v := range vaddrs {
		pcs[i] = base + C.uintptr_t(v)
	}
	out := map[string]any{"pcs": len(pcs)}
	runtime.GC()
	rss0, heap0 := rssKiB(), C.bench_heap_bytes()
	var named C.int
	runtime.LockOSThread()
	t, cpu := C.bench_now_ns(), C.bench_thread_cpu_ns()
	C.bench_sym_one(pcs[0], &named)
	out["cold_ns"] = float64(C.bench_now_ns() - t)
	out["cold_cpu_ns"] = float64(C.bench_thread_cpu_ns() - cpu)
	out["rss_cold_kib"] = rssKiB() - rss0
	out["heap_cold_kib"] = (int64(C.bench_heap_bytes()) - int64(heap0)) / 1024
	// The other PCs, each for the first time: index built, cache missed.
	var frames, nm C.long
	rest := pcs[1:]
	out["miss_ns"] = float64(C.bench_sym_pass(&rest[0], C.int(len(rest)), &frames, &nm)) / float64(len(rest))
	out["frames_per_pc"] = float64(frames) / float64(len(rest))
	out["named_per_pc"] = float64(nm) / float64(len(rest))
	// Repeated PCs: cache hits.
	var hit []float64
	for r := 0; r < nrounds; r++ {
		passes := 1 + 200_000/len(pcs)
		t := C.bench_now_ns()
		for p := 0; p < passes; p++ {
			C.bench_sym_pass(&pcs[0], C.int(len(pcs)), &frames, &nm)
		}
		hit = append(hit, float64(C.bench_now_ns()-t)/float64(passes*len(pcs)))
	}
	out["hit_ns"] = hit
	// The same through runtime.CallersFrames, as runtime.Stack and pprof
	// ask.
	goPCs := make([]uintptr, len(pcs))
	for i, pc := range pcs {
		goPCs[i] = uintptr(pc)
	}
	callersFrames := func() int {
		n := 0
		for i := 0; i < len(goPCs); i += 32 {
			fr := runtime.CallersFrames(goPCs[i:min(i+32, len(goPCs))])
			for {
				_, more := fr.Next()
				n++
				if !more {
					break
				}
			}
		}
		return n
	}
	callersFrames()
	var cf []float64
	for r := 0; r < nrounds; r++ {
		passes := 1 + 100_000/len(pcs)
		t := time.Now()
		for p := 0; p < passes; p++ {
			callersFrames()
		}
		cf = append(cf, float64(time.Since(t).Nanoseconds())/float64(passes*len(pcs)))
	}
	out["callersframes_ns"] = cf
	runtime.GC()
	out["rss_kib"] = rssKiB() - rss0
	return out
}

func modeHot(seconds float64) map[string]any {
	runtime.LockOSThread()
	var prof bytes.Buffer
	runtime.SetCPUProfileRate(1000) // pprof then warns that it cannot set 100 Hz: expected
	if err := pprof.StartCPUProfile(&prof); err != nil {
		fail(err.Error())
	}
	// The best of 5 rounds: the profiler's cost is in every round, a busy
	// machine's interference only in some.
	var iters C.long
	var cpu C.uint64_t
	best, cpuTotal := math.Inf(1), 0.0
	for round := 0; round < 5; round++ {
		best = math.Min(best, float64(C.bench_hot(C.double(seconds/5), &iters, &cpu)))
		cpuTotal += float64(cpu)
	}
	pprof.StopCPUProfile()
	samples, err := profileSamples(prof.Bytes())
	if err != nil {
		fail(err.Error())
	}
	return map[string]any{"ns_per_iter": best, "cpu_ns": cpuTotal, "samples": samples}
}

// profileSamples sums the first value (the sample count) of every sample
// of a gzipped pprof profile: just enough of the protobuf wire format.
func profileSamples(gz []byte) (int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return 0, err
	}
	var total int64
	err = protoFields(data, func(field int, wire int, v uint64, b []byte) error {
		if field != 2 || wire != 2 { // Profile.sample
			return nil
		}
		first := true
		return protoFields(b, func(field int, wire int, v uint64, b []byte) error {
			switch {
			case field == 2 && wire == 2 && first: // Sample.value, packed
				x, _, err := uvarint(b)
				total += int64(x)
				first = false
				return err
			case field == 2 && wire == 0 && first:
				total += int64(v)
				first = false
			}
			return nil
		})
	})
	return total, err
}

// profileModules returns, for each mapping of a gzipped pprof profile that
// holds at least one location, its file name, build ID and number of
// locations (distinct PCs).
func profileModules(gz []byte) ([]map[string]any, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var strs []string
	type mapping struct{ file, buildID int }
	mappings := map[uint64]mapping{}
	locs := map[uint64]int{}
	err = protoFields(data, func(field, wire int, v uint64, b []byte) error {
		switch {
		case field == 6 && wire == 2: // string_table
			strs = append(strs, string(b))
		case field == 3 && wire == 2: // mapping
			var id uint64
			var m mapping
			err := protoFields(b, func(field, wire int, v uint64, b []byte) error {
				switch field {
				case 1:
					id = v
				case 5:
					m.file = int(v)
				case 6:
					m.buildID = int(v)
				}
				return nil
			})
			mappings[id] = m
			return err
		case field == 4 && wire == 2: // location
			return protoFields(b, func(field, wire int, v uint64, b []byte) error {
				if field == 2 {
					locs[v]++
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for id, n := range locs {
		m, ok := mappings[id]
		if !ok || m.file >= len(strs) || m.buildID >= len(strs) {
			continue
		}
		out = append(out, map[string]any{"file": strs[m.file], "build_id": strs[m.buildID], "locations": n})
	}
	return out, nil
}

func uvarint(b []byte) (uint64, int, error) {
	var x uint64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("bad varint")
}

func protoFields(b []byte, f func(field, wire int, v uint64, b []byte) error) error {
	for len(b) > 0 {
		key, n, err := uvarint(b)
		if err != nil {
			return err
		}
		b = b[n:]
		field, wire := int(key>>3), int(key&7)
		var v uint64
		var sub []byte
		switch wire {
		case 0:
			v, n, err = uvarint(b)
			if err != nil {
				return err
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				return fmt.Errorf("short fixed64")
			}
			b = b[8:]
		case 2:
			l, n, err := uvarint(b)
			if err != nil || uint64(len(b)-n) < l {
				return fmt.Errorf("bad length")
			}
			sub = b[n : n+int(l)]
			b = b[n+int(l):]
		case 5:
			if len(b) < 4 {
				return fmt.Errorf("short fixed32")
			}
			b = b[4:]
		default:
			return fmt.Errorf("wire type %d", wire)
		}
		if err := f(field, wire, v, sub); err != nil {
			return err
		}
	}
	return nil
}
