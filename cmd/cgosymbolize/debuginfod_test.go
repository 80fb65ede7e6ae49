package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
			c, err := newDebuginfod(strings.Join(tc.urls, " "), debuginfodConfig{timeout: 2 * time.Second, logf: t.Logf, warnf: t.Logf})
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

// partials lists the partial downloads (.download-*) under the cache.
func partials(t *testing.T, cache string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(cache, "*", ".download-*"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestDebuginfodLimits runs downloads that must be cut short: larger than
// -max-size (said by Content-Length, or not), trickling past -max-time,
// stalled past -timeout, interrupted by a signal. None leaves a partial
// download in the cache.
func TestDebuginfodLimits(t *testing.T) {
	const id = "0011223344556677"
	zeros := make([]byte, 32<<10)
	// stream writes zeros until the client goes, n bytes at a time, calling
	// each after each write (nil: none).
	stream := func(w http.ResponseWriter, r *http.Request, n int, each func(i int)) {
		for i := 0; ; i++ {
			if _, err := w.Write(zeros[:n]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			if each != nil {
				each(i)
			}
			select {
			case <-r.Context().Done():
				return
			default:
			}
		}
	}
	sigs := make(chan os.Signal, 1)
	for _, tc := range []struct {
		name    string
		cfg     debuginfodConfig
		handler http.HandlerFunc
		wantErr string
		wantSig os.Signal
	}{
		{"Content-Length over -max-size",
			debuginfodConfig{timeout: 10 * time.Second, maxSize: 1000},
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "1001")
				w.Write(make([]byte, 1001))
			},
			"1001 bytes, over the limit of 1000 (-max-size, DEBUGINFOD_MAXSIZE)", nil},
		{"streamed over -max-size",
			debuginfodConfig{timeout: 10 * time.Second, maxSize: 100 << 10},
			func(w http.ResponseWriter, r *http.Request) { stream(w, r, len(zeros), nil) },
			"over the limit of 102400 bytes (-max-size, DEBUGINFOD_MAXSIZE)", nil},
		{"trickled past -max-time",
			debuginfodConfig{timeout: 10 * time.Second, maxTime: 100 * time.Millisecond},
			func(w http.ResponseWriter, r *http.Request) {
				// One byte every few milliseconds, well within
				// -timeout; given up by the server after a while.
				stream(w, r, 1, func(i int) {
					if i > 2000 {
						panic(http.ErrAbortHandler)
					}
					time.Sleep(5 * time.Millisecond)
				})
			},
			"not complete within 100ms (-max-time, DEBUGINFOD_MAXTIME)", nil},
		{"stalled past -timeout",
			debuginfodConfig{timeout: 100 * time.Millisecond},
			func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("\x7fELF"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			},
			"stalled for 100ms (-timeout, DEBUGINFOD_TIMEOUT)", nil},
		{"interrupted by a signal",
			debuginfodConfig{timeout: 10 * time.Second,
				signals: func() (<-chan os.Signal, func()) { return sigs, func() {} }},
			func(w http.ResponseWriter, r *http.Request) {
				stream(w, r, len(zeros), func(i int) {
					if i == 4 {
						sigs <- syscall.SIGINT
					}
				})
			},
			"interrupted", syscall.SIGINT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server := httptest.NewServer(tc.handler)
			defer server.Close()
			cache := t.TempDir()
			t.Setenv("DEBUGINFOD_CACHE_PATH", cache)
			var warnings strings.Builder
			var got os.Signal
			cfg := tc.cfg
			cfg.logf = t.Logf
			cfg.warnf = func(format string, args ...any) { fmt.Fprintf(&warnings, format+"\n", args...) }
			cfg.interrupted = func(sig os.Signal) {
				got = sig
				if p := partials(t, cache); len(p) > 0 {
					t.Errorf("interrupted, with partial downloads left: %v", p)
				}
			}
			c, err := newDebuginfod(server.URL, cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.fetch(id, "debuginfo")
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			}
			if got != tc.wantSig {
				t.Errorf("interrupted by %v, want %v", got, tc.wantSig)
			}
			if tc.wantSig != nil && !strings.Contains(warnings.String(), "interrupted by interrupt; no partial download left") {
				t.Errorf("warnings %q do not say it was interrupted", warnings.String())
			}
			if p := partials(t, cache); len(p) > 0 {
				t.Errorf("partial downloads left: %v", p)
			}
		})
	}
}

// TestDebuginfodSweep checks that the first fetch removes the partial
// downloads older than staleAge, and nothing else.
func TestDebuginfodSweep(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("DEBUGINFOD_CACHE_PATH", cache)
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // path under the cache: whether it is removed
		"aa/.download-1":      true,
		"bb/.download-2":      true,
		"bb/.download-recent": false,
		"bb/debuginfo":        false,
		"cc/download-3":       false,
		// Not the cache's own: a cache path set to a shared directory.
		"project/.download-4":    false,
		"aa/.download-notes.txt": false,
	}
	for name := range files {
		p := filepath.Join(cache, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name != "bb/.download-recent" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A directory of that name is not a partial download.
	if err := os.Mkdir(filepath.Join(cache, "cc", ".download-dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	files["cc/.download-dir"] = false
	os.Chtimes(filepath.Join(cache, "cc", ".download-dir"), old, old)
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	c, err := newDebuginfod(missing.URL, debuginfodConfig{timeout: 10 * time.Second, staleAge: time.Hour, logf: t.Logf, warnf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.fetch("0011223344", "debuginfo"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("fetch: error %v, want a 404", err)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(cache, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v (%v)", name, gone, removed, err)
		}
	}
}

// TestDebuginfodSignal runs the command as a process of its own, downloading
// an endless file, and sends it SIGINT or SIGTERM mid-download: it dies of
// the signal, saying so, with neither the partial download nor its
// temporary directory left behind.
func TestDebuginfodSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			var pid atomic.Int64
			zeros := make([]byte, 32<<10)
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for i := 0; ; i++ {
					if _, err := w.Write(zeros); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					if i == 4 {
						// The command is mid-download.
						syscall.Kill(int(pid.Load()), sig)
					}
					select {
					case <-r.Context().Done():
						return
					default:
					}
				}
			}))
			defer server.Close()
			cache, tmp := t.TempDir(), t.TempDir()
			cmd := exec.Command(os.Args[0], "-debuginfod", server.URL, "-debug-dir", t.TempDir())
			cmd.Env = append(os.Environ(), "CGOSYMBOLIZE_TEST_AS_COMMAND=1", "DEBUGINFOD_CACHE_PATH="+cache, "TMPDIR="+tmp)
			cmd.Stdin = strings.NewReader("/nonexistent/prog+0x1234 (BuildId: 0011223344)\n\tpc=0x401234\n")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pid.Store(int64(cmd.Process.Pid))
			err := cmd.Wait()
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("exit: %v, want death by %v\n%s", err, sig, stderr.String())
			}
			if want := "/buildid/0011223344/executable: interrupted by " + sig.String() + "; no partial download left in the cache"; !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
			}
			if p := partials(t, cache); len(p) > 0 {
				t.Errorf("partial downloads left: %v", p)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in TMPDIR: %v", left)
			}
		})
	}
}

// TestDebuginfodCacheWithoutServers checks that with no http(s) server
// among the URLs the cache still serves what it has.
func TestDebuginfodCacheWithoutServers(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, err := fileBuildID(self)
	if err != nil {
		t.Skipf("the test binary has no build-id: %v", err)
	}
	cache := t.TempDir()
	t.Setenv("DEBUGINFOD_CACHE_PATH", cache)
	cached := filepath.Join(cache, id, "debuginfo")
	if err := os.Mkdir(filepath.Dir(cached), 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cached, data, 0o400); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id, want, wantErr string
	}{
		{"cached", id, cached, ""},
		{"not cached", "0011223344", "", "no http:// or https:// server in the debuginfod URLs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newDebuginfod("file:///srv/debuginfod", debuginfodConfig{timeout: time.Second, logf: t.Logf, warnf: t.Logf})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.fetch(tc.id, "debuginfo")
			if got != tc.want || (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("fetch = %q, %v; want %q, error saying %q", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
