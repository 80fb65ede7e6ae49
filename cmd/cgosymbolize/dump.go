package main

import (
	"regexp"
	"strconv"
	"strings"
)

// A dump is the input, cut into lines, with the frames to symbolize found.
//
// A frame the runtime could not name (no symbols or debug information in the
// process) is printed as two lines:
//
//	/srv/app/bin/server+0x8dad7 (BuildId: 12b43a1da784bacb1d77994b5eb34993fb9fc228)
//		pc=0x48dad7
//
// PATH+0xOFFSET, where OFFSET is a byte offset into the ELF file at PATH, with
// the module's GNU build-id after it on some frames (crash dumps: on the
// first frame of each module; runtime.Stack: on every frame), then a tab and
// the PC. When the process could not read the object's program headers
// (the file truncated since it was loaded), the number is the address
// within the object instead, the PC less the load bias, marked (vaddr):
//
//	/srv/app/bin/server+0x48dad7 (vaddr) (BuildId: 12b43a1da784bacb1d77994b5eb34993fb9fc228)
//
// Every other line is passed through as it is.
type dump struct {
	lines  []string // each with its line ending, if it had one
	frames []*dumpFrame
}

// dumpFrame is one unnamed frame of a dump.
type dumpFrame struct {
	at      int    // index in lines of the PATH+0xOFFSET line (the pc= line follows)
	path    string // the object's path in the process
	offset  uint64 // the byte offset into that file; the address within the object if vaddr
	vaddr   bool   // printed as PATH+0xVADDR (vaddr)
	buildID string // lowercase hex, printed or inferred from the module's other frames; "" if unknown
	pc      string // "0x48dad7", as printed
	eol     string // the frame's line ending ("\n", "\r\n" or "")
}

var (
	unnamedRE = regexp.MustCompile(`^(.+)\+0x([0-9a-f]{1,16})( \(vaddr\))?(?: \(BuildId: ([0-9a-f]{2,128})\))?$`)
	pcRE      = regexp.MustCompile(`^\tpc=(0x[0-9a-f]{1,16})$`)
)

// parseDump cuts input into lines and finds its unnamed frames. It never
// fails: what is not a frame is text to pass through.
func parseDump(input string) *dump {
	d := &dump{}
	for len(input) > 0 {
		i := strings.IndexByte(input, '\n')
		if i < 0 {
			d.lines = append(d.lines, input)
			break
		}
		d.lines = append(d.lines, input[:i+1])
		input = input[i+1:]
	}
	for i := 0; i+1 < len(d.lines); i++ {
		name, eol := chomp(d.lines[i])
		pcLine, _ := chomp(d.lines[i+1])
		m := unnamedRE.FindStringSubmatch(name)
		if m == nil || name[0] == '\t' || strings.IndexByte(m[1], 0) >= 0 {
			continue
		}
		p := pcRE.FindStringSubmatch(pcLine)
		if p == nil {
			continue
		}
		off, err := strconv.ParseUint(m[2], 16, 64)
		if err != nil {
			continue
		}
		d.frames = append(d.frames, &dumpFrame{at: i, path: m[1], offset: off, vaddr: m[3] != "", buildID: m[4], pc: p[1], eol: eol})
		i++
	}
	d.inferBuildIDs()
	return d
}

// chomp splits a line from its line ending.
func chomp(line string) (text, eol string) {
	if strings.HasSuffix(line, "\r\n") {
		return line[:len(line)-2], "\r\n"
	}
	if strings.HasSuffix(line, "\n") {
		return line[:len(line)-1], "\n"
	}
	return line, ""
}

// inferBuildIDs gives frames printed without a build-id the one of their
// module: the last one printed for the same path before them, else the
// first one after them (a crash dump prints it once per module, and a
// file of several dumps may hold several builds of one path).
func (d *dump) inferBuildIDs() {
	printed := make([]bool, len(d.frames))
	for i, f := range d.frames {
		printed[i] = f.buildID != ""
	}
	last := map[string]string{}
	for _, f := range d.frames {
		if f.buildID != "" {
			last[f.path] = f.buildID
		} else {
			f.buildID = last[f.path]
		}
	}
	next := map[string]string{}
	for i := len(d.frames) - 1; i >= 0; i-- {
		f := d.frames[i]
		if printed[i] {
			next[f.path] = f.buildID
		} else if f.buildID == "" {
			f.buildID = next[f.path]
		}
	}
}
