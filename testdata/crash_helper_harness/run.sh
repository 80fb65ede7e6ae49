#!/bin/sh
# run.sh — builds the pure-C crash-helper harness and runs every scenario.
# bin/harness uses the real engine (dwarf.c) unless it is still a stub or
# USE_TEST_ENGINE is set; bin/harness-te always uses test_engine.c, whose
# knobs simulate a helper that hangs or is slow.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$here/bin
mkdir -p "$bin"

engine=$root/dwarf.c
if grep -q STUB "$engine" || [ -n "${USE_TEST_ENGINE:-}" ]; then
	engine="$here/test_engine.c"
fi
extra=""
for f in "$root"/dwarf_*.c; do [ -e "$f" ] && [ "$engine" = "$root/dwarf.c" ] && extra="$extra $f"; done
echo "engine: $engine$extra"

# HARNESS_CFLAGS: more flags, e.g. -fsanitize=address under make test-asan.
CFLAGS="-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror ${HARNESS_CFLAGS:-}"
asan=""
case " ${HARNESS_CFLAGS:-} " in *" -fsanitize=address "*) asan=1 ;; esac
common="$root/crash_helper.c $root/format.c $root/memory.c $here/harness.c"
gcc $CFLAGS -o "$bin/harness" $common $engine $extra -ldw -lelf -lunwind -lpthread || exit 1
gcc $CFLAGS -o "$bin/harness-te" $common "$here/test_engine.c" -ldw -lelf -lunwind -lpthread || exit 1
# As with -linkmode=internal: the constructor never runs.
gcc $CFLAGS -c -o "$bin/crash_helper.o" "$root/crash_helper.c" &&
	objcopy -R .init_array.00101 "$bin/crash_helper.o" "$bin/crash_helper-noctor.o" &&
	gcc $CFLAGS -o "$bin/harness-noctor" "$bin/crash_helper-noctor.o" "$root/format.c" "$root/memory.c" \
		"$here/harness.c" "$here/test_engine.c" -ldw -lelf -lunwind -lpthread || exit 1

fail=0
check() { # name, grep pattern that must be in the output
	if grep -q -- "$2" "$bin/out.$1"; then :; else echo "FAIL $1: missing '$2'"; fail=1; fi
}
nocheck() {
	if grep -q -- "$2" "$bin/out.$1"; then echo "FAIL $1: unexpected '$2'"; fail=1; fi
}
helpers_left() {
	sleep 0.2
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/exe" 2>/dev/null)" in "$bin"/*) ;; *) continue ;; esac
		if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q '^cgosymbolizer-crash-helper'; then
			echo "FAIL $1: helper ${p#/proc/} outlived its parent"; fail=1
		fi
	done
}
run() { # name, timeout seconds, command...
	name=$1; limit=$2; shift 2
	start=$(date +%s%N)
	timeout -s KILL "$limit" "$@" > "$bin/out.$name" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "== $name: exit $rc, ${ms} ms"
	grep TIMING "$bin/out.$name" | sed 's/^/   /'
	helpers_left "$name"
}

run inline 20 "$bin/harness" inline
check inline "DONE"
check inline "store_value .*harness.c:"
check inline "parse_record .*harness.c:"
check inline "crash_inline .*harness.c:"
check inline "NO_MODULE_OK"

if [ -n "$asan" ]; then
	echo "== malloc, malloc-control: skipped under AddressSanitizer: its malloc replaces glibc's, whose double-free abort with the arena lock held they are about"
else
run malloc 20 "$bin/harness" malloc
check malloc "DONE"
check malloc "double_free .*harness.c:"
# glibc's own lines need its debug info (libc6-dbg)
dpkg -s libc6-dbg >/dev/null 2>&1 && check malloc "_int_free .*malloc.c:"

run malloc-control 5 "$bin/harness" malloc-control
check malloc-control "CONTROL calling malloc"
nocheck malloc-control "malloc returned"
[ $rc -eq 137 ] || { echo "FAIL malloc-control: expected a hang (137), got $rc"; fail=1; }
fi

run noexec 20 "$bin/harness" noexec
check noexec "DONE"
check noexec "main #0 .* n=1"
check noexec "harness+0x"
nocheck noexec "harness.c:"

run novfork 20 "$bin/harness" novfork
check novfork "DONE"
check novfork "harness+0x"
nocheck novfork "harness.c:"

# As root the helper may read a non-dumpable parent anyway (CAP_SYS_PTRACE):
# drop to an unprivileged user so that /proc/PPID/maps is really closed.
asuser=""
[ "$(id -u)" = 0 ] && asuser="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
CGOSYM_TEST_ENGINE_VERBOSE=1 run nondumpable 20 $asuser "$bin/harness" nondumpable
check nondumpable "DONE"
check nondumpable "store_value .*harness.c:"
check nondumpable "parse_record .*harness.c:"
CGOSYM_TEST_ENGINE_VERBOSE=1 run nondumpable-te 20 $asuser "$bin/harness-te" nondumpable
check nondumpable-te "test_engine: cannot read pid"
check nondumpable-te "store_value .*harness.c:"
check nondumpable-te "parse_record .*harness.c:"

run threads 20 "$bin/harness" threads
check threads "thread0 TIMING"
check threads "thread1 TIMING"
check threads "DONE"

# One thread holds the conversation for 1.5 s (slow helper): the other one
# waits at most 1 s for it, then answers module+offset.
CGOSYM_TEST_ENGINE_DELAY_MS=1500 run threads-contended 20 "$bin/harness-te" threads
check threads-contended "thread0 TIMING"
check threads-contended "thread1 TIMING"
check threads-contended "^	/.*harness-te+0x"
check threads-contended "DONE"

CGOSYM_TEST_ENGINE_HANG=1 run hang 20 "$bin/harness-te" inline
check hang "DONE"
check hang "bin/harness-te+0x"
nocheck hang "harness.c:"

CGOSYM_TEST_ENGINE_DELAY_MS=1500 run slow 20 "$bin/harness-te" inline
check slow "DONE"
check slow "store_value .*harness.c:"
check slow "^	/.*harness-te+0x"

# 12 PCs at 0.9 s each: the 10 s budget must cut it short.
if [ -n "$asan" ]; then
	echo "== budget: skipped under AddressSanitizer: its 12 PCs come from glibc's double-free abort (the malloc scenario)"
else
CGOSYM_TEST_ENGINE_DELAY_MS=900 run budget 30 "$bin/harness-te" malloc
check budget "DONE"
check budget "^	/.*harness-te+0x"
fi

run noconstructor 20 strace -f -qq -e trace=vfork -o "$bin/strace.noconstructor" "$bin/harness-noctor" inline
check noconstructor "DONE"
check noconstructor "harness-noctor+0x"
if grep -q vfork "$bin/strace.noconstructor"; then echo "FAIL noconstructor: a helper was started"; fail=1; fi

CGOSYMBOLIZER_CRASH_HELPER=junk run marker-junk 5 "$bin/harness" inline
check marker-junk "malformed"
[ $rc -eq 2 ] || { echo "FAIL marker-junk: exit $rc"; fail=1; }

CGOSYMBOLIZER_CRASH_HELPER=0,1 run marker-stale 5 "$bin/harness" inline
nocheck marker-stale "SIGNAL"
[ $rc -eq 0 ] || { echo "FAIL marker-stale: exit $rc"; fail=1; }

[ $fail -eq 0 ] && echo "ALL PASS" || echo "SOME FAILED"
exit $fail
