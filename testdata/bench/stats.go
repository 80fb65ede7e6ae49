package main

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

// median of xs (the mean of the middle two for an even count); NaN if empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread is (max - min) / median over the runs, as a percentage: how far
// apart the repeated runs were.
func spread(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	m := median(xs)
	if m == 0 {
		return 0
	}
	return 100 * (hi - lo) / m
}

// benchstat collects lines in the Go benchmark format, one per run, for
// bin/bench.txt: `BenchmarkName 1 value unit`.
type benchstat struct {
	lines []string
}

func (b *benchstat) add(name string, unit string, xs ...float64) {
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		b.lines = append(b.lines, fmt.Sprintf("Benchmark%s 1 %.6g %s", name, x, unit))
	}
}

func (b *benchstat) write(path string, header []string) error {
	var sb strings.Builder
	for _, h := range header {
		sb.WriteString(h + "\n")
	}
	for _, l := range b.lines {
		sb.WriteString(l + "\n")
	}
	return os.WriteFile(path, []byte(sb.String()), 0o644)
}

// Formatting of durations given in nanoseconds.
func fmtNs(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "n/a"
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	case ns >= 1e4:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns >= 10:
		return fmt.Sprintf("%.1f ns", ns)
	default:
		return fmt.Sprintf("%.2f ns", ns)
	}
}

func fmtRatio(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "n/a"
	case r < 0.1:
		return fmt.Sprintf("1/%.0f", 1/r)
	case r >= 10:
		return fmt.Sprintf("%.0fx", r)
	default:
		return fmt.Sprintf("%.2fx", r)
	}
}

func fmtMiB(kib float64) string {
	if math.IsNaN(kib) {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", kib/1024)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// table renders a Markdown table.
func table(header []string, rows [][]string) string {
	var sb strings.Builder
	sb.WriteString("| " + strings.Join(header, " | ") + " |\n")
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	sb.WriteString("|" + strings.Join(sep, "|") + "|\n")
	for _, r := range rows {
		sb.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return sb.String()
}
