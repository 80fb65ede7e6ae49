package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// debuginfod is a client of debuginfod servers
// (https://sourceware.org/elfutils/Debuginfod.html): GET
// URL/buildid/HEX/debuginfo and URL/buildid/HEX/executable, servers tried in
// order. Files are kept in the elfutils client's cache layout,
// CACHE/HEX/debuginfo and CACHE/HEX/executable, so that debuginfod-find and
// this tool share what they downloaded. A file is used only if its build-id
// is the one asked for.
type debuginfod struct {
	debuginfodConfig
	urls   []string
	cache  string
	client *http.Client

	skipped     []string // URLs of other schemes than http and https
	saidSkipped bool
	swept       bool // stale partial downloads removed
}

// debuginfodConfig is how the client behaves.
type debuginfodConfig struct {
	timeout  time.Duration // to connect and get the headers; then between reads
	maxTime  time.Duration // for a whole download; 0: no limit
	maxSize  int64         // bytes of a file; 0: no limit
	staleAge time.Duration // partial downloads older than this are removed

	logf  func(format string, args ...any) // with -v
	warnf func(format string, args ...any) // always

	// signals returns a channel of SIGINT and SIGTERM for the time of a
	// download, and the function to stop it; interrupted is called, once
	// the partial download is removed, with the signal that stopped it.
	// Tests replace them; by default they catch the signals and then
	// die of the signal.
	signals     func() (<-chan os.Signal, func())
	interrupted func(os.Signal)
}

// Defaults of the limits, where elfutils' client has none.
const (
	defaultMaxSize  = 4 << 30
	defaultMaxTime  = 20 * time.Minute
	defaultStaleAge = time.Hour
)

// catchSignals is the default of debuginfodConfig.signals.
// A signal ignored when the program started (SIGINT for a background job
// of a script) stays ignored: Notify would un-ignore it.
func catchSignals() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		if !signal.Ignored(sig) {
			signal.Notify(ch, sig)
		}
	}
	return ch, func() { signal.Stop(ch) }
}

// dieOf is the default of debuginfodConfig.interrupted: the signal's
// default action, as if it had not been caught.
func dieOf(sig os.Signal) {
	signal.Reset(sig)
	syscall.Kill(os.Getpid(), sig.(syscall.Signal))
	time.Sleep(time.Second)
	os.Exit(1)
}

// newDebuginfod returns a client of the servers in urls (space-separated,
// as in DEBUGINFOD_URLS), or nil when there are none. URLs of other
// schemes (elfutils also reads file://) are skipped, with a warning when
// the client is first used.
func newDebuginfod(urls string, cfg debuginfodConfig) (*debuginfod, error) {
	c := &debuginfod{debuginfodConfig: cfg}
	if c.signals == nil {
		c.signals = catchSignals
	}
	if c.interrupted == nil {
		c.interrupted = dieOf
	}
	all := strings.Fields(urls)
	if len(all) == 0 {
		return nil, nil
	}
	for _, u := range all {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			c.skipped = append(c.skipped, u)
			continue
		}
		c.urls = append(c.urls, strings.TrimRight(u, "/"))
	}
	cache, err := debuginfodCache()
	if err != nil {
		return nil, err
	}
	c.cache = cache
	c.client = &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ResponseHeaderTimeout: c.timeout,
		TLSHandshakeTimeout:   c.timeout,
	}}
	return c, nil
}

// debuginfodCache is the elfutils client's cache directory:
// DEBUGINFOD_CACHE_PATH, else $XDG_CACHE_HOME/debuginfod_client, else
// ~/.cache/debuginfod_client.
func debuginfodCache() (string, error) {
	if p := os.Getenv("DEBUGINFOD_CACHE_PATH"); p != "" {
		return filepath.Abs(p)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no debuginfod cache directory (set DEBUGINFOD_CACHE_PATH): %v", err)
	}
	return filepath.Join(dir, "debuginfod_client"), nil
}

// fetch returns the path of the file of kind ("debuginfo" or "executable")
// for the build-id, from the cache or downloaded into it.
func (c *debuginfod) fetch(buildID, kind string) (string, error) {
	if !c.saidSkipped {
		c.saidSkipped = true
		for _, u := range c.skipped {
			c.warnf("debuginfod URL %q skipped: only http:// and https:// servers are supported", u)
		}
	}
	if !c.swept {
		c.swept = true
		c.sweep()
	}
	dir := filepath.Join(c.cache, buildID)
	path := filepath.Join(dir, kind)
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
		// elfutils writes empty files for misses; anything else is a
		// download, checked like a fresh one.
		if id, err := fileBuildID(path); err == nil && id == buildID {
			return path, nil
		}
	}
	if len(c.urls) == 0 {
		return "", errors.New("no http:// or https:// server in the debuginfod URLs")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	var errs []string
	for _, u := range c.urls {
		url := u + "/buildid/" + buildID + "/" + kind
		err := c.download(url, dir, path, buildID)
		if err == nil {
			c.logf("debuginfod: %s", url)
			return path, nil
		}
		errs = append(errs, err.Error())
	}
	return "", errors.New(strings.Join(errs, "; "))
}

// Why a download was cancelled.
var (
	errStalled     = errors.New("stalled")
	errMaxTime     = errors.New("too long")
	errInterrupted = errors.New("interrupted")
)

// download gets url into path, through a temporary file in dir renamed
// once complete and checked. On SIGINT or SIGTERM the temporary file is
// removed before the signal takes effect.
func (c *debuginfod) download(url, dir, path, buildID string) error {
	sigs, stop := c.signals()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var sig os.Signal
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case sig = <-sigs:
			cancel(errInterrupted)
		case <-done:
		}
	}()
	err := c.get(ctx, cancel, url, dir, path, buildID)
	close(done)
	wg.Wait()
	stop()
	if sig == nil {
		select {
		case sig = <-sigs: // caught after the download ended
		default:
		}
	}
	if sig != nil {
		c.warnf("%s: interrupted by %v; no partial download left in the cache", url, sig)
		c.interrupted(sig)
	}
	return err
}

// get is download, its temporary file removed when it returns, ctx
// cancelled by a signal and, through cancel, by its watchdog.
func (c *debuginfod) get(ctx context.Context, cancel context.CancelCauseFunc, url, dir, path, buildID string) error {
	if c.maxTime > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, c.maxTime, errMaxTime)
		defer stop()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "cgosymbolize")
	// Bounds the connection too: the transport's header timeout starts
	// once the request is written.
	watchdog := time.AfterFunc(c.timeout, func() { cancel(errStalled) })
	defer watchdog.Stop()
	resp, err := c.client.Do(req)
	if err != nil {
		// The watchdog or the transport's header timeout, whichever
		// fired first.
		var ne net.Error
		if cause := context.Cause(ctx); cause == errStalled || (cause == nil && errors.As(err, &ne) && ne.Timeout()) {
			return fmt.Errorf("%s: no answer within %v", url, c.timeout)
		}
		return c.cancelled(ctx, url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	body := io.Reader(resp.Body)
	if c.maxSize > 0 {
		if resp.ContentLength > c.maxSize {
			return fmt.Errorf("%s: %d bytes, over the limit of %d (-max-size, DEBUGINFOD_MAXSIZE)", url, resp.ContentLength, c.maxSize)
		}
		body = io.LimitReader(body, c.maxSize+1)
	}
	tmp, err := os.CreateTemp(dir, ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	// The body may be hundreds of megabytes: every read must make
	// progress within the timeout, and the whole fit in -max-time and
	// -max-size.
	buf := make([]byte, 1<<20)
	var size int64
	for {
		watchdog.Reset(c.timeout)
		n, rerr := body.Read(buf)
		if n > 0 {
			size += int64(n)
			if c.maxSize > 0 && size > c.maxSize {
				return fmt.Errorf("%s: over the limit of %d bytes (-max-size, DEBUGINFOD_MAXSIZE)", url, c.maxSize)
			}
			if _, err := tmp.Write(buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return c.cancelled(ctx, url, rerr)
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	id, err := fileBuildID(tmp.Name())
	if err != nil {
		return fmt.Errorf("%s: not an ELF file with a build-id: %v", url, err)
	}
	if id != buildID {
		return fmt.Errorf("%s: the server sent build-id %s", url, id)
	}
	if err := os.Chmod(tmp.Name(), 0o400); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// cancelled explains err, the error of a request or read, by why ctx was
// cancelled, if it was.
func (c *debuginfod) cancelled(ctx context.Context, url string, err error) error {
	switch context.Cause(ctx) {
	case errStalled:
		return fmt.Errorf("%s: stalled for %v (-timeout, DEBUGINFOD_TIMEOUT)", url, c.timeout)
	case errMaxTime:
		return fmt.Errorf("%s: not complete within %v (-max-time, DEBUGINFOD_MAXTIME)", url, c.maxTime)
	case errInterrupted:
		return fmt.Errorf("%s: interrupted", url)
	}
	return fmt.Errorf("%s: %v", url, err)
}

// The names sweep may remove: build-id directories, and the temporary
// files os.CreateTemp(dir, ".download-*") makes.
var (
	buildIDDirRE   = regexp.MustCompile(`^[0-9a-f]{2,128}$`)
	downloadTempRE = regexp.MustCompile(`^\.download-[0-9]+$`)
)

// sweep removes the partial downloads (.download-*) older than staleAge
// from the cache: those of a run killed by a signal it could not catch.
func (c *debuginfod) sweep() {
	dirs, err := os.ReadDir(c.cache)
	if err != nil {
		return
	}
	for _, d := range dirs {
		// Only the cache's own build-id directories and temporary
		// files: a cache path set to a shared directory must not cost
		// anyone a file that merely looks like ours.
		if !d.IsDir() || !buildIDDirRE.MatchString(d.Name()) {
			continue
		}
		dir := filepath.Join(c.cache, d.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, f := range files {
			if !downloadTempRE.MatchString(f.Name()) || !f.Type().IsRegular() {
				continue
			}
			info, err := f.Info()
			if err != nil || time.Since(info.ModTime()) < c.staleAge {
				continue
			}
			p := filepath.Join(dir, f.Name())
			if err := os.Remove(p); err == nil {
				c.logf("debuginfod: removed %s, a partial download of %v ago", p, time.Since(info.ModTime()).Round(time.Minute))
			}
		}
	}
}
