#!/usr/bin/env python3
"""Compares the engine (harness batch) with eu-addr2line, binutils addr2line
and llvm-symbolizer (when installed) on random PCs inside the functions of
each target: inline depth and file:line of every frame, and names.

    compare.py BIN                   compare the harness, libcxx.so,
                                     libplain_full.so, libsqlite3.so (if built)
    compare.py --vaddrs-only LIB N   print N random code addresses of LIB (from
                                     its symbols, or its installed debug file's)
"""
import os
import random
import shutil
import subprocess
import sys


def func_ranges(lib):
    out = subprocess.run(["nm", "-S", "--defined-only", lib], capture_output=True, text=True).stdout
    ranges = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in ("t", "T"):
            start, size = int(parts[0], 16), int(parts[1], 16)
            if size > 0:
                ranges.append((start, size))
    return ranges


def random_vaddrs(lib, n, seed=1):
    rng = random.Random(seed)
    ranges = func_ranges(lib)
    weights = [s for _, s in ranges]
    picks = rng.choices(ranges, weights=weights, k=n)
    return [start + rng.randrange(size) for start, size in picks]


def parse_loc(loc):
    parts = loc.split(":")
    if parts[0] in ("??", "") or len(parts) < 2:
        return None, 0
    if len(parts) >= 3 and parts[-1].isdigit() and parts[-2].isdigit():
        return ":".join(parts[:-2]), int(parts[-2])
    if parts[-1].split(" ")[0].isdigit():
        # binutils: "file:line (discriminator N)"
        return ":".join(parts[:-1]), int(parts[-1].split(" ")[0])
    return None, 0


def parse_addr2line(text):
    """eu-addr2line or binutils addr2line with -a: an address line, then a
    name and a location line per frame, innermost first."""
    result = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("0x"):
            i += 1
            continue
        i += 1
        frames = []
        while i + 1 < len(lines) and not lines[i].startswith("0x"):
            name, loc = lines[i], lines[i + 1]
            i += 2
            if " inlined at " in name:
                name = name.split(" inlined at ")[0]
            file, line = parse_loc(loc)
            frames.append((name, file, line))
        result.append(frames)
    return result


def parse_llvm(text):
    """llvm-symbolizer: name and location lines per frame, a blank line
    after each address."""
    result, frames = [], []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i] == "":
            result.append(frames)
            frames = []
            i += 1
            continue
        name, loc = lines[i], lines[i + 1] if i + 1 < len(lines) else ""
        i += 2
        file, line = parse_loc(loc)
        frames.append((name, file, line))
    if frames:
        result.append(frames)
    return result


def parse_ours(text):
    result = []
    for line in text.splitlines():
        cols = line.split("\t")
        frames = []
        for c in cols[1:]:
            func, file, ln, _entry = c.rsplit("|", 3)
            frames.append((func, file or None, int(ln)))
        result.append(frames)
    return result


def run(cmd, inp):
    return subprocess.run(cmd, input=inp, capture_output=True, text=True).stdout


def tally(label, lib, vaddrs, ours, ref):
    loc_ok = name_ok = 0
    shown = 0
    for v, a, b in zip(vaddrs, ours, ref):
        same_loc = len(a) == len(b) and all((x[1], x[2]) == (y[1], y[2]) for x, y in zip(a, b))
        same_name = len(a) == len(b) and all(x[0] == y[0] for x, y in zip(a, b))
        loc_ok += same_loc
        name_ok += same_name
        if not same_loc and shown < 3:
            shown += 1
            print("    %s differs at %#x:\n      ours: %s\n      ref:  %s" % (label, v, a, b))
    total = len(vaddrs)
    print("  %-13s %s: depth+file:line %d/%d (%.2f%%), names %d/%d" % (
        label, os.path.basename(lib), loc_ok, total, 100.0 * loc_ok / total, name_ok, total))
    return loc_ok, total


def separate_debug_file(lib):
    """/usr/lib/debug/.build-id/xx/rest.debug, when installed."""
    notes = subprocess.run(["readelf", "-n", lib], capture_output=True, text=True).stdout
    for line in notes.splitlines():
        if "Build ID:" in line:
            bid = line.split("Build ID:")[1].strip()
            path = "/usr/lib/debug/.build-id/%s/%s.debug" % (bid[:2], bid[2:])
            if os.path.exists(path):
                return path
    return None


def compare(binary, lib, n):
    # Symbols and DWARF of a stripped library are in its debug file.
    dbg = separate_debug_file(lib) or lib
    vaddrs = random_vaddrs(dbg, n)
    hexes = "".join("0x%x\n" % v for v in vaddrs)
    target = "self" if lib == binary else lib
    ours = parse_ours(subprocess.run([binary, "batch", target], input=hexes.replace("0x", ""),
                                     capture_output=True, text=True, check=True).stdout)
    # Whichever reference tools are installed.
    refs = []
    if shutil.which("eu-addr2line"):
        refs.append(("eu-addr2line", parse_addr2line(run(["eu-addr2line", "-a", "-i", "-f", "-C", "-e", lib], hexes))))
    if shutil.which("addr2line"):
        refs.append(("addr2line", parse_addr2line(run(["addr2line", "-a", "-i", "-f", "-C", "-e", dbg], hexes))))
    if shutil.which("llvm-symbolizer"):
        refs.append(("llvm-symbolizer",
                     parse_llvm(run(["llvm-symbolizer", "--obj=" + dbg, "--inlining", "--demangle"], hexes))))
    best = 0
    for label, ref in refs:
        ok, total = tally(label, lib, vaddrs, ours, ref)
        best = max(best, ok)
    return best, len(vaddrs)


def main():
    if sys.argv[1] == "--vaddrs-only":
        lib = separate_debug_file(sys.argv[2]) or sys.argv[2]
        for v in random_vaddrs(lib, int(sys.argv[3]), seed=2):
            print("%x" % v)
        return 0
    bindir = sys.argv[1]
    binary = os.path.join(bindir, "harness")
    print("agreement with reference symbolizers on random PCs inside functions:")
    for lib, n in ((binary, 300), (os.path.join(bindir, "libcxx.so"), 100),
                   (os.path.join(bindir, "libplain_full.so"), 50),
                   (os.path.join(bindir, "libsqlite3.so"), 3000)):
        if os.path.exists(lib):
            compare(binary, lib, n)
    libc = "/lib/x86_64-linux-gnu/libc.so.6"
    if os.path.exists(libc) and separate_debug_file(libc):
        compare(binary, libc, 1000)
    # Informational: the tools disagree with each other on GCC's DWARF.
    return 0


if __name__ == "__main__":
    sys.exit(main())
