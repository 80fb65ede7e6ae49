/*
 * internal.h — interfaces between the package's C files. Not for users:
 * include/cgosymbolizer.h is the public API. Every name here starts with
 * cgosym_ so that vendored copies cannot clash with a program's symbols.
 *
 * Contexts, as in the README's "How it works" table:
 *   [signal]  may run in a signal handler: async-signal-safe calls only,
 *             no malloc, no locks a signal can interrupt, validated reads.
 *   [dying]   may run while the process dies (inside a fatal-signal
 *             handler): [signal] rules, and nothing may block for ever.
 *   [normal]  ordinary code: may malloc and take locks.
 */
#ifndef CGOSYM_INTERNAL_H
#define CGOSYM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "include/cgosymbolizer.h"

/* At most this many frames (the inline chain) describe one PC. */
#define CGOSYM_MAX_INLINE 16

/* One frame of a PC's description. Strings stay valid for the life of the
 * process (the engine interns them) or of the static crash-path buffers. */
struct cgosym_frame {
	const char *function; /* demangled; never NULL when returned */
	const char *file;     /* NULL when unknown */
	unsigned long line;   /* 0 when unknown */
	uintptr_t entry;      /* function entry (runtime address), 0 if unknown */
};

/* ---- DWARF engine (dwarf.c): libdw/libdwfl. [normal] only. ---- */

/* One address space to symbolize: this process, or another one (the crash
 * helper symbolizes its parent). */
struct cgosym_dwarf;

/* [normal] One-time set-up from cgosymbolizer_init: reads the
 * environment (CGOSYMBOLIZER_DEBUG_DIRS) before Go code can change it. */
void cgosym_dwarf_init(void);

/* [normal] Loads libdw and libelf (on first use, not at start-up) and looks
 * up the C++ demangler; both take the loader's lock, so call it before
 * cgosym_dwarf_open_self and outside any lock of ours. Cheap after the
 * first call. -1 if libdw cannot be loaded: the engine cannot open. */
int cgosym_dwarf_prepare(void);

/* [normal] Opens this process: the main executable through /proc/self/exe
 * (build-id checked), shared libraries from dl_iterate_phdr, refreshed when
 * libraries are loaded or unloaded. NULL on failure. */
struct cgosym_dwarf *cgosym_dwarf_open_self(void);

/* [normal] Opens another process's address space from /proc/PID/maps; the
 * files are opened through /proc/PID/map_files or /proc/PID/exe when
 * possible, so a file replaced on disk is still read as it was mapped. */
struct cgosym_dwarf *cgosym_dwarf_open_pid(pid_t pid);

/* [normal] Opens an empty address space for ELF files named by the caller
 * (tools and tests), filled by cgosym_dwarf_add_file. */
struct cgosym_dwarf *cgosym_dwarf_open_files(void);

/* [normal] Adds the ELF file at path as loaded at base (runtime address =
 * file address + base). The file is read, never mapped. 0, or -1 if it is
 * not an ELF executable or shared object with loadable segments that fit
 * above base, or overlaps one added before. */
int cgosym_dwarf_add_file(struct cgosym_dwarf *d, const char *path, uintptr_t base);

/* [normal] Replaces the debug directories where d looks for separate debug
 * files (build-id trees, .gnu_debuglink, dwz files): dirs[0..n), absolute
 * paths, in that order; relative ones are ignored. By default an address
 * space has CGOSYMBOLIZER_DEBUG_DIRS then /usr/lib/debug. For file mode
 * (tools): call before the first lookup. 0, or -1 out of memory (the old
 * list then stays). */
int cgosym_dwarf_set_debug_dirs(struct cgosym_dwarf *d, const char *const *dirs, size_t n);

/* [normal] Looks up the C++ demangler, loading a C++ runtime if this
 * process has none (a tool symbolizing another program's files); call
 * outside any lock of ours. Without it, a C program's engine demangles only
 * once a C++ runtime is loaded. */
void cgosym_dwarf_load_demangler(void);

/* [normal] Frees an address space and everything it holds. */
void cgosym_dwarf_close(struct cgosym_dwarf *d);

/* [normal] Describes pc: fills out[0..n) innermost first and returns n
 * (1..max), or 0 when the PC is in no known module. When nothing names the
 * frame, out[0].function is "module+0xoffset". Thread-safe; results are
 * cached per PC. */
int cgosym_dwarf_lookup(struct cgosym_dwarf *d, uintptr_t pc,
			struct cgosym_frame *out, int max);

/* ---- Crash path (crash_helper.c). ---- */

/* [dying] Describes pc like cgosym_dwarf_lookup, without malloc or libdw in
 * this process: asks a helper process (started on first use with vfork and
 * execve of /proc/self/exe), with a timeout on every wait. Falls back to
 * "module+0xoffset" from _dl_find_object when the helper cannot answer.
 * Never blocks for ever; returns 0 only for a PC in no module. */
int cgosym_crash_lookup(uintptr_t pc, struct cgosym_frame *out, int max);

/* [normal] One-time set-up of the crash path, from cgosymbolizer_init. */
void cgosym_crash_init(void);

/* [signal] True while this thread runs a signal handler (Go's handlers run
 * on the alternate signal stack with all signals blocked), i.e. when the
 * symbolizer is called while the process is dying. */
int cgosym_in_signal_handler(void);

/* ---- Unwinding (unwinder.c, context.c). ---- */

#if defined(__x86_64__)
/* Registers to start a walk from, numbered as DWARF numbers them on x86-64
 * (RAX=0 ... R15=15, RIP=16). */
#define CGOSYM_NUM_REGS 17
#define CGOSYM_REG_RBX 3
#define CGOSYM_REG_RBP 6
#define CGOSYM_REG_RSP 7
#define CGOSYM_REG_R12 12
#define CGOSYM_REG_RIP 16
#define CGOSYM_REG_SP CGOSYM_REG_RSP
#define CGOSYM_REG_PC CGOSYM_REG_RIP
/* The callee-saved registers the context callback records: RBX, RBP,
 * R12-R15. */
#define CGOSYM_NUM_CALLEE_SAVED 6
#elif defined(__aarch64__)
/* Registers to start a walk from, numbered as DWARF (and libunwind-aarch64)
 * number them on AArch64: X0=0 ... X30=30 (X29 the frame pointer, X30 the
 * link register), SP=31, PC=32. */
#define CGOSYM_NUM_REGS 33
#define CGOSYM_REG_X19 19
#define CGOSYM_REG_FP 29
#define CGOSYM_REG_LR 30
#define CGOSYM_REG_SP 31
#define CGOSYM_REG_PC 32
/* The callee-saved registers the context callback records: X19-X29. */
#define CGOSYM_NUM_CALLEE_SAVED 11
#else
#error "cgosymbolizer: unsupported architecture"
#endif

/* Defined when this file is compiled with AddressSanitizer (go build -asan). */
#if defined(__SANITIZE_ADDRESS__) /* GCC; Clang before 17 says it another way */
#define CGOSYM_ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CGOSYM_ASAN_BUILD 1
#endif
#endif

/* How many bytes of stack the context snapshot copies, starting at the
 * snapshot's stack pointer: enough for the frame of the runtime's
 * _cgo_wait_runtime_init_done, which is gone by the time anyone unwinds
 * (48 bytes with its return address; 144 built by go build -asan, where
 * runtime/cgo is built with ASan too). Copied on every C->Go call: no more
 * than needed. */
#ifdef CGOSYM_ASAN_BUILD
#define CGOSYM_SNAPSHOT_STACK 256
#else
#define CGOSYM_SNAPSHOT_STACK 128
#endif

/* Where a walk starts. */
struct cgosym_unwind_start {
	uintptr_t regs[CGOSYM_NUM_REGS];
	/* Stack bytes [copy_base, copy_base + CGOSYM_SNAPSHOT_STACK) are read
	 * from copy instead of memory when copy is not NULL. */
	uintptr_t copy_base;
	const unsigned char *copy;
	/* Frames to walk through without reporting them (our own, and the
	 * runtime's cgo glue). */
	int skip;
};

/* [signal] Walks the C stack from start, writing up to max PCs to buf
 * (frame 0 exact, callers return address - 1, exact again after a signal
 * frame). Stops at the first frame without unwind information, which is
 * where Go code begins; never writes a PC of Go code. Returns the number of
 * PCs written; does not write the terminating 0; with buf NULL, counts
 * frames without storing them. When frame 0 lies where no code is (a call
 * through a bad function pointer), the walk goes on from the return address
 * on top of the stack. *reached_end (if not NULL)
 * tells whether the walk reached the outermost frame of the thread, i.e.
 * the whole stack is C code: no Go code and no frame without unwind info. */
size_t cgosym_unwind(const struct cgosym_unwind_start *start, uintptr_t *buf, size_t max,
		     int *reached_end);

/* How to step out of a frame at one PC (unwind_rules.c), packed in two
 * words by unwinder.c, which alone interprets them. */
struct cgosym_rule {
	uint64_t a, b;
};

/* [signal] Looks up the rule learnt for pc in module (an identity of the
 * loaded object, from _dl_find_object). 1 if found. Lock-free. */
int cgosym_rule_get(uintptr_t pc, uintptr_t module, struct cgosym_rule *out);

/* [signal] Records the rule for pc in module, evicting an older one if
 * need be. Lock-free; a slot torn by racing writers reads as a miss. */
void cgosym_rule_put(uintptr_t pc, uintptr_t module, const struct cgosym_rule *r);

/* [signal] Copies the registers of a signal's ucontext_t into regs. */
void cgosym_regs_from_ucontext(const void *ucontext, uintptr_t regs[CGOSYM_NUM_REGS]);

/* [normal] Creates the address space and does every lazy set-up of the
 * unwinder (PLT bindings, libunwind's tdep_init) with one warm-up walk.
 * Returns 0, or -1 if the unwinder cannot work here. */
int cgosym_unwind_init(void);

/* [normal] Creates the thread key of the context callback's slots. 0 or -1. */
int cgosym_context_init(void);

/* The snapshot the context callback takes; the context value the runtime
 * hands back to the traceback callback is a pointer to one. */
struct cgosym_snapshot {
	uintptr_t pc; /* the return address into the context function's caller */
	uintptr_t sp; /* the stack pointer after that return */
	/* x86-64: RBX, RBP, R12-R15; AArch64: X19-X29. */
	uintptr_t callee_saved[CGOSYM_NUM_CALLEE_SAVED];
	unsigned char stack[CGOSYM_SNAPSHOT_STACK];
};

/* ---- Finding a PC's loaded object (find_object.c). ---- */

struct dl_find_object; /* <link.h> */

/* [normal] Once, at init, before anything calls cgosym_find_object: with
 * -tags cgosymbolizer_static, builds the search table of the program's
 * .eh_frame if it was linked without an .eh_frame_hdr (gcc -static). NULL,
 * or why a static program's table could not be built. */
const char *cgosym_find_object_init(void);

/* [signal] _dl_find_object(pc, out), with dlfo_eh_frame pointing at that
 * table for the program itself when glibc has none to give; 0, or -1 when
 * pc is in no object. Lock-free; used instead of _dl_find_object wherever
 * dlfo_eh_frame matters (the unwinder, init's check for unwind tables). */
int cgosym_find_object(uintptr_t pc, struct dl_find_object *out);

/* The registers the context callback's assembly entry (context_<arch>.c)
 * saves before any compiled code runs, in this order. */
struct cgosym_entry_registers {
	uintptr_t callee_saved[CGOSYM_NUM_CALLEE_SAVED];
	uintptr_t return_address;
	uintptr_t caller_sp; /* the stack pointer after the return */
};

/* [signal] Sets the registers a walk from snapshot s starts with
 * (context_<arch>.c); the others are left as they are. */
void cgosym_regs_from_snapshot(const struct cgosym_snapshot *s, uintptr_t regs[CGOSYM_NUM_REGS]);

/* [signal] The PC of a signal's ucontext_t. */
uintptr_t cgosym_pc_from_ucontext(const void *ucontext);

/* ---- Safe memory access (memory.c). ---- */

/* On functions that read other frames' stack bytes (checked readable first):
 * AddressSanitizer's redzones there are not ours, and would be false reports. */
#define CGOSYM_NO_ASAN __attribute__((no_sanitize_address))

/* [signal] Copies n bytes from src, known readable but possibly anywhere
 * (another frame, another thread's stack), unchecked by AddressSanitizer:
 * under ASan word by word, since ASan intercepts memcpy itself (the volatile
 * loads keep the compiler from turning the loop back into a memcpy call). */
CGOSYM_NO_ASAN static inline void cgosym_copy_unchecked(void *dst, const void *src, size_t n) {
#ifdef CGOSYM_ASAN_BUILD
	typedef uint64_t unaligned_word __attribute__((aligned(1), may_alias));
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t i = 0;
	for (; n - i >= sizeof(unaligned_word); i += sizeof(unaligned_word)) {
		*(unaligned_word *)(d + i) = *(const volatile unaligned_word *)(s + i);
	}
	for (; i < n; i++) {
		d[i] = *(const volatile unsigned char *)(s + i);
	}
#else
	__builtin_memcpy(dst, src, n);
#endif
}

/* [signal] Copies n bytes from addr into dst if every byte is readable;
 * returns 0 on success, -1 (and copies nothing) otherwise. Never faults. */
int cgosym_read_memory(void *dst, uintptr_t addr, size_t n);

/* ---- Async-signal-safe formatting (format.c). ---- */

/* [signal] Writes v in hex with a 0x prefix into buf (at least 19 bytes);
 * returns the length, without terminating. */
size_t cgosym_format_hex(char *buf, uintptr_t v);

/* [signal] Writes "path+0xVADDR", pc's address within its object (pc minus
 * the load bias), into buf (size n, at least 24), using _dl_find_object: the
 * crash helper's request format. 0, or -1 when pc is in no object. */
int cgosym_format_module_vaddr(char *buf, size_t n, uintptr_t pc);

/* Longest GNU build-id printed, in bytes (SHA-1 gives 20). */
#define CGOSYM_BUILD_ID_MAX 32

/* Smallest buffer for cgosym_format_unnamed: room for the offset and a
 * build-id of CGOSYM_BUILD_ID_MAX bytes, plus some of the path. */
#define CGOSYM_UNNAMED_MIN 192

/* [signal] Writes the name of a frame nothing names, "path+0xOFFSET" with
 * OFFSET the FILE offset of pc in the object (so that tools can find the
 * instruction in the file on disk), followed by " (BuildId: hex)" when
 * with_build_id is set and the object has a GNU build-id. When the
 * object's headers cannot be read, the address within the object followed
 * by " (vaddr)". *module (when not NULL) gets an identity of the object.
 * 0, CGOSYM_UNNAMED_VADDR for that second form, or -1 when pc is in no
 * object. n is at least CGOSYM_UNNAMED_MIN. */
#define CGOSYM_UNNAMED_VADDR 1
int cgosym_format_unnamed(char *buf, size_t n, uintptr_t pc, int with_build_id, uintptr_t *module);

/* [signal] Writes " (BuildId: hex)" for the len bytes at id into buf (at
 * least 13 + 2 * len bytes); returns the length, without terminating. */
size_t cgosym_format_build_id(char *buf, const unsigned char *id, size_t len);

/* [normal] Records the main executable's path, from cgosymbolizer_init. */
void cgosym_format_init(void);

#endif /* CGOSYM_INTERNAL_H */
