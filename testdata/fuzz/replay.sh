#!/bin/sh
# Replays seeds/ and corpus/ through fuzz_elf.c without libFuzzer (with
# replay_main.c): the fuzzer's regression test, run by `make test`
# (fuzz_corpus_test.go). Needs only gcc and libdw-dev.
#
#   REPLAY_BUILD=asan (default)  gcc -fsanitize=address,undefined: any
#                                finding aborts
#   REPLAY_BUILD=plain           no sanitizer (for valgrind: REPLAY_RUNNER)
#   REPLAY_OUT=DIR               where the binary goes (default bin/)
#   REPLAY_RUNNER='valgrind ...' runs the binary under a tool
#   REPLAY_VERBOSE=1             names each input as it runs
#
# Prints "replayed N inputs"; exits non-zero on a failure.
set -eu
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
out=${REPLAY_OUT:-bin}
build=${REPLAY_BUILD:-asan}
mkdir -p "$out"
# The engine: as testdata/dwarf_harness/run.sh builds it, with the small
# PC cache of the fuzzing build.
engine="$(ls "$root"/dwarf*.c) $root/memory.c $root/format.c"
flags="-std=gnu11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -DCGOSYM_DWARF_CACHE_BITS=6"
case $build in
asan) flags="$flags -fsanitize=address,undefined -fno-sanitize-recover=all" ;;
plain) ;;
*) echo "REPLAY_BUILD=$build: want asan or plain" >&2; exit 2 ;;
esac
bin=$out/replay-$build
# shellcheck disable=SC2086
gcc $flags -I"$root" -o "$bin" fuzz_elf.c replay_main.c $engine -ldw -lelf -lpthread -ldl
# detect_leaks: the engine's interned strings are never freed by design,
# but stay reachable; anything else leaked is a finding.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
# shellcheck disable=SC2086
${REPLAY_RUNNER:-} "$bin" seeds corpus
