// noeh_trampoline(fn): calls fn with a frame of its own and deliberately
// NO .cfi_* directives, so the object has no unwind information for it.
// The stack moves by 40 bytes (not a multiple of the usual frame shapes) so
// that frame-pointer or "guessing" unwinders cannot step through by luck.

	.text
	.globl	noeh_trampoline
	.type	noeh_trampoline, @function
noeh_trampoline:
	subq	$40, %rsp
	movq	$0, (%rsp)
	movq	$0, 8(%rsp)
	movq	%rdi, 16(%rsp)
	call	*%rdi
	addq	$40, %rsp
	ret
	.size	noeh_trampoline, .-noeh_trampoline

	.section .note.GNU-stack,"",@progbits
