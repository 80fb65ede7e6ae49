#!/bin/sh
# run_go.sh — the crash helper through the real thing: a cgo program that
# blank-imports the package crashes in C; the dump's C frames must carry
# function and file:line (they come from the helper) or, with exec
# forbidden, module+offset.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/bin
mkdir -p "$bin"
cd "$here" && go build -o "$bin/goprog" ./goprog || exit 1
src=$here/goprog/main.go
line() { grep -n "$1" "$src" | cut -d: -f1; }

fail=0
frame() { # name, function, file:line suffix
	if ! grep -A1 -x -- "$2" "$bin/go.$1" | grep -q -- "$3 pc="; then
		echo "FAIL $1: no frame '$2' at '$3'"; fail=1
	fi
}
has() { grep -q -- "$2" "$bin/go.$1" || { echo "FAIL $1: missing '$2'"; fail=1; }; }
helpers_left() {
	sleep 0.2
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/exe" 2>/dev/null)" in "$bin"/*) ;; *) continue ;; esac
		if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q '^cgosymbolizer-crash-helper'; then
			echo "FAIL $1: helper ${p#/proc/} outlived its parent"; fail=1
		fi
	done
}
run() { # name, expected exit, env/command...
	name=$1; want=$2; shift 2
	start=$(date +%s%N)
	env "$@" > "$bin/go.$name" 2>&1
	rc=$?
	echo "== $name: exit $rc, $(( ($(date +%s%N) - start) / 1000000 )) ms"
	[ "$rc" = "$want" ] || { echo "FAIL $name: exit $rc, want $want"; fail=1; }
	helpers_left "$name"
}

run inline 2 "$bin/goprog" inline
frame inline store_value "main.go:$(line CRASH-INLINE)"
frame inline parse_record "main.go:$(line CALL-INLINE)"
frame inline crash_inline "main.go:$(line CALL-PARSE)"

run inline-off 2 CGOSYMBOLIZER=off "$bin/goprog" inline

run malloc 2 "$bin/goprog" malloc
frame malloc _int_free "malloc.c:[0-9]*"
frame malloc double_free "main.go:$(line CRASH-FREE)"

run noexec 2 "$bin/goprog" noexec
has noexec "bin/goprog+0x"

ulimit -c 0
run crash 134 GOTRACEBACK=crash "$bin/goprog" malloc
frame crash double_free "main.go:$(line CRASH-FREE)"

[ $fail -eq 0 ] && echo "ALL PASS" || echo "SOME FAILED"
exit $fail
