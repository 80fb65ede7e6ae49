package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"syscall"
)

// elfInfo is what the tool needs to know of an ELF file.
type elfInfo struct {
	path      string
	buildID   string           // lowercase hex; "" when the file has none
	code      bool             // has its code (an executable or library, not a separate debug file)
	dwarf     bool             // has DWARF of its own
	debuglink string           // the .gnu_debuglink file name, or ""
	crc       uint32           // and its CRC
	loads     []elf.ProgHeader // PT_LOAD segments with bytes in the file
}

// fileOffset converts an address within the object (as linked) into the
// file offset of its byte, with the file's PT_LOAD segments.
func (e *elfInfo) fileOffset(vaddr uint64) (uint64, bool) {
	for _, p := range e.loads {
		if vaddr >= p.Vaddr && vaddr-p.Vaddr < p.Filesz {
			return vaddr - p.Vaddr + p.Off, true
		}
	}
	return 0, false
}

// readELF reads what elfInfo holds from the file at path.
func readELF(path string) (*elfInfo, error) {
	f, fh, err := openELF(path)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%s: not an ELF file (%v)", path, err)
		}
		return nil, err
	}
	defer fh.Close()
	info := &elfInfo{path: path, buildID: buildID(f)}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Filesz > 0 {
			info.loads = append(info.loads, p.ProgHeader)
			if p.Flags&elf.PF_X != 0 {
				info.code = true
			}
		}
	}
	for _, s := range f.Sections {
		switch s.Name {
		case ".debug_info", ".zdebug_info":
			info.dwarf = info.dwarf || (s.Type != elf.SHT_NOBITS && s.Size > 0)
		case ".gnu_debuglink":
			data, err := s.Data()
			if err != nil {
				break
			}
			if i := bytes.IndexByte(data, 0); i > 0 {
				at := (i + 4) &^ 3
				if at+4 <= len(data) {
					info.debuglink = string(data[:i])
					info.crc = f.ByteOrder.Uint32(data[at:])
				}
			}
		}
	}
	return info, nil
}

// openELF opens the ELF file at path if it is a regular file (see
// openRegular).
func openELF(path string) (*elf.File, *os.File, error) {
	fh, err := openRegular(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := elf.NewFile(fh)
	if err != nil {
		fh.Close()
		return nil, nil, err
	}
	return f, fh, nil
}

// openFile is os.OpenFile; tests replace it to see what is opened.
var openFile = os.OpenFile

// openRegular opens the file at path for reading only if it is a regular
// file, symlinks followed. A dump may name anything, and opening a FIFO or
// a device has effects of its own (a blocked writer released, a driver's
// open run), so the type is checked before the file is opened, and the
// file opened checked to be the one checked (not replaced in between).
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%v), not opened", path, st.Mode().Type())
	}
	// O_NONBLOCK and O_NOCTTY: should a FIFO or a terminal replace the
	// file in between, the open neither blocks nor takes it.
	fh, err := openFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	fst, err := fh.Stat()
	if err == nil && (!fst.Mode().IsRegular() || !os.SameFile(st, fst)) {
		err = fmt.Errorf("%s: replaced while being opened", path)
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	return fh, nil
}

// fileBuildID returns the GNU build-id of the ELF file at path.
func fileBuildID(path string) (string, error) {
	f, fh, err := openELF(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	id := buildID(f)
	if id == "" {
		return "", fmt.Errorf("%s: no GNU build-id", path)
	}
	return id, nil
}

// buildID returns the file's NT_GNU_BUILD_ID note in hex, from its note
// sections, else its PT_NOTE segments; "" when there is none.
func buildID(f *elf.File) string {
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOTE {
			if id := noteBuildID(s.Open(), f.ByteOrder, s.Addralign); id != "" {
				return id
			}
		}
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_NOTE && p.Filesz > 0 {
			if id := noteBuildID(p.Open(), f.ByteOrder, p.Align); id != "" {
				return id
			}
		}
	}
	return ""
}

// noteBuildID walks ELF notes, padded to align (4, or 8 for
// .note.gnu.property's kind), for the GNU build-id.
func noteBuildID(r io.Reader, order binary.ByteOrder, align uint64) string {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil && len(data) == 0 {
		return ""
	}
	pad := uint64(3)
	if align == 8 {
		pad = 7
	}
	for len(data) >= 12 {
		namesz, descsz, typ := order.Uint32(data), order.Uint32(data[4:]), order.Uint32(data[8:])
		data = data[12:]
		nameEnd := (uint64(namesz) + pad) &^ pad
		// The last note's padding may be missing at the end of the
		// section: check the bytes the note needs, then skip its
		// padding if there is any.
		if nameEnd+uint64(descsz) > uint64(len(data)) {
			return ""
		}
		if typ == 3 && namesz == 4 && string(data[:4]) == "GNU\x00" && descsz > 0 {
			return hex.EncodeToString(data[nameEnd : nameEnd+uint64(descsz)])
		}
		descEnd := min(nameEnd+(uint64(descsz)+pad)&^pad, uint64(len(data)))
		data = data[descEnd:]
	}
	return ""
}

// fileCRC is the CRC-32 (zlib's, as .gnu_debuglink uses) of the file at path.
func fileCRC(path string) (uint32, error) {
	f, err := openRegular(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, f); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}
