// A function with line info but no subprogram DIE (the assembler's CU).
	.text
	.globl seed_asm
	.type seed_asm, @function
seed_asm:
	mov %edi, %eax
	add $1, %eax
	ret
	.size seed_asm, .-seed_asm
	.section .note.GNU-stack,"",@progbits
