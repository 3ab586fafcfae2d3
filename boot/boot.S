/*
 * boot/boot.S - PVH entry: 32-bit protected mode to 64-bit long mode.
 *
 * QEMU's PVH loader jumps to pvh_start in flat 32-bit protected mode with
 * paging off and EBX = physical address of struct hvm_start_info.  We
 * clear .bss, identity-map the first 4 GiB with 2 MiB pages (enough for
 * the kernel, the start info and the first RAM; paging.c replaces these
 * tables with exact ones), enable PAE + long mode (+ NX if the CPU has it),
 * load a 64-bit GDT and call kmain(start_info).
 */
#define PVH_MAGIC     0x336ec578
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define MSR_EFER      0xc0000080
#define EFER_LME      (1 << 8)
#define EFER_NXE      (1 << 11)
#define CR0_PE        (1 << 0)
#define CR0_WP        (1 << 16)
#define CR0_PG        (1 << 31)
#define CR4_PAE       (1 << 5)
#define PTE_P_W       0x3
#define PTE_P_W_PS    0x83
#define BOOT_STACK    16384

	/* The PVH entry note (name "Xen", type 18, desc = 32-bit entry). */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4                    /* namesz */
	.long 4                    /* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

	.section .text.boot, "ax"
	.code32
	.global pvh_start
pvh_start:
	cli
	cld
	mov %ebx, %esi                     /* start_info survives in esi */
	cmpl $PVH_MAGIC, (%ebx)
	jne bad_magic

	/* Clear .bss (our page tables and stack live there): 4 bytes a
	 * step (the widest in 32-bit mode), then the odd tail.  Under TCG a
	 * rep step costs about the same whatever its width: rep stosb over
	 * the 3 MiB .bss took 4 ms of the boot. */
	mov $__bss_start, %edi
	mov $__bss_end, %edx
	sub %edi, %edx
	xor %eax, %eax
	mov %edx, %ecx
	shr $2, %ecx
	rep stosl
	mov %edx, %ecx
	and $3, %ecx
	rep stosb

	mov $boot_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3; PD entries 2 MiB pages. */
	mov $boot_pdpt, %eax
	or $PTE_P_W, %eax
	mov %eax, boot_pml4
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $boot_pd, %eax
	or $PTE_P_W, %eax
	mov %eax, boot_pdpt(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jne 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $PTE_P_W_PS, %eax
	mov %eax, boot_pd(,%ecx,8)
	mov %ecx, %edx
	shr $11, %edx                      /* bits 32+ of the address */
	mov %edx, boot_pd+4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	/* NX available?  CPUID 0x80000001 EDX bit 20. */
	xor %edi, %edi
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb 3f
	mov $0x80000001, %eax
	cpuid
	bt $20, %edx
	jnc 3f
	mov $EFER_NXE, %edi
	movl $1, boot_nx_ok
3:
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	or %edi, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PE | CR0_WP | CR0_PG), %eax
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode

bad_magic:
	/* Not started by a PVH loader: say so on COM1 and stop. */
	mov $bad_magic_msg, %esi
	mov $0x3f8, %dx
4:	lodsb
	test %al, %al
	jz 5f
	out %al, %dx
	jmp 4b
5:	hlt
	jmp 5b

	.code64
long_mode:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov %esi, %edi                     /* zero-extends: kmain(start_info) */
	call kmain
6:	cli
	hlt
	jmp 6b

	.section .rodata
	.p2align 3
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff           /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff           /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt
bad_magic_msg:
	.asciz "quartz: not a PVH boot (bad start_info magic)\r\n"

	.section .bss
	.p2align 12
	.global boot_pml4
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4096 * 4
	.global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK
boot_stack_top:
	.global boot_nx_ok
	.p2align 2
boot_nx_ok: .long 0
