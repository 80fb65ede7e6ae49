package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// note encodes one ELF note, its name and descriptor each padded to align
// unless unpadded is set for the descriptor (as at the end of a section
// whose last note lacks its padding).
func note(t *testing.T, align int, typ uint32, name string, desc []byte, unpadded bool) []byte {
	t.Helper()
	pad := func(b []byte) []byte {
		for len(b)%align != 0 {
			b = append(b, 0)
		}
		return b
	}
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(name)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(desc)))
	out = binary.LittleEndian.AppendUint32(out, typ)
	out = append(out, pad([]byte(name))...)
	if unpadded {
		return append(out, desc...)
	}
	return append(out, pad(append([]byte{}, desc...))...)
}

// TestNoteBuildID checks the note walk: the build-id is found in the
// last note even when that note's padding is cut off by the section's end,
// and truncated notes give none.
func TestNoteBuildID(t *testing.T) {
	id := []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14") // 20 bytes: not a multiple of 8
	const want = "0102030405060708090a0b0c0d0e0f1011121314"
	other := []byte("abcdefghi") // 9 bytes: padded
	cat := func(bs ...[]byte) []byte {
		var out []byte
		for _, b := range bs {
			out = append(out, b...)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		align uint64
		data  []byte
		want  string
	}{
		{"align 4", 4, note(t, 4, 3, "GNU\x00", id, false), want},
		{"align 8, padded", 8, note(t, 8, 3, "GNU\x00", id, false), want},
		{"align 8, last note unpadded", 8, note(t, 8, 3, "GNU\x00", id, true), want},
		{"after another note, last unpadded", 8, cat(note(t, 8, 5, "GNU\x00", other, false), note(t, 8, 3, "GNU\x00", id, true)), want},
		{"another note unpadded at the end", 4, cat(note(t, 4, 3, "GNU\x00", id, false), note(t, 4, 1, "XYZ\x00", other, true)), want},
		{"descriptor cut short", 8, note(t, 8, 3, "GNU\x00", id, true)[:12+4+19], ""},
		{"name cut short", 4, note(t, 4, 3, "GNU\x00", id, false)[:14], ""},
		{"another type only", 4, note(t, 4, 1, "GNU\x00", id, true), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := noteBuildID(bytes.NewReader(tc.data), binary.LittleEndian, tc.align); got != tc.want {
				t.Errorf("noteBuildID = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOpenRegular checks that only regular files are opened: FIFOs,
// devices and directories, directly or through a symlink, are refused
// without an open, and a file replaced between the check and the open is
// refused.
func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	other := filepath.Join(dir, "other")
	fifo := filepath.Join(dir, "fifo")
	for _, p := range []string{regular, other} {
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := func(name, to string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.Symlink(to, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	toFIFO, toDev, toRegular := link("to-fifo", fifo), link("to-dev", "/dev/null"), link("to-regular", regular)
	for _, tc := range []struct {
		name    string
		path    string
		replace string // renamed over path between the check and the open
		opened  bool   // whether the file is opened at all
		wantErr string // "" for success
	}{
		{"regular file", regular, "", true, ""},
		{"symlink to a regular file", toRegular, "", true, ""},
		{"FIFO", fifo, "", false, "not a regular file"},
		{"symlink to a FIFO", toFIFO, "", false, "not a regular file"},
		{"device", "/dev/null", "", false, "not a regular file"},
		{"symlink to a device", toDev, "", false, "not a regular file"},
		{"directory", dir, "", false, "not a regular file"},
		{"missing", filepath.Join(dir, "missing"), "", false, "no such file"},
		{"replaced before the open", regular, other, true, "replaced while being opened"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opened []string
			openFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
				opened = append(opened, name)
				if tc.replace != "" {
					if err := os.Rename(tc.replace, name); err != nil {
						t.Fatal(err)
					}
				}
				return os.OpenFile(name, flag, perm)
			}
			defer func() { openFile = os.OpenFile }()
			fh, err := openRegular(tc.path)
			if fh != nil {
				fh.Close()
			}
			if tc.wantErr == "" && err != nil {
				t.Errorf("error %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			}
			if got := len(opened) > 0; got != tc.opened {
				t.Errorf("opened %q; want opened: %v", opened, tc.opened)
			}
		})
	}
}
