/*
 * common.h - shared frame of the bare-metal ISA tests.
 *
 * A test is one .S file:
 *
 *	#include "common.h"
 *	TEST_START
 *		... cases: each sets gp (TESTNUM) and branches to fail on a mismatch ...
 *	TEST_PASS
 *	TEST_END
 *
 * Register conventions: gp holds the number of the case being checked (fail
 * reports it), sp is a valid M-mode stack, everything else belongs to the
 * test.  The run ends by writing HTIF `tohost` (1 = pass, (n << 1) | 1 =
 * fail n) and then the SiFive test finisher (0x5555 or (n << 16) | 0x3333),
 * so the same ELF ends QEMU virt and vmm-worker with the same exit status.
 *
 * Traps: mtvec points at trap_default, which records mcause/mtval/mepc/
 * mstatus and counts traps in trap_vars, masks any interrupt it takes (clears
 * its mie bit), and for exceptions resumes at trap_resume (if set, optionally
 * forcing the return privilege to trap_mode) or else skips the trapping
 * instruction.  An ecall with a7 == ECALL_TO_M returns to M-mode at the
 * address in a6 (and clears a7): that is how code running in S or U comes
 * back.
 * strap_default is the same for S-mode (sscratch, strap_vars, sret).
 * Tests needing more install their own handler in mtvec/stvec.
 */
#ifndef ISA_COMMON_H
#define ISA_COMMON_H

#define MSTATUS_SIE	(1 << 1)
#define MSTATUS_MIE	(1 << 3)
#define MSTATUS_SPIE	(1 << 5)
#define MSTATUS_MPIE	(1 << 7)
#define MSTATUS_SPP	(1 << 8)
#define MSTATUS_MPP	(3 << 11)
#define MSTATUS_FS	(3 << 13)
#define MSTATUS_FS_INIT	(1 << 13)
#define MSTATUS_FS_CLEAN (2 << 13)
#define MSTATUS_FS_DIRTY (3 << 13)
#define MSTATUS_MPRV	(1 << 17)
#define MSTATUS_SUM	(1 << 18)
#define MSTATUS_MXR	(1 << 19)
#define MSTATUS_TVM	(1 << 20)
#define MSTATUS_TW	(1 << 21)
#define MSTATUS_TSR	(1 << 22)
#define MSTATUS_SD	(1 << 63)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define CAUSE_MISALIGNED_FETCH	0
#define CAUSE_FETCH_ACCESS	1
#define CAUSE_ILLEGAL		2
#define CAUSE_BREAKPOINT	3
#define CAUSE_MISALIGNED_LOAD	4
#define CAUSE_LOAD_ACCESS	5
#define CAUSE_MISALIGNED_STORE	6
#define CAUSE_STORE_ACCESS	7
#define CAUSE_ECALL_U		8
#define CAUSE_ECALL_S		9
#define CAUSE_ECALL_M		11
#define CAUSE_FETCH_PAGE	12
#define CAUSE_LOAD_PAGE		13
#define CAUSE_STORE_PAGE	15
#define CAUSE_INT		(1 << 63)

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_MTIP (1 << IRQ_MTI)
#define MIP_SEIP (1 << IRQ_SEI)
#define MIP_MEIP (1 << IRQ_MEI)

#define CLINT_BASE	0x2000000
#define CLINT_MSIP	(CLINT_BASE + 0x0)
#define CLINT_MTIMECMP	(CLINT_BASE + 0x4000)
#define CLINT_MTIME	(CLINT_BASE + 0xbff8)
#define UART_BASE	0x10000000
#define FINISHER_BASE	0x100000

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
/* Leaf PTE value for a physical address and flags. */
#define PTE(pa, flags) ((((pa) >> 12) << 10) | (flags))
#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)

/* a7 value of an ecall that asks trap_default to return to M-mode at a6. */
#define ECALL_TO_M 0x4d2d

/* trap_vars layout (also used for strap_vars). */
#define TV_CAUSE	0
#define TV_TVAL		8
#define TV_EPC		16
#define TV_STATUS	24
#define TV_COUNT	32
#define TV_RESUME	40
#define TV_MODE		48
#define TV_SAVE1	56
#define TV_SAVE2	64
#define TV_SIZE		72

#define TESTNUM gp

/* ---- checks ---- */

/* Fail case n unless register reg equals the constant val. */
#define CHECK(n, reg, val) \
	li TESTNUM, n; li t6, val; beq reg, t6, 99f; j fail; 99:

/* Fail case n unless registers a and b are equal (gp must hold n). */
#define CHECK_REG(n, ra, rb) \
	li TESTNUM, n; beq ra, rb, 99f; j fail; 99:

/* rd = inst(v1, v2) must be res. */
#define TEST_RR(n, inst, res, v1, v2) \
	li a1, v1; li a2, v2; inst a0, a1, a2; CHECK(n, a0, res)
/* Same with the destination equal to a source (rd == rs1, rd == rs2, all same). */
#define TEST_RR_SRC1(n, inst, res, v1, v2) \
	li a1, v1; li a2, v2; inst a1, a1, a2; CHECK(n, a1, res)
#define TEST_RR_SRC2(n, inst, res, v1, v2) \
	li a1, v1; li a2, v2; inst a2, a1, a2; CHECK(n, a2, res)
#define TEST_RR_ZERO(n, inst, res, v1) \
	li a1, v1; inst a0, a1, zero; CHECK(n, a0, res)
/* rd = inst(v1, imm) must be res. */
#define TEST_RI(n, inst, res, v1, imm) \
	li a1, v1; inst a0, a1, imm; CHECK(n, a0, res)
/* rd = inst(v1) must be res. */
#define TEST_R(n, inst, res, v1) \
	li a1, v1; inst a0, a1; CHECK(n, a0, res)

/* Load the trap record field f (TV_*) into reg. */
#define TRAP_FIELD(reg, f) la reg, trap_vars; ld reg, f(reg)
#define STRAP_FIELD(reg, f) la reg, strap_vars; ld reg, f(reg)

/* Clear the trap counter and resume target. */
#define TRAP_RESET \
	la t0, trap_vars; sd zero, TV_COUNT(t0); sd zero, TV_RESUME(t0); \
	sd zero, TV_CAUSE(t0); sd zero, TV_TVAL(t0); sd zero, TV_EPC(t0); \
	li t1, -1; sd t1, TV_MODE(t0)
#define STRAP_RESET \
	la t0, strap_vars; sd zero, TV_COUNT(t0); sd zero, TV_RESUME(t0); \
	sd zero, TV_CAUSE(t0); sd zero, TV_TVAL(t0); sd zero, TV_EPC(t0); \
	li t1, -1; sd t1, TV_MODE(t0)

/* After the next exception, continue at label (in privilege mode, -1 = unchanged). */
#define TRAP_RESUME(label, mode) \
	la t0, trap_vars; la t1, label; sd t1, TV_RESUME(t0); li t1, mode; sd t1, TV_MODE(t0)
#define STRAP_RESUME(label, mode) \
	la t0, strap_vars; la t1, label; sd t1, TV_RESUME(t0); li t1, mode; sd t1, TV_MODE(t0)

/* Fail case n unless exactly cnt traps were taken, the last with cause c. */
#define CHECK_TRAP(n, cnt, c) \
	TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, cnt); \
	TRAP_FIELD(t0, TV_CAUSE); CHECK(n, t0, c)
#define CHECK_STRAP(n, cnt, c) \
	STRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, cnt); \
	STRAP_FIELD(t0, TV_CAUSE); CHECK(n, t0, c)
/* Fail case n unless the last M trap recorded tval / epc equal to a label or value. */
#define CHECK_TVAL(n, v) TRAP_FIELD(t0, TV_TVAL); CHECK(n, t0, v)
#define CHECK_TVAL_LABEL(n, l) \
	TRAP_FIELD(t0, TV_TVAL); la t1, l; CHECK_REG(n, t0, t1)
#define CHECK_EPC_LABEL(n, l) \
	TRAP_FIELD(t0, TV_EPC); la t1, l; CHECK_REG(n, t0, t1)
#define CHECK_STVAL(n, v) STRAP_FIELD(t0, TV_TVAL); CHECK(n, t0, v)
#define CHECK_SEPC_LABEL(n, l) \
	STRAP_FIELD(t0, TV_EPC); la t1, l; CHECK_REG(n, t0, t1)

/* ---- privilege changes ---- */

/* From M-mode: continue at label in privilege mode (MPIE/SPIE untouched). */
#define GOTO_MODE(mode, label) \
	li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, (mode) << 11; csrs mstatus, t0; \
	la t0, label; csrw mepc, t0; mret
/* From S or U (with trap_default in M): continue at label in M-mode. */
#define RETURN_TO_M(label) \
	la a6, label; li a7, ECALL_TO_M; ecall

/* ---- frame ---- */

#define TEST_START \
	.section .text.init, "ax"; \
	.globl _start; \
_start: \
	csrr a0, mhartid; \
	bnez a0, park; \
	la t0, trap_default; \
	csrw mtvec, t0; \
	li t0, MSTATUS_FS_INIT; \
	csrw mstatus, t0; \
	csrw mie, zero; \
	la sp, stack_top; \
	call test_init; \
	j test_main; \
park: \
	wfi; \
	j park; \
	.text; \
test_main: \
	li TESTNUM, 1;

#define TEST_PASS j pass

#define TEST_END \
	.text; \
	.align 2; \
	.globl pass; \
pass: \
	la a6, 1f; \
	li a7, ECALL_TO_M; \
	ecall; \
1:	fence; \
	li t0, MSTATUS_MPRV; \
	csrc mstatus, t0; \
	csrw satp, zero; \
	la a0, msg_pass; \
	call uart_puts; \
	li t0, 1; \
	la t1, tohost; \
	sd t0, 0(t1); \
	li t0, 0x5555; \
	li t1, FINISHER_BASE; \
	sw t0, 0(t1); \
1:	j 1b; \
	.globl fail; \
fail: \
	/* come back to M-mode first: S or U may have failed */ \
	la a6, 4f; \
	li a7, ECALL_TO_M; \
	ecall; \
4:	fence; \
	la t0, fail_num; \
	sd TESTNUM, 0(t0); \
	li t0, MSTATUS_MPRV; \
	csrc mstatus, t0; \
	csrw satp, zero; \
	la a0, msg_fail; \
	call uart_puts; \
	mv a0, TESTNUM; \
	call uart_puthex; \
	la a0, msg_nl; \
	call uart_puts; \
	slli t0, TESTNUM, 1; \
	ori t0, t0, 1; \
	la t1, tohost; \
	sd t0, 0(t1); \
	/* a failing number that is a multiple of 256 would read as exit 0 */ \
	andi t0, TESTNUM, 0xff; \
	li t2, 0xff; \
	bnez t0, 2f; \
	or TESTNUM, TESTNUM, t2; \
2:	slli t0, TESTNUM, 16; \
	li t2, 0x3333; \
	or t0, t0, t2; \
	li t1, FINISHER_BASE; \
	sw t0, 0(t1); \
3:	j 3b; \
	ISA_COMMON_CODE

#define ISA_COMMON_CODE \
	.text; \
/* uart_puts: print the NUL-terminated string at a0 (clobbers a0, t0, t1). */ \
uart_puts: \
	li t0, UART_BASE; \
1:	lbu t1, 0(a0); \
	beqz t1, 2f; \
	sb t1, 0(t0); \
	addi a0, a0, 1; \
	j 1b; \
2:	ret; \
/* uart_puthex: print a0 in hex (clobbers a0, t0-t2). */ \
uart_puthex: \
	li t0, UART_BASE; \
	li t1, 60; \
1:	srl t2, a0, t1; \
	andi t2, t2, 15; \
	addi t2, t2, '0'; \
	li t3, '9'; \
	ble t2, t3, 2f; \
	addi t2, t2, 'a' - '0' - 10; \
2:	sb t2, 0(t0); \
	addi t1, t1, -4; \
	bgez t1, 1b; \
	ret; \
/* test_init: PMP open to S/U, no delegation, clean trap record. */ \
test_init: \
	li t0, -1; \
	csrw pmpaddr0, t0; \
	li t0, 0x1f; \
	csrw pmpcfg0, t0; \
	csrw medeleg, zero; \
	csrw mideleg, zero; \
	csrw satp, zero; \
	csrw fcsr, zero; \
	TRAP_RESET; \
	STRAP_RESET; \
	ret; \
	.align 6; \
	.globl trap_default; \
trap_default: \
	csrw mscratch, t0; \
	la t0, trap_vars; \
	sd t1, TV_SAVE1(t0); \
	sd t2, TV_SAVE2(t0); \
	ld t1, TV_COUNT(t0); \
	addi t1, t1, 1; \
	sd t1, TV_COUNT(t0); \
	li t2, 10000; \
	bgeu t1, t2, trap_runaway; \
	csrr t1, mcause; \
	sd t1, TV_CAUSE(t0); \
	csrr t2, mtval; \
	sd t2, TV_TVAL(t0); \
	csrr t2, mepc; \
	sd t2, TV_EPC(t0); \
	csrr t2, mstatus; \
	sd t2, TV_STATUS(t0); \
	bgez t1, 1f; \
	li t2, 1; \
	sll t2, t2, t1; \
	csrc mie, t2; \
	j 9f; \
1:	/* ecall asking to come back to M-mode */ \
	addi t2, t1, -CAUSE_ECALL_U; \
	sltiu t2, t2, 4; \
	beqz t2, 6f; \
	li t2, ECALL_TO_M; \
	bne a7, t2, 6f; \
	/* consumed: a later plain ecall must not match again */ \
	li a7, 0; \
	csrw mepc, a6; \
	li t2, MSTATUS_MPP; \
	csrs mstatus, t2; \
	j 9f; \
6:	ld t1, TV_RESUME(t0); \
	beqz t1, 2f; \
	sd zero, TV_RESUME(t0); \
	csrw mepc, t1; \
	ld t1, TV_MODE(t0); \
	bltz t1, 9f; \
	li t2, -1; \
	sd t2, TV_MODE(t0); \
	li t2, MSTATUS_MPP; \
	csrc mstatus, t2; \
	slli t1, t1, 11; \
	csrs mstatus, t1; \
	j 9f; \
2:	/* skip the instruction: read it the way the trapped mode sees memory */ \
	li t2, MSTATUS_MPRV | MSTATUS_MXR | MSTATUS_SUM; \
	csrs mstatus, t2; \
	csrr t1, mepc; \
	lhu t1, 0(t1); \
	csrc mstatus, t2; \
	andi t1, t1, 3; \
	li t2, 3; \
	csrr t0, mepc; \
	beq t1, t2, 3f; \
	addi t0, t0, 2; \
	j 4f; \
3:	addi t0, t0, 4; \
4:	csrw mepc, t0; \
	la t0, trap_vars; \
9:	ld t1, TV_SAVE1(t0); \
	ld t2, TV_SAVE2(t0); \
	csrr t0, mscratch; \
	mret; \
trap_runaway: \
	li TESTNUM, 0xdead; \
	la t0, trap_default; \
	csrw mtvec, t0; \
	j fail; \
	.align 6; \
	.globl strap_default; \
strap_default: \
	csrw sscratch, t0; \
	la t0, strap_vars; \
	sd t1, TV_SAVE1(t0); \
	sd t2, TV_SAVE2(t0); \
	ld t1, TV_COUNT(t0); \
	addi t1, t1, 1; \
	sd t1, TV_COUNT(t0); \
	csrr t1, scause; \
	sd t1, TV_CAUSE(t0); \
	csrr t2, stval; \
	sd t2, TV_TVAL(t0); \
	csrr t2, sepc; \
	sd t2, TV_EPC(t0); \
	csrr t2, sstatus; \
	sd t2, TV_STATUS(t0); \
	bgez t1, 1f; \
	li t2, 1; \
	sll t2, t2, t1; \
	csrc sie, t2; \
	j 9f; \
1:	ld t1, TV_RESUME(t0); \
	beqz t1, 2f; \
	sd zero, TV_RESUME(t0); \
	csrw sepc, t1; \
	ld t1, TV_MODE(t0); \
	bltz t1, 9f; \
	li t2, -1; \
	sd t2, TV_MODE(t0); \
	li t2, MSTATUS_SPP; \
	csrc sstatus, t2; \
	slli t1, t1, 8; \
	csrs sstatus, t1; \
	j 9f; \
2:	li t2, MSTATUS_SUM | MSTATUS_MXR; \
	csrs sstatus, t2; \
	csrr t1, sepc; \
	lhu t1, 0(t1); \
	csrc sstatus, t2; \
	andi t1, t1, 3; \
	li t2, 3; \
	csrr t0, sepc; \
	beq t1, t2, 3f; \
	addi t0, t0, 2; \
	j 4f; \
3:	addi t0, t0, 4; \
4:	csrw sepc, t0; \
	la t0, strap_vars; \
9:	ld t1, TV_SAVE1(t0); \
	ld t2, TV_SAVE2(t0); \
	csrr t0, sscratch; \
	sret; \
/* pt_init: a0 = levels (3 = Sv39, 4 = Sv48); empties the page-table pool. */ \
	.globl pt_init; \
pt_init: \
	la t0, pt_levels; \
	sd a0, 0(t0); \
	la t1, pt_pool; \
	la t0, pt_next; \
	sd t1, 0(t0); \
	la t0, pt_root; \
	li t1, 512; \
1:	sd zero, 0(t0); \
	addi t0, t0, 8; \
	addi t1, t1, -1; \
	bnez t1, 1b; \
	ret; \
/* pt_map: map va a0 with leaf PTE a1 at level a2 (0 = 4 KiB, 1 = 2 MiB, ...), \
 * allocating zeroed tables; returns a0 = address of the leaf PTE. Clobbers t0-t6. */ \
	.globl pt_map; \
pt_map: \
	la t0, pt_levels; \
	ld t0, 0(t0); \
	addi t0, t0, -1; \
	la t1, pt_root; \
1:	li t2, 9; \
	mul t2, t2, t0; \
	addi t2, t2, 12; \
	srl t3, a0, t2; \
	andi t3, t3, 511; \
	slli t3, t3, 3; \
	add t3, t1, t3; \
	beq t0, a2, 5f; \
	ld t4, 0(t3); \
	andi t5, t4, PTE_V; \
	bnez t5, 3f; \
	la t6, pt_next; \
	ld t4, 0(t6); \
	li t5, 4096; \
	add t5, t4, t5; \
	sd t5, 0(t6); \
	mv t5, t4; \
	li t6, 512; \
2:	sd zero, 0(t5); \
	addi t5, t5, 8; \
	addi t6, t6, -1; \
	bnez t6, 2b; \
	srli t5, t4, 2; \
	ori t5, t5, PTE_V; \
	sd t5, 0(t3); \
	mv t1, t4; \
	j 4f; \
3:	srli t4, t4, 10; \
	slli t1, t4, 12; \
4:	addi t0, t0, -1; \
	j 1b; \
5:	sd a1, 0(t3); \
	mv a0, t3; \
	ret; \
/* vm_enable: turn on the mode in a0 (SATP_SV39/SATP_SV48) with pt_root. */ \
	.globl vm_enable; \
vm_enable: \
	la t0, pt_root; \
	srli t0, t0, 12; \
	or t0, t0, a0; \
	csrw satp, t0; \
	sfence.vma; \
	ret; \
	.section .tohost, "aw", @progbits; \
	.align 6; \
	.globl tohost; \
tohost: .dword 0; \
	.align 6; \
	.globl fromhost; \
fromhost: .dword 0; \
	.data; \
	.align 3; \
	.globl trap_vars; \
trap_vars: .fill TV_SIZE / 8, 8, 0; \
	.globl strap_vars; \
strap_vars: .fill TV_SIZE / 8, 8, 0; \
fail_num: .dword 0; \
pt_levels: .dword 3; \
pt_next: .dword 0; \
msg_pass: .asciz "PASS\n"; \
msg_fail: .asciz "FAIL test "; \
msg_nl: .asciz "\n"; \
	.bss; \
	.align 12; \
	.globl pt_root; \
pt_root: .skip 4096; \
pt_pool: .skip 4096 * 24; \
	.align 4; \
	.skip 8192; \
stack_top: .skip 16;

#endif
