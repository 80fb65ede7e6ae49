#!/bin/sh
# The DWARF engine under sanitizers other than ASan, outside Go:
#
#   sanitize.sh tsan      the harness built with gcc -fsanitize=thread:
#                         `threads` (8 threads doing cold lookups of one
#                         engine, checked against a single-threaded one)
#                         and `churn` (lookups while another thread
#                         dlopens and dlcloses a library, another opens
#                         and closes engines of this process, another
#                         file-mode engines)
#   sanitize.sh valgrind  valgrind memcheck on `self` (every kind of
#                         library the harness knows, dlopen'd and
#                         dlclosed) and on the fuzzer's corpus replayed in
#                         file mode (testdata/fuzz/replay.sh): no invalid
#                         access, no use of uninitialised values, nothing
#                         definitely lost
#
# Builds into bin/tsan or bin/valgrind (run.sh BUILD_ONLY=1). Needs what
# run.sh needs; valgrind for the second. `make test-engine-sanitizers`
# runs both.
set -eu
cd "$(dirname "$0")"
here=$(pwd)
mode=${1:-}
status=0
case $mode in
tsan)
	out=$here/bin/tsan
	HARNESS_BIN=$out HARNESS_CFLAGS="-O1 -fsanitize=thread" BUILD_ONLY=1 sh run.sh
	python3 compare.py --vaddrs-only "$out/libcxx.so" 300 > "$out/cxx.vaddrs"
	python3 compare.py --vaddrs-only "$out/libplain_full.so" 100 > "$out/plain.vaddrs"
	# halt_on_error: the first race fails the run, with its report.
	export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
	for _ in 1 2 3; do
		"$out/harness" threads "$out/libcxx.so" "$out/cxx.vaddrs" 8 || status=1
		"$out/harness" threads "$out/libplain_full.so" "$out/plain.vaddrs" 8 || status=1
	done
	"$out/harness" churn 8 100 || status=1
	;;
valgrind)
	out=$here/bin/valgrind
	HARNESS_BIN=$out HARNESS_CFLAGS="-O1" BUILD_ONLY=1 sh run.sh
	# The engine's interned names live for the process (never freed,
	# still reachable) and so do libdw's own caches: only memory
	# definitely lost, which nothing points to any more, fails the run.
	vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
		--errors-for-leak-kinds=definite --track-origins=yes --suppressions=$here/valgrind.supp"
	export CGOSYMBOLIZER_DEBUG_DIRS="/nonexistent::$out/debugdir"
	# Not shown: valgrind's own notes ("--PID--": each rt_sigprocmask with
	# an invalid "how", which is memory.c probing addresses on purpose; its
	# reading of libdwz_c.so, whose dwz file is missing on purpose), the
	# per-PC lines, the engine's notes on inputs over the memory cap.
	noise='^--[0-9]*-- \|^0x\|^lib.*\.so: 0x\|debug info not read'
	# shellcheck disable=SC2086
	$vg "$out/harness" self > "$out/self.out" 2>&1 || status=1
	grep -v "$noise" "$out/self.out" || true
	REPLAY_OUT=$out REPLAY_BUILD=plain REPLAY_RUNNER="$vg" sh ../fuzz/replay.sh > "$out/replay.out" 2>&1 || status=1
	grep -v "$noise" "$out/replay.out" || true
	;;
*)
	echo "usage: sanitize.sh tsan|valgrind" >&2
	exit 2
	;;
esac
if [ $status = 0 ]; then
	echo "PASS sanitize.sh $mode"
else
	echo "FAIL sanitize.sh $mode"
fi
exit $status
