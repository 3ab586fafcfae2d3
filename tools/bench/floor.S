/*
 * floor.S - the smallest PVH kernel QEMU will boot: it writes one byte to
 * COM1 and leaves through isa-debug-exit.  The benchmark times QEMU from
 * start to that byte: the part of "boot to first HTTP 200" that no guest
 * can beat (QEMU's own start-up, ELF loading, firmware-less PVH entry).
 *
 * PVH enters in 32-bit protected mode with paging off, so no mode switch is
 * needed for two port writes.  The note must sit in a PT_NOTE aligned to 4
 * (see DESIGN.md): the linker script puts it first.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define COM1 0x3f8
#define DEBUG_EXIT 0xf4

	.section .note.Xen, "a", @note
	.p2align 2
	.long 4                         /* namesz: "Xen\0" */
	.long 4                         /* descsz: a 32-bit entry address */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	movw $COM1, %dx
	movb $'Q', %al
	outb %al, %dx
	movw $DEBUG_EXIT, %dx
	xorl %eax, %eax                 /* QEMU exits with (0 << 1) | 1 = 1 */
	outl %eax, %dx
1:	hlt                             /* only without isa-debug-exit */
	jmp 1b
