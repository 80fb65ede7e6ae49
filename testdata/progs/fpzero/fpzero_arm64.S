// fpzero_call(fn): calls fn with X29 = 0, with correct unwind information:
// the frame saves X29 and X30 and says so. Unwinding out of fn then finds
// X29 = 0 in this frame, which libunwind's AArch64 unw_step takes for the
// end of the frame-record chain.

	.text
	.globl	fpzero_call
	.type	fpzero_call, %function
fpzero_call:
	.cfi_startproc
	stp	x29, x30, [sp, #-16]!
	.cfi_def_cfa_offset 16
	.cfi_offset 29, -16
	.cfi_offset 30, -8
	mov	x29, #0
	blr	x0 // MARK:call_calls_fn
	ldp	x29, x30, [sp], #16
	.cfi_restore 29
	.cfi_restore 30
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	fpzero_call, .-fpzero_call

	.section .note.GNU-stack,"",%progbits
