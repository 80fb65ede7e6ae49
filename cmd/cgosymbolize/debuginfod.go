package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
	urls    []string
	cache   string
	timeout time.Duration // to connect and get the headers; then between reads
	client  *http.Client
	logf    func(format string, args ...any) // with -v
	warnf   func(format string, args ...any) // always

	skipped     []string // URLs of other schemes than http and https
	saidSkipped bool
}

// newDebuginfod returns a client of the servers in urls (space-separated,
// as in DEBUGINFOD_URLS), or nil when there are none. URLs of other
// schemes (elfutils also reads file://) are skipped, with a warning when
// the client is first used.
func newDebuginfod(urls string, timeout time.Duration, logf, warnf func(string, ...any)) (*debuginfod, error) {
	c := &debuginfod{timeout: timeout, logf: logf, warnf: warnf}
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
		ResponseHeaderTimeout: timeout,
		TLSHandshakeTimeout:   timeout,
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
	if len(c.urls) == 0 {
		return "", errors.New("no http:// or https:// server in the debuginfod URLs")
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

// download gets url into path, through a temporary file in dir renamed
// once complete and checked.
func (c *debuginfod) download(url, dir, path, buildID string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "cgosymbolize")
	// Bounds the connection too: the transport's header timeout starts
	// once the request is written.
	watchdog := time.AfterFunc(c.timeout, cancel)
	defer watchdog.Stop()
	resp, err := c.client.Do(req)
	if err != nil {
		// The watchdog or the transport's header timeout, whichever
		// fired first.
		var ne net.Error
		if ctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout()) {
			return fmt.Errorf("%s: no answer within %v", url, c.timeout)
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	tmp, err := os.CreateTemp(dir, ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// The body may be hundreds of megabytes: no bound on the whole, but
	// every read must make progress within the timeout.
	buf := make([]byte, 1<<20)
	for {
		watchdog.Reset(c.timeout)
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, err := tmp.Write(buf[:n]); err != nil {
				tmp.Close()
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			tmp.Close()
			if ctx.Err() != nil {
				return fmt.Errorf("%s: stalled for %v", url, c.timeout)
			}
			return fmt.Errorf("%s: %v", url, rerr)
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
