package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// The binaries the measurements run, and the libraries they load, all in
// bin/. Generated libraries are cached there under a stamp of what made
// them; Go binaries are rebuilt every time (Go's build cache makes that
// cheap).
type artifacts struct {
	progBare, progOn, progCtx0, progCtx1, progSQLite string
	helloBare, helloLibs, helloOn                    string
	sqliteSO, smallSO, bigSO                         string
	modsDir                                          string
}

// jobs runs build steps concurrently, at most one gcc per CPU.
type jobs struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
	cpu  chan struct{}
}

func newJobs() *jobs {
	return &jobs{cpu: make(chan struct{}, runtime.NumCPU())}
}

func (j *jobs) go_(f func() error) {
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		if err := f(); err != nil {
			j.mu.Lock()
			j.errs = append(j.errs, err)
			j.mu.Unlock()
		}
	}()
}

func (j *jobs) wait() error {
	j.wg.Wait()
	if len(j.errs) > 0 {
		return j.errs[0]
	}
	return nil
}

// run runs a command in dir; its output goes into the error if it fails.
func run(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return nil
}

// gcc runs one gcc holding a CPU slot.
func (j *jobs) gcc(dir string, args ...string) error {
	j.cpu <- struct{}{}
	defer func() { <-j.cpu }()
	return run(dir, nil, "gcc", args...)
}

// cached calls make unless stampFile holds stamp already; then writes it.
func cached(stampFile, stamp string, make func() error) error {
	if old, err := os.ReadFile(stampFile); err == nil && string(old) == stamp {
		return nil
	}
	os.Remove(stampFile)
	if err := make(); err != nil {
		return err
	}
	return os.WriteFile(stampFile, []byte(stamp), 0o644)
}

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func (c *config) build() (*artifacts, error) {
	a := &artifacts{
		progBare:   filepath.Join(c.bin, "prog_bare"),
		progOn:     filepath.Join(c.bin, "prog_on"),
		progCtx0:   filepath.Join(c.bin, "prog_ctx0"),
		progCtx1:   filepath.Join(c.bin, "prog_ctx1"),
		progSQLite: filepath.Join(c.bin, "prog_sqlite"),
		helloBare:  filepath.Join(c.bin, "hello_bare"),
		helloOn:    filepath.Join(c.bin, "hello_on"),
		helloLibs:  filepath.Join(c.bin, "hello_libs"),
		sqliteSO:   filepath.Join(c.bin, "libsqlite3.so"),
		smallSO:    filepath.Join(c.bin, "gen", "small", "libsmall.so"),
		bigSO:      filepath.Join(c.bin, "gen", "big", "libbig.so"),
		modsDir:    filepath.Join(c.bin, "gen", "mods"),
	}
	j := newJobs()
	goBuild := func(out, pkg string, tags ...string) error {
		args := []string{"build", "-o", out}
		if len(tags) > 0 {
			args = append(args, "-tags", strings.Join(tags, ","))
		}
		return run(c.here, nil, c.goCmd, append(args, pkg)...)
	}
	j.go_(func() error {
		for _, b := range []struct {
			out, pkg string
			tags     []string
		}{
			{a.progOn, "./prog", []string{"cgosym"}},
			{a.progBare, "./prog", nil},
			{a.progCtx0, "./prog", []string{"ctx0"}},
			{a.progCtx1, "./prog", []string{"ctx1"}},
			{a.helloOn, "./hello", []string{"cgosym"}},
			{a.helloBare, "./hello", nil},
			{a.helloLibs, "./hello", []string{"libs"}},
		} {
			if err := goBuild(b.out, b.pkg, b.tags...); err != nil {
				return err
			}
		}
		return nil
	})
	// SQLite inside a Go program: go-sqlite3 compiles the amalgamation
	// (about a minute, once: Go's build cache keeps it).
	j.go_(func() error { return goBuild(a.progSQLite, "./prog", "cgosym", "sqlite") })
	// The same amalgamation as a shared library, for the symbolizers.
	j.go_(func() error {
		src, err := sqliteSource(c)
		if err != nil {
			return err
		}
		flags := []string{"-O2", "-g", "-shared", "-fPIC", "-DSQLITE_THREADSAFE=1"}
		fi, err := os.Stat(src)
		if err != nil {
			return err
		}
		stamp := hashOf(append(flags, src, fmt.Sprint(fi.Size(), fi.ModTime()))...)
		return cached(a.sqliteSO+".stamp", stamp, func() error {
			return j.gcc(c.bin, append(flags, "-o", a.sqliteSO, src, "-lpthread", "-lm")...)
		})
	})
	j.go_(func() error { return genLibrary(j, filepath.Dir(a.smallSO), "libsmall.so", smallParams) })
	if !c.quick {
		j.go_(func() error { return genLibrary(j, filepath.Dir(a.bigSO), "libbig.so", bigParams) })
	}
	j.go_(func() error { return genModules(j, c, a.modsDir, c.modCounts[len(c.modCounts)-1]) })
	if err := j.wait(); err != nil {
		return nil, err
	}
	return a, nil
}

// sqliteSource finds go-sqlite3's copy of the SQLite amalgamation in the
// module cache (go mod download fetches it through the module proxy).
func sqliteSource(c *config) (string, error) {
	cmd := exec.Command(c.goCmd, "list", "-m", "-f", "{{.Dir}}", "github.com/mattn/go-sqlite3")
	cmd.Dir = c.here
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		if err := run(c.here, nil, c.goCmd, "mod", "download", "github.com/mattn/go-sqlite3"); err != nil {
			return "", err
		}
		if out, err = cmd.Output(); err != nil {
			return "", err
		}
	}
	return filepath.Join(strings.TrimSpace(string(out)), "sqlite3-binding.c"), nil
}

// ---- Generated libraries ----

// genParams shapes a generated C library: tus translation units, each
// including a header of structs types (members each, all emitted into
// every unit's DWARF, as C++ headers are), and funcs functions per unit
// that call two levels of inline helpers.
type genParams struct {
	tus, structs, members, funcs int
	cflags                       []string
}

const genVersion = "2"

var (
	smallParams = genParams{tus: 2, structs: 10, members: 6, funcs: 40,
		cflags: []string{"-O2", "-g"}}
	// About 110 MB of DWARF: 330 units of 0.33 MB of type information
	// each (-fno-eliminate-unused-debug-types), 30 functions each. -O0
	// compiles twice as fast as -O1; the helpers are always_inline, so
	// the inline chains are there all the same.
	bigParams = genParams{tus: 330, structs: 1500, members: 15, funcs: 30,
		cflags: []string{"-O0", "-g", "-fno-eliminate-unused-debug-types"}}
)

func genLibrary(j *jobs, dir, name string, p genParams) error {
	stamp := hashOf(genVersion, fmt.Sprintf("%+v", p))
	out := filepath.Join(dir, name)
	return cached(out+".stamp", stamp, func() error {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "types.h"), []byte(genHeader(p)), 0o644); err != nil {
			return err
		}
		var objs []string
		var wg sync.WaitGroup
		errs := make([]error, p.tus)
		for u := 0; u < p.tus; u++ {
			src := fmt.Sprintf("u%03d.c", u)
			obj := fmt.Sprintf("u%03d.o", u)
			objs = append(objs, obj)
			if err := os.WriteFile(filepath.Join(dir, src), []byte(genUnit(p, u)), 0o644); err != nil {
				return err
			}
			wg.Add(1)
			go func(u int) {
				defer wg.Done()
				errs[u] = j.gcc(dir, append(append([]string{"-fPIC", "-c"}, p.cflags...), "-o", obj, src)...)
			}(u)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		if err := j.gcc(dir, append([]string{"-shared", "-o", name}, objs...)...); err != nil {
			return err
		}
		for _, o := range objs {
			os.Remove(filepath.Join(dir, o))
		}
		return nil
	})
}

func genHeader(p genParams) string {
	var sb strings.Builder
	sb.WriteString("/* Generated by testdata/bench (build.go). */\n#include <stdint.h>\n\n")
	types := []string{"int", "long", "double", "const char *", "uint16_t", "uint64_t"}
	for s := 0; s < p.structs; s++ {
		fmt.Fprintf(&sb, "struct rec%d {\n", s)
		for m := 0; m < p.members; m++ {
			if m == p.members-1 && s > 0 {
				fmt.Fprintf(&sb, "\tstruct rec%d *prev;\n", s-1)
			} else {
				fmt.Fprintf(&sb, "\t%s field%d_%d;\n", types[(s+m)%len(types)], s, m)
			}
		}
		sb.WriteString("};\n")
	}
	sb.WriteString(`
extern volatile long gen_sink;

static inline __attribute__((always_inline)) long gen_inner(const struct rec0 *r, long x) {
	gen_sink += x;
	return r->field0_0 * x + (long)r->field0_1;
}

static inline __attribute__((always_inline)) long gen_outer(const struct rec0 *r, long x) {
	long y = gen_inner(r, x + 1);
	return y ^ gen_inner(r, y);
}
`)
	return sb.String()
}

func genUnit(p genParams, u int) string {
	var sb strings.Builder
	sb.WriteString("/* Generated by testdata/bench (build.go). */\n#include \"types.h\"\n\n")
	if u == 0 {
		sb.WriteString("volatile long gen_sink;\n\n")
	}
	for f := 0; f < p.funcs; f++ {
		fmt.Fprintf(&sb, `long gen_u%d_f%d(const struct rec0 *r, long n) {
	long acc = %d;
	for (long i = 0; i < n; i++) {
		acc += gen_outer(r, i + acc) * %d;
		if (acc & 1)
			acc ^= gen_inner(r, acc >> 3);
	}
	return acc;
}

`, u, f, f, f+3)
	}
	return sb.String()
}

// genModules writes n tiny libraries for the module-count benchmarks:
// libmodNNN.so holds mod_step_NNN, a step of the chain in prog/chain.h.
func genModules(j *jobs, c *config, dir string, n int) error {
	chainH, err := os.ReadFile(filepath.Join(c.here, "prog", "chain.h"))
	if err != nil {
		return err
	}
	flags := []string{"-O2", "-g", "-fno-omit-frame-pointer", "-shared", "-fPIC"}
	stamp := hashOf(append(flags, genVersion, fmt.Sprint(n), string(chainH))...)
	return cached(filepath.Join(dir, "stamp"), stamp, func() error {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "chain.h"), chainH, 0o644); err != nil {
			return err
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			src := fmt.Sprintf("mod%03d.c", i)
			code := fmt.Sprintf(`/* Generated by testdata/bench (build.go). */
#include "chain.h"

volatile int mod_sink_%03[1]d;

__attribute__((noinline)) int mod_step_%03[1]d(int n, struct chain_ctx *c) {
	int r;
	if (n == 0) {
		c->leaf(c->pid, c->tid);
		r = 1;
	} else {
		r = c->fn[n - 1](n - 1, c) + 1;
	}
	mod_sink_%03[1]d += r; /* not a tail call */
	return r;
}
`, i)
			if err := os.WriteFile(filepath.Join(dir, src), []byte(code), 0o644); err != nil {
				return err
			}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = j.gcc(dir, append(flags, "-o", fmt.Sprintf("libmod%03d.so", i), src)...)
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	})
}
