// Assembly without a single .cfi directive: no unwinder can step through
// these frames. Each also lies to unwinders that guess: its frame is filled
// with lies_go_pc (a return address inside Go code) and rbp points at it,
// so a frame-pointer walk would "find" a Go caller.
//
//   lies_nocfi_loop(n)   spins n iterations in that frame
//   lies_nocfi_call(fn)  calls fn() from that frame

	.text
	.globl	lies_nocfi_loop
	.type	lies_nocfi_loop, @function
lies_nocfi_loop:
	pushq	%rbp
	subq	$48, %rsp
	movq	lies_go_pc(%rip), %rax
	movq	%rax, (%rsp)
	movq	%rax, 8(%rsp)
	movq	%rax, 16(%rsp)
	movq	%rax, 24(%rsp)
	movq	%rsp, %rbp
1:	decq	%rdi
	jnz	1b
	addq	$48, %rsp
	popq	%rbp
	ret
	.size	lies_nocfi_loop, .-lies_nocfi_loop

	.globl	lies_nocfi_call
	.type	lies_nocfi_call, @function
lies_nocfi_call:
	pushq	%rbp
	subq	$48, %rsp
	movq	lies_go_pc(%rip), %rax
	movq	%rax, (%rsp)
	movq	%rax, 8(%rsp)
	movq	%rax, 16(%rsp)
	movq	%rax, 24(%rsp)
	movq	%rsp, %rbp
	call	*%rdi
	addq	$48, %rsp
	popq	%rbp
	ret
	.size	lies_nocfi_call, .-lies_nocfi_call

	.section .note.GNU-stack,"",@progbits
