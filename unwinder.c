//go:build linux && cgo && amd64

// unwinder.c — walking C stacks from a signal handler with libunwind.
//
// Stock local unwinding (unw_init_local + unw_step) is not safe here: on a
// cache miss it calls dl_iterate_phdr while holding libunwind's cache lock,
// and a SIGPROF landing inside the loader lock deadlocked it in under 4 s
// (shared/notes/unwinding.md). So we drive libunwind's generic ("remote")
// unwinder with accessors of our own:
//
//   find_proc_info  glibc's _dl_find_object (lock-free, async-signal-safe)
//                   gives the module's .eh_frame_hdr; libunwind searches it.
//   access_mem      every read validated first; snapshot bytes from a copy.
//   access_reg      registers from the signal's ucontext or the snapshot.
//
// libunwind still takes its own internal locks (its memory pool), but it
// blocks every signal while it holds them, so no signal handler on the same
// thread can find them taken.
//
// libunwind is slow here (about 2.5 µs a frame: it parses the CFI anew at
// every frame and its pool lock costs two sigprocmask calls), so it runs
// once per PC only. That first time, it steps from symbolic registers
// (learn_rule): values that cannot be addresses, and memory that answers a
// read with a marker of the address read. What comes out (the stack
// pointer is RSP+24, the return address was loaded from RSP+16, ...) is a
// rule, kept in unwind_rules.c's table, and every later frame at that PC is
// stepped by applying the rule: two or three validated loads.

#include <errno.h>
#include <link.h>
#include <dlfcn.h>
#include <string.h>
#include <ucontext.h>

#define UNW_REMOTE_ONLY
#include <libunwind.h>

#include "bind_now.h"
#include "internal.h"
#include "unwind_memory.h"

#ifdef CGOSYMBOLIZER_STATIC
// With -tags cgosymbolizer_static, libunwind-x86_64.a is linked, and its
// Ginit.o (which every unwinder needs) drags in the local-resume code,
// which calls _Ux86_64_setcontext — defined only in libunwind.a, the
// local-only library, which would also offer its own _Unwind_* to every C++
// object earlier on the link line (the deadlock-prone exception unwinder
// the dynamic build keeps behind libgcc_s). We never resume a context (we
// only read frames), so a hidden definition satisfies the link instead; it
// is not exported from the program and stops the process if ever reached.
__attribute__((visibility("hidden"), used, noreturn)) void cgosym_unused_setcontext(void) __asm__(
	"_Ux86_64_setcontext");
void cgosym_unused_setcontext(void) {
	__builtin_trap();
}
#endif

// The state of one walk; libunwind passes it to every accessor as "arg".
struct walk {
	struct walk_memory mem; // first: find_proc_info takes the walk as one
	// learn_rule's walk: registers and stack are symbolic (see below).
	int symbolic;
	uintptr_t symbolic_pc;
};

// Symbolic values (learn_rule). Register r starts as fake_reg(r), a
// non-canonical address no real one can equal; memory at such an address
// reads as that address + MARK_DELTA, also non-canonical. After a step,
// fake_reg(r) + k means "r + k", and a marker means "loaded from there".
#define FAKE_BASE 0x4000000000000000ull
#define FAKE_SPAN ((uint64_t)1 << 40)
#define FAKE_END (FAKE_BASE + CGOSYM_NUM_REGS * FAKE_SPAN)
#define MARK_DELTA 0x1000000000000000ull

// [signal]
static uint64_t fake_reg(int r) {
	return FAKE_BASE + (uint64_t)r * FAKE_SPAN + FAKE_SPAN / 2;
}

// [signal] Splits a symbolic value into register + offset; 0 if it is not
// one.
static int decode_fake(uint64_t v, int *reg, int64_t *off) {
	if (v < FAKE_BASE || v >= FAKE_END) {
		return 0;
	}
	*reg = (int)((v - FAKE_BASE) / FAKE_SPAN);
	*off = (int64_t)(v - fake_reg(*reg));
	return 1;
}

// The address space, created once by cgosym_unwind_init; read-only after.
static unw_addr_space_t address_space;

// [signal] Reads only; the unwinder has no business writing the stack.
static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
		      void *arg) {
	(void)as;
	struct walk *w = arg;
	if (write) {
		return -UNW_EINVAL;
	}
	if (w->symbolic && addr >= FAKE_BASE - 65536 && addr < FAKE_END + 65536) {
		*val = addr + MARK_DELTA;
		return 0;
	}
	return read_word(&w->mem, addr, val) == 0 ? 0 : -UNW_EINVAL;
}

// [signal] Registers of the starting frame only; libunwind tracks the rest.
static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
		      void *arg) {
	(void)as;
	struct walk *w = arg;
	if (write || reg < 0 || reg >= CGOSYM_NUM_REGS) {
		return -UNW_EBADREG;
	}
	if (w->symbolic) {
		*val = reg == CGOSYM_REG_RIP ? w->symbolic_pc : fake_reg(reg);
		return 0;
	}
	*val = w->mem.start->regs[reg];
	return 0;
}

// [signal] Floating-point registers never take part in finding callers.
static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
			void *arg) {
	(void)as;
	(void)reg;
	(void)val;
	(void)write;
	(void)arg;
	return -UNW_EBADREG;
}

// [signal] We only ever look at stacks, never resume them.
static int resume(unw_addr_space_t as, unw_cursor_t *cursor, void *arg) {
	(void)as;
	(void)cursor;
	(void)arg;
	return -UNW_EINVAL;
}

// [signal] Names come from the symbolizer, not the unwinder.
static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
			 unw_word_t *offset, void *arg) {
	(void)as;
	(void)addr;
	(void)buf;
	(void)len;
	(void)offset;
	(void)arg;
	return -UNW_ENOINFO;
}

// [signal] Whether pc is in some loaded object (else no code is there).
static int in_any_module(uintptr_t pc) {
	struct dl_find_object dlfo;
	return cgosym_find_object(pc, &dlfo) == 0;
}

// [signal] Whether pc is in the main executable, where Go's code lives too.
static int in_main_executable(uintptr_t pc) {
	struct dl_find_object dlfo;
	if (cgosym_find_object(pc, &dlfo) != 0 || dlfo.dlfo_link_map == NULL) {
		return 0;
	}
	return dlfo.dlfo_link_map->l_name == NULL || dlfo.dlfo_link_map->l_name[0] == '\0';
}

// ---- Rules ----

// What a rule says to do at a PC.
enum rule_kind {
	RULE_FAST = 1,   // apply it: the CFA and the saved registers below
	RULE_SLOW = 2,   // beyond what a rule can say: let libunwind step
	RULE_NOINFO = 3, // no unwind information: Go code, or code without CFI
	RULE_END = 4,    // the outermost frame (return address undefined)
};

// The callee-saved registers a rule restores, in the order of its bytes.
static const int saved_regs[6] = {
	CGOSYM_REG_RBX, CGOSYM_REG_RBP, CGOSYM_REG_R12, CGOSYM_REG_R12 + 1, CGOSYM_REG_R12 + 2, CGOSYM_REG_R12 + 3,
};

// Rule words: a = kind | base register (bit 4: RBP, else RSP) | return
// address offset from the CFA << 16 (int16) | CFA offset << 32 (int32);
// b = one int8 per saved register, its slot's offset from the CFA in
// words, 0 when the register keeps its value.
#define RULE_BASE_RBP 0x10u

// [signal]
static struct cgosym_rule rule_of_kind(enum rule_kind kind) {
	struct cgosym_rule r = {(uint64_t)kind, 0};
	return r;
}

// [signal] Steps once from symbolic registers at pc and reads the rule off
// the result. Anything a rule cannot express (a CFA computed by an
// expression or from another register, a signal frame, a register copied
// from another register) makes the rule RULE_SLOW.
static struct cgosym_rule learn_rule(uintptr_t pc) {
	static const struct cgosym_unwind_start no_start;
	struct walk w;
	memset(&w, 0, sizeof w);
	w.mem.start = &no_start;
	w.symbolic = 1;
	w.symbolic_pc = pc;
	unw_cursor_t cursor;
	if (unw_init_remote(&cursor, address_space, &w) < 0) {
		return rule_of_kind(RULE_SLOW);
	}
	int step = unw_step(&cursor);
	if (w.mem.no_info) {
		return rule_of_kind(RULE_NOINFO);
	}
	if (step == 0) {
		return rule_of_kind(RULE_END);
	}
	if (step < 0 || unw_is_signal_frame(&cursor) > 0) {
		return rule_of_kind(RULE_SLOW);
	}
	unw_word_t sp, ip;
	int base, ra_base;
	int64_t cfa_off, ra_off;
	if (unw_get_reg(&cursor, UNW_REG_SP, &sp) < 0 || unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 ||
	    !decode_fake(sp, &base, &cfa_off) || (base != CGOSYM_REG_RSP && base != CGOSYM_REG_RBP) ||
	    cfa_off < INT32_MIN || cfa_off > INT32_MAX || !decode_fake(ip - MARK_DELTA, &ra_base, &ra_off) ||
	    ra_base != base || ra_off - cfa_off < INT16_MIN || ra_off - cfa_off > INT16_MAX) {
		return rule_of_kind(RULE_SLOW);
	}
	struct cgosym_rule r;
	r.a = RULE_FAST | (base == CGOSYM_REG_RBP ? RULE_BASE_RBP : 0) |
	      ((uint64_t)(uint16_t)(int16_t)(ra_off - cfa_off) << 16) | ((uint64_t)(uint32_t)(int32_t)cfa_off << 32);
	r.b = 0;
	for (int i = 0; i < 6; i++) {
		unw_word_t v;
		int reg;
		int64_t off;
		if (unw_get_reg(&cursor, (unw_regnum_t)saved_regs[i], &v) < 0) {
			return rule_of_kind(RULE_SLOW);
		}
		if (v == fake_reg(saved_regs[i])) {
			continue; // keeps its value
		}
		if (!decode_fake(v - MARK_DELTA, &reg, &off) || reg != base || (off - cfa_off) % 8 != 0 ||
		    (off - cfa_off) / 8 < INT8_MIN || (off - cfa_off) / 8 >= 0) {
			return rule_of_kind(RULE_SLOW);
		}
		r.b |= (uint64_t)(uint8_t)(int8_t)((off - cfa_off) / 8) << (8 * i);
	}
	return r;
}

// [signal] Steps regs out of a frame by rule r. 0, or -1 when a load fails.
static int apply_rule(struct walk *w, const struct cgosym_rule *r, uintptr_t regs[CGOSYM_NUM_REGS]) {
	int base = (r->a & RULE_BASE_RBP) ? CGOSYM_REG_RBP : CGOSYM_REG_RSP;
	uintptr_t cfa = regs[base] + (uintptr_t)(int64_t)(int32_t)(uint32_t)(r->a >> 32);
	unw_word_t ra, saved[6];
	if (read_word(&w->mem, cfa + (uintptr_t)(int64_t)(int16_t)(uint16_t)(r->a >> 16), &ra) != 0) {
		return -1;
	}
	for (int i = 0; i < 6; i++) {
		int8_t slot = (int8_t)(uint8_t)(r->b >> (8 * i));
		saved[i] = regs[saved_regs[i]];
		if (slot != 0 && read_word(&w->mem, cfa + (uintptr_t)((int64_t)slot * 8), &saved[i]) != 0) {
			return -1;
		}
	}
	for (int i = 0; i < 6; i++) {
		regs[saved_regs[i]] = saved[i];
	}
	regs[CGOSYM_REG_RSP] = cfa;
	regs[CGOSYM_REG_RIP] = ra;
	return 0;
}

// [signal] Whether the code at pc is glibc's x86-64 signal trampoline
// (__restore_rt: mov $15, %rax; syscall), as libunwind itself checks.
static int is_signal_trampoline(struct walk *w, uintptr_t pc) {
	static const unsigned char restore_rt[9] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
	unsigned char code[16];
	unw_word_t lo, hi;
	if (read_word(&w->mem, pc, &lo) != 0 || read_word(&w->mem, pc + 8, &hi) != 0) {
		return 0;
	}
	memcpy(code, &lo, 8);
	memcpy(code + 8, &hi, 8);
	return memcmp(code, restore_rt, sizeof restore_rt) == 0;
}

// [signal] One step by libunwind from regs, for frames no rule covers.
// lookup_pc is the PC whose unwind row applies. Returns unw_step's result;
// *signal_frame says whether the frame stepped from was a signal frame.
static int slow_step(struct walk *w, const struct cgosym_unwind_start *start, uintptr_t regs[CGOSYM_NUM_REGS],
		     uintptr_t lookup_pc, int *signal_frame) {
	struct cgosym_unwind_start here = *start;
	memcpy(here.regs, regs, sizeof here.regs);
	here.regs[CGOSYM_REG_RIP] = lookup_pc;
	w->mem.start = &here;
	*signal_frame = 0;
	unw_cursor_t cursor;
	if (unw_init_remote(&cursor, address_space, w) < 0) {
		w->mem.start = start;
		return -UNW_EUNSPEC;
	}
	w->mem.no_info = 0;
	int step = unw_step(&cursor);
	if (step > 0) {
		*signal_frame = unw_is_signal_frame(&cursor) > 0;
		unw_word_t v;
		if (unw_get_reg(&cursor, UNW_REG_IP, &v) < 0) {
			step = -UNW_EUNSPEC;
		} else {
			regs[CGOSYM_REG_RIP] = v;
		}
		if (step > 0 && unw_get_reg(&cursor, UNW_REG_SP, &v) >= 0) {
			regs[CGOSYM_REG_RSP] = v;
		} else {
			step = -UNW_EUNSPEC;
		}
		for (int i = 0; i < 6 && step > 0; i++) {
			if (unw_get_reg(&cursor, (unw_regnum_t)saved_regs[i], &v) >= 0) {
				regs[saved_regs[i]] = v;
			}
		}
		// The frame a signal interrupted had every register live, all of
		// them saved in the signal frame: its CFA may be based on any
		// (R10 in a stack-realigning prologue, say).
		for (int r = 0; r < CGOSYM_REG_RIP && step > 0 && *signal_frame; r++) {
			if (r != CGOSYM_REG_RSP && unw_get_reg(&cursor, (unw_regnum_t)r, &v) >= 0) {
				regs[r] = v;
			}
		}
	}
	w->mem.start = start;
	return step;
}

// [signal] The loaded object holding pc, as an identity that changes when
// it is unloaded and something else is loaded there; 0 for none. A
// different build loaded at the same address into the same link-map
// allocation with its unwind table at the same address would pass for the
// old one and step by its rules: wrong frames for that object, never a
// fault (every load is validated). Reading the table to tell such builds
// apart cost a page probe per object per walk, 4-8 times the whole step.
static uintptr_t module_identity(uintptr_t pc) {
	struct dl_find_object dlfo;
	if (cgosym_find_object(pc, &dlfo) != 0) {
		return 0;
	}
	return ((uintptr_t)dlfo.dlfo_link_map ^ ((uintptr_t)dlfo.dlfo_eh_frame << 1) ^ (uintptr_t)dlfo.dlfo_map_start) | 1;
}

// ---- Walking ----

// [signal]
size_t cgosym_unwind(const struct cgosym_unwind_start *start, uintptr_t *buf, size_t max,
		     int *reached_end) {
	if (reached_end != NULL) {
		*reached_end = 0;
	}
	if (address_space == NULL || max == 0) {
		return 0;
	}
	struct walk w;
	memset(&w, 0, sizeof w);
	w.mem.start = start;

	uintptr_t regs[CGOSYM_NUM_REGS];
	memcpy(regs, start->regs, sizeof regs);
	size_t n = 0;
	int skip = start->skip;
	int exact = 1; // frame 0, and the frame after a signal frame
	uintptr_t prev_sp = 0;
	for (int frame = 0; n < max; frame++) {
		uintptr_t ip = regs[CGOSYM_REG_RIP], sp = regs[CGOSYM_REG_RSP];
		if (frame == 0 && skip == 0 && !in_any_module(ip)) {
			// A call through a NULL or garbage function pointer: the
			// signal landed where no code is, and the caller's return
			// address is on top of the stack. Report the address (unless
			// 0, which would end the list), then walk on from the caller.
			uintptr_t return_address;
			if (cgosym_read_memory(&return_address, sp, sizeof return_address) != 0 ||
			    !in_any_module(return_address)) {
				break;
			}
			if (ip != 0) {
				if (buf != NULL) {
					buf[n] = ip;
				}
				n++;
			}
			regs[CGOSYM_REG_RIP] = return_address;
			regs[CGOSYM_REG_RSP] = sp + sizeof return_address;
			exact = 0;
			prev_sp = sp;
			continue;
		}
		if (ip == 0) {
			break;
		}
		// Unwind info that lies can send the walk in circles: the stack
		// pointer must grow, except across a signal frame (sigaltstack).
		if (frame > 0 && !exact && sp <= prev_sp) {
			break;
		}
		// From a snapshot, frame 1's stack pointer is where the copied frame
		// ended. A frame bigger than the copy (a runtime built with
		// sanitizers, say) was read partly from a stack reused since: stop.
		if (frame == 1 && start->copy != NULL && sp - start->copy_base > CGOSYM_SNAPSHOT_STACK) {
			break;
		}
		prev_sp = sp;

		// The unwind row that applies is the one of the call instruction
		// (return address - 1) for a caller; a signal trampoline's own
		// address was pushed, not returned to, and is looked up as is
		// (glibc's unwind info for it starts one byte early, so the rule
		// cache, keyed by ip - 1, sees it too and leaves it to libunwind).
		uintptr_t lookup_pc = exact ? ip : ip - 1;
		uintptr_t module = module_identity(lookup_pc);
		struct cgosym_rule rule;
		if (module == 0 || !cgosym_rule_get(lookup_pc, module, &rule)) {
			rule = learn_rule(lookup_pc);
			if (module != 0) {
				cgosym_rule_put(lookup_pc, module, &rule);
			}
		}
		enum rule_kind kind = (enum rule_kind)(rule.a & 0xf);
		int signal_frame = 0, step = 1;
		if (kind == RULE_SLOW) {
			uintptr_t libunwind_pc = exact || !is_signal_trampoline(&w, ip) ? lookup_pc : ip;
			step = slow_step(&w, start, regs, libunwind_pc, &signal_frame);
			if (w.mem.no_info) {
				kind = RULE_NOINFO;
			} else if (step == 0) {
				kind = RULE_END;
			}
		}
		// After a signal trampoline the interrupted frame's PC is exact,
		// and so is the trampoline's: it was never called.
		uintptr_t pc = exact || signal_frame ? ip : ip - 1;
		if (kind == RULE_NOINFO) {
			// No unwind information for this frame: Go code (the walk has
			// reached runtime.asmcgocall or the like) or assembly without
			// CFI. The exact PC where a signal landed is still worth
			// reporting if it cannot be Go's, i.e. outside the main
			// executable.
			if (frame == 0 && skip == 0 && exact && !in_main_executable(pc)) {
				if (buf != NULL) {
					buf[n] = pc;
				}
				n++;
			}
			break;
		}
		if (skip > 0) {
			skip--;
		} else {
			if (buf != NULL) {
				buf[n] = pc;
			}
			n++;
		}
		if (kind == RULE_END) {
			// The outermost frame (its return address is undefined, as in
			// start_thread's caller): the whole stack was C.
			if (reached_end != NULL) {
				*reached_end = 1;
			}
			break;
		}
		if (kind == RULE_FAST ? apply_rule(&w, &rule, regs) != 0 : step < 0) {
			break;
		}
		exact = signal_frame;
	}
	return n;
}

// [signal]
void cgosym_regs_from_ucontext(const void *ucontext, uintptr_t regs[CGOSYM_NUM_REGS]) {
	// DWARF's register order, as glibc's ucontext names them.
	static const int greg_of[CGOSYM_NUM_REGS] = {
		REG_RAX, REG_RDX, REG_RCX, REG_RBX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
		REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15, REG_RIP,
	};
	const ucontext_t *uc = ucontext;
	for (int i = 0; i < CGOSYM_NUM_REGS; i++) {
		regs[i] = (uintptr_t)uc->uc_mcontext.gregs[greg_of[i]];
	}
}

// [signal]
uintptr_t cgosym_pc_from_ucontext(const void *ucontext) {
	const ucontext_t *uc = ucontext;
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
}

// [normal] A walk from here, so that everything libunwind and the dynamic
// linker do lazily the first time happens now, not inside a signal handler.
static void warm_up(void) {
	struct cgosym_unwind_start start;
	memset(&start, 0, sizeof start);
	ucontext_t uc;
	if (getcontext(&uc) != 0) {
		return;
	}
	cgosym_regs_from_ucontext(&uc, start.regs);
	uintptr_t pcs[8];
	(void)cgosym_unwind(&start, pcs, 8, NULL);
}

// [normal]
int cgosym_unwind_init(void) {
	static unw_accessors_t accessors = {
		.find_proc_info = find_proc_info,
		.put_unwind_info = put_unwind_info,
		.get_dyn_info_list_addr = get_dyn_info_list_addr,
		.access_mem = access_mem,
		.access_reg = access_reg,
		.access_fpreg = access_fpreg,
		.resume = resume,
		.get_proc_name = get_proc_name,
	};
	if (address_space != NULL) {
		return 0;
	}
	unw_addr_space_t as = unw_create_addr_space(&accessors, 0);
	if (as == NULL) {
		return -1;
	}
	// No caching: libunwind's cache would keep rows of a library that was
	// unloaded and then replaced at the same address, and its lock costs
	// two sigprocmask calls per frame anyway.
	unw_set_caching_policy(as, UNW_CACHE_NONE);
	address_space = as;
	warm_up();
	return 0;
}
