#!/bin/sh
# Builds fuzz_elf.c with libFuzzer (clang-14 -fsanitize=fuzzer,address,
# undefined) and runs it for FUZZ_SECONDS (default 300) from seeds/ and
# corpus/, keeping what it learns in bin/corpus (reused by later runs) and
# what fails in bin/findings. Prints the exec count at the end; exits
# non-zero when libFuzzer found a failing input. `make fuzz` runs it.
#
#   FUZZ_SECONDS=3600 sh run_fuzz.sh     longer
#   FUZZ_JOBS=2 sh run_fuzz.sh           two fuzzing processes at a time
#   FUZZ_KEEP_GOING=1 sh run_fuzz.sh     go on after a finding
#   FUZZ_ARGS='-only_ascii=0' sh ...     more libFuzzer flags
#
# A finding: bin/findings/crash-*, oom-*, timeout-*; replay one with
# `bin/fuzz_elf FILE`, shrink it with `bin/fuzz_elf -minimize_crash=1
# -runs=10000 FILE`, and once it passes, add it to corpus/ (see README.md).
set -eu
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
cc=${FUZZ_CC:-clang-14}
seconds=${FUZZ_SECONDS:-300}
jobs=${FUZZ_JOBS:-1}
mkdir -p bin/corpus bin/findings
# The engine: as testdata/dwarf_harness/run.sh builds it.
engine="$(ls "$root"/dwarf*.c) $root/memory.c $root/format.c"
# A 64-slot PC cache instead of 65536: each input opens a fresh engine,
# and a full cache evicts. noplt is gcc's (bind_now.h).
# shellcheck disable=SC2086
$cc -std=gnu11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -DCGOSYM_DWARF_CACHE_BITS=6 \
	-Wno-unknown-attributes -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$root" -o bin/fuzz_elf fuzz_elf.c $engine -ldw -lelf -lpthread -ldl
# -close_fd_mask: the engine's notes on stderr (debug info over the cap)
# would drown libFuzzer's; its reports still get through.
# -malloc_limit_mb: no single allocation may exceed twice the 64 MiB
# memory cap fuzz_elf.c sets (what the engine reads is charged to the cap;
# an allocation over it means a size was believed somewhere).
args="-max_total_time=$seconds -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=128
	-dict=elf.dict -close_fd_mask=3 -artifact_prefix=bin/findings/ ${FUZZ_ARGS:-}"
if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
	args="$args -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1"
fi
# Fork mode: the fuzzing runs in child processes, FUZZ_JOBS at a time,
# and a dying child (a finding) is reported without taking the run down.
status=0
# shellcheck disable=SC2086
bin/fuzz_elf -fork="$jobs" $args bin/corpus seeds corpus > bin/fuzz.log 2>&1 || status=$?
grep -v '^#[0-9]' bin/fuzz.log | grep -v '^INFO: \|^MS: \|NEW_FUNC\|^[ 	]*$' | tail -n 40 || true
last=$(grep '^#[0-9]*:' bin/fuzz.log | tail -n 1)
execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
cov=$(echo "$last" | grep -o 'cov: [0-9]*')
echo "fuzz: ${execs:-0} execs in $seconds s ($jobs job(s)), ${cov:-cov: ?}, corpus $(ls bin/corpus | wc -l) files, findings: $(ls bin/findings | wc -l) in bin/findings"
exit $status
