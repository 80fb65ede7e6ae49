//go:build linux && cgo && (amd64 || arm64)

// crash_handler.c — crashes the Go runtime does not report.
//
// A fatal signal on a thread that is running C code and has no Go code on
// its stack (a thread C created and that never called Go, or one that called
// Go earlier and is back in C) reaches Go's handler without a goroutine: the
// runtime prints nothing and re-raises the signal with the default action
// (shared/notes/crash-handling.md). As PID 1 the kernel drops that re-raise
// and the thread faults for ever.
//
// This handler is installed from the package's init, after Go's, and sits in
// front of it. It walks the faulting thread's stack: if the walk reaches the
// thread's outermost frame through C frames only, Go would stay silent, so
// the handler prints a report in the runtime's format and makes the process
// die by the signal. Anything else — a fault in Go code, in C code called
// from Go (the walk ends at Go's runtime.asmcgocall), or in code without
// unwind information — goes to Go's handler exactly as before, so Go keeps
// its crash dumps and its recoverable nil-dereference panics.

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "bind_now.h"
#include "internal.h"

static const int handled_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NUM_HANDLED (sizeof handled_signals / sizeof handled_signals[0])

// Dispositions, indexed like handled_signals. before_go is read by a
// constructor, before the Go runtime starts; go_action when the handler is
// installed. Both written once, before the handler can run.
static struct sigaction before_go[NUM_HANDLED];
static int before_go_known;
static struct sigaction go_action[NUM_HANDLED];

// Set by the first thread that reports; others wait for it to end the
// process.
static int reporting;

// Whether to have the runtime dump the goroutines after a report. Written
// by cgosymbolizer_install_crash_handler, before the handler can run.
static int dump_goroutines;

// Frames walked to decide whose crash it is (counted, not stored), kept for
// the report, and printed at most.
#define MAX_DECIDING_WALK 100000
#define MAX_WALK 256
#define MAX_PRINT 100

// [normal] Runs before the Go runtime installs its handlers (C
// constructors run before main, and cgo programs start Go from main), and
// after shared libraries' and LD_PRELOAD libraries' constructors: what it
// sees is what Go will forward non-Go faults to, unless the executable's
// own constructors change it later. The fallback of has_handler_before_go.
__attribute__((constructor(102))) static void record_dispositions_before_go(void) {
	for (size_t i = 0; i < NUM_HANDLED; i++) {
		if (sigaction(handled_signals[i], NULL, &before_go[i]) != 0) {
			return;
		}
	}
	before_go_known = 1;
}

// [signal]
static int index_of(int sig) {
	for (size_t i = 0; i < NUM_HANDLED; i++) {
		if (handled_signals[i] == sig) {
			return (int)i;
		}
	}
	return -1;
}

// [dying] The address of a symbol of the executable's symbol table, read
// from /proc/self/exe (the running file, whatever happened to its path);
// 0 when there is none (a stripped binary). Used only once the process is
// dying, so the cost (a scan of the table) falls on no one.
static uintptr_t executable_symbol(const char *name) {
	struct stat st;
	struct dl_find_object self;
	if (_dl_find_object((void *)(uintptr_t)executable_symbol, &self) != 0 || self.dlfo_link_map == NULL ||
	    (self.dlfo_link_map->l_name != NULL && self.dlfo_link_map->l_name[0] != '\0')) {
		return 0; // not linked into the executable (c-shared): not its runtime
	}
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return 0;
	}
	void *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(ElfW(Ehdr))) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	close(fd);
	if (map == MAP_FAILED) {
		return 0;
	}
	size_t size = (size_t)st.st_size;
	const unsigned char *file = map;
	const ElfW(Ehdr) *eh = map;
	uintptr_t found = 0;
	size_t name_len = strlen(name);
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_shentsize == sizeof(ElfW(Shdr)) &&
	    eh->e_shoff < size && eh->e_shnum <= (size - eh->e_shoff) / sizeof(ElfW(Shdr))) {
		const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(file + eh->e_shoff);
		for (size_t i = 0; i < eh->e_shnum && found == 0; i++) {
			if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) {
				continue;
			}
			const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
			if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
			    strs->sh_offset > size || strs->sh_size > size - strs->sh_offset) {
				continue;
			}
			const ElfW(Sym) *syms = (const ElfW(Sym) *)(file + sh[i].sh_offset);
			size_t nsyms = sh[i].sh_size / sizeof(ElfW(Sym));
			const char *strtab = (const char *)(file + strs->sh_offset);
			for (size_t k = 0; k < nsyms; k++) {
				size_t off = syms[k].st_name;
				if (off < strs->sh_size && strs->sh_size - off > name_len &&
				    memcmp(strtab + off, name, name_len + 1) == 0) {
					found = self.dlfo_link_map->l_addr + syms[k].st_value;
					break;
				}
			}
		}
	}
	munmap(map, size);
	return found;
}

// The runtime's own records, found in the executable's symbol table the
// first time a crash needs them: runtime.fwdSig (each signal's handler from
// before Go's) and runtime.crashFD (the descriptor debug.SetCrashOutput
// set, or ^0). 0 when not found. Written by find_runtime_records; two
// threads crashing at once write the same values.
static uintptr_t runtime_fwd_sig;
static uintptr_t runtime_crash_fd;
static int runtime_records_looked_up;

// [dying]
static void find_runtime_records(void) {
	if (__atomic_load_n(&runtime_records_looked_up, __ATOMIC_ACQUIRE)) {
		return;
	}
	runtime_fwd_sig = executable_symbol("runtime.fwdSig");
	runtime_crash_fd = executable_symbol("runtime.crashFD");
	__atomic_store_n(&runtime_records_looked_up, 1, __ATOMIC_RELEASE);
}

// [dying] Whether a handler of someone else's was there before Go started:
// the runtime forwards faults outside Go code to it (sigfwdgo), and that
// must not change. The runtime's own record (runtime.fwdSig, a signal's
// handler before Go's) sees every such handler; without a symbol table,
// what the constructor above saw is the next best thing (it misses
// handlers installed by the executable's own constructors).
static int has_handler_before_go(int i) {
	find_runtime_records();
	uintptr_t fwd = runtime_fwd_sig;
	if (fwd != 0) {
		uintptr_t handler;
		if (cgosym_read_memory(&handler, fwd + (uintptr_t)handled_signals[i] * sizeof handler,
				       sizeof handler) == 0) {
			return handler != (uintptr_t)SIG_DFL && handler != (uintptr_t)SIG_IGN;
		}
	}
	if (!before_go_known) {
		return 0;
	}
	const struct sigaction *a = &before_go[i];
	return a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN;
}

// ---- Output: write(2) from static buffers, no stdio. ----

// The report goes out in lines; one thread reports at a time (reporting).
static char line[1024];
static size_t line_len;

// [signal]
static void put(const char *s) {
	while (*s != '\0' && line_len < sizeof line) {
		line[line_len++] = *s++;
	}
}

// [signal]
static void put_n(const char *s, size_t n) {
	for (size_t i = 0; i < n && line_len < sizeof line; i++) {
		line[line_len++] = s[i];
	}
}

// [signal]
static void put_hex(uintptr_t v) {
	char buf[20];
	size_t len = cgosym_format_hex(buf, v);
	put_n(buf, len);
}

// [signal]
static void put_dec(long v) {
	char digits[24];
	size_t n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0) {
		put("-");
	}
	while (n > 0) {
		put_n(&digits[--n], 1);
	}
}

// A second copy of the report, like the runtime's debug.SetCrashOutput;
// -1 for none. Written by cgosymbolizer_set_crash_output.
static int crash_output_fd = -1;

// [signal] Writes all of buf to fd, retrying short writes; gives up on a
// descriptor that cannot take more within a second (a full pipe nobody
// reads, a stopped terminal): the process must still end.
static void write_all(int fd, const char *buf, size_t len) {
	size_t off = 0;
	while (off < len) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, 1000) == 0) {
			return;
		}
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return;
		}
		off += (size_t)w;
	}
}

// [dying] The crash output file: the one given to
// cgosymbolizer_set_crash_output, else the runtime's (debug.SetCrashOutput;
// both name the same file when SetCrashOutput of the Go package set them).
static int crash_output(void) {
	int fd = __atomic_load_n(&crash_output_fd, __ATOMIC_ACQUIRE);
	if (fd >= 0 || runtime_crash_fd == 0) {
		return fd;
	}
	uintptr_t runtime_fd;
	if (cgosym_read_memory(&runtime_fd, runtime_crash_fd, sizeof runtime_fd) != 0 ||
	    runtime_fd == ~(uintptr_t)0 || runtime_fd > INT32_MAX) {
		return -1;
	}
	return (int)runtime_fd;
}

// [dying] Writes the line to stderr and to the crash output file.
static void flush(void) {
	write_all(STDERR_FILENO, line, line_len);
	int fd = crash_output();
	if (fd >= 0 && fd != STDERR_FILENO) {
		write_all(fd, line, line_len);
	}
	line_len = 0;
}

// [normal]
int cgosymbolizer_set_crash_output(int fd) {
	return __atomic_exchange_n(&crash_output_fd, fd, __ATOMIC_ACQ_REL);
}

// ---- What the signal means. ----

// [signal] The runtime's own first line ("SIGSEGV: segmentation violation").
static const char *signal_title(int sig) {
	switch (sig) {
	case SIGSEGV: return "SIGSEGV: segmentation violation";
	case SIGBUS: return "SIGBUS: bus error";
	case SIGFPE: return "SIGFPE: floating-point exception";
	case SIGILL: return "SIGILL: illegal instruction";
	case SIGABRT: return "SIGABRT: abort";
	default: return "signal";
	}
}

// [signal] si_code in words: its name, then what it means.
static void put_code(int sig, int code) {
	static const char *const segv[] = {NULL, "SEGV_MAPERR (address not mapped to object)",
		"SEGV_ACCERR (invalid permissions for mapped object)", "SEGV_BNDERR (failed address bound checks)",
		"SEGV_PKUERR (access denied by memory protection keys)"};
	static const char *const bus[] = {NULL, "BUS_ADRALN (invalid address alignment)",
		"BUS_ADRERR (nonexistent physical address)", "BUS_OBJERR (object-specific hardware error)",
		"BUS_MCEERR_AR (hardware memory error consumed on a machine check)",
		"BUS_MCEERR_AO (hardware memory error detected, action optional)"};
	static const char *const fpe[] = {NULL, "FPE_INTDIV (integer divide by zero)", "FPE_INTOVF (integer overflow)",
		"FPE_FLTDIV (floating-point divide by zero)", "FPE_FLTOVF (floating-point overflow)",
		"FPE_FLTUND (floating-point underflow)", "FPE_FLTRES (floating-point inexact result)",
		"FPE_FLTINV (floating-point invalid operation)", "FPE_FLTSUB (subscript out of range)"};
	static const char *const ill[] = {NULL, "ILL_ILLOPC (illegal opcode)", "ILL_ILLOPN (illegal operand)",
		"ILL_ILLADR (illegal addressing mode)", "ILL_ILLTRP (illegal trap)", "ILL_PRVOPC (privileged opcode)",
		"ILL_PRVREG (privileged register)", "ILL_COPROC (coprocessor error)", "ILL_BADSTK (internal stack error)"};
	const char *const *names = NULL;
	int n = 0;
	switch (sig) {
	case SIGSEGV: names = segv; n = sizeof segv / sizeof segv[0]; break;
	case SIGBUS: names = bus; n = sizeof bus / sizeof bus[0]; break;
	case SIGFPE: names = fpe; n = sizeof fpe / sizeof fpe[0]; break;
	case SIGILL: names = ill; n = sizeof ill / sizeof ill[0]; break;
	default: break;
	}
	switch (code) {
	case SI_USER: put("SI_USER (sent by kill)"); return;
	case SI_KERNEL: put("SI_KERNEL (sent by the kernel)"); return;
	case SI_QUEUE: put("SI_QUEUE (sent by sigqueue)"); return;
	case SI_TKILL: put("SI_TKILL (sent by tgkill)"); return;
	default: break;
	}
	if (names != NULL && code > 0 && code < n) {
		put(names[code]);
		return;
	}
	put("si_code ");
	put_dec(code);
}

// ---- /proc files, read with open/read. ----

// [signal] Reads a small file whole into buf (NUL-terminated); -1 on error.
static ssize_t read_small_file(const char *path, char *buf, size_t size) {
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		return -1;
	}
	buf[n] = '\0';
	return n;
}

// [signal] The calling thread's name, without its newline.
static void put_thread_name(void) {
	char name[32];
	ssize_t n = read_small_file("/proc/thread-self/comm", name, sizeof name);
	while (n > 0 && (name[n - 1] == '\n' || name[n - 1] == '\0')) {
		n--;
	}
	put("\"");
	if (n > 0) {
		put_n(name, (size_t)n);
	}
	put("\"");
}

// [signal]
static uintptr_t parse_hex(const char **p) {
	uintptr_t v = 0;
	for (;; (*p)++) {
		char c = **p;
		if (c >= '0' && c <= '9') {
			v = v * 16 + (uintptr_t)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			v = v * 16 + (uintptr_t)(c - 'a' + 10);
		} else {
			return v;
		}
	}
}

// [signal] One line of /proc/self/maps: "start-end perms offset dev inode
// path". Puts the mapping's name and addr's file offset if it holds addr.
static int describe_if_holds(const char *l, uintptr_t addr) {
	const char *p = l;
	uintptr_t start = parse_hex(&p);
	if (*p++ != '-') {
		return 0;
	}
	uintptr_t end = parse_hex(&p);
	if (addr < start || addr >= end) {
		return 0;
	}
	// perms, offset, dev, inode, then the path (may be empty).
	while (*p == ' ') p++;
	while (*p != ' ' && *p != '\0') p++;
	while (*p == ' ') p++;
	uintptr_t offset = parse_hex(&p);
	for (int field = 0; field < 2; field++) {
		while (*p == ' ') p++;
		while (*p != ' ' && *p != '\0') p++;
	}
	while (*p == ' ') p++;
	if (*p == '\0') {
		put("in [anon]");
	} else {
		put("in ");
		put(p);
		if (*p == '/') {
			put("+");
			put_hex(addr - start + offset);
		}
	}
	return 1;
}

// [signal] Which mapping holds addr, from /proc/self/maps read in chunks.
static void put_mapping(uintptr_t addr) {
	static char chunk[4096];
	static char l[512];
	size_t l_len = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		put("mapping unknown");
		return;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (chunk[i] != '\n') {
				if (l_len < sizeof l - 1) {
					l[l_len++] = chunk[i];
				}
				continue;
			}
			l[l_len] = '\0';
			l_len = 0;
			if (describe_if_holds(l, addr)) {
				close(fd);
				return;
			}
		}
	}
	close(fd);
	put("unmapped");
}

// ---- The report. ----

// [dying] The frames of the walk, in the runtime's C-frame format.
static void put_frames(const uintptr_t *pcs, size_t n) {
	for (size_t i = 0; i < n && i < MAX_PRINT; i++) {
		struct cgosym_frame frames[CGOSYM_MAX_INLINE];
		int nf = cgosym_crash_lookup(pcs[i], frames, CGOSYM_MAX_INLINE);
		if (nf == 0) {
			put("non-Go function\n\tpc=");
			put_hex(pcs[i]);
			put("\n");
			flush();
			continue;
		}
		for (int f = 0; f < nf; f++) {
			put(frames[f].function);
			put("\n\t");
			if (frames[f].file != NULL) {
				put(frames[f].file);
				put(":");
				put_dec((long)frames[f].line);
				put(" ");
			}
			put("pc=");
			put_hex(pcs[i]);
			put("\n");
			flush();
		}
	}
	if (n > MAX_PRINT) {
		put("...additional frames elided...\n");
		flush();
	}
}

// [dying]
static void report(int sig, const siginfo_t *info, const ucontext_t *uc, const uintptr_t *pcs, size_t n) {
	find_runtime_records(); // for crash_output
	long tid = syscall(SYS_gettid);
	put(signal_title(sig));
	put("\nPC=");
	put_hex(cgosym_pc_from_ucontext(uc));
	put(" sigcode=");
	put_dec(info->si_code);
	put(" addr=");
	put_hex((uintptr_t)info->si_addr);
	put("\nfault: ");
	put_code(sig, info->si_code);
	if (info->si_code > 0 && info->si_code != SI_KERNEL && (sig == SIGSEGV || sig == SIGBUS)) {
		put(" at ");
		put_hex((uintptr_t)info->si_addr);
		put(", ");
		flush();
		put_mapping((uintptr_t)info->si_addr);
	} else if (info->si_code <= 0) {
		put(" from pid ");
		put_dec(info->si_pid);
	}
	put("\nsignal arrived on thread ");
	put_dec(tid);
	put(" ");
	put_thread_name();
	put(" while it ran C code: the Go runtime cannot report it (cgosymbolizer)\n\n");
	put("goroutine 0 [C thread ");
	put_dec(tid);
	put(" ");
	put_thread_name();
	put("]:\n");
	flush();
	put_frames(pcs, n);
	put("\n");
	flush();
}

// [dying] Ends the process by sig with the default action, so that exit
// statuses and core dumps are what they would be without us. A fault the
// hardware raised is raised again by the faulting instruction when the
// handler returns, and the kernel delivers it by force, even to PID 1. A
// signal sent by kill, tgkill or abort is raised again here; as PID 1 the
// kernel ignores that, so the process then exits with 128+sig.
static void die(int sig, const siginfo_t *info) {
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	// Raised by the faulting instruction itself, it will be raised again;
	// an asynchronous machine-check report (BUS_MCEERR_AO) will not.
	if (info->si_code > 0 && sig != SIGABRT && !(sig == SIGBUS && info->si_code == BUS_MCEERR_AO)) {
		return;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	_exit(128 + sig);
}

// [dying] SIGQUIT makes the runtime print every goroutine and exit. It is
// sent to the main thread, which is always one of Go's (sent to the
// process, it could land on a C thread, where Go dies without a dump). A
// program that handles SIGQUIT itself (signal.Notify) gets it instead,
// which is why this is an option; if nothing ends the process within 5 s,
// this thread does.
static void ask_runtime_for_goroutines(void) {
	put("cgosymbolizer: asking the Go runtime for its goroutines (SIGQUIT)\n\n");
	flush();
	syscall(SYS_tgkill, getpid(), getpid(), SIGQUIT);
	for (int waited = 0; waited < 500; waited++) {
		struct timespec ten_ms = {0, 10000000L};
		nanosleep(&ten_ms, NULL);
	}
}

// [signal] Hands the signal to the handler that was there before ours.
static void forward_to_go(int i, int sig, siginfo_t *info, void *uc) {
	const struct sigaction *a = &go_action[i];
	if (a->sa_handler == SIG_IGN && info->si_code <= 0) {
		return; // sent, and ignored: done with
	}
	if (a->sa_handler == SIG_DFL || a->sa_handler == SIG_IGN) {
		// The kernel would not let a fault be ignored either.
		die(sig, info);
	} else if (a->sa_flags & SA_SIGINFO) {
		a->sa_sigaction(sig, info, uc);
	} else {
		a->sa_handler(sig);
	}
}

// The report's frames; written only by the thread holding "reporting".
static uintptr_t report_pcs[MAX_WALK];

// [signal] Walks the faulting thread's stack into pcs; returns the number
// of PCs and sets *whole_stack_is_c when the walk reached the thread's
// outermost frame through C frames only.
static size_t walk_faulting_thread(void *ucontext, uintptr_t *pcs, size_t max, int *whole_stack_is_c) {
	struct cgosym_unwind_start start;
	memset(&start, 0, sizeof start);
	cgosym_regs_from_ucontext(ucontext, start.regs);
	return cgosym_unwind(&start, pcs, max, whole_stack_is_c);
}

// [signal] Whether Go would stay silent about this fault. A thread without
// an alternate signal stack never ran Go (Go gives each of its threads one,
// and a C thread keeps Go's after calling Go); otherwise the whole stack is
// walked, however deep, counting frames only. Its own frame is gone before
// Go's handler runs, which needs the room on the 32 KiB signal stack.
__attribute__((noinline)) static int go_cannot_report(int i, void *ucontext) {
	if (ucontext == NULL) {
		return 0;
	}
	int whole_stack_is_c = 0;
	stack_t ss;
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE)) {
		whole_stack_is_c = 1;
	} else {
		(void)walk_faulting_thread(ucontext, NULL, MAX_DECIDING_WALK, &whole_stack_is_c);
	}
	return whole_stack_is_c && !has_handler_before_go(i);
}

// [dying] (for the crashes it reports) or [signal] (it only looks, then
// forwards).
static void handle_fatal_signal(int sig, siginfo_t *info, void *ucontext) {
	int saved_errno = errno;
	int i = index_of(sig);
	if (i < 0) {
		errno = saved_errno;
		return;
	}
	if (!go_cannot_report(i, ucontext)) {
		errno = saved_errno;
		forward_to_go(i, sig, info, ucontext);
		return;
	}
	if (__atomic_exchange_n(&reporting, 1, __ATOMIC_ACQ_REL) != 0) {
		// Another thread is reporting and will end the process; give it
		// 20 s (the symbolizer's 10 s budget, the goroutine dump's 5 s, and
		// a margin), then end it from here.
		for (int waited = 0; waited < 2000; waited++) {
			struct timespec ten_ms = {0, 10000000L};
			nanosleep(&ten_ms, NULL);
		}
	} else {
		int whole_stack_is_c;
		size_t n = walk_faulting_thread(ucontext, report_pcs, MAX_WALK, &whole_stack_is_c);
		report(sig, info, ucontext, report_pcs, n);
		if (dump_goroutines) {
			ask_runtime_for_goroutines();
		}
	}
	die(sig, info);
	errno = saved_errno;
}

// [normal]
int cgosymbolizer_install_crash_handler(int flags) {
	static int installed;
	if (installed) {
		return 0;
	}
	dump_goroutines = (flags & CGOSYMBOLIZER_CRASH_GOROUTINES) != 0;
	for (size_t i = 0; i < NUM_HANDLED; i++) {
		if (sigaction(handled_signals[i], NULL, &go_action[i]) != 0) {
			return -1;
		}
	}
	for (size_t i = 0; i < NUM_HANDLED; i++) {
		struct sigaction ours;
		memset(&ours, 0, sizeof ours);
		ours.sa_sigaction = handle_fatal_signal;
		ours.sa_mask = go_action[i].sa_mask;
		// Go's flags (SA_ONSTACK above all: a crash may come from a
		// stack overflow), but always SA_SIGINFO, and libc's restorer.
		ours.sa_flags = go_action[i].sa_flags | SA_SIGINFO;
#ifdef SA_RESTORER
		ours.sa_flags &= ~(int)SA_RESTORER;
#endif
		if (sigaction(handled_signals[i], &ours, NULL) != 0) {
			return -1;
		}
	}
	installed = 1;
	return 0;
}
