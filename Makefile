# cgosymbolizer — build, test and lint. Run `make help` for the targets.
#
# Every target installs the Debian packages it needs when run as root, and
# otherwise prints the command to run.

GO        ?= go
OLDEST_GO ?= go1.22.12
C_SOURCES := $(wildcard *.c)
C_FLAGS   := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra

# The packages the library needs to build, and the lint tools.
BUILD_PACKAGES := gcc g++ libc6-dev libunwind-dev libdw-dev util-linux
LINT_PACKAGES  := cppcheck clang-tidy

.PHONY: help deps lint-deps demo test go-test test-ubsan bench soak lint test-go-oldest test-go-matrix

help:
	@echo "make demo            build and run testdata/demo: C frames in debug.Stack and in a crash dump"
	@echo "make test            go vet and go test (includes the SQLite and vendoring tests)"
	@echo "make test-go-matrix  the tests under $(OLDEST_GO) (the oldest supported Go), then the current Go"
	@echo "make test-go-oldest  the tests under $(OLDEST_GO) only"
	@echo "make bench           callback, unwinding and symbolization costs, with the package on and off"
	@echo "make test-ubsan       the tests with the package's C built to trap on undefined behaviour"
	@echo "make soak            the soak test for SOAK_SECONDS (default 300) instead of 20 s: before a release"
	@echo "make lint            go vet, gcc -Wall -Wextra -Werror, cppcheck and clang-tidy on the C files"
	@echo "make deps            install (as root) or name the Debian packages the build needs"

# $(call require-packages,PACKAGES): installs the missing Debian packages when
# run as root; otherwise prints the command that installs them and fails.
define require-packages
	@missing=""; \
	for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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

# The oldest supported Go comes from the module proxy (the first run downloads
# it); GOTOOLCHAIN is passed on to every go command the tests start.
test-go-oldest: deps
	GOTOOLCHAIN=$(OLDEST_GO) $(MAKE) --no-print-directory go-test

test-go-matrix: test-go-oldest go-test

# Figures for the README's performance notes: the C->Go callback with the
# package on and off, unwinding per C frame, symbolization cold and warm.
bench: deps
	cd testdata/bench && $(GO) build -o bin/bench . && ./bin/bench && CGOSYMBOLIZER=off ./bin/bench

# The whole suite with the package's C files (only those: see sanitize.go)
# trapping on undefined behaviour. cgo's flag allow-list needs telling.
test-ubsan: deps
	CGO_CFLAGS_ALLOW='-fsanitize-undefined-trap-on-error|-fno-sanitize-recover=all' \
		GOFLAGS=-tags=cgosymbolizer_ubsan $(GO) test -count=1 -timeout 30m ./...

# The soak test of `make test`, run for minutes.
SOAK_SECONDS ?= 300
soak: deps
	CGOSYMBOLIZER_SOAK_SECONDS=$(SOAK_SECONDS) $(GO) test -count=1 -run '^TestSoak$$' -v -timeout 60m .

lint: lint-deps
	$(GO) vet ./...
	for f in $(C_SOURCES); do gcc -fsyntax-only -Werror $(C_FLAGS) $$f || exit 1; done
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --suppress=varFuncNullUB \
		-D__x86_64__ -D__linux__ -D_GNU_SOURCE -I . $(C_SOURCES)
	clang-tidy --quiet $(C_SOURCES) -- $(C_FLAGS) -I .
