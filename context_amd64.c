//go:build linux && cgo && amd64

// context_amd64.c — the x86-64 entry of the context callback (context.c).

#include "internal.h"

_Static_assert(sizeof(struct cgosym_entry_registers) == 64, "the frame cgosymbolizer_context builds");

// [normal] The entry point, called by the runtime's C glue on every C->Go
// call and return. C cannot promise that the callee-saved
// registers still hold the caller's values by the time its first statement
// runs, so the record path saves them before any compiled code, as a
// struct cgosym_entry_registers: RBX, RBP, R12-R15, the return address and
// the stack pointer after the return.
__asm__(
	".text\n"
	".globl cgosymbolizer_context\n"
	".type cgosymbolizer_context, @function\n"
	".p2align 4\n"
	"cgosymbolizer_context:\n"
	".cfi_startproc\n"
	"	endbr64\n"
	"	cmpq $0, (%rdi)\n"
	"	jne cgosym_context_release\n"
	"	subq $72, %rsp\n"
	".cfi_adjust_cfa_offset 72\n"
	"	movq %rbx, 0(%rsp)\n"
	"	movq %rbp, 8(%rsp)\n"
	"	movq %r12, 16(%rsp)\n"
	"	movq %r13, 24(%rsp)\n"
	"	movq %r14, 32(%rsp)\n"
	"	movq %r15, 40(%rsp)\n"
	"	movq 72(%rsp), %rax\n"
	"	movq %rax, 48(%rsp)\n"
	"	leaq 80(%rsp), %rax\n"
	"	movq %rax, 56(%rsp)\n"
	"	movq %rsp, %rsi\n"
	"	call cgosym_context_record\n"
	"	addq $72, %rsp\n"
	".cfi_adjust_cfa_offset -72\n"
	"	ret\n"
	".cfi_endproc\n"
	".size cgosymbolizer_context, .-cgosymbolizer_context\n");

// [signal]
void cgosym_regs_from_snapshot(const struct cgosym_snapshot *s, uintptr_t regs[CGOSYM_NUM_REGS]) {
	regs[CGOSYM_REG_RIP] = s->pc;
	regs[CGOSYM_REG_RSP] = s->sp;
	regs[CGOSYM_REG_RBX] = s->callee_saved[0];
	regs[CGOSYM_REG_RBP] = s->callee_saved[1];
	regs[CGOSYM_REG_R12] = s->callee_saved[2];
	regs[CGOSYM_REG_R12 + 1] = s->callee_saved[3];
	regs[CGOSYM_REG_R12 + 2] = s->callee_saved[4];
	regs[CGOSYM_REG_R12 + 3] = s->callee_saved[5];
}
