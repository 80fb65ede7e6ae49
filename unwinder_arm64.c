//go:build linux && cgo && arm64

// unwinder_arm64.c — walking C stacks from a signal handler with
// libunwind-aarch64.
//
// The same design as unwinder.c on x86-64, without its rule cache: every
// frame is one step of libunwind's generic ("remote") unwinder, driven by
// accessors of our own, from a cursor made afresh for that frame:
//
//   find_proc_info  glibc's _dl_find_object (lock-free, async-signal-safe)
//                   gives the module's .eh_frame_hdr; libunwind searches it.
//                   Never dl_iterate_phdr, which takes the loader lock.
//   access_mem      every read validated first; snapshot bytes from a copy.
//   access_reg      registers from the signal's ucontext, the snapshot, or
//                   the previous step.
//
// A cursor per frame (rather than one for the whole walk) leaves the
// choices to us that the rest of the package depends on: which PC's unwind
// row applies (the return address - 1 for a caller, the exact PC after a
// signal frame), where Go code begins (the first PC without unwind
// information: runtime.asmcgocall), and not stopping where newer libunwind
// releases would on AArch64 (Debian 12's 1.6.2 does not): they end a walk
// whenever the caller's X29 is 0, which they take for the end of the
// frame-record chain, though code built without frame pointers may leave
// any value there (TestCrash/arm64-caller-x29-zero).
//
// libunwind parses the CFI anew at every frame (about 2.5 µs a frame on
// x86-64; the rule cache of unwinder.c is what makes x86-64 faster). Its
// memory pool lock blocks every signal while held, so no signal handler on
// the same thread can find it taken.

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

_Static_assert(UNW_AARCH64_SP == CGOSYM_REG_SP && UNW_AARCH64_PC == CGOSYM_REG_PC &&
		       UNW_AARCH64_X29 == CGOSYM_REG_FP && UNW_AARCH64_X30 == CGOSYM_REG_LR,
	       "libunwind-aarch64 numbers registers as DWARF does");

// The state of one walk; libunwind passes it to every accessor as "arg".
struct walk {
	struct walk_memory mem; // first: find_proc_info takes the walk as one
	const uintptr_t *regs;  // the frame being stepped from
};

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
	return read_word(&w->mem, addr, val) == 0 ? 0 : -UNW_EINVAL;
}

// [signal] Registers of the frame being stepped from; libunwind tracks the
// rest. Nothing beyond the PC (PSTATE, the vector granule) is known.
static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
		      void *arg) {
	(void)as;
	struct walk *w = arg;
	if (write || reg < 0 || reg >= CGOSYM_NUM_REGS) {
		return -UNW_EBADREG;
	}
	*val = w->regs[reg];
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

// [signal] Whether the code at pc is the kernel's (or glibc's) AArch64
// signal trampoline: mov x8, #139 (rt_sigreturn); svc #0 — what libunwind
// itself checks.
static int is_signal_trampoline(struct walk *w, uintptr_t pc) {
	unw_word_t code;
	if ((pc & 3) != 0 || read_word(&w->mem, pc, &code) != 0) {
		return 0;
	}
	return code == 0xd4000001d2801168ull;
}

// What one step found.
enum step_result {
	STEP_OK,      // regs now hold the caller's registers
	STEP_END,     // the outermost frame (return address undefined)
	STEP_NOINFO,  // no unwind information: Go code, or code without CFI
	STEP_FAILED,  // an unreadable or inconsistent frame
};

// [signal] One libunwind step from regs, with lookup_pc as the PC whose
// unwind row applies. *signal_frame says whether the frame stepped from
// was a signal trampoline (libunwind asks before it steps, on AArch64).
static enum step_result step(struct walk *w, uintptr_t regs[CGOSYM_NUM_REGS], uintptr_t lookup_pc,
			     int *signal_frame) {
	uintptr_t from[CGOSYM_NUM_REGS];
	memcpy(from, regs, sizeof from);
	from[CGOSYM_REG_PC] = lookup_pc;
	w->regs = from;
	w->mem.no_info = 0;
	*signal_frame = 0;
	unw_cursor_t cursor;
	if (unw_init_remote(&cursor, address_space, w) < 0) {
		return STEP_FAILED;
	}
	*signal_frame = unw_is_signal_frame(&cursor) > 0;
	unw_proc_info_t proc;
	int have_proc = !*signal_frame && unw_get_proc_info(&cursor, &proc) == 0;
	int ret = unw_step(&cursor);
	if (w->mem.no_info) {
		return STEP_NOINFO;
	}
	if (ret < 0) {
		return STEP_FAILED;
	}
	uintptr_t next[CGOSYM_NUM_REGS];
	memcpy(next, regs, sizeof next);
	for (int r = 0; r < CGOSYM_NUM_REGS; r++) {
		unw_word_t v;
		if (r != CGOSYM_REG_PC && unw_get_reg(&cursor, (unw_regnum_t)r, &v) >= 0) {
			next[r] = v;
		}
	}
	unw_word_t ip;
	if (ret == 0) {
		// libunwind ends the walk when the return address is undefined
		// (the thread's outermost frame), and releases after 1.6.2 also
		// whenever the caller's X29 is 0. In the second case the return
		// address was found: the caller's X30, just written by its call,
		// holds it.
		unw_word_t fp, lr;
		if (*signal_frame || unw_get_reg(&cursor, UNW_AARCH64_X29, &fp) < 0 || fp != 0 ||
		    unw_get_reg(&cursor, UNW_AARCH64_X30, &lr) < 0 || lr == 0 ||
		    !in_any_module(lr)) {
			return STEP_END;
		}
		ip = lr;
	} else if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0) {
		return STEP_FAILED;
	}
	// A step from a frame whose procedure libunwind could not describe,
	// though its FDE was found, is libunwind guessing from X30 after CFI
	// it could not parse (1.6.2 and DW_CFA_AARCH64_negate_ra_state, which
	// -mbranch-protection emits): the guess prints this frame again.
	// Likewise, no function is its own caller at the same stack pointer
	// (a call from itself would have saved its return address).
	if (ret > 0 && !*signal_frame &&
	    (!have_proc || (next[CGOSYM_REG_SP] == from[CGOSYM_REG_SP] && ip >= proc.start_ip && ip < proc.end_ip))) {
		return STEP_FAILED;
	}
	next[CGOSYM_REG_PC] = ip;
	memcpy(regs, next, sizeof next);
	return STEP_OK;
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
	int same_sp = 0;
	for (int frame = 0; n < max; frame++) {
		uintptr_t ip = regs[CGOSYM_REG_PC], sp = regs[CGOSYM_REG_SP];
		if (frame == 0 && skip == 0 && !in_any_module(ip)) {
			// A call through a NULL or garbage function pointer: the
			// signal landed where no code is, and the caller's return
			// address is in the link register. Report the address (unless
			// 0, which would end the list), then walk on from the caller.
			uintptr_t return_address = regs[CGOSYM_REG_LR];
			if (!in_any_module(return_address)) {
				break;
			}
			if (ip != 0) {
				if (buf != NULL) {
					buf[n] = ip;
				}
				n++;
			}
			regs[CGOSYM_REG_PC] = return_address;
			exact = 0;
			prev_sp = sp;
			same_sp = 0; // the "frame" at ip had no stack of its own
			continue;
		}
		if (ip == 0) {
			break;
		}
		// Unwind info that lies can send the walk in circles: the stack
		// pointer must grow, except across a signal frame (sigaltstack).
		// A function that keeps its frame in registers (a leaf) has its
		// caller's stack pointer: once in a row is allowed.
		if (frame > 0 && !exact) {
			if (sp < prev_sp || (sp == prev_sp && same_sp)) {
				break;
			}
			same_sp = sp == prev_sp;
		} else {
			same_sp = 0;
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
		// address was set by the kernel, not returned to, and is looked up
		// as is.
		int trampoline = !exact && is_signal_trampoline(&w, ip);
		uintptr_t lookup_pc = exact || trampoline ? ip : ip - 1;
		int signal_frame = 0;
		enum step_result r = step(&w, regs, lookup_pc, &signal_frame);
		// After a signal trampoline the interrupted frame's PC is exact,
		// and so is the trampoline's: it was never called.
		uintptr_t pc = exact || signal_frame ? ip : ip - 1;
		if (r == STEP_NOINFO) {
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
		if (r == STEP_END) {
			// The outermost frame (its return address is undefined, as in
			// start_thread's caller): the whole stack was C.
			if (reached_end != NULL) {
				*reached_end = 1;
			}
			break;
		}
		if (r != STEP_OK) {
			break;
		}
		exact = signal_frame;
	}
	return n;
}

// [signal]
void cgosym_regs_from_ucontext(const void *ucontext, uintptr_t regs[CGOSYM_NUM_REGS]) {
	const ucontext_t *uc = ucontext;
	for (int i = 0; i < 31; i++) {
		regs[i] = (uintptr_t)uc->uc_mcontext.regs[i];
	}
	regs[CGOSYM_REG_SP] = (uintptr_t)uc->uc_mcontext.sp;
	regs[CGOSYM_REG_PC] = (uintptr_t)uc->uc_mcontext.pc;
}

// [signal]
uintptr_t cgosym_pc_from_ucontext(const void *ucontext) {
	const ucontext_t *uc = ucontext;
	return (uintptr_t)uc->uc_mcontext.pc;
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
	// unloaded and then replaced at the same address.
	unw_set_caching_policy(as, UNW_CACHE_NONE);
	address_space = as;
	warm_up();
	return 0;
}
