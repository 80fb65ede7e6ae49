#!/usr/bin/env python3
"""Inputs for fuzz_elf.c.

    inputs.py pack OUT main=FILE [debug=FILE] [alt=FILE] [second=FILE]
        writes a bundle: several files in one fuzz input (format below)
    inputs.py unpack IN DIR
        writes a bundle's files into DIR (m, m.debug, m.dwz, second)
    inputs.py nasty SEEDS OUTDIR
        writes the hand-made hostile inputs (made from the seeds in SEEDS)
        into OUTDIR as hand-*: see the list in nasty() below
    inputs.py crashers SEEDS OUTDIR
        writes the inputs of libdw-crashers/ (see its README.md)

Bundle format (fuzz_elf.c reads it): the 8 bytes "CGOSYMFZ", then entries
of one kind byte (0 main file, 1 separate debug file, 2 dwz's shared file,
3 a second module), a little-endian u32 length and that many bytes. An
input that does not start with the magic is one main file.
"""
import os
import struct
import sys
import zlib

MAGIC = b"CGOSYMFZ"
KINDS = {"main": 0, "debug": 1, "alt": 2, "second": 3}
NAMES = {0: "m", 1: "m.debug", 2: "m.dwz", 3: "second"}


def pack(files):
    out = bytearray(MAGIC)
    for kind, data in files:
        out += struct.pack("<BI", kind, len(data)) + data
    return bytes(out)


def unpack(data):
    if not data.startswith(MAGIC):
        return [(0, data)]
    files, p = [], len(MAGIC)
    while p + 5 <= len(data):
        kind, n = struct.unpack_from("<BI", data, p)
        p += 5
        if all(k != kind & 3 for k, _ in files):
            files.append((kind & 3, data[p:p + n]))  # the first of a kind counts
        p += n
    return files


# ---- A minimal ELF reader/writer: enough to find and patch sections ----


class Elf:
    def __init__(self, data):
        self.d = bytearray(data)
        assert self.d[:4] == b"\x7fELF" and self.d[4] == 2, "ELF64 only"
        (self.shoff,) = struct.unpack_from("<Q", self.d, 0x28)
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", self.d, 0x3A)
        (self.phoff,) = struct.unpack_from("<Q", self.d, 0x20)
        self.phentsize, self.phnum = struct.unpack_from("<HH", self.d, 0x36)

    def shdr_off(self, i):
        return self.shoff + i * self.shentsize

    def shdr(self, i):
        # name, type, flags, addr, offset, size, link, info, align, entsize
        return list(struct.unpack_from("<IIQQQQIIQQ", self.d, self.shdr_off(i)))

    def set_shdr(self, i, h):
        struct.pack_into("<IIQQQQIIQQ", self.d, self.shdr_off(i), *h)

    def name(self, i):
        strtab = self.shdr(self.shstrndx)
        off = strtab[4] + self.shdr(i)[0]
        return bytes(self.d[off:self.d.index(b"\0", off)]).decode()

    def find(self, name):
        for i in range(self.shnum):
            if self.name(i) == name:
                return i
        raise KeyError(name)

    def section(self, name):
        h = self.shdr(self.find(name))
        return bytes(self.d[h[4]:h[4] + h[5]])

    def replace(self, name, data, flags=None):
        """Puts new contents for a section at the end of the file."""
        i = self.find(name)
        h = self.shdr(i)
        while len(self.d) % 8:
            self.d.append(0)
        h[4], h[5] = len(self.d), len(data)
        if flags is not None:
            h[2] = flags
        self.d += data
        self.set_shdr(i, h)

    def rename(self, name, new):
        """Renames a section in place (a name of the same length)."""
        assert len(new) == len(name)
        strtab = self.shdr(self.shstrndx)
        off = strtab[4] + self.shdr(self.find(name))[0]
        self.d[off:off + len(new)] = new.encode()

    def bytes(self):
        return bytes(self.d)


SHF_COMPRESSED = 0x800


def chdr(ch_type, size, align=1):
    return struct.pack("<IIQQ", ch_type, 0, size, align)


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if (v == 0 and not b & 0x40) or (v == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


# ---- Hand-written DWARF: a CU whose DIEs we control ----

DW_TAG_compile_unit, DW_TAG_subprogram, DW_TAG_inlined_subroutine = 0x11, 0x2E, 0x1D
DW_TAG_lexical_block = 0x0B
DW_AT_name, DW_AT_low_pc, DW_AT_high_pc, DW_AT_stmt_list = 0x03, 0x11, 0x12, 0x10
DW_AT_abstract_origin, DW_AT_specification, DW_AT_call_file, DW_AT_call_line = 0x31, 0x47, 0x58, 0x59
DW_AT_sibling, DW_AT_ranges, DW_AT_language, DW_AT_comp_dir = 0x01, 0x55, 0x13, 0x1B
DW_FORM_addr, DW_FORM_data4, DW_FORM_data8, DW_FORM_string, DW_FORM_ref4 = 0x01, 0x06, 0x07, 0x08, 0x13
DW_FORM_sec_offset, DW_FORM_udata, DW_FORM_data1, DW_FORM_ref_addr = 0x17, 0x0F, 0x0B, 0x10


def abbrev_table(abbrevs):
    """abbrevs: [(code, tag, has_children, [(attr, form)])]"""
    out = bytearray()
    for code, tag, children, attrs in abbrevs:
        out += uleb(code) + uleb(tag) + bytes([1 if children else 0])
        for a, f in attrs:
            out += uleb(a) + uleb(f)
        out += b"\0\0"
    return bytes(out + b"\0")


def cu4(body):
    """A DWARF 4 CU header (abbrev offset 0, address size 8) around body;
    DIE offsets in body are relative to the CU start + 11."""
    return struct.pack("<IHIB", 7 + len(body), 4, 0, 8) + body


def line_program_v4(program, files=(b"a.c",), dirs=()):
    """A DWARF 4 line table with the given opcodes."""
    std = bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])  # opcode lengths 1..12
    # min_inst, max_ops, default_is_stmt, line_base, line_range, opcode_base
    hdr = struct.pack("<BBBbBB", 1, 1, 1, -5, 14, 13) + std
    for d in dirs:
        hdr += d + b"\0"
    hdr += b"\0"
    for f in files:
        hdr += f + b"\0" + uleb(0) + uleb(0) + uleb(0)
    hdr += b"\0"
    body = struct.pack("<H", 4) + struct.pack("<I", len(hdr)) + hdr + program
    return struct.pack("<I", len(body)) + body


def text_range(elf):
    h = elf.shdr(elf.find(".text"))
    return h[3], h[3] + h[5]


def with_dwarf(seed, info, abbrev, line=None):
    """seed with its .debug_info/.debug_abbrev (and .debug_line) replaced,
    and the DWARF 5-only sections emptied."""
    e = Elf(seed)
    e.replace(".debug_info", info)
    e.replace(".debug_abbrev", abbrev)
    if line is not None:
        e.replace(".debug_line", line)
    for s in (".debug_rnglists", ".debug_loclists", ".debug_aranges", ".debug_line_str", ".debug_str_offsets"):
        try:
            i = e.find(s)
        except KeyError:
            continue
        h = e.shdr(i)
        h[5] = 0
        e.set_shdr(i, h)
    return e.bytes()


def nasty(seeds, outdir):
    base = open(os.path.join(seeds, "gcc-dwarf4-O2.so"), "rb").read()
    gnu = open(os.path.join(seeds, "gcc-gz-zlib-gnu.so"), "rb").read()
    lo, hi = text_range(Elf(base))
    out = {}

    # Compressed sections that lie about their size (ELF and GNU style).
    e = Elf(base)
    info = e.section(".debug_info")
    e.replace(".debug_info", chdr(1, 1 << 40) + zlib.compress(info), e.shdr(e.find(".debug_info"))[2] | SHF_COMPRESSED)
    out["hand-chdr-huge"] = e.bytes()
    e = Elf(base)
    e.replace(".debug_info", chdr(1, 16) + zlib.compress(info), SHF_COMPRESSED)
    out["hand-chdr-small"] = e.bytes()
    e = Elf(base)
    e.replace(".debug_info", chdr(1, 60 << 20) + zlib.compress(info), SHF_COMPRESSED)
    out["hand-chdr-under-cap"] = e.bytes()
    e = Elf(base)
    e.replace(".debug_info", chdr(1, len(info)) + b"\x78\x9c" + b"garbage, not deflate" * 8, SHF_COMPRESSED)
    out["hand-chdr-bad-stream"] = e.bytes()
    e = Elf(base)
    e.replace(".debug_info", chdr(77, len(info)) + zlib.compress(info), SHF_COMPRESSED)
    out["hand-chdr-unknown-type"] = e.bytes()
    e = Elf(base)
    e.replace(".debug_info", b"\x01\x00", SHF_COMPRESSED)
    out["hand-chdr-truncated"] = e.bytes()
    # A zlib bomb within the cap: 48 MiB of zeros in a few KiB.
    e = Elf(base)
    e.replace(".debug_str", chdr(1, 48 << 20) + zlib.compress(bytes(48 << 20), 9), SHF_COMPRESSED)
    out["hand-chdr-bomb"] = e.bytes()
    e = Elf(gnu)
    e.replace(".zdebug_info", b"ZLIB" + struct.pack(">Q", 1 << 62) + zlib.compress(info))
    out["hand-zdebug-huge"] = e.bytes()
    e = Elf(gnu)
    e.replace(".zdebug_info", b"ZLIB" + struct.pack(">Q", 3) + zlib.compress(info))
    out["hand-zdebug-small"] = e.bytes()
    e = Elf(gnu)
    e.replace(".zdebug_info", b"ZLI")
    out["hand-zdebug-truncated"] = e.bytes()

    # Section headers that lie: a .debug_info far larger than the file,
    # and one that starts past its end.
    e = Elf(base)
    i = e.find(".debug_info")
    h = e.shdr(i)
    h[5] = 200 << 20
    e.set_shdr(i, h)
    out["hand-shdr-size-past-eof"] = e.bytes()
    e = Elf(base)
    h = e.shdr(i)
    h[4] = 1 << 40
    e.set_shdr(i, h)
    out["hand-shdr-offset-past-eof"] = e.bytes()
    # Truncated files: the DWARF cut in half, and the section headers gone.
    out["hand-truncated-half"] = base[:len(base) // 2]
    out["hand-truncated-headers"] = base[:Elf(base).shoff + 40]
    # Oversized DWARF within the file: a .debug_info of 64 KiB of zeros
    # (CUs of length 0) and one of 0xff (64-bit DWARF with absurd lengths).
    e = Elf(base)
    e.replace(".debug_info", bytes(64 << 10))
    out["hand-info-zeros"] = e.bytes()
    e = Elf(base)
    e.replace(".debug_info", b"\xff" * 4096)
    out["hand-info-ff"] = e.bytes()

    # DIE reference loops. Abbrevs: 1 CU (children), 2 subprogram with
    # low/high pc and an abstract_origin, 3 inlined_subroutine with ranges
    # and call_file/line and an origin, 4 lexical block without pc.
    ab = abbrev_table([
        (1, DW_TAG_compile_unit, True, [(DW_AT_name, DW_FORM_string), (DW_AT_language, DW_FORM_data1),
                                        (DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                        (DW_AT_stmt_list, DW_FORM_sec_offset)]),
        (2, DW_TAG_subprogram, True, [(DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                      (DW_AT_abstract_origin, DW_FORM_ref4)]),
        (3, DW_TAG_inlined_subroutine, True, [(DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                              (DW_AT_abstract_origin, DW_FORM_ref4),
                                              (DW_AT_call_file, DW_FORM_udata), (DW_AT_call_line, DW_FORM_udata)]),
        (4, DW_TAG_lexical_block, True, []),
        (5, DW_TAG_subprogram, False, [(DW_AT_name, DW_FORM_string), (DW_AT_specification, DW_FORM_ref4)]),
        (6, DW_TAG_subprogram, True, [(DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                      (DW_AT_specification, DW_FORM_ref_addr)]),
    ])
    line = line_program_v4(bytes([0, 9, 2]) + struct.pack("<Q", lo) + bytes([1]) +
                           bytes([2]) + uleb(hi - lo) + bytes([0, 1, 1]))

    def cu_header_die():
        return uleb(1) + b"loop.c\0" + bytes([0x0C]) + struct.pack("<QQI", lo, hi - lo, 0)

    # Subprogram whose abstract_origin is itself (offset 11 + len(cu die)).
    die_cu = cu_header_die()
    self_off = 11 + len(die_cu)
    body = die_cu + uleb(2) + struct.pack("<QQI", lo, hi - lo, self_off) + b"\0" + b"\0"
    out["hand-die-origin-self"] = with_dwarf(base, cu4(body), ab, line)

    # Two subprograms whose origins point at each other.
    a_off = 11 + len(die_cu)
    b_off = a_off + len(uleb(2)) + 20 + 1
    half = (hi - lo) // 2
    body = (die_cu + uleb(2) + struct.pack("<QQI", lo, half, b_off) + b"\0" +
            uleb(2) + struct.pack("<QQI", lo + half, hi - lo - half, a_off) + b"\0" + b"\0")
    out["hand-die-origin-cycle"] = with_dwarf(base, cu4(body), ab, line)

    # 200 nested inlined_subroutines covering the whole text, each its own
    # origin, with call_file out of range; then 300 nested lexical blocks.
    sub_off = 11 + len(die_cu)
    body = die_cu + uleb(2) + struct.pack("<QQI", lo, hi - lo, sub_off)
    off = sub_off + len(uleb(2)) + 20
    for k in range(200):
        body += uleb(3) + struct.pack("<QQI", lo, hi - lo, off) + uleb(1000 + k) + uleb(1 << 40)
        off += len(uleb(3)) + 20 + len(uleb(1000 + k)) + len(uleb(1 << 40))
    body += b"\0" * 201 + b"\0"
    out["hand-die-deep-inline"] = with_dwarf(base, cu4(body), ab, line)
    body = die_cu + uleb(2) + struct.pack("<QQI", lo, hi - lo, sub_off) + uleb(4) * 3000 + b"\0" * 3001 + b"\0"
    out["hand-die-deep-blocks"] = with_dwarf(base, cu4(body), ab, line)

    # Lexical blocks nested 50,000 deep around a function: libdw's
    # dwarf_getfuncs recursed once per level (a stack overflow under ASan;
    # 100,000 levels overflow an 8 MiB stack without it).
    depth = 50000
    body = (die_cu + uleb(4) * depth + uleb(2) + struct.pack("<QQI", lo, hi - lo, sub_off) + b"\0" +
            b"\0" * depth + b"\0")
    out["hand-die-nested-50000"] = with_dwarf(base, cu4(body), ab, line)

    # A specification chain that loops through DW_FORM_ref_addr.
    spec_off = 11 + len(die_cu)
    body = die_cu + uleb(6) + struct.pack("<QQI", lo, hi - lo, spec_off) + b"\0" + b"\0"
    out["hand-die-spec-self"] = with_dwarf(base, cu4(body), ab, line)

    # A reference past the end of the section, and a CU whose length
    # runs past it.
    body = die_cu + uleb(2) + struct.pack("<QQI", lo, hi - lo, 0x7FFFFFF0) + b"\0" + b"\0"
    out["hand-die-ref-past-end"] = with_dwarf(base, cu4(body), ab, line)
    info = bytearray(cu4(die_cu + b"\0"))
    struct.pack_into("<I", info, 0, 0xFFFFFF00)
    out["hand-cu-length-past-end"] = with_dwarf(base, bytes(info), ab, line)

    # Absurd line tables: a huge address advance, a huge line advance, a
    # negative line, end_sequence never reached, a file index out of
    # range, and a header_length past the section.
    def lt(prog, **kw):
        return with_dwarf(base, cu4(die_cu + b"\0"), ab, line_program_v4(prog, **kw))
    setaddr = bytes([0, 9, 2]) + struct.pack("<Q", lo)
    out["hand-line-huge-advance"] = lt(setaddr + bytes([1, 2]) + uleb((1 << 63) - 1) + bytes([1]) +
                                       bytes([3]) + sleb(1 << 62) + bytes([1, 0, 1, 1]))
    out["hand-line-negative"] = lt(setaddr + bytes([3]) + sleb(-(1 << 40)) + bytes([1]) +
                                   bytes([2]) + uleb(8) + bytes([0, 1, 1]))
    out["hand-line-no-end"] = lt(setaddr + bytes([1]) + bytes([0x20]) * 2000)
    out["hand-line-file-oob"] = lt(setaddr + bytes([4]) + uleb(1 << 32) + bytes([1]) + bytes([2]) + uleb(hi - lo) +
                                   bytes([0, 1, 1]))
    out["hand-line-backwards"] = lt(setaddr + bytes([0x30]) + bytes([0, 9, 2]) + struct.pack("<Q", lo - 1) +
                                    bytes([0x30, 0, 1, 1]))
    out["hand-line-many-files"] = lt(setaddr + bytes([1, 0, 1, 1]), files=[b"f%d.c" % k for k in range(3000)],
                                     dirs=[b"/d%d" % k for k in range(300)])
    ln = bytearray(line_program_v4(setaddr + bytes([1, 0, 1, 1])))
    struct.pack_into("<I", ln, 6, 0x7FFFFFFF)
    out["hand-line-header-past-end"] = with_dwarf(base, cu4(die_cu + b"\0"), ab, bytes(ln))
    # stmt_list past the end of .debug_line.
    die_far = uleb(1) + b"loop.c\0" + bytes([0x0C]) + struct.pack("<QQI", lo, hi - lo, 0xFFFFFFF0)
    out["hand-line-stmt-list-oob"] = with_dwarf(base, cu4(die_far + b"\0"), ab, line)

    # DW_FORM_string values that start exactly at the end of .debug_info
    # (libdw's dwarf_formstring returns them unchecked): a function's name,
    # the CU's producer, the CU's comp_dir (which libdw's line reader takes
    # and runs strlen on).
    DW_AT_producer = 0x25
    ab_end = abbrev_table([
        (1, DW_TAG_compile_unit, True, [(DW_AT_name, DW_FORM_string), (DW_AT_language, DW_FORM_data1),
                                        (DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                        (DW_AT_stmt_list, DW_FORM_sec_offset)]),
        (2, DW_TAG_subprogram, False, [(DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                       (DW_AT_name, DW_FORM_string)]),
        (3, DW_TAG_compile_unit, False, [(DW_AT_language, DW_FORM_data1), (DW_AT_low_pc, DW_FORM_addr),
                                         (DW_AT_high_pc, DW_FORM_data8), (DW_AT_stmt_list, DW_FORM_sec_offset),
                                         (DW_AT_producer, DW_FORM_string)]),
        (4, DW_TAG_compile_unit, False, [(DW_AT_language, DW_FORM_data1), (DW_AT_low_pc, DW_FORM_addr),
                                         (DW_AT_high_pc, DW_FORM_data8), (DW_AT_stmt_list, DW_FORM_sec_offset),
                                         (DW_AT_comp_dir, DW_FORM_string)]),
    ])
    # No terminator after the subprogram: its name starts at the end.
    body = die_cu + uleb(2) + struct.pack("<QQ", lo, hi - lo)
    out["hand-string-at-end-name"] = with_dwarf(base, cu4(body), ab_end, line)
    cu_attrs = bytes([0x0C]) + struct.pack("<QQI", lo, hi - lo, 0)
    out["hand-string-at-end-producer"] = with_dwarf(base, cu4(uleb(3) + cu_attrs), ab_end, line)
    out["hand-string-at-end-comp-dir"] = with_dwarf(base, cu4(uleb(4) + cu_attrs), ab_end, line)
    # And .debug_str without a final NUL: DW_FORM_strp names inside its
    # last string and at its very end (an offset libdw accepts).
    DW_FORM_strp = 0x0E
    ab_strp = abbrev_table([
        (1, DW_TAG_compile_unit, True, [(DW_AT_name, DW_FORM_strp), (DW_AT_language, DW_FORM_data1),
                                        (DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                        (DW_AT_stmt_list, DW_FORM_sec_offset)]),
        (2, DW_TAG_subprogram, False, [(DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                                       (DW_AT_name, DW_FORM_strp)]),
    ])
    strs = b"no terminating nul"
    body = (uleb(1) + struct.pack("<IBQQI", 3, 0x0C, lo, hi - lo, 0) +
            uleb(2) + struct.pack("<QQI", lo, half, 3) +
            uleb(2) + struct.pack("<QQI", lo + half, hi - lo - half, len(strs)) + b"\0")
    e = Elf(with_dwarf(base, cu4(body), ab_strp, line))
    e.replace(".debug_str", strs)
    out["hand-debug-str-unterminated"] = e.bytes()

    # An abbrev table that never ends, and one that refers to itself by
    # code over and over.
    out["hand-abbrev-unterminated"] = with_dwarf(base, cu4(die_cu + b"\0"), b"\x01\x11\x01" + b"\x03\x08" * 5000, line)

    # The same .gnu_debuglink/.gnu_debugaltlink shapes, as bundles: a debug
    # file that names itself as its dwz file, and a main file whose debug
    # file is the main file again.
    bl = open(os.path.join(seeds, "debuglink-buildid.bundle"), "rb").read()
    files = dict(unpack(bl))
    out["hand-bundle-debug-is-main.bundle"] = pack([(0, files[0]), (1, files[0])])
    dw = os.path.join(seeds, "dwz-alt.bundle")
    if os.path.exists(dw):
        files = dict(unpack(open(dw, "rb").read()))
        out["hand-bundle-alt-is-debug.bundle"] = pack([(0, files[0]), (1, files[1]), (2, files[1])])
        out["hand-bundle-alt-missing.bundle"] = pack([(0, files[0]), (1, files[1])])
        out["hand-bundle-alt-truncated.bundle"] = pack([(0, files[0]), (1, files[1]), (2, files[2][:len(files[2]) // 3])])
    # Overlapping and identical modules.
    out["hand-bundle-same-twice.bundle"] = pack([(0, base), (3, base)])
    # Program headers: a PT_LOAD of absurd size, and none at all.
    e = Elf(base)
    for k in range(e.phnum):
        p = e.phoff + k * e.phentsize
        if struct.unpack_from("<I", e.d, p)[0] == 1:
            struct.pack_into("<Q", e.d, p + 40, (1 << 64) - 0x1000)  # p_memsz
            break
    out["hand-phdr-huge-memsz"] = e.bytes()
    e = Elf(base)
    struct.pack_into("<H", e.d, 0x38, 0)
    out["hand-phdr-none"] = e.bytes()
    # A relocatable file (ET_REL) with program headers: libdwfl relocates
    # it through the section_address callback, which the engine leaves NULL.
    # Its .text at address 0, as in a real .o: libdwfl asks where it went.
    e = Elf(base)
    struct.pack_into("<H", e.d, 0x10, 1)
    i = e.find(".text")
    h = e.shdr(i)
    h[3] = 0
    e.set_shdr(i, h)
    out["hand-et-rel-with-phdrs"] = e.bytes()
    # Section header count and string index out of range.
    e = Elf(base)
    struct.pack_into("<H", e.d, 0x3E, 0xFFFF)
    out["hand-shstrndx-oob"] = e.bytes()
    e = Elf(base)
    struct.pack_into("<H", e.d, 0x3C, 0xFFFF)
    out["hand-shnum-huge"] = e.bytes()
    # .gnu_debugdata that is not xz, and a symbol table of absurd entries.
    mini = os.path.join(seeds, "gcc-gnu-debugdata.so")
    if os.path.exists(mini):
        e = Elf(open(mini, "rb").read())
        e.replace(".gnu_debugdata", b"\xfd7zXZ\0" + b"\0" * 64)
        out["hand-debugdata-garbage"] = e.bytes()
    e = Elf(base)
    st = e.find(".symtab")
    h = e.shdr(st)
    syms = bytearray(e.section(".symtab"))
    for k in range(1, len(syms) // 24):
        struct.pack_into("<BBHQQ", syms, k * 24 + 4, 0x12, 0, 1, lo + k, (1 << 64) - 1)
    e.replace(".symtab", bytes(syms))
    out["hand-symtab-huge-sizes"] = e.bytes()
    # A .strtab without a final NUL, every function symbol named by its
    # unterminated last bytes (libdwfl checks only that the name starts
    # inside the table).
    e = Elf(base)
    e.rename(".debug_info", ".xebug_info")  # symbols only
    strtab = e.section(".strtab") + b"unterminated"
    syms = bytearray(e.section(".symtab"))
    for k in range(1, len(syms) // 24):
        if syms[k * 24 + 4] & 0xF == 2:  # STT_FUNC
            struct.pack_into("<I", syms, k * 24, len(strtab) - 12)
    e.replace(".strtab", strtab)
    e.replace(".symtab", bytes(syms))
    out["hand-strtab-unterminated"] = e.bytes()
    # The same in .gnu_debugdata's ELF (its string table is libdwfl's own).
    if os.path.exists(mini):
        import lzma
        md = Elf(open(mini, "rb").read())
        inner = Elf(lzma.decompress(md.section(".gnu_debugdata")))
        strtab = inner.section(".strtab") + b"unterminated"
        syms = bytearray(inner.section(".symtab"))
        for k in range(1, len(syms) // 24):
            if syms[k * 24 + 4] & 0xF == 2:
                struct.pack_into("<I", syms, k * 24, len(strtab) - 12)
        inner.replace(".strtab", strtab)
        inner.replace(".symtab", bytes(syms))
        md.replace(".gnu_debugdata", lzma.compress(inner.bytes(), format=lzma.FORMAT_XZ))
        out["hand-debugdata-strtab-unterminated"] = md.bytes()

    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(out.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("wrote %d inputs to %s" % (len(out), outdir))


def crashers(seeds, outdir):
    """Inputs libdw 0.188 mishandles with no guard possible in the engine
    (libdw-crashers/README.md)."""
    import lzma
    out = {}
    # MiniDebugInfo that inflates to 512 MiB: libdwfl decompresses
    # .gnu_debugdata whole, with no bound, when it reads symbols.
    md = Elf(open(os.path.join(seeds, "gcc-gnu-debugdata.so"), "rb").read())
    inner = lzma.decompress(md.section(".gnu_debugdata"))
    c = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=9)
    data = c.compress(inner)
    for _ in range(32):
        data += c.compress(bytes(16 << 20))
    md.replace(".gnu_debugdata", data + c.flush())
    out["gnu-debugdata-xz-bomb"] = md.bytes()
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(out.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("wrote %d inputs to %s" % (len(out), outdir))


def main():
    cmd = sys.argv[1]
    if cmd == "pack":
        files = []
        for arg in sys.argv[3:]:
            kind, path = arg.split("=", 1)
            files.append((KINDS[kind], open(path, "rb").read()))
        with open(sys.argv[2], "wb") as f:
            f.write(pack(files))
    elif cmd == "unpack":
        os.makedirs(sys.argv[3], exist_ok=True)
        for kind, data in unpack(open(sys.argv[2], "rb").read()):
            with open(os.path.join(sys.argv[3], NAMES[kind]), "wb") as f:
                f.write(data)
    elif cmd == "nasty":
        nasty(sys.argv[2], sys.argv[3])
    elif cmd == "crashers":
        crashers(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
