//go:build linux && cgo && (amd64 || arm64)

// crash_helper.c — symbolizing while the process dies.
//
// A fatal signal can arrive while the dying thread holds the malloc arena
// lock or the loader lock, and the handler runs on Go's 32 KiB signal
// stack: libdw cannot run there (shared/notes/symbolization.md, "In crash
// context": in-process libdw overflowed that stack or hung in malloc). So
// the first lookup at crash time starts a helper process — vfork, then
// execve of /proc/self/exe with a marker in its environment — and asks it
// over a socket. In the helper, a constructor that runs before the Go
// runtime starts sees the marker, opens the parent's address space with
// libdw (cgosym_dwarf_open_pid) and answers lookups; it never returns.
//
// Parent side [dying]: async-signal-safe calls only, static buffers, a
// timeout on every wait, a try-lock instead of a lock. Any failure retires
// the helper for good and every PC from then on is named
// "module+0xoffset" (format.c), which needs nothing but _dl_find_object.
//
// Helper side [normal]: a fresh process, before main, alone: may malloc.
//
// Protocol over a SOCK_STREAM socketpair, one request at a time:
//	request: "PC_HEX\tMODULE+0xOFFSET\n" (the second field is the parent's
//	         own module-relative name of the PC, empty when it has none; a
//	         helper that cannot read the parent's /proc/PID/maps uses it)
//	answer:  "FUNC\tFILE\tLINE\tENTRY_HEX\n" per frame, innermost first
//	         (FILE empty when unknown), then an empty line; a PC in no
//	         module gets the empty line alone.

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bind_now.h"
#include "internal.h"


extern char **environ;

// The environment variable that turns a process into a helper; its value
// is "FD,PARENT_PID".
#define HELPER_MARKER "CGOSYMBOLIZER_CRASH_HELPER"
#define HELPER_MARKER_LEN (sizeof HELPER_MARKER - 1)

// Waits. The first answer includes exec, loading the parent's modules and
// a cold DWARF index (25-38 ms measured on 8-10 MB binaries); a later one
// may hit another cold module (libc with debug info: 63 ms). Past the
// total budget the helper is retired and every lookup answers at once.
#define FIRST_ANSWER_MS 3000
#define ANSWER_MS 1000
#define TOTAL_BUDGET_MS 10000
// How long a second crashing thread waits for the first one's
// conversation before it settles for module+offset.
#define LOCK_WAIT_MS 1000

// Sizes of the static buffers. The helper truncates fields so that an
// answer of CGOSYM_MAX_INLINE frames always fits in ANSWER_MAX.
#define CACHE_PCS 256
#define ARENA_SIZE ((size_t)256 * 1024)
#define INTERN_SLOTS 4096 // power of two
#define ANSWER_MAX ((size_t)64 * 1024)
#define FUNC_MAX 2048
#define FILE_MAX 1024
#define NAME_MAX_LEN 1024 // module+0xoffset names
#define RING_SLOTS 16
#define ENV_MAX 1024
_Static_assert(CGOSYM_MAX_INLINE * (FUNC_MAX + FILE_MAX + 64) + 1 <= ANSWER_MAX,
	       "a helper's longest answer must fit in the parent's buffer");

// ---------------------------------------------------------------------
// Start-up state.

// Set by the constructor when it runs in an ordinary process: proof that
// a helper exec'ed from /proc/self/exe runs the constructor too. With
// -linkmode=internal, constructors never run and this stays 0.
static int constructor_ran;

// Set once by cgosym_crash_init, read-only afterwards.
static int helper_enabled;

// ---------------------------------------------------------------------
// Parent side: results that outlive the call. The runtime prints a frame
// after cgosymbolizer_symbolize returns, so every string handed out points
// into storage that is never reused (the arena) or reused only after
// RING_SLOTS later fallbacks (the ring).

struct cache_entry {
	uintptr_t pc;
	int n;
	struct cgosym_frame frames[CGOSYM_MAX_INLINE];
};

// Entries [0, cache_count) are complete and immutable. Written under
// lock_word; read without it after an acquire load of cache_count.
static struct cache_entry cache[CACHE_PCS];
static unsigned cache_count;

// Interned strings, append-only, under lock_word.
static char arena[ARENA_SIZE];
static size_t arena_used;
static uint32_t intern_slots[INTERN_SLOTS]; // arena offset + 1, 0 = empty

// module+offset names for threads that did not get the lock, or when the
// cache or the arena is full.
static char ring[RING_SLOTS][NAME_MAX_LEN];
static unsigned ring_next;

// Objects whose build-id the dump has shown: the first unnamed frame of
// each object carries it, the others only path+0xoffset (the reader has
// it by then). Slots are claimed with a compare-and-swap, without the
// lock; past MENTIONED_MAX objects every unnamed frame carries it.
#define MENTIONED_MAX 64
static uintptr_t mentioned[MENTIONED_MAX];

// ---------------------------------------------------------------------
// Parent side: the conversation, all under lock_word.

static int lock_word;

enum helper_state { HELPER_UNSTARTED, HELPER_RUNNING, HELPER_RETIRED };
static enum helper_state helper_state;
static int helper_fd = -1;
static pid_t helper_pid;
static int helper_answered; // at least one answer received
static int64_t budget_end_ns;

static char request[32 + NAME_MAX_LEN];
static char answer[ANSWER_MAX];
static size_t answer_len;
static char module_name[NAME_MAX_LEN];

// execve's arguments, built at crash time before vfork.
static char helper_argv0[] = "cgosymbolizer-crash-helper";
static char *helper_argv[] = {helper_argv0, NULL, NULL};
static char *helper_envp[ENV_MAX + 2];
static char helper_marker[HELPER_MARKER_LEN + 48];
static char helper_self_exe[] = "/proc/self/exe";
static char *helper_exe = helper_self_exe;

// Under user-mode emulation (qemu-aarch64 ./prog on an x86-64 host, with
// no binfmt_misc entry), the kernel cannot execute the program itself, and
// /proc/self/exe there names the emulator: CGOSYMBOLIZER_CRASH_HELPER_
// INTERPRETER names the emulator to run the helper with, and the program's
// own path (which the emulator reports for /proc/self/exe) is its argument.
// Set once by cgosym_crash_init.
#define INTERPRETER_VAR "CGOSYMBOLIZER_CRASH_HELPER_INTERPRETER"
static char interpreter[4096];
static char interpreted_exe[4096];
static int socket_pair[2];

// [signal]
static int64_t now_ns(void) {
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		return 0;
	}
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// [signal] Copies bytes by hand: memcpy may still be a lazily bound PLT
// call (cgosym_crash_init binds it, but this costs nothing).
static void copy_bytes(char *dst, const char *src, size_t n) {
	for (size_t i = 0; i < n; i++) {
		dst[i] = src[i];
	}
}

// [signal]
static size_t string_length(const char *s) {
	size_t n = 0;
	while (s[n] != '\0') {
		n++;
	}
	return n;
}

// [signal] Writes v in decimal into buf; returns the length.
static size_t format_decimal(char *buf, unsigned long v) {
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++) {
		buf[i] = tmp[n - 1 - i];
	}
	return n;
}

// Set once a thread has waited LOCK_WAIT_MS for the lock in vain: the
// conversation is stuck or busy for long, and every later waiter settles
// for module+offset at once instead of waiting again for each PC.
static int lock_contended;

// [dying] Takes the conversation lock without ever blocking for ever: a
// thread that crashes while another one talks to the helper waits at most
// LOCK_WAIT_MS, once, then settles for module+offset.
static int try_lock(void) {
	if (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE) == 0) {
		return 1;
	}
	if (__atomic_load_n(&lock_contended, __ATOMIC_RELAXED)) {
		return 0;
	}
	int64_t give_up = now_ns() + (int64_t)LOCK_WAIT_MS * 1000000;
	for (;;) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
		if (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE) == 0) {
			return 1;
		}
		if (now_ns() >= give_up) {
			__atomic_store_n(&lock_contended, 1, __ATOMIC_RELAXED);
			return 0;
		}
	}
}

// [signal]
static void unlock(void) {
	__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

// [signal] Copies a cached answer for pc to out; -1 when pc is not cached.
// Lock-free: entries below cache_count never change.
static int lookup_cached(uintptr_t pc, struct cgosym_frame *out, int max) {
	unsigned count = __atomic_load_n(&cache_count, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < count; i++) {
		if (cache[i].pc == pc) {
			int n = cache[i].n < max ? cache[i].n : max;
			for (int j = 0; j < n; j++) {
				out[j] = cache[i].frames[j];
			}
			return n;
		}
	}
	return -1;
}

// [dying] Returns a copy of s[0, len) in the arena that lives as long as
// the process, shared with earlier identical strings (file names repeat);
// NULL when the arena is full. Under lock_word.
static const char *intern(const char *s, size_t len) {
	uint32_t h = 2166136261u; // FNV-1a
	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	}
	uint32_t slot = h & (INTERN_SLOTS - 1);
	for (int probes = 0; probes < 64; probes++, slot = (slot + 1) & (INTERN_SLOTS - 1)) {
		uint32_t off = intern_slots[slot];
		if (off == 0) {
			break;
		}
		const char *t = arena + off - 1;
		size_t i = 0;
		while (i < len && t[i] == s[i]) {
			i++;
		}
		if (i == len && t[len] == '\0') {
			return t;
		}
	}
	if (len + 1 > ARENA_SIZE - arena_used) {
		return NULL;
	}
	char *copy = arena + arena_used;
	copy_bytes(copy, s, len);
	copy[len] = '\0';
	if (intern_slots[slot] == 0) {
		intern_slots[slot] = (uint32_t)arena_used + 1;
	}
	arena_used += len + 1;
	return copy;
}

// [signal] Whether this is the first time the dump names module by its
// build-id (then it is recorded as named).
static int first_mention(uintptr_t module) {
	for (int i = 0; i < MENTIONED_MAX; i++) {
		uintptr_t seen = __atomic_load_n(&mentioned[i], __ATOMIC_ACQUIRE);
		if (seen == module) {
			return 0;
		}
		if (seen == 0) {
			uintptr_t expected = 0;
			if (__atomic_compare_exchange_n(&mentioned[i], &expected, module, 0, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE)) {
				return 1;
			}
			if (expected == module) {
				return 0;
			}
		}
	}
	return 1;
}

// [signal] The name of a frame nothing names, into buf (size n): path and
// file offset, with the build-id on the object's first mention. Returns
// what cgosym_format_unnamed returns.
static int format_unnamed(char *buf, size_t n, uintptr_t pc) {
	uintptr_t module = 0;
	int rc = cgosym_format_unnamed(buf, n, pc, 0, &module);
	if (rc >= 0 && first_mention(module)) {
		cgosym_format_unnamed(buf, n, pc, 1, NULL);
	}
	return rc;
}

// [signal] A ring slot holding name, as a one-frame answer.
static int name_in_ring(const char *name, struct cgosym_frame *out) {
	unsigned slot = __atomic_fetch_add(&ring_next, 1, __ATOMIC_RELAXED) % RING_SLOTS;
	size_t len = string_length(name);
	if (len >= sizeof ring[slot]) {
		len = sizeof ring[slot] - 1;
	}
	copy_bytes(ring[slot], name, len);
	ring[slot][len] = '\0';
	out[0].function = ring[slot];
	out[0].file = NULL;
	out[0].line = 0;
	out[0].entry = 0;
	return 1;
}

// [signal] Names pc "path+0xoffset" in a ring slot, for results that
// cannot go to the arena. Returns 1 frame, or 0 for a PC in no module.
static int fallback_in_ring(uintptr_t pc, struct cgosym_frame *out, int max) {
	unsigned slot = __atomic_fetch_add(&ring_next, 1, __ATOMIC_RELAXED) % RING_SLOTS;
	if (max < 1 || format_unnamed(ring[slot], sizeof ring[slot], pc) < 0) {
		return 0;
	}
	out[0].function = ring[slot];
	out[0].file = NULL;
	out[0].line = 0;
	out[0].entry = 0;
	return 1;
}

// [signal] Whether the helper's answer is only its own module+offset name
// for pc (one frame, no file, a '+' that no C or C++ name contains): then
// the parent's name replaces it, to print the build-id once per object.
static int answer_is_unnamed(const struct cache_entry *e) {
	if (e->n != 1 || e->frames[0].file != NULL) {
		return 0;
	}
	for (const char *p = e->frames[0].function; p[0] != '\0'; p++) {
		if (p[0] == '+' && p[1] == '0' && p[2] == 'x') {
			return 1;
		}
	}
	return 0;
}

// [dying] Fills helper_envp: the parent's environment (so that the helper
// finds the same shared libraries) without any stale marker, plus ours.
// The array is read with cgosym_read_memory: a setenv on another thread
// may be replacing it right now.
static void build_environment(int fd, pid_t parent) {
	size_t len = 0;
	copy_bytes(helper_marker, HELPER_MARKER "=", HELPER_MARKER_LEN + 1);
	len = HELPER_MARKER_LEN + 1;
	len += format_decimal(helper_marker + len, (unsigned long)fd);
	helper_marker[len++] = ',';
	len += format_decimal(helper_marker + len, (unsigned long)parent);
	helper_marker[len] = '\0';

	size_t n = 0;
	char **env = environ;
	for (size_t i = 0; env != NULL && n < ENV_MAX; i++) {
		char *var;
		if (cgosym_read_memory(&var, (uintptr_t)(env + i), sizeof var) != 0 || var == NULL) {
			break;
		}
		char prefix[HELPER_MARKER_LEN + 1];
		if (cgosym_read_memory(prefix, (uintptr_t)var, sizeof prefix) == 0) {
			size_t j = 0;
			while (j < sizeof prefix && prefix[j] == helper_marker[j]) {
				j++;
			}
			if (j == sizeof prefix) {
				continue; // a stale marker
			}
		}
		helper_envp[n++] = var;
	}
	helper_envp[n++] = helper_marker;
	helper_envp[n] = NULL;
}

#if defined(CGOSYM_ASAN_BUILD) && defined(__x86_64__)
// Under AddressSanitizer, vfork is ASan's, and it unpoisons the caller's
// stack from the thread's stack bottom up to the caller's stack pointer.
// We call it on Go's signal stack, which lies below that bottom: the range
// wraps, and its memset kills the process in the middle of the crash
// report. The child only calls execve, leaving nothing to unpoison: ask the
// kernel directly, as glibc's vfork does (the return address is kept in a
// register across the call, since the child reuses the stack). Returns
// -errno on failure.
pid_t cgosym_raw_vfork(void) __attribute__((visibility("hidden")));
__asm__(
	".text\n"
	".globl cgosym_raw_vfork\n"
	".type cgosym_raw_vfork, @function\n"
	".p2align 4\n"
	"cgosym_raw_vfork:\n"
	".cfi_startproc\n"
	"	endbr64\n"
	"	popq %rdi\n"
	".cfi_adjust_cfa_offset -8\n"
	".cfi_register %rip, %rdi\n"
	"	movl $58, %eax\n" // SYS_vfork, checked below
	"	syscall\n"
	"	pushq %rdi\n"
	".cfi_adjust_cfa_offset 8\n"
	".cfi_rel_offset %rip, 0\n"
	"	ret\n"
	".cfi_endproc\n"
	".size cgosym_raw_vfork, .-cgosym_raw_vfork\n");
_Static_assert(SYS_vfork == 58, "the system call number in cgosym_raw_vfork");
#define vfork cgosym_raw_vfork
#endif

// [dying] Starts the helper: socketpair, vfork, execve. Our end is
// close-on-exec, so the helper sees EOF when we die. The helper's end must
// survive the exec: its close-on-exec flag is cleared here rather than in
// the vfork child, which does nothing but execve and _exit; the flag is
// off only until vfork returns and we close that end. All signals stay
// blocked across vfork (the child shares our memory and stack and must not
// run a handler); the helper's constructor unblocks them.
static int start_helper(void) {
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, socket_pair) != 0) {
		return -1;
	}
	if (fcntl(socket_pair[1], F_SETFD, 0) != 0) {
		close(socket_pair[0]);
		close(socket_pair[1]);
		return -1;
	}
	build_environment(socket_pair[1], getpid());

	uint64_t all = ~(uint64_t)0, old = 0;
	int masked = syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, sizeof all) == 0;
	pid_t pid = vfork();
	if (pid == 0) {
		// The child: until execve it shares the parent's memory and
		// stack, so it calls execve or _exit and nothing else.
		execve(helper_exe, helper_argv, helper_envp);
		_exit(127);
	}
	if (masked) {
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof old);
	}
	close(socket_pair[1]);
	if (pid < 0) {
		close(socket_pair[0]);
		return -1;
	}
	helper_fd = socket_pair[0];
	helper_pid = pid;
	return 0;
}

// [dying] Gives up on the helper for good. It is killed only when it may
// still be running (it did not hang up): after EOF it may already have
// been reaped by someone else's waitpid(-1) and its pid reused.
static void retire_helper(int still_running) {
	if (helper_state == HELPER_RUNNING) {
		if (still_running && helper_pid > 0) {
			kill(helper_pid, SIGKILL);
		}
		close(helper_fd);
		helper_fd = -1;
	}
	helper_state = HELPER_RETIRED;
}

// [dying] Waits until fd is ready for events or deadline passes; 1 when
// ready, 0 on timeout, -1 on error.
static int wait_fd(short events, int64_t deadline) {
	for (;;) {
		int64_t left_ns = deadline - now_ns();
		if (left_ns <= 0) {
			return 0;
		}
		struct pollfd p = {.fd = helper_fd, .events = events};
		int rc = poll(&p, 1, (int)((left_ns + 999999) / 1000000));
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return -1;
		}
	}
}

// Outcomes of one conversation.
enum { TALK_OK = 0, TALK_TIMEOUT = -1, TALK_HANGUP = -2, TALK_GARBAGE = -3 };

// [dying] Sends request[0, len) and reads the whole answer into answer.
static int talk(size_t len, int64_t deadline) {
	size_t sent = 0;
	while (sent < len) {
		int rc = wait_fd(POLLOUT, deadline);
		if (rc <= 0) {
			return rc == 0 ? TALK_TIMEOUT : TALK_HANGUP;
		}
		ssize_t n = send(helper_fd, request + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			return TALK_HANGUP;
		}
		sent += (size_t)n;
	}
	answer_len = 0;
	for (;;) {
		int rc = wait_fd(POLLIN, deadline);
		if (rc <= 0) {
			return rc == 0 ? TALK_TIMEOUT : TALK_HANGUP;
		}
		ssize_t n = recv(helper_fd, answer + answer_len, sizeof answer - answer_len, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			return TALK_HANGUP;
		}
		if (n == 0) {
			return TALK_HANGUP;
		}
		answer_len += (size_t)n;
		// Complete at the empty line. Frame lines are never empty, so
		// "\n\n" can only be the end, and "\n" alone the empty answer.
		if (answer[answer_len - 1] == '\n' && (answer_len == 1 || answer[answer_len - 2] == '\n')) {
			return TALK_OK;
		}
		if (answer_len == sizeof answer) {
			return TALK_GARBAGE;
		}
	}
}

// [signal] Parses a hex or decimal number of a field; sets *ok to 0 on any
// character that does not belong.
static uintptr_t parse_number(const char *s, size_t len, int base, int *ok) {
	uintptr_t v = 0;
	size_t i = 0;
	if (base == 16 && len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		i = 2;
	}
	for (; i < len; i++) {
		int d;
		char c = s[i];
		if (c >= '0' && c <= '9') {
			d = c - '0';
		} else if (base == 16 && c >= 'a' && c <= 'f') {
			d = c - 'a' + 10;
		} else if (base == 16 && c >= 'A' && c <= 'F') {
			d = c - 'A' + 10;
		} else {
			*ok = 0;
			return 0;
		}
		v = v * (uintptr_t)base + (uintptr_t)d;
	}
	return v;
}

// Parse results beyond a frame count.
enum { PARSE_GARBAGE = -1, PARSE_FULL = -2 };

// [dying] Parses answer into e->frames (strings interned); returns the
// number of frames, PARSE_GARBAGE, or PARSE_FULL when the arena is full.
static int parse_answer(struct cache_entry *e) {
	const char *p = answer, *end = answer + answer_len - 1; // the empty line
	int n = 0;
	while (p < end) {
		const char *field[4];
		size_t flen[4];
		int nf = 0;
		const char *start = p;
		for (; *p != '\n'; p++) {
			if (*p == '\t') {
				if (nf == 3) {
					return PARSE_GARBAGE;
				}
				field[nf] = start;
				flen[nf++] = (size_t)(p - start);
				start = p + 1;
			}
		}
		if (nf != 3) {
			return PARSE_GARBAGE;
		}
		field[3] = start;
		flen[3] = (size_t)(p - start);
		p++; // the newline
		if (n == CGOSYM_MAX_INLINE) {
			continue; // outer frames beyond what callers can take
		}
		int ok = 1;
		struct cgosym_frame *f = &e->frames[n];
		f->line = (unsigned long)parse_number(field[2], flen[2], 10, &ok);
		f->entry = parse_number(field[3], flen[3], 16, &ok);
		if (!ok || flen[0] == 0) {
			return PARSE_GARBAGE;
		}
		f->function = intern(field[0], flen[0]);
		f->file = flen[1] == 0 ? NULL : intern(field[1], flen[1]);
		if (f->function == NULL || (flen[1] != 0 && f->file == NULL)) {
			return PARSE_FULL;
		}
		n++;
	}
	return n;
}

// [dying] Asks the helper about pc, starting it on first use. Returns the
// number of frames put in e (0: the helper knows no module there), or -1
// when the helper cannot answer (then it is retired), or PARSE_FULL.
static int ask_helper(uintptr_t pc, int have_name, struct cache_entry *e) {
	if (!helper_enabled || helper_state == HELPER_RETIRED) {
		return -1;
	}
	int64_t now = now_ns();
	if (helper_state == HELPER_UNSTARTED) {
		if (start_helper() != 0) {
			helper_state = HELPER_RETIRED;
			return -1;
		}
		helper_state = HELPER_RUNNING;
		budget_end_ns = now + (int64_t)TOTAL_BUDGET_MS * 1000000;
	}
	if (now >= budget_end_ns) {
		retire_helper(1);
		return -1;
	}

	size_t len = cgosym_format_hex(request, pc);
	request[len++] = '\t';
	if (have_name) {
		size_t nlen = string_length(module_name);
		copy_bytes(request + len, module_name, nlen);
		len += nlen;
	}
	request[len++] = '\n';

	int64_t deadline = now + (int64_t)(helper_answered ? ANSWER_MS : FIRST_ANSWER_MS) * 1000000;
	if (deadline > budget_end_ns) {
		deadline = budget_end_ns;
	}
	int rc = talk(len, deadline);
	if (rc != TALK_OK) {
		retire_helper(rc != TALK_HANGUP);
		return -1;
	}
	helper_answered = 1;
	int n = parse_answer(e);
	if (n == PARSE_GARBAGE) {
		retire_helper(1);
		return -1;
	}
	return n;
}

// [dying] The slow path, under lock_word: ask the helper or fall back, and
// cache the result so that the runtime's next call for the same PC (one
// per inline frame) costs nothing.
static int lookup_locked(uintptr_t pc, struct cgosym_frame *out, int max) {
	int n = lookup_cached(pc, out, max); // another thread may have asked
	if (n >= 0) {
		return n;
	}
	unsigned count = cache_count;
	if (count == CACHE_PCS) {
		return fallback_in_ring(pc, out, max);
	}
	struct cache_entry *e = &cache[count];
	int have_name = cgosym_format_module_vaddr(module_name, sizeof module_name, pc) == 0;

	n = ask_helper(pc, have_name, e);
	if (n == PARSE_FULL) {
		return fallback_in_ring(pc, out, max);
	}
	e->n = n;
	if (n <= 0 || answer_is_unnamed(e)) {
		// module_name is free again: the helper has answered. Its own
		// module+offset name stays when ours would be only the address
		// within the object (the headers the loader mapped unreadable).
		int rc = format_unnamed(module_name, sizeof module_name, pc);
		if (rc == 0 || (rc == CGOSYM_UNNAMED_VADDR && n <= 0)) {
			e->frames[0].function = intern(module_name, string_length(module_name));
			if (e->frames[0].function == NULL) {
				// The arena is full: the name as formatted, which
				// may be the object's first mention.
				return max < 1 ? 0 : name_in_ring(module_name, out);
			}
			e->frames[0].file = NULL;
			e->frames[0].line = 0;
			e->frames[0].entry = 0;
			n = 1;
		} else if (n < 0) {
			n = 0;
		}
	}
	e->pc = pc;
	e->n = n;
	__atomic_store_n(&cache_count, count + 1, __ATOMIC_RELEASE);
	return lookup_cached(pc, out, max);
}

// [dying]
int cgosym_crash_lookup(uintptr_t pc, struct cgosym_frame *out, int max) {
	if (max < 1) {
		return 0;
	}
	int saved_errno = errno;
	int n = lookup_cached(pc, out, max);
	if (n < 0) {
		if (try_lock()) {
			n = lookup_locked(pc, out, max);
			unlock();
		} else {
			n = fallback_in_ring(pc, out, max);
		}
	}
	errno = saved_errno;
	return n;
}

// [normal] Decides whether a helper can work here and does the crash
// path's first-time work now: lazy PLT bindings in format.c and memory.c
// (_dl_find_object, strlen, memcpy, syscall) and memcpy/memset here.
void cgosym_crash_init(void) {
	static char scratch[NAME_MAX_LEN];
	static uintptr_t word;
	cgosym_format_module_vaddr(scratch, sizeof scratch, (uintptr_t)&cgosym_crash_init);
	cgosym_format_unnamed(scratch, sizeof scratch, (uintptr_t)&cgosym_crash_init, 1, NULL);
	cgosym_read_memory(&word, (uintptr_t)&constructor_ran, sizeof constructor_ran);
	volatile size_t n = sizeof word;
	memcpy(&word, scratch, n);
	memset(&word, 0, n);

	// Without the constructor (-linkmode=internal), an exec'ed helper
	// would run the whole program again instead of serving.
	if (!constructor_ran) {
		return;
	}
	// The helper must run this file's constructor, so this file must be
	// in the executable that /proc/self/exe names, not in a shared
	// library (-buildmode=c-shared) loaded by some other program.
	struct dl_find_object dlfo;
	if (_dl_find_object((void *)&cgosym_crash_init, &dlfo) != 0 || dlfo.dlfo_link_map == NULL ||
	    dlfo.dlfo_link_map->l_name == NULL || dlfo.dlfo_link_map->l_name[0] != '\0') {
		return;
	}
	const char *interp = getenv(INTERPRETER_VAR);
	if (interp != NULL && interp[0] == '/' && strlen(interp) < sizeof interpreter) {
		ssize_t len = readlink("/proc/self/exe", interpreted_exe, sizeof interpreted_exe - 1);
		if (len <= 0 || (size_t)len >= sizeof interpreted_exe - 1) {
			return;
		}
		interpreted_exe[len] = '\0';
		memcpy(interpreter, interp, strlen(interp) + 1);
		helper_exe = interpreter;
		helper_argv[0] = interpreter;
		helper_argv[1] = interpreted_exe;
	}
	helper_enabled = 1;
}

// ---------------------------------------------------------------------
// Helper side. Everything below runs only in the helper process, [normal].

// [normal] Readlink of /proc/self/exe: how the parent's format.c names the
// main executable, which link_map and dl_iterate_phdr call "".
static char self_exe[4096];

struct module_search {
	const char *name;
	size_t len;
	uintptr_t base;
	int found;
};

// [normal] dl_iterate_phdr callback: finds the module named like the
// parent names it.
static int find_module(struct dl_phdr_info *info, size_t size, void *data) {
	(void)size;
	struct module_search *s = data;
	const char *name = info->dlpi_name;
	if (name == NULL || name[0] == '\0') {
		name = self_exe;
	}
	if (strlen(name) == s->len && memcmp(name, s->name, s->len) == 0) {
		s->base = info->dlpi_addr;
		s->found = 1;
		return 1;
	}
	return 0;
}

// [normal] Translates the parent's "MODULE+0xOFFSET" into this process's
// address of the same instruction; returns 0 and sets *delta (parent
// address minus ours) when the module is loaded here too.
static int translate(uintptr_t pc, const char *name, size_t len, uintptr_t *local, uintptr_t *delta) {
	const char *plus = NULL;
	for (size_t i = 0; i + 2 < len; i++) {
		if (name[i] == '+' && name[i + 1] == '0' && name[i + 2] == 'x') {
			plus = name + i;
		}
	}
	if (plus == NULL) {
		return -1;
	}
	int ok = 1;
	uintptr_t offset = parse_number(plus + 1, len - (size_t)(plus + 1 - name), 16, &ok);
	if (!ok) {
		return -1;
	}
	struct module_search s = {.name = name, .len = (size_t)(plus - name)};
	dl_iterate_phdr(find_module, &s);
	if (!s.found) {
		return -1;
	}
	*local = s.base + offset;
	*delta = pc - *local;
	return 0;
}

// [normal] Appends s to buf at *len, at most max bytes, with tabs and
// newlines (which would break the protocol) turned into spaces.
static void put_field(char *buf, size_t *len, const char *s, size_t max) {
	for (size_t i = 0; s != NULL && s[i] != '\0' && i < max; i++) {
		char c = s[i];
		if (c == '\t' || c == '\n') {
			c = ' ';
		}
		buf[(*len)++] = c;
	}
}

// [normal] Writes all of buf, or exits: the parent is gone.
static void send_all(int fd, const char *buf, size_t len) {
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			_exit(0);
		}
		buf += n;
		len -= (size_t)n;
	}
}

// [normal] Answers one request line (without its newline).
static void serve_request(int fd, struct cgosym_dwarf *d, int self_mode, char *line, size_t len) {
	static char out[ANSWER_MAX];
	static struct cgosym_frame frames[CGOSYM_MAX_INLINE];
	size_t pc_len = 0;
	while (pc_len < len && line[pc_len] != '\t') {
		pc_len++;
	}
	int ok = 1;
	uintptr_t pc = parse_number(line, pc_len, 16, &ok);
	uintptr_t local = pc, delta = 0;
	int n = 0;
	if (ok && pc != 0) {
		if (!self_mode) {
			n = cgosym_dwarf_lookup(d, pc, frames, CGOSYM_MAX_INLINE);
		} else if (pc_len < len &&
			   translate(pc, line + pc_len + 1, len - pc_len - 1, &local, &delta) == 0) {
			n = cgosym_dwarf_lookup(d, local, frames, CGOSYM_MAX_INLINE);
		}
	}
	size_t olen = 0;
	for (int i = 0; i < n; i++) {
		const char *function = frames[i].function;
		if (function == NULL || function[0] == '\0') {
			function = "?";
		}
		put_field(out, &olen, function, FUNC_MAX);
		out[olen++] = '\t';
		put_field(out, &olen, frames[i].file, FILE_MAX);
		out[olen++] = '\t';
		olen += format_decimal(out + olen, frames[i].line);
		out[olen++] = '\t';
		olen += cgosym_format_hex(out + olen, frames[i].entry != 0 ? frames[i].entry + delta : 0);
		out[olen++] = '\n';
	}
	out[olen++] = '\n';
	send_all(fd, out, olen);
}

// [normal] The helper's life: check that the marker is meant for this
// process, open the parent's address space, answer until EOF.
__attribute__((noreturn)) static void serve(const char *marker) {
	// "FD,PID"
	int ok = 1;
	const char *comma = strchr(marker, ',');
	if (comma == NULL) {
		ok = 0;
	}
	int fd = ok ? (int)parse_number(marker, (size_t)(comma - marker), 10, &ok) : -1;
	pid_t parent = ok ? (pid_t)parse_number(comma + 1, strlen(comma + 1), 10, &ok) : 0;
	if (!ok || fd < 0 || parent <= 0) {
		static const char msg[] = "cgosymbolizer: " HELPER_MARKER " is set but malformed; exiting\n";
		if (write(2, msg, sizeof msg - 1) < 0) {
		}
		_exit(2);
	}
	// Die with the thread that started us. If it is already gone, we were
	// re-parented: nobody is waiting for answers. Never run the program.
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) {
		_exit(0);
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		static const char msg[] = "cgosymbolizer: " HELPER_MARKER " is set, but this is no crash helper; exiting\n";
		if (write(2, msg, sizeof msg - 1) < 0) {
		}
		_exit(2);
	}
	// The parent blocked every signal around vfork; the mask survives exec.
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	// Nothing here may write to the parent's stdout; stdin is not ours.
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		if (fd <= 1) {
			int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
			if (moved < 0) {
				_exit(0);
			}
			fd = moved;
		}
		dup2(devnull, 0);
		dup2(devnull, 1);
		if (devnull > 2) {
			close(devnull);
		}
	}
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	self_exe[n > 0 ? n : 0] = '\0';

	// A non-dumpable parent's /proc/PID/maps is closed to us: then use
	// our own mappings of the same files, by module-relative address.
	int self_mode = 0;
	struct cgosym_dwarf *d = cgosym_dwarf_open_pid(parent);
	if (d == NULL) {
		d = cgosym_dwarf_open_self();
		self_mode = 1;
	}
	if (d == NULL) {
		_exit(0); // the parent sees EOF and falls back
	}

	static char in[2 * NAME_MAX_LEN + 64];
	size_t have = 0;
	for (;;) {
		ssize_t r = read(fd, in + have, sizeof in - have);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			_exit(0); // EOF: the parent is done or dead
		}
		have += (size_t)r;
		char *line = in;
		char *nl;
		while ((nl = memchr(line, '\n', have - (size_t)(line - in))) != NULL) {
			serve_request(fd, d, self_mode, line, (size_t)(nl - line));
			line = nl + 1;
		}
		have -= (size_t)(line - in);
		memmove(in, line, have);
		if (have == sizeof in) {
			_exit(2); // no request is this long
		}
	}
}

// [normal] Runs before main, so before the Go runtime starts (external
// linking, cgo's default): in a helper no Go code ever runs. Priority 101
// puts it before the executable's other constructors.
__attribute__((constructor(101))) static void crash_helper_constructor(void) {
	const char *marker = getenv(HELPER_MARKER);
	if (marker == NULL) {
		constructor_ran = 1;
		return;
	}
	serve(marker);
}
