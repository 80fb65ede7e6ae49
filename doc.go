// Package cgosymbolizer makes Go tracebacks show C and C++ frames.
//
// Import it for its side effect in any program that uses cgo:
//
//	import _ "github.com/cgosymbolizer/cgosymbolizer"
//
// Crash dumps, runtime.Stack, debug.Stack, runtime.CallersFrames and pprof
// CPU profiles then show the C frames — function, file:line and inlined
// frames, C++ names demangled — between the Go frames:
//
//	SIGSEGV: segmentation violation
//	PC=0x4a1b2c m=0 sigcode=1 addr=0x0
//	signal arrived during cgo execution
//
//	goroutine 1 gp=0xc000002380 m=0 mp=0x5c2e40 [syscall]:
//	store_value
//		/src/demo/crash.c:12 pc=0x4a1b2c
//	parse_record
//		/src/demo/crash.c:27 pc=0x4a1b8f
//	runtime.cgocall(0x4a1b60, 0xc000051f30)
//		/usr/local/go/src/runtime/cgocall.go:167 +0x4b fp=0xc000051f08 sp=0xc000051ed0 pc=0x40a3cb
//	main._Cfunc_parse_record(0x0)
//
// The package registers the three callbacks of runtime.SetCgoTraceback,
// written in C: libunwind walks the C frames (from the signal context when
// there is one) and elfutils' libdw turns PCs into names and lines. It needs
// Debian's libunwind-dev and libdw-dev (or their equivalents) at build time.
//
// A crash on a thread that C created, running only C code, which the runtime
// cannot report, is reported by the package in the same format, and the
// process then dies by the signal (CGOSYMBOLIZER_CRASH_HANDLER=off turns
// that handler off; =goroutines adds the runtime's goroutine dump after the
// report). Those reports also reach the file of debug.SetCrashOutput.
//
// Setting the environment variable CGOSYMBOLIZER=off when the program starts
// leaves the runtime's tracebacks exactly as they are without the package.
//
// A stripped binary has no names to print: its C frames show as the file
// and an offset into it, with the file's build-id. The command
// cgosymbolize (cmd/cgosymbolize) symbolizes such a dump later, with the
// binary's debug information found locally or on a debuginfod server;
// FileSymbolizer is its engine, for other tools.
//
// On platforms it does not support (anything but linux/amd64 and
// linux/arm64 with cgo) the package builds and does nothing.
package cgosymbolizer
