/*
 * kernel/vectors.S - interrupt entry stubs, the common trap path and the
 * task context switch.
 *
 * 256 stubs, each exactly 16 bytes apart (trap.c computes stub n's address
 * as trap_stubs + 16 * n).  A stub pushes a zero where the CPU pushes no
 * error code, then its vector, so every trap frame has the same shape
 * (struct trapframe in kpriv.h).
 */
	.text
	.p2align 4
	.global trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.p2align 4
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	/* the CPU pushed an error code */
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, %rdi
	cld
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	add $16, %rsp               /* vector and error code */
	iretq

/*
 * swtch(uint64_t *save_rsp, uint64_t new_rsp): save the callee-saved
 * registers on this stack, park its pointer in *save_rsp, and resume
 * whatever was parked on new_rsp.  Called with interrupts off; the
 * resumed side restores its own interrupt state.
 */
	.global swtch
swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
