//go:build linux && cgo && arm64

// context_arm64.c — the AArch64 entry of the context callback (context.c).

#include "internal.h"

_Static_assert(sizeof(struct cgosym_entry_registers) == 104, "the frame cgosymbolizer_context builds");

// [normal] The entry point, called by the runtime's C glue
// (_cgo_wait_runtime_init_done, _cgo_release_context) on every C->Go call
// and return. The record path saves the callee-saved registers before any
// compiled code, as a struct cgosym_entry_registers: X19-X29, the return
// address (X30: AArch64 calls leave it in the link register, not on the
// stack) and the stack pointer, which a return leaves as it is. BTI C is a
// no-op on cores without branch target identification.
__asm__(
	".text\n"
	".globl cgosymbolizer_context\n"
	".type cgosymbolizer_context, %function\n"
	".p2align 4\n"
	"cgosymbolizer_context:\n"
	".cfi_startproc\n"
	"	hint #34\n" // bti c
	"	ldr x9, [x0]\n"
	// A conditional branch to another object needs a relocation
	// (R_AARCH64_CONDBR19) that Go's internal linker does not know.
	"	cbz x9, 1f\n"
	"	b cgosym_context_release\n"
	"1:\n"
	"	sub sp, sp, #112\n"
	".cfi_def_cfa_offset 112\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	".cfi_offset x29, -32\n"
	".cfi_offset x30, -24\n"
	"	add x9, sp, #112\n"
	"	str x9, [sp, #96]\n"
	"	mov x1, sp\n"
	"	bl cgosym_context_record\n"
	"	ldr x30, [sp, #88]\n"
	".cfi_restore x29\n"
	".cfi_restore x30\n"
	"	add sp, sp, #112\n"
	".cfi_def_cfa_offset 0\n"
	"	ret\n"
	".cfi_endproc\n"
	".size cgosymbolizer_context, .-cgosymbolizer_context\n");

// [signal]
void cgosym_regs_from_snapshot(const struct cgosym_snapshot *s, uintptr_t regs[CGOSYM_NUM_REGS]) {
	regs[CGOSYM_REG_PC] = s->pc;
	regs[CGOSYM_REG_SP] = s->sp;
	for (int i = 0; i < CGOSYM_NUM_CALLEE_SAVED; i++) {
		regs[CGOSYM_REG_X19 + i] = s->callee_saved[i];
	}
	// At the snapshot's PC, just after the call into the context function,
	// the link register still held that return address.
	regs[CGOSYM_REG_LR] = s->pc;
}
