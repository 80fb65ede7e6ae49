// noeh_trampoline(fn): calls fn with a frame of its own and deliberately
// NO .cfi_* directives, so the object has no unwind information for it.
// The frame is 48 bytes and holds no frame record (X29 is left alone), so
// that a frame-pointer walk would skip it rather than step through it.

	.text
	.globl	noeh_trampoline
	.type	noeh_trampoline, %function
noeh_trampoline:
	sub	sp, sp, #48
	stp	xzr, xzr, [sp]
	str	x30, [sp, #16]
	str	x0, [sp, #24]
	blr	x0
	ldr	x30, [sp, #16]
	add	sp, sp, #48
	ret
	.size	noeh_trampoline, .-noeh_trampoline

	.section .note.GNU-stack,"",%progbits
