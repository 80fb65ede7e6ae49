# cgosymbolizer — build, test and lint. Run `make help` for the targets.
#
# Every target installs the Debian packages it needs when run as root, and
# otherwise prints the command to run.

GO        ?= go
# The supported range: the oldest Go the module allows (go.mod) and the
# newest release, both fetched from the module proxy by GOTOOLCHAIN. Bump
# NEWEST_GO with each Go release (go list -m -versions golang.org/toolchain).
OLDEST_GO ?= go1.22.12
NEWEST_GO ?= go1.27.4
C_SOURCES := $(wildcard *.c)
# The files with code of their own under -tags cgosymbolizer_static.
STATIC_C_SOURCES := $(shell grep -l CGOSYMBOLIZER_STATIC $(C_SOURCES))
C_FLAGS   := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra
# Per-architecture C files (their //go:build lines say the same): the rest
# builds for both.
AMD64_ONLY_C := unwinder.c unwind_rules.c $(wildcard *_amd64.c)
ARM64_ONLY_C := $(wildcard *_arm64.c)
AMD64_C      := $(filter-out $(ARM64_ONLY_C),$(C_SOURCES))
ARM64_C      := $(filter-out $(AMD64_ONLY_C),$(C_SOURCES))

# The packages the library needs to build, and the lint tools.
BUILD_PACKAGES := gcc g++ libc6-dev libunwind-dev libdw-dev util-linux
# The static archives of -tags cgosymbolizer_static (static_libs.go; tested
# by make test): libdw.a's libelf.a, zlib, liblzma and libbz2 (libunwind.a,
# libdw.a, libc.a and libsupc++.a come with the packages above).
STATIC_PACKAGES := libelf-dev zlib1g-dev liblzma-dev libbz2-dev
LINT_PACKAGES  := cppcheck clang-tidy
# The DWARF engine's C harness and its reference symbolizers, and the
# debuginfod server cmd/cgosymbolize's tests run (make test); the tools of
# make test-engine-valgrind and make fuzz.
ENGINE_TEST_PACKAGES := binutils elfutils dwz python3 debuginfod
VALGRIND_PACKAGES    := valgrind
FUZZ_PACKAGES        := clang-14 libclang-rt-14-dev
# make test-arm64: Debian's aarch64 cross toolchain, the arm64 -dev packages
# and runtime libraries (multiarch), and qemu-user.
ARM64_PACKAGES := gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev:arm64 \
	libunwind-dev:arm64 libdw-dev:arm64 libstdc++6:arm64 qemu-user-static

.PHONY: help deps lint-deps demo test go-test test-ubsan test-asan bench soak lint test-go-oldest test-go-newest test-go-matrix size-static arm64-deps test-arm64 lint-arm64

help:
	@echo "make demo            build and run testdata/demo: C frames in debug.Stack and in a crash dump"
	@echo "make test            go vet and go test (includes the SQLite and vendoring tests)"
	@echo "make test-go-matrix  the tests under $(OLDEST_GO) and $(NEWEST_GO), the oldest and newest supported Go"
	@echo "make test-go-oldest  the tests under $(OLDEST_GO) only (test-go-newest: $(NEWEST_GO) only)"
	@echo "make bench           the README's performance report: budgets, comparisons, scale tables (~3 min built, ~6 from scratch)"
	@echo "make bench-quick     the same, fewer runs and no 110 MB library: a smoke test (~1 min once built)"
	@echo "make test-ubsan       the tests with the package's C built to trap on undefined behaviour"
	@echo "make test-asan       the tests with all C built with AddressSanitizer (and the package's with UBSan)"
	@echo "make soak            the soak test for SOAK_SECONDS (default 300) instead of 20 s: before a release"
	@echo "make test-engine-sanitizers  the DWARF engine's C harness under ThreadSanitizer and valgrind"
	@echo "make fuzz            libFuzzer on the engine's ELF/DWARF reading for FUZZ_SECONDS (default 300)"
	@echo "make size-static     bytes of testdata/demo: static and dynamic, with and without the package"
	@echo "make lint            go vet, gcc -Wall -Wextra -Werror, cppcheck and clang-tidy on the C files"
	@echo "make test-arm64      the tests with linux/arm64 programs (cross-built) run under qemu-user"
	@echo "make lint-arm64      make lint's checks of the C files as built for linux/arm64"
	@echo "make deps            install (as root) or name the Debian packages the build needs"

# $(call require-packages,PACKAGES): installs the missing Debian packages when
# run as root; otherwise prints the command that installs them and fails.
# A package counts when installed for the architecture asked for (NAME:ARCH)
# or the machine's own (or for all): with arm64 copies installed too (make
# test-arm64), a bare dpkg -s NAME is ambiguous, or answers for the arm64
# copy alone.
define require-packages
	@missing=""; \
	arch=$$(dpkg --print-architecture); \
	for p in $(1); do \
		case $$p in *:*) want=$${p#*:};; *) want=$$arch;; esac; \
		dpkg-query -W -f='$${db:Status-Abbrev}|$${Architecture}\n' $$p 2>/dev/null | \
			grep -qE "^ii \|($$want|all)$$" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$$missing; \
		else \
			echo "Missing Debian packages:$$missing. Install them with:"; \
			echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
			exit 1; \
		fi; \
	fi
endef

deps:
	@command -v $(GO) >/dev/null || { echo "No Go toolchain: install Go 1.22 or later from https://go.dev/dl/ and put it in PATH."; exit 1; }
	$(call require-packages,$(BUILD_PACKAGES))
	$(call require-packages,$(STATIC_PACKAGES))
	$(call require-packages,$(ENGINE_TEST_PACKAGES))

lint-deps: deps
	$(call require-packages,$(LINT_PACKAGES))

# The demo's second part crashes a child process on purpose; make still
# succeeds.
demo: deps
	cd testdata/demo && $(GO) build -o bin/demo . && ./bin/demo

test: deps go-test

# The tests themselves, without the dependency check (test-go-matrix runs it
# once).
go-test:
	$(GO) version
	$(GO) vet ./...
	cd testdata/demo && $(GO) vet ./... && $(GO) build -o bin/demo .
	$(GO) test -count=1 -timeout 30m ./...

# Both ends of the supported range come from the module proxy (the first run
# downloads them); GOTOOLCHAIN is passed on to every go command the tests
# start.
test-go-oldest: deps
	GOTOOLCHAIN=$(OLDEST_GO) $(MAKE) --no-print-directory go-test

test-go-newest: deps
	GOTOOLCHAIN=$(NEWEST_GO) $(MAKE) --no-print-directory go-test

test-go-matrix: test-go-oldest test-go-newest

# The README's "Performance" table (testdata/bench/main.go): each budget's
# figure against a comparison measured in the same run, then the scale
# tables. The report also goes to testdata/bench/bin/report.md, every run to
# bin/bench.txt (benchstat format). The symbolizers compared with come from
# binutils, elfutils and llvm (llvm-symbolizer).
BENCH_PACKAGES := binutils elfutils llvm
.PHONY: bench-quick
bench: deps
	$(call require-packages,$(BENCH_PACKAGES))
	cd testdata/bench && GO=$(GO) $(GO) run . $(BENCH_FLAGS)

bench-quick: BENCH_FLAGS = -quick
bench-quick: bench

# The whole suite with the package's C files (only those: see sanitize.go)
# trapping on undefined behaviour. cgo's flag allow-list needs telling.
test-ubsan: deps
	CGO_CFLAGS_ALLOW='-fsanitize-undefined-trap-on-error|-fno-sanitize-recover=all' \
		GOFLAGS=-tags=cgosymbolizer_ubsan $(GO) test -count=1 -timeout 30m ./...

# The whole suite built with AddressSanitizer: go test -asan, passed on in
# GOFLAGS to every program the tests build (the package's C, the test
# programs' C, SQLite), plus test-ubsan's trapping on undefined behaviour in
# the package's C. ASan leaves the fatal signals alone (handle_*=0): its
# handlers, installed before Go, would take every C fault from Go and from
# the package's crash handler. No alternate signal stacks of its own
# (use_sigaltstack=0): C threads start without one, as without ASan, and
# the crash-helper harness sets its own. verify_asan_link_order=0 lets a
# test LD_PRELOAD its handler library ahead of ASan's runtime. Leaks are
# checked when a program exits normally (detect_leaks=1). TestStackUse skips
# itself: it holds the production build's signal-stack use to a bound, and
# ASan's redzones double the package's share (16.5 KiB on its deepest path,
# against 16).
ASAN_TEST_OPTIONS := handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0:use_sigaltstack=0:verify_asan_link_order=0:detect_leaks=1
test-asan: deps
	ASAN_OPTIONS=$(ASAN_TEST_OPTIONS) \
		CGO_CFLAGS_ALLOW='-fsanitize-undefined-trap-on-error|-fno-sanitize-recover=all' \
		GOFLAGS='-asan -tags=cgosymbolizer_ubsan' $(GO) test -count=1 -timeout 60m ./...

# The soak test of `make test`, run for minutes.
SOAK_SECONDS ?= 300
soak: deps
	CGOSYMBOLIZER_SOAK_SECONDS=$(SOAK_SECONDS) $(GO) test -count=1 -run '^TestSoak$$' -v -timeout 60m .

CPPCHECK := cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
	--inline-suppr --suppress=missingIncludeSystem --suppress=varFuncNullUB -D__linux__ -D_GNU_SOURCE -I .

lint: lint-deps
	$(GO) vet ./...
	for f in $(AMD64_C); do gcc -fsyntax-only -Werror $(C_FLAGS) $$f || exit 1; done
	for f in $(AMD64_C); do gcc -fsyntax-only -Werror $(C_FLAGS) -DCGOSYMBOLIZER_STATIC $$f || exit 1; done
	$(CPPCHECK) -D__x86_64__ $(AMD64_C)
	clang-tidy --quiet $(AMD64_C) -- $(C_FLAGS) -I .
	clang-tidy --quiet $(STATIC_C_SOURCES) -- $(C_FLAGS) -DCGOSYMBOLIZER_STATIC -I .

# The same checks of the files built for linux/arm64, with the cross
# compiler and the arm64 headers (multiarch) that make test-arm64 installs.
lint-arm64: lint-deps arm64-deps
	CGO_ENABLED=1 GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) vet .
	for f in $(ARM64_C); do aarch64-linux-gnu-gcc -fsyntax-only -Werror $(C_FLAGS) $$f || exit 1; done
	$(CPPCHECK) -D__aarch64__ $(ARM64_C)
	clang-tidy --quiet $(ARM64_C) -- --target=aarch64-linux-gnu $(C_FLAGS) -I .

# linux/arm64 (shared/notes/portability.md): the test programs are built
# with Debian's aarch64 cross toolchain against the arm64 -dev packages and
# run under qemu-aarch64-static, without -L (the libraries come from the
# multiarch tree). Every test runs; those that cannot work under emulation
# skip themselves and say why (go test -v prints the reasons; the summary
# lists them). Adding the arm64 architecture to dpkg needs root, like the
# packages.
arm64-deps: deps
	@dpkg --print-foreign-architectures | grep -qx arm64 || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "dpkg --add-architecture arm64"; dpkg --add-architecture arm64 && apt-get update; \
		else \
			echo "The arm64 packages need dpkg's arm64 architecture. Add it with:"; \
			echo "  sudo dpkg --add-architecture arm64"; exit 1; \
		fi; }
	$(call require-packages,$(ARM64_PACKAGES))

test-arm64: arm64-deps
	CGO_ENABLED=1 GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) vet .
	cd testdata/demo && CGO_ENABLED=1 GOARCH=arm64 CC=aarch64-linux-gnu-gcc $(GO) build -o bin/demo-arm64 .
	@mkdir -p testdata/bin
	@echo "CGOSYMBOLIZER_TEST_GOARCH=arm64 $(GO) test -count=1 -timeout 30m -v .  (whole log: testdata/bin/test-arm64.log)"
	@CGOSYMBOLIZER_TEST_GOARCH=arm64 $(GO) test -count=1 -timeout 30m -v . >testdata/bin/test-arm64.log 2>&1; \
		status=$$?; \
		grep -E '^(--- |ok |FAIL|PASS)|^ +--- (SKIP|FAIL)|under qemu-user \(make test-arm64\)' testdata/bin/test-arm64.log; \
		[ $$status = 0 ] || tail -n 200 testdata/bin/test-arm64.log; \
		exit $$status

# The DWARF engine in C (testdata/dwarf_harness/sanitize.sh): under
# ThreadSanitizer, 8 threads on one engine and lookups while libraries and
# engines come and go; under valgrind memcheck, this process's libraries
# and the fuzz corpus in file mode, with nothing definitely lost.
.PHONY: test-engine-sanitizers test-engine-tsan test-engine-valgrind fuzz
test-engine-sanitizers: test-engine-tsan test-engine-valgrind

test-engine-tsan: deps
	sh testdata/dwarf_harness/sanitize.sh tsan

test-engine-valgrind: deps
	$(call require-packages,$(VALGRIND_PACKAGES))
	sh testdata/dwarf_harness/sanitize.sh valgrind

# libFuzzer on the engine's ELF/DWARF reading (testdata/fuzz/README.md):
# FUZZ_SECONDS of fuzzing in FUZZ_JOBS processes, from the seeds and the
# corpus; prints the exec count. Findings go to testdata/fuzz/bin/findings.
FUZZ_SECONDS ?= 300
FUZZ_JOBS    ?= 1
fuzz: deps
	$(call require-packages,$(FUZZ_PACKAGES))
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) sh testdata/fuzz/run_fuzz.sh

# What static linking costs (README, "Static binaries"): testdata/demo built
# static with the package (-tags cgosymbolizer_static), static without it
# (-tags cgosymbolizer_size_without: symbolizer.go drops the import), and
# dynamic with and without it, unstripped and stripped (-s -w). The static
# links print glibc's dlopen warning (see static_libs.go).
SIZE_DIR    := testdata/demo/bin/size
STATIC_LD   := -extldflags=-static
size-static: deps
	@mkdir -p $(SIZE_DIR)
	cd testdata/demo && $(GO) build -tags cgosymbolizer_static -ldflags='$(STATIC_LD)' -o bin/size/static-with .
	cd testdata/demo && $(GO) build -tags cgosymbolizer_size_without -ldflags='$(STATIC_LD)' -o bin/size/static-without .
	cd testdata/demo && $(GO) build -o bin/size/dynamic-with .
	cd testdata/demo && $(GO) build -tags cgosymbolizer_static -ldflags='-s -w $(STATIC_LD)' -o bin/size/static-with-stripped .
	cd testdata/demo && $(GO) build -tags cgosymbolizer_size_without -ldflags='-s -w $(STATIC_LD)' -o bin/size/static-without-stripped .
	cd testdata/demo && $(GO) build -ldflags='-s -w' -o bin/size/dynamic-with-stripped .
	cd testdata/demo && $(GO) build -tags cgosymbolizer_size_without -o bin/size/dynamic-without .
	cd testdata/demo && $(GO) build -tags cgosymbolizer_size_without -ldflags='-s -w' -o bin/size/dynamic-without-stripped .
	@cd $(SIZE_DIR) && for b in static-with static-without dynamic-with dynamic-without; do \
		printf '%-16s %10s bytes  (stripped %10s)  %s\n' $$b $$(stat -c %s $$b) $$(stat -c %s $$b-stripped) "$$(file -b $$b | cut -d, -f4 | sed 's/^ //')"; \
	done
