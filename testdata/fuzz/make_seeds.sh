#!/bin/sh
# shellcheck disable=SC2086 # $SMALL and $C_SRCS are lists of words
# Regenerates seeds/: small real ELF files with DWARF, the shapes the
# engine meets in the wild, for fuzz_elf.c to start from. The seeds are
# committed (compilers change their output); run this after changing
# seedsrc/ or to refresh them, then look at `ls -l seeds/`: each should be
# a few KiB. Needs gcc, g++, binutils, python3; uses clang-14, dwz and xz
# when installed (their seeds are skipped otherwise).
#
# Files named *.bundle hold several files in fuzz_elf.c's bundle format
# (a main file, its separate debug file, dwz's shared file, a second
# module), packed by inputs.py.
set -eu
cd "$(dirname "$0")"
here=$(pwd)
src=$here/seedsrc
out=$here/seeds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f "$out"/*
mkdir -p "$out"

# Small on purpose: no libc, no separate code segment (so no page-sized
# gaps in the file), no unwind tables, no .comment.
# The same DWARF paths on every machine.
SMALL="-shared -fPIC -nostdlib -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--hash-style=gnu -fno-asynchronous-unwind-tables -fdebug-prefix-map=$src=/seedsrc -fdebug-prefix-map=$tmp=/build"
C_SRCS="$src/lib.c $src/lib2.c"

# seed NAME COMPILER FLAGS... : builds NAME from lib.c and lib2.c.
seed() {
	name=$1 cc=$2
	shift 2
	$cc $SMALL "$@" -I"$src" -o "$tmp/$name" $C_SRCS
	objcopy --remove-section .comment "$tmp/$name"
	cp "$tmp/$name" "$out/$name"
}

seed gcc-dwarf5-O2.so gcc -g -O2 -Wl,--build-id
seed gcc-dwarf4-O2.so gcc -gdwarf-4 -O2 -Wl,--build-id
seed gcc-dwarf2-O1.so gcc -gdwarf-2 -O1 -Wl,--build-id=none
seed gcc-dwarf5-O0.so gcc -g -O0 -Wl,--build-id
seed gcc-gz-zlib.so gcc -g -O2 -gz=zlib -Wl,--build-id
seed gcc-gz-zlib-gnu.so gcc -g -O2 -gz=zlib-gnu -Wl,--build-id
# libelf 0.188 cannot inflate zstd: the engine must do without.
seed gcc-gz-zstd.so gcc -g -O2 -Wl,--compress-debug-sections=zstd -Wl,--build-id || true
# Skeleton units only (the .dwo files are not in the seed). Compiled in
# $tmp so that DW_AT_dwo_name does not depend on gcc's temporary names.
(cd "$tmp" && gcc -fPIC -g -O2 -gsplit-dwarf -fdebug-prefix-map="$tmp"=/build -I"$src" -c "$src/lib.c" "$src/lib2.c" &&
	gcc $SMALL -Wl,--build-id -o split.so lib.o lib2.o && objcopy --remove-section .comment split.so &&
	cp split.so "$out/gcc-split-dwarf.so")
seed gcc-gc-sections.so gcc -g -O2 -ffunction-sections -Wl,--gc-sections -Wl,--build-id
seed gcc-asm-cu.so gcc -g -O2 -Wl,--build-id "$src/asm.S"
seed gcc-pubnames.so gcc -g -O2 -gpubnames -Wl,--build-id
if command -v clang-14 >/dev/null; then
	# DW_FORM_addrx, strx, rnglistx, loclistx: clang's DWARF 5 forms.
	seed clang-dwarf5-O2.so clang-14 -g -O2 -Wl,--build-id
	seed clang-dwarf4-O2.so clang-14 -gdwarf-4 -O2 -Wl,--build-id
fi

# C++: linkage names, specifications, templates, lambdas.
g++ $SMALL -fno-exceptions -fno-rtti -g -O2 -Wl,--build-id -o "$tmp/gxx.so" "$src/lib.cpp"
objcopy --remove-section .comment "$tmp/gxx.so"
cp "$tmp/gxx.so" "$out/gxx-dwarf5-O2.so"

# An executable (ET_EXEC, fixed addresses), linked with libc.
gcc -g -O2 -no-pie -fno-asynchronous-unwind-tables -fdebug-prefix-map=$src=/seedsrc -fdebug-prefix-map=$tmp=/build -Wl,-z,noseparate-code -Wl,--build-id \
	-o "$tmp/exe" "$src/main.c"
objcopy --remove-section .comment "$tmp/exe"
cp "$tmp/exe" "$out/gcc-exe-nopie"

# Symbols only: stripped (.dynsym), and MiniDebugInfo (.gnu_debugdata: an
# xz-compressed ELF with .symtab, read by libdwfl).
cp "$out/gcc-dwarf5-O2.so" "$tmp/stripped.so"
strip --strip-all "$tmp/stripped.so"
cp "$tmp/stripped.so" "$out/gcc-stripped.so"
if command -v xz >/dev/null; then
	cp "$out/gcc-dwarf5-O2.so" "$tmp/mini.so"
	objcopy --only-keep-debug --remove-section .gdb_index --remove-section '.debug_*' \
		--remove-section .comment "$tmp/mini.so" "$tmp/mini.debug"
	xz -9 --keep "$tmp/mini.debug"
	strip --strip-all "$tmp/mini.so"
	objcopy --add-section .gnu_debugdata="$tmp/mini.debug.xz" "$tmp/mini.so"
	cp "$tmp/mini.so" "$out/gcc-gnu-debugdata.so"
fi

# dwz inside one file: partial units, DW_TAG_imported_unit, DW_FORM_ref_addr.
if command -v dwz >/dev/null; then
	cp "$out/gcc-dwarf4-O2.so" "$tmp/dwz1.so"
	if dwz "$tmp/dwz1.so" 2>/dev/null; then
		cp "$tmp/dwz1.so" "$out/gcc-dwz-single.so"
	fi
fi

# Bundles. The fuzz target writes the main file as m, the debug file as
# m.debug and dwz's file as m.dwz, in one directory: the names below are
# the ones the main file and debug file point to.
cd "$tmp"
gcc $SMALL -g -O2 -Wl,--build-id -I"$src" -o m $C_SRCS
objcopy --only-keep-debug m m.debug
objcopy --strip-all --remove-section .comment --add-gnu-debuglink=m.debug m
python3 "$here/inputs.py" pack "$out/debuglink-buildid.bundle" main=m debug=m.debug

# No build-id: the debuglink CRC must match.
gcc $SMALL -g -O2 -Wl,--build-id=none -I"$src" -o m $C_SRCS
objcopy --only-keep-debug m m.debug
objcopy --strip-all --remove-section .comment --add-gnu-debuglink=m.debug m
python3 "$here/inputs.py" pack "$out/debuglink-crc.bundle" main=m debug=m.debug

# dwz across two files: the debug file's .gnu_debugaltlink names m.dwz.
if command -v dwz >/dev/null; then
	for x in m other; do
		gcc $SMALL -g -O2 -Wl,--build-id -DVARIANT_$x -I"$src" -o $x $C_SRCS
		objcopy --only-keep-debug $x $x.debug
	done
	if dwz -m m.dwz -M m.dwz m.debug other.debug 2>/dev/null; then
		objcopy --strip-all --remove-section .comment --add-gnu-debuglink=m.debug m
		python3 "$here/inputs.py" pack "$out/dwz-alt.bundle" main=m debug=m.debug alt=m.dwz
	fi
fi

# Two modules at once: a C library and the C++ one.
python3 "$here/inputs.py" pack "$out/two-modules.bundle" main="$out/gcc-dwarf5-O2.so" second="$out/gxx-dwarf5-O2.so"

# The hand-made hostile inputs built from these seeds (inputs.py nasty):
# regression inputs, kept in corpus/ with the fuzzer's findings.
rm -f "$here"/corpus/hand-*
python3 "$here/inputs.py" nasty "$out" "$here/corpus"
python3 "$here/inputs.py" crashers "$out" "$here/libdw-crashers"
