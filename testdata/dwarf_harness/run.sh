#!/bin/sh
# Builds the DWARF engine's harness and its test libraries into bin/ and
# runs every test. Needs gcc, g++, libdw-dev, elfutils (eu-addr2line),
# binutils, python3. SQLITE_C, when set, names sqlite3.c (or go-sqlite3's
# sqlite3-binding.c) for the comparison and performance runs; SQLITE_SO
# names an already built one (gcc -O2 -g -shared -fPIC).
#
# For sanitize.sh: HARNESS_BIN builds into another directory than bin/,
# HARNESS_CFLAGS adds flags to the harness's build (e.g. -fsanitize=thread),
# BUILD_ONLY=1 stops once everything is built.
set -eu
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)
bin=${HARNESS_BIN:-$here/bin}
rm -rf "$bin"
mkdir -p "$bin/.debug" "$bin/debugdir"
CFLAGS="-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I$root ${HARNESS_CFLAGS:-}"
# The engine and the two files it borrows: validated reads (memory.c) and
# module+offset names from the loader (format.c).
ENGINE="$(ls "$root"/dwarf*.c) $root/memory.c $root/format.c"
LIBS="-ldw -lelf -lpthread -ldl"

gcc $CFLAGS -o "$bin/harness" harness.c $ENGINE $LIBS
gcc $CFLAGS -O1 -o "$bin/harness_other.orig" harness.c $ENGINE $LIBS
g++ -O2 -g -shared -fPIC -o "$bin/libcxx.so" cxxlib.cpp

plain() { # name [extra flags]
	out=$1; shift
	gcc -O2 -g -shared -fPIC -DTAG="\"$out\"" "$@" -o "$bin/$out" "$here/plainlib.c"
}
cd "$bin"
plain libplain_full.so
cp libplain_full.so libplain_unload.so
plain libplain_stripped.so && strip --strip-all libplain_stripped.so
# Separate debug file in .debug/, found through .gnu_debuglink.
plain libplain_link.so
objcopy --only-keep-debug libplain_link.so .debug/libplain_link.so.debug
objcopy --strip-all --add-gnu-debuglink=.debug/libplain_link.so.debug libplain_link.so
# Found by build-id under CGOSYMBOLIZER_DEBUG_DIRS, no debuglink.
plain libplain_bid.so
id=$(readelf -n libplain_bid.so | sed -n 's/.*Build ID: //p')
mkdir -p "debugdir/.build-id/$(echo "$id" | cut -c1-2)"
objcopy --only-keep-debug libplain_bid.so "debugdir/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
objcopy --strip-all libplain_bid.so
# No build-id: the debuglink CRC decides. Debug file next to the library.
plain libplain_crc.so -Wl,--build-id=none
objcopy --only-keep-debug libplain_crc.so libplain_crc.so.debug
objcopy --strip-all --add-gnu-debuglink=libplain_crc.so.debug libplain_crc.so
# Debug files that must be ignored: another build's (build-id mismatch,
# then CRC mismatch), and garbage.
plain libplain_bad.so
objcopy --only-keep-debug libplain_bad.so .debug/libplain_bad.so.debug
objcopy --strip-all --add-gnu-debuglink=.debug/libplain_bad.so.debug libplain_bad.so
plain variant.so -DVARIANT=1 && objcopy --only-keep-debug variant.so .debug/libplain_bad.so.debug
plain libplain_badcrc.so -Wl,--build-id=none
objcopy --only-keep-debug libplain_badcrc.so .debug/libplain_badcrc.so.debug
objcopy --strip-all --add-gnu-debuglink=.debug/libplain_badcrc.so.debug libplain_badcrc.so
plain variant2.so -DVARIANT=2 -Wl,--build-id=none && objcopy --only-keep-debug variant2.so .debug/libplain_badcrc.so.debug
plain libplain_corrupt.so
objcopy --only-keep-debug libplain_corrupt.so .debug/libplain_corrupt.so.debug
objcopy --strip-all --add-gnu-debuglink=.debug/libplain_corrupt.so.debug libplain_corrupt.so
head -c 65536 /dev/urandom > .debug/libplain_corrupt.so.debug
printf '\177ELF\002\001\001' >> .debug/libplain_corrupt.so.debug
# dwz: the names live in a shared .dwz file named by .gnu_debugaltlink
# (relative to the debug file); for the c/d pair that file is missing.
if command -v dwz >/dev/null; then
	mkdir -p .dwz .dwz2
	for x in a b c d; do
		plain libdwz_$x.so
		objcopy --only-keep-debug libdwz_$x.so .debug/libdwz_$x.so.debug
	done
	dwz -m .dwz/common.debug -M ../.dwz/common.debug .debug/libdwz_a.so.debug .debug/libdwz_b.so.debug
	dwz -m .dwz2/common.debug -M ../.dwz2/common.debug .debug/libdwz_c.so.debug .debug/libdwz_d.so.debug
	rm .dwz2/common.debug
	for x in a b c d; do
		objcopy --strip-all --add-gnu-debuglink=.debug/libdwz_$x.so.debug libdwz_$x.so
	done
fi
if [ -n "${SQLITE_SO:-}" ]; then
	cp "$SQLITE_SO" libsqlite3.so
elif [ -n "${SQLITE_C:-}" ]; then
	gcc -O2 -g -shared -fPIC -DSQLITE_THREADSAFE=1 -o libsqlite3.so "$SQLITE_C" -lpthread -lm
fi
cd "$here"
if [ -n "${BUILD_ONLY:-}" ]; then
	exit 0
fi

# The swap and replaced-executable tests rename files over others.
consumables() {
	plain libplain_swap.so
	plain libplain_swap_new.so -DVARIANT=3
	plain libplain_reload.so
	plain libplain_reload_new.so -DVARIANT=4
	cp "$bin/harness" "$bin/harness_victim"
	cp "$bin/harness_other.orig" "$bin/harness_other"
}

export CGOSYMBOLIZER_DEBUG_DIRS="/nonexistent::$bin/debugdir"
status=0
as_user() { "$@"; }
# Runs a test, showing its output without the per-PC lines (kept in
# bin/last.out).
check() {
	if "$@" > "$bin/last.out" 2>&1; then r=0; else r=1; fi
	grep -v '^0x\|^lib.*\.so: 0x\|^child:' "$bin/last.out" || true
	return $r
}
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	users="as_user as_nobody"
else
	users="as_user"
fi
# Unprivileged, /proc/self/map_files cannot be opened: replaced files are
# detected by build-id instead of read as mapped.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
for as in $users; do
	echo "== tests run $as (uid $($as id -u))"
	consumables
	chmod -R a+rwX "$bin"
	check $as "$bin/harness" self || status=1
	check $as "$bin/harness" swap || status=1
	check $as "$bin/harness" reload || status=1
	check $as "$bin/harness" pidtest || status=1
	check $as "$bin/harness_victim" pidtest "$bin/harness_other" || status=1
done
python3 compare.py "$bin" || status=1
if [ -f "$bin/libsqlite3.so" ]; then
	python3 compare.py --vaddrs-only "$bin/libsqlite3.so" 2000 > "$bin/sqlite.vaddrs"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$bin/harness" threads "$bin/libsqlite3.so" "$bin/sqlite.vaddrs" 8 || status=1
	done
	for i in 1 2 3 4 5; do
		"$bin/harness" perf "$bin/libsqlite3.so" "$bin/sqlite.vaddrs"
	done
fi
libc=/lib/x86_64-linux-gnu/libc.so.6
if python3 compare.py --vaddrs-only "$libc" 2000 > "$bin/libc.vaddrs" 2>/dev/null && [ -s "$bin/libc.vaddrs" ]; then
	for i in 1 2 3; do
		"$bin/harness" perf "$libc" "$bin/libc.vaddrs"
	done
fi
exit $status
