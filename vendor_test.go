//go:build linux && amd64

package cgosymbolizer_test

// Vendoring: a program that copies the package's C sources into a cgo
// package of its own and registers the callbacks itself, as the README and
// include/cgosymbolizer.h describe, without importing this module.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const vendoredModule = "testdata/vendored"

func TestVendoredCSources(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vendored")
	vendorCopyTree(t, vendoredModule, dir)

	// What a user copies: the top-level C and header files, and include/.
	pkg := filepath.Join(dir, "cgosym")
	sources, err := filepath.Glob("*.c")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no top-level C files to vendor (%v)", err)
	}
	headers, _ := filepath.Glob("*.h")
	for _, f := range append(sources, headers...) {
		vendorCopyFile(t, f, filepath.Join(pkg, f))
	}
	vendorCopyTree(t, "include", filepath.Join(pkg, "include"))

	// The vendored package must link exactly as the Go package does.
	want := vendorCgoDirectives(t, "symbolizer.go")
	if got := vendorCgoDirectives(t, filepath.Join(vendoredModule, "cgosym", "register.go")); got != want {
		t.Fatalf("the #cgo lines of %s/cgosym/register.go differ from symbolizer.go's; update the copy (and the README's snippet).\nsymbolizer.go:\n%s\nregister.go:\n%s",
			vendoredModule, want, got)
	}

	bin := buildProgram(t, dir, "cgosymbolizer.test/vendored")
	r := runProgram(t, bin, nil)
	out := r.String()
	if r.ExitCode != 2 || !strings.Contains(r.Stderr, "SIGSEGV") {
		t.Fatalf("want a SIGSEGV crash dump and exit status 2; got:\n%s", out)
	}
	if !strings.Contains(r.Stdout, "16\n") {
		t.Errorf("the first, harmless request did not complete:\n%s", out)
	}
	src := filepath.Join(vendoredModule, "request.c")
	assertFrames(t, parseFrames(r.Stderr), []frame{
		{Func: "fill_header", File: "request.c", Line: sourceLine(t, src, "MARK:vendored_fault")},
		{Func: "handle_request", File: "request.c", Line: sourceLine(t, src, "MARK:vendored_call")},
		{Func: "_cgo_*"},
		{Func: "runtime.cgocall"},
		{Func: "main._Cfunc_handle_request"},
		{Func: "main.main", File: "main.go"},
	}, out)
}

var vendorCgoDirectiveRE = regexp.MustCompile(`(?m)^#cgo .*$`)

// vendorCgoDirectives returns the #cgo lines of a Go file, one per line.
func vendorCgoDirectives(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := vendorCgoDirectiveRE.FindAllString(string(data), -1)
	if len(lines) == 0 {
		t.Fatalf("no #cgo lines in %s", file)
	}
	return strings.Join(lines, "\n")
}

// vendorCopyTree copies the regular files under src to dst (os.CopyFS needs Go 1.23).
func vendorCopyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if info.Mode().IsRegular() {
			vendorCopyFile(t, path, filepath.Join(dst, rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func vendorCopyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
