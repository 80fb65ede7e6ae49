package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDebuginfodClient runs the client against fake servers: it takes
// the first server that has the file, never keeps one that is not ELF or
// has another build-id, gives up on a server that does not answer, and
// serves a second request from its cache.
func TestDebuginfodClient(t *testing.T) {
	// Any ELF file with a build-id will do: this test binary's own.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, err := fileBuildID(self)
	if err != nil {
		t.Skipf("the test binary has no build-id to serve: %v", err)
	}
	elfBytes, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var hits []string
	requests := func() string {
		mu.Lock()
		defer mu.Unlock()
		r := strings.Join(hits, ", ")
		hits = nil
		return r
	}
	serve := func(name string, h func(w http.ResponseWriter, r *http.Request)) string {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits = append(hits, name+" "+r.URL.Path)
			mu.Unlock()
			h(w, r)
		}))
		t.Cleanup(s.Close)
		return s.URL
	}
	stall := make(chan struct{})
	missing := serve("missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	stalled := serve("stalled", func(w http.ResponseWriter, r *http.Request) { <-stall })
	junk := serve("junk", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("\x7fELF not really")) })
	other := filepath.Join(t.TempDir(), "other")
	if err := os.WriteFile(other, elfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	flipBuildID(t, other)
	otherID, err := fileBuildID(other)
	if err != nil {
		t.Fatal(err)
	}
	otherBytes, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	liar := serve("liar", func(w http.ResponseWriter, r *http.Request) { w.Write(otherBytes) })
	good := serve("good", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/buildid/"+id+"/debuginfo" {
			http.NotFound(w, r)
			return
		}
		w.Write(elfBytes)
	})
	// Cleanups run last first: the stalled handler returns before its
	// server's Close waits for it.
	t.Cleanup(func() { close(stall) })

	for _, tc := range []struct {
		name    string
		urls    []string
		wantErr []string // "" : success
	}{
		{"not found, stalled, not ELF, another build", []string{missing, stalled, junk, liar},
			[]string{"404 Not Found", "no answer within", junk + "/buildid/" + id + "/debuginfo: not an ELF file with a build-id: ",
				liar + "/buildid/" + id + "/debuginfo: the server sent build-id " + otherID}},
		{"the first server that has it", []string{missing + "/", good, liar}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests()
			cache := t.TempDir()
			t.Setenv("DEBUGINFOD_CACHE_PATH", cache)
			c, err := newDebuginfod(strings.Join(tc.urls, " "), 2*time.Second, t.Logf, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			path, err := c.fetch(id, "debuginfo")
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("fetched %s", path)
				}
				for _, want := range tc.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				if entries, _ := os.ReadDir(filepath.Join(cache, id)); len(entries) != 0 {
					t.Errorf("the cache keeps %v", entries)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(cache, id, "debuginfo"); path != want {
				t.Errorf("path %s, want %s", path, want)
			}
			if got, want := requests(), "missing /buildid/"+id+"/debuginfo, good /buildid/"+id+"/debuginfo"; got != want {
				t.Errorf("requests %s, want %s", got, want)
			}
			if again, err := c.fetch(id, "debuginfo"); err != nil || again != path {
				t.Errorf("second fetch: %s, %v; want the cached file", again, err)
			}
			if got := requests(); got != "" {
				t.Errorf("second fetch: requests %s, want none", got)
			}
		})
	}
}

// TestDebuginfodOtherSchemes runs the command with URLs of other schemes
// than http and https (elfutils also reads file://): they are skipped, with
// one warning each when debuginfod is needed, and none otherwise.
func TestDebuginfodOtherSchemes(t *testing.T) {
	const needs = "/nonexistent/prog+0x1234 (BuildId: 0011223344)\n\tpc=0x401234\n/nonexistent/prog+0x1238\n\tpc=0x401238\n/nonexistent/lib.so+0x10 (BuildId: 5566778899)\n\tpc=0x7f0010\n"
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	for _, tc := range []struct {
		name, urls, input string
		stderr            []string // each said exactly once
	}{
		{"not needed", "file:///srv/debuginfod ftp://x", "goroutine 1 [running]:\nmain.main()\n", nil},
		{"needed, no other server", "file:///srv/debuginfod", needs, []string{
			`debuginfod URL "file:///srv/debuginfod" skipped: only http:// and https:// servers are supported`,
			"/nonexistent/prog (build-id 0011223344): not found on debuginfod: no http:// or https:// server in the debuginfod URLs",
		}},
		{"needed, with an http server", "file:///srv/debuginfod " + missing.URL, needs, []string{
			`debuginfod URL "file:///srv/debuginfod" skipped`,
			"/nonexistent/prog (build-id 0011223344): not found on debuginfod: " + missing.URL + "/buildid/0011223344/executable: 404 Not Found",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DEBUGINFOD_CACHE_PATH", t.TempDir())
			var out, errOut bytes.Buffer
			if code := run([]string{"-debuginfod", tc.urls, "-debug-dir", t.TempDir()}, strings.NewReader(tc.input), &out, &errOut); code != 0 {
				t.Fatalf("exit status %d; stderr:\n%s", code, errOut.String())
			}
			if out.String() != tc.input {
				t.Errorf("output %q, want the input", out.String())
			}
			if tc.stderr == nil && errOut.Len() > 0 {
				t.Errorf("stderr: %s", errOut.String())
			}
			for _, want := range tc.stderr {
				if n := strings.Count(errOut.String(), want); n != 1 {
					t.Errorf("stderr says %q %d times, want once:\n%s", want, n, errOut.String())
				}
			}
		})
	}
}
