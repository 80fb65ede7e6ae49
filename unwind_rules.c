//go:build linux && cgo && amd64

// unwind_rules.c — a lock-free table of how to step out of a frame at a
// given PC: where the canonical frame address (CFA) is, where the return
// address and the callee-saved registers were saved. unwinder.c fills it
// from libunwind once per PC and then steps without libunwind: no DWARF
// parsing, no memory-pool lock (two sigprocmask calls per frame), no
// system call at all when the stack pages are already known good.
//
// Writers and readers are signal handlers on any thread, so the table is
// fixed (no malloc), never locked, and never trusted blindly: each slot
// carries a check word over its other words, and a slot torn by two
// writers racing fails the check and reads as a miss. A slot also names the
// module it was learnt in (_dl_find_object's link map and unwind table), so
// a library unloaded and replaced at the same address does not inherit its
// predecessor's rules.

#include <stdint.h>

#include "internal.h"

// 8192 slots of 40 bytes: 320 KiB of zero pages until used. A profile's
// working set is the return addresses of its hot stacks plus sampled
// leaf PCs; a full set evicts, and a miss costs one libunwind step.
#define RULE_BITS 13
#define RULE_SLOTS (1u << RULE_BITS)
#define RULE_WAYS 4
#define CHECK_SALT 0x9e3779b97f4a7c15ull

struct rule_slot {
	uint64_t pc, module, a, b, check;
};

static struct rule_slot rules[RULE_SLOTS];

// [signal]
static uint64_t slot_check(uint64_t pc, uint64_t module, uint64_t a, uint64_t b) {
	uint64_t h = pc * CHECK_SALT;
	h ^= module + (h << 6) + (h >> 2);
	h ^= a * 0xff51afd7ed558ccdull;
	h ^= b * 0xc4ceb9fe1a85ec53ull;
	return h | 1; // never 0: an empty slot never checks
}

// [signal]
static unsigned slot_index(uint64_t pc) {
	return (unsigned)((pc * CHECK_SALT) >> (64 - RULE_BITS));
}

// [signal]
int cgosym_rule_get(uintptr_t pc, uintptr_t module, struct cgosym_rule *out) {
	unsigned h = slot_index(pc);
	for (unsigned w = 0; w < RULE_WAYS; w++) {
		struct rule_slot *s = &rules[(h + w) & (RULE_SLOTS - 1)];
		uint64_t check = __atomic_load_n(&s->check, __ATOMIC_ACQUIRE);
		uint64_t spc = __atomic_load_n(&s->pc, __ATOMIC_RELAXED);
		if (check == 0 || spc != pc) {
			continue;
		}
		uint64_t smod = __atomic_load_n(&s->module, __ATOMIC_RELAXED);
		uint64_t a = __atomic_load_n(&s->a, __ATOMIC_RELAXED);
		uint64_t b = __atomic_load_n(&s->b, __ATOMIC_RELAXED);
		if (smod != module || slot_check(spc, smod, a, b) != check) {
			continue;
		}
		out->a = a;
		out->b = b;
		return 1;
	}
	return 0;
}

// [signal] A full set loses the slot the PC's own bits pick, so that
// concurrent writers of different PCs spread out.
void cgosym_rule_put(uintptr_t pc, uintptr_t module, const struct cgosym_rule *r) {
	unsigned h = slot_index(pc);
	struct rule_slot *victim = &rules[(h + (unsigned)(pc >> 4) % RULE_WAYS) & (RULE_SLOTS - 1)];
	for (unsigned w = 0; w < RULE_WAYS; w++) {
		struct rule_slot *s = &rules[(h + w) & (RULE_SLOTS - 1)];
		if (__atomic_load_n(&s->check, __ATOMIC_RELAXED) == 0) {
			victim = s;
			break;
		}
	}
	// Invalidate, fill, then publish. A reader that sees a mix of two
	// writers' words fails the check.
	__atomic_store_n(&victim->check, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->pc, pc, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->module, module, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->a, r->a, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->b, r->b, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->check, slot_check(pc, module, r->a, r->b), __ATOMIC_RELEASE);
}
