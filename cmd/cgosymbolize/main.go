// Command cgosymbolize symbolizes, after the fact, the C and C++ frames of a
// Go crash dump or goroutine dump printed by a program built without debug
// information.
//
// A program that imports github.com/cgosymbolizer/cgosymbolizer names its C
// frames itself when it has debug information. A stripped binary cannot: it
// prints each such frame as the file it is in and an offset into that file,
// with the file's GNU build-id:
//
//	/srv/app/bin/server+0x8dad7 (BuildId: 12b43a1da784bacb1d77994b5eb34993fb9fc228)
//		pc=0x48dad7
//
// (or, when the process could not read the file's program headers, the
// address within it, PATH+0xVADDR (vaddr), which the command converts to a
// file offset with the binary's program headers).
//
// cgosymbolize reads the dump on standard input and writes it to standard
// output with those frames replaced by what the debug information says, in
// the format of a program that had it: function (C++ names demangled), then
// file:line, one frame per inlined call, innermost first.
//
// Usage:
//
//	cgosymbolize [flags] [FILE...] < dump > symbolized
//
// Each FILE is an executable, a shared library or a separate debug file. A
// module of the dump is matched to a FILE by build-id; a FILE of another
// build is refused with a message. Dumps without build-ids are matched by
// path, then base name. Without a FILE, the module's path on this machine is
// used when its build-id matches, else a debug directory's
// .build-id/xx/rest link, else a debuginfod server's copy.
//
// Debug information is found in the binary itself, among the FILEs, in the
// debug directories (-debug-dir, by default /usr/lib/debug; laid out by
// build-id or by .gnu_debuglink name), next to the binary through its
// .gnu_debuglink, and on the debuginfod servers of -debuginfod (by default
// $DEBUGINFOD_URLS), whose files are cached in $DEBUGINFOD_CACHE_PATH (by
// default ~/.cache/debuginfod_client) in the layout of elfutils'
// debuginfod-find. Downloads are bounded by -timeout (to answer, and
// between reads), -max-time (the whole file; $DEBUGINFOD_MAXTIME seconds,
// else 20 minutes) and -max-size ($DEBUGINFOD_MAXSIZE bytes, else 4 GiB);
// SIGINT or SIGTERM during one removes the partial file before the command
// dies of the signal, and partial files older than an hour are removed
// from the cache before the next download.
//
// The paths a dump names are opened only if they are regular files: a
// FIFO or a device named in a dump is not opened.
//
// Messages go to standard error: modules that could not be matched, files of
// another build, frames left as they were.
//
// Install it with
//
//	go install github.com/cgosymbolizer/cgosymbolizer/cmd/cgosymbolize@latest
//
// which, like the package, needs cgo and Debian's libdw-dev and
// libunwind-dev (libdw1 at run time); it works on linux/amd64.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cgosymbolizer/cgosymbolizer"
)

const usageText = `usage: cgosymbolize [flags] [FILE...] < dump > symbolized

Reads a Go crash dump or goroutine dump on standard input and writes it to
standard output with the C frames the program could not name (printed as
PATH+0xOFFSET) replaced by function, file:line and inlined frames, C++
names demangled. Every other line is copied as it is.

Each FILE is an executable, a shared library or a separate debug file of
the program. Modules are matched to FILEs by build-id (a FILE of another
build is refused), else by path or base name. Without a matching FILE, the
module's own path is used if its build-id matches, else a debug
directory's .build-id link, else a debuginfod server. Debug information
comes from the binary, the FILEs, the debug directories (build-id tree or
.gnu_debuglink), the binary's .gnu_debuglink, or debuginfod.

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// stringsFlag is a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, " ") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// run is the command, with its arguments and streams: 0 on success, 1
// when the dump cannot be read or written, 2 for bad usage.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cgosymbolize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var debugDirs stringsFlag
	fs.Var(&debugDirs, "debug-dir", "a `DIR`ectory of separate debug files (repeatable; replaces the default /usr/lib/debug)")
	servers := fs.String("debuginfod", os.Getenv("DEBUGINFOD_URLS"), "debuginfod server `URLS`, space-separated, http:// or https:// (others, such as file://, are skipped with a warning when a server is needed); \"\" for none (default $DEBUGINFOD_URLS)")
	timeout := fs.Duration("timeout", envSeconds("DEBUGINFOD_TIMEOUT", 30*time.Second), "how long a debuginfod server may take to answer, and between parts of a file ($DEBUGINFOD_TIMEOUT seconds if set)")
	maxTime := fs.Duration("max-time", envSeconds("DEBUGINFOD_MAXTIME", defaultMaxTime), "how long a debuginfod download may take in all; 0 for no limit ($DEBUGINFOD_MAXTIME seconds if set)")
	maxSize := fs.Int64("max-size", envBytes("DEBUGINFOD_MAXSIZE", defaultMaxSize), "the largest file to download from debuginfod, in bytes; 0 for no limit ($DEBUGINFOD_MAXSIZE if set)")
	verbose := fs.Bool("v", false, "say which file each module was matched with, and what was downloaded")
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *timeout <= 0 {
		// 0 would fail every download at once; -max-time bounds the whole.
		fmt.Fprintf(stderr, "cgosymbolize: -timeout %v: must be positive (-max-time 0 removes the overall limit)\n", *timeout)
		return 2
	}
	if len(debugDirs) == 0 {
		debugDirs = stringsFlag{"/usr/lib/debug"}
	}
	t := &tool{stderr: stderr, verbose: *verbose, said: map[string]bool{}, modules: map[moduleKey]*module{}}
	for _, d := range debugDirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			fmt.Fprintf(stderr, "cgosymbolize: -debug-dir %s: %v\n", d, err)
			return 2
		}
		t.debugDirs = append(t.debugDirs, abs)
	}
	dfd, err := newDebuginfod(*servers, debuginfodConfig{
		timeout:  *timeout,
		maxTime:  *maxTime,
		maxSize:  *maxSize,
		staleAge: defaultStaleAge,
		logf:     t.logf,
		warnf:    t.warnf,
		// A signal stops a download at once; linkDir goes with it.
		interrupted: func(sig os.Signal) {
			if t.held != nil {
				for _, msg := range *t.held {
					io.WriteString(stderr, msg)
				}
			}
			os.RemoveAll(t.linkDir)
			dieOf(sig)
		},
	})
	if err != nil {
		fmt.Fprintf(stderr, "cgosymbolize: %v\n", err)
		return 2
	}
	t.debuginfod = dfd
	linkDir, err := os.MkdirTemp("", "cgosymbolize-")
	if err != nil {
		fmt.Fprintf(stderr, "cgosymbolize: %v\n", err)
		return 1
	}
	defer os.RemoveAll(linkDir)
	t.linkDir = linkDir
	for _, arg := range fs.Args() {
		if err := t.addFile(arg); err != nil {
			fmt.Fprintf(stderr, "cgosymbolize: %v\n", err)
			return 2
		}
	}

	input, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "cgosymbolize: reading standard input: %v\n", err)
		return 1
	}
	d := parseDump(string(input))
	w := bufio.NewWriter(stdout)
	if err := t.symbolize(d, w); err != nil {
		fmt.Fprintf(stderr, "cgosymbolize: %v\n", err)
		return 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "cgosymbolize: writing standard output: %v\n", err)
		return 1
	}
	return 0
}

// envSeconds is the environment variable's positive number of seconds, as
// the elfutils client reads DEBUGINFOD_TIMEOUT and DEBUGINFOD_MAXTIME,
// else def.
func envSeconds(name string, def time.Duration) time.Duration {
	if s, err := strconv.Atoi(os.Getenv(name)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return def
}

// envBytes is the environment variable's positive number of bytes, as the
// elfutils client reads DEBUGINFOD_MAXSIZE, else def.
func envBytes(name string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil && n > 0 {
		return n
	}
	return def
}

// tool is one run's state.
type tool struct {
	stderr     io.Writer
	verbose    bool
	files      []*elfInfo // the FILE arguments
	used       map[*elfInfo]bool
	debugDirs  []string
	linkDir    string // links to debug files given or downloaded, as a debug directory
	debuginfod *debuginfod
	modules    map[moduleKey]*module
	said       map[string]bool
	held       *[]string // messages held back, or nil
}

// moduleKey is a module of the dump: its path in the process and its
// build-id ("" when the dump has none).
type moduleKey struct{ path, buildID string }

// module is what a module of the dump was matched with.
type module struct {
	binary  string   // the executable or library to symbolize against; "" when none
	info    *elfInfo // binary's
	frames  int      // the module's frames in the dump
	unnamed int      // those still unnamed after symbolization
	noDebug bool     // no debug information: said already
}

func (t *tool) logf(format string, args ...any) {
	if t.verbose {
		fmt.Fprintf(t.stderr, "cgosymbolize: "+format+"\n", args...)
	}
}

// warnf says something once (held back while t.held is not nil).
func (t *tool) warnf(format string, args ...any) {
	msg := fmt.Sprintf("cgosymbolize: "+format+"\n", args...)
	if t.said[msg] {
		return
	}
	t.said[msg] = true
	if t.held != nil {
		*t.held = append(*t.held, msg)
		return
	}
	io.WriteString(t.stderr, msg)
}

// addFile reads a FILE argument; a separate debug file is linked into
// linkDir, by build-id and by name, for the engine to find.
func (t *tool) addFile(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	info, err := readELF(abs)
	if err != nil {
		return err
	}
	if !info.code && !info.dwarf {
		return fmt.Errorf("%s: neither code nor debug information (no executable segment, no DWARF)", path)
	}
	t.files = append(t.files, info)
	if !info.code {
		t.link(abs, info.buildID)
	}
	return nil
}

// link makes the debug file at path findable in linkDir: by build-id
// (.build-id/xx/rest.debug) and by base name, for .gnu_debuglink (the
// engine checks the build-id or CRC of what it finds).
func (t *tool) link(path, buildID string) {
	if len(buildID) >= 4 {
		dir := filepath.Join(t.linkDir, ".build-id", buildID[:2])
		if err := os.MkdirAll(dir, 0o700); err == nil {
			os.Symlink(path, filepath.Join(dir, buildID[2:]+".debug"))
		}
	}
	os.Symlink(path, filepath.Join(t.linkDir, filepath.Base(path)))
}

// symbolize writes d with its frames symbolized.
func (t *tool) symbolize(d *dump, w io.Writer) error {
	t.used = map[*elfInfo]bool{}
	var keys []moduleKey
	for _, f := range d.frames {
		k := moduleKey{f.path, f.buildID}
		m := t.modules[k]
		if m == nil {
			m = &module{}
			t.modules[k] = m
			keys = append(keys, k)
		}
		m.frames++
	}
	// What the modules came to is said after the refused files: the
	// refusal explains it.
	var held []string
	t.held = &held
	for _, k := range keys {
		t.resolve(k, t.modules[k])
	}
	t.held = nil
	t.reportUnused(keys)
	for _, msg := range held {
		io.WriteString(t.stderr, msg)
	}

	sym, err := cgosymbolizer.NewFileSymbolizer(append([]string{t.linkDir}, t.debugDirs...))
	if err != nil && len(d.frames) > 0 {
		t.warnf("%v: the dump is copied as it is", err)
	}
	if sym != nil {
		defer sym.Close()
	}
	next := 0
	for i := 0; i < len(d.lines); i++ {
		if next < len(d.frames) && d.frames[next].at == i {
			f := d.frames[next]
			next++
			m := t.modules[moduleKey{f.path, f.buildID}]
			if frames := t.frame(sym, m, f); len(frames) > 0 {
				for _, fr := range frames {
					if _, err := fmt.Fprintf(w, "%s%s", fr.Function, f.eol); err != nil {
						return err
					}
					loc := ""
					if fr.File != "" {
						loc = fmt.Sprintf("%s:%d ", fr.File, fr.Line)
					}
					if _, err := fmt.Fprintf(w, "\t%spc=%s%s", loc, f.pc, f.eol); err != nil {
						return err
					}
				}
				i++ // the pc= line
				continue
			}
			m.unnamed++
		}
		if _, err := io.WriteString(w, d.lines[i]); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if m := t.modules[k]; m.binary != "" && m.unnamed > 0 && !m.noDebug {
			t.warnf("%s: %d of %s not named by %s (no symbol or debug information covers %s)", k, m.unnamed, count(m.frames, "frame"), m.binary, pick(m.unnamed, "it", "them"))
		}
	}
	return nil
}

// frame symbolizes one frame; nil leaves it as it is.
func (t *tool) frame(sym *cgosymbolizer.FileSymbolizer, m *module, f *dumpFrame) []cgosymbolizer.Frame {
	if sym == nil || m.binary == "" {
		return nil
	}
	off := f.offset
	if f.vaddr {
		// The address within the object, as linked: the binary's
		// program headers place it in the file.
		var ok bool
		if off, ok = m.info.fileOffset(f.offset); !ok {
			t.warnf("%s: address %#x (vaddr) is in no loadable segment of %s", moduleKey{f.path, f.buildID}, f.offset, m.binary)
			return nil
		}
	}
	frames, err := sym.Symbolize(m.binary, off)
	if err != nil {
		t.warnf("%v", err)
		return nil
	}
	return frames
}

// String names a module for messages.
func (k moduleKey) String() string {
	path := k.path
	if strings.ContainsFunc(path, func(r rune) bool { return !strconv.IsPrint(r) }) {
		path = strconv.Quote(path)
	}
	if k.buildID == "" {
		return path
	}
	return fmt.Sprintf("%s (build-id %s)", path, k.buildID)
}

// count says "1 frame", "2 frames".
func count(n int, noun string) string {
	return fmt.Sprintf("%d %s", n, pick(n, noun, noun+"s"))
}

// pick chooses the singular or the plural.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// resolve finds the binary of a module, and its debug information.
func (t *tool) resolve(k moduleKey, m *module) {
	m.binary = t.findBinary(k)
	if m.binary == "" {
		hint := "give the executable or library as an argument"
		for _, f := range t.files {
			if !f.code && k.buildID != "" && f.buildID == k.buildID {
				hint = "its debug file " + f.path + " is not enough: give the executable or library too, whose program headers place the offsets"
				break
			}
		}
		if k.buildID != "" && t.debuginfod == nil {
			hint += ", or a debuginfod server with -debuginfod"
		}
		t.warnf("%s: no matching executable or library; %s left as %s (%s)", k, count(m.frames, "frame"), pick(m.frames, "it is", "they are"), hint)
		return
	}
	info, err := readELF(m.binary)
	if err != nil {
		t.warnf("%v", err)
		m.binary = ""
		return
	}
	m.info = info
	if info.dwarf || t.localDebug(info) {
		return
	}
	if t.debuginfod != nil && info.buildID != "" {
		path, err := t.debuginfod.fetch(info.buildID, "debuginfo")
		if err == nil {
			t.link(path, info.buildID)
			return
		}
		m.noDebug = true
		t.warnf("%s: no debug information here, and debuginfod has none: %v", k, err)
		return
	}
	m.noDebug = true
	t.warnf("%s: no debug information found for %s; only its symbol table, if any, can name frames", k, m.binary)
}

// findBinary returns the executable or library to symbolize module k's
// frames with, or "".
func (t *tool) findBinary(k moduleKey) string {
	if k.buildID == "" {
		return t.findByName(k)
	}
	binary := ""
	for _, f := range t.files {
		if f.buildID == k.buildID {
			t.used[f] = true
			if f.code && binary == "" {
				binary = f.path
			}
		}
	}
	if binary != "" {
		t.logf("%s: %s (same build-id)", k, binary)
		return binary
	}
	if info, err := readELF(k.path); err == nil && info.code && info.buildID == k.buildID {
		t.logf("%s: the file at that path (same build-id)", k)
		return k.path
	}
	for _, dir := range t.debugDirs {
		p := filepath.Join(dir, ".build-id", k.buildID[:2], k.buildID[2:])
		if info, err := readELF(p); err == nil && info.code && info.buildID == k.buildID {
			t.logf("%s: %s", k, p)
			return p
		}
	}
	if t.debuginfod != nil {
		p, err := t.debuginfod.fetch(k.buildID, "executable")
		if err == nil {
			return p
		}
		t.warnf("%s: not found on debuginfod: %v", k, err)
	}
	return ""
}

// findByName matches a module of a dump without build-ids to a FILE by path,
// else by base name.
func (t *tool) findByName(k moduleKey) string {
	var byBase []*elfInfo
	for _, f := range t.files {
		if !f.code {
			continue
		}
		if f.path == k.path {
			t.used[f] = true
			t.warnf("%s: the dump has no build-id; %s matched by path, not checked to be the same build", k, f.path)
			return f.path
		}
		if filepath.Base(f.path) == filepath.Base(k.path) {
			byBase = append(byBase, f)
		}
	}
	if len(byBase) == 0 {
		return ""
	}
	if len(byBase) > 1 {
		t.warnf("%s: several FILEs have its name; using the first, %s", k, byBase[0].path)
	}
	t.used[byBase[0]] = true
	t.warnf("%s: the dump has no build-id; %s matched by name, not checked to be the same build", k, byBase[0].path)
	return byBase[0].path
}

// localDebug says whether the engine will find separate debug information
// for the binary: by build-id in a debug directory, or through its
// .gnu_debuglink (next to it, in .debug/, under a debug directory).
func (t *tool) localDebug(b *elfInfo) bool {
	dirs := append([]string{t.linkDir}, t.debugDirs...)
	if len(b.buildID) >= 4 {
		for _, dir := range dirs {
			p := filepath.Join(dir, ".build-id", b.buildID[:2], b.buildID[2:]+".debug")
			if id, err := fileBuildID(p); err == nil && id == b.buildID {
				t.logf("%s: debug information in %s", b.path, p)
				return true
			}
		}
	}
	if b.debuglink == "" {
		return false
	}
	bdir := filepath.Dir(b.path)
	candidates := []string{filepath.Join(bdir, b.debuglink), filepath.Join(bdir, ".debug", b.debuglink)}
	for _, dir := range dirs {
		candidates = append(candidates, filepath.Join(dir, bdir, b.debuglink), filepath.Join(dir, b.debuglink))
	}
	for _, p := range candidates {
		if p == b.path {
			continue
		}
		info, err := readELF(p)
		if err != nil || !info.dwarf {
			continue
		}
		if b.buildID != "" && info.buildID != "" {
			if info.buildID != b.buildID {
				continue
			}
		} else if crc, err := fileCRC(p); err != nil || crc != b.crc {
			continue
		}
		t.logf("%s: debug information in %s (.gnu_debuglink)", b.path, p)
		return true
	}
	return false
}

// reportUnused says which FILEs matched no module of a dump that has
// some: refused as another build of a module with the same name, or of no
// use for this dump.
func (t *tool) reportUnused(keys []moduleKey) {
	for _, f := range t.files {
		if t.used[f] {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(f.path), ".debug")
		var others []string
		for _, k := range keys {
			if filepath.Base(k.path) == name && k.buildID != "" {
				others = append(others, k.String())
			}
		}
		sort.Strings(others)
		id := f.buildID
		if id == "" {
			id = "none"
		}
		if len(others) > 0 {
			t.warnf("%s: not the build the dump ran (its build-id is %s; the dump has %s): not used", f.path, id, strings.Join(others, ", "))
		} else if len(keys) > 0 {
			t.warnf("%s: matches no module of the dump (its build-id is %s): not used", f.path, id)
		}
	}
}
