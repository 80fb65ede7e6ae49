//go:build linux && cgo && amd64 && cgosymbolizer_static

package cgosymbolizer

// Built with -tags cgosymbolizer_static, the package links every library it
// needs from its static archive, so that the program can be linked fully
// static:
//
//	go build -tags cgosymbolizer_static -ldflags=-extldflags=-static
//
// gcc -static writes no .eh_frame_hdr, the table the unwinder finds a PC's
// unwind rules by: find_object.c builds one at start-up from .eh_frame
// (-extldflags "-static -Wl,--eh-frame-hdr" has the linker write it, and
// glibc then hands it over itself).
//
// A fully static binary cannot dlopen libdw
// (glibc's static dlopen needs the very shared libraries a static binary is
// meant to do without), so dwarf_api.c fills its table from the linked
// symbols instead, and C++ names are demangled by the __cxa_demangle linked
// from libsupc++ (GCC's, under the runtime library exception) rather than
// one looked up at run time. Without -extldflags=-static the program stays
// dynamic against glibc and only these libraries are static.
//
// -l:NAME.a names the archive itself, so the same flags work in a -static
// link and in a dynamic one (-Wl,-Bstatic would have to be undone by a
// -Wl,-Bdynamic, which turns the -static link's -lc into libc.so).
// libdw.a needs libelf.a, zlib (gzip-compressed ELF files), liblzma (xz) and
// libbz2 (bzip2): Debian 12's libdw 0.188 is built without zstd. libunwind-
// x86_64.a needs liblzma too (MiniDebugInfo). No libgcc_s: without
// libunwind.so.8 there are no competing _Unwind_* symbols to keep behind
// libgcc's (unwinder.c satisfies libunwind-x86_64.a's one reference into
// libunwind.a). The link prints glibc's warning that dlopen in a static
// program needs glibc's shared libraries at run time: libdw.a's dwfl_end
// pulls in its debuginfod client, which dlopens libdebuginfod, but only once
// a client is asked for (dwfl_get_debuginfod_client, or the standard
// find_elf/find_debuginfo callbacks), which the engine never does: nothing
// is dlopened at run time.

// The archives themselves are named in static_ldflags_*.go: the two forms
// that cgo's flag check allows differ between Go releases.

// #cgo CFLAGS: -DCGOSYMBOLIZER_STATIC
import "C"
