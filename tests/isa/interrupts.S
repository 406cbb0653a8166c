/*
 * interrupts.S - CLINT software and timer interrupts, the Sstc supervisor
 * timer (menvcfg.STCE, stimecmp), priority between simultaneously pending
 * interrupts, delegation through mideleg, the global enable rules (M
 * interrupts are taken in S/U even with mstatus.MIE = 0; S interrupts in U
 * whatever SIE says), vectored mtvec for interrupts, and wfi waking on an
 * interrupt that is enabled in mie but globally disabled.
 */
#include "common.h"

#define MENVCFG_STCE (1 << 63)
#define INT(c) (CAUSE_INT | (c))

/* Spin until trap_vars (or strap_vars) counts cnt traps, failing case n after a long time. */
#define WAIT_TRAPS(n, vars, cnt) \
	li TESTNUM, n; li t2, 20000000; \
97:	la t0, vars; ld t0, TV_COUNT(t0); li t1, cnt; beq t0, t1, 98f; \
	addi t2, t2, -1; bnez t2, 97b; j fail; 98:

/* mtimecmp = mtime + ticks */
#define TIMER_IN(ticks) \
	li t0, CLINT_MTIME; ld t1, 0(t0); li t2, ticks; add t1, t1, t2; \
	li t0, CLINT_MTIMECMP; sd t1, 0(t0)
#define TIMER_OFF li t0, CLINT_MTIMECMP; li t1, -1; sd t1, 0(t0)

TEST_START
	TIMER_OFF
	li t0, MSTATUS_MIE | MSTATUS_SIE
	csrc mstatus, t0

	/* machine software interrupt through the CLINT */
	TRAP_RESET
	li t0, CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)
	csrr a0, mip
	andi a0, a0, MIP_MSIP
	CHECK(2, a0, MIP_MSIP)
	li t0, MIP_MSIP
	csrs mie, t0
	TRAP_FIELD(t0, TV_COUNT)
	CHECK(3, t0, 0)
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP(4, 1, INT(IRQ_MSI))
	TRAP_FIELD(t0, TV_STATUS)
	andi t0, t0, MSTATUS_MIE | MSTATUS_MPIE
	CHECK(5, t0, MSTATUS_MPIE)
	li t0, CLINT_MSIP
	sw zero, 0(t0)
	csrr a0, mip
	andi a0, a0, MIP_MSIP
	CHECK(6, a0, 0)
	/* mip.MSIP and MTIP are read-only in mip */
	li t0, MIP_MSIP | MIP_MTIP
	csrs mip, t0
	csrr a0, mip
	andi a0, a0, MIP_MSIP | MIP_MTIP
	CHECK(7, a0, 0)

	/* machine timer */
	TRAP_RESET
	li t0, MIP_MTIP
	csrs mie, t0
	TIMER_IN(2000)
	csrsi mstatus, MSTATUS_MIE
	WAIT_TRAPS(8, trap_vars, 1)
	csrci mstatus, MSTATUS_MIE
	CHECK_TRAP(9, 1, INT(IRQ_MTI))
	csrr a0, mip
	andi a0, a0, MIP_MTIP
	CHECK(10, a0, MIP_MTIP)
	TIMER_OFF
	csrr a0, mip
	andi a0, a0, MIP_MTIP
	CHECK(11, a0, 0)

	/* wfi wakes on a timer interrupt enabled in mie but globally disabled */
	TRAP_RESET
	li t0, MIP_MTIP
	csrs mie, t0
	TIMER_IN(2000)
	wfi
	csrr a0, mip
	andi a0, a0, MIP_MTIP
	CHECK(12, a0, MIP_MTIP)
	TRAP_FIELD(t0, TV_COUNT)
	CHECK(13, t0, 0)
	TIMER_OFF
	li t0, MIP_MTIP
	csrc mie, t0

	/* priority: MSI before MTI when both are pending */
	TRAP_RESET
	li t0, CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)
	TIMER_IN(0)
	li t0, MIP_MTIP
2:	csrr t1, mip
	and t1, t1, t0
	beqz t1, 2b
	li t0, MIP_MSIP | MIP_MTIP
	csrs mie, t0
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	/* the handler masks each one: the last taken must be MTI */
	CHECK_TRAP(14, 2, INT(IRQ_MTI))
	li t0, CLINT_MSIP
	sw zero, 0(t0)
	TIMER_OFF

	/* M interrupts are taken in S even with mstatus.MIE = 0 */
	TRAP_RESET
	li t0, MIP_MSIP
	csrs mie, t0
	GOTO_MODE(PRV_S, 15f)
15:	csrci sstatus, MSTATUS_SIE
	li t0, CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)
	li t2, 1000000
3:	addi t2, t2, -1
	bnez t2, 3b
	/* no VM, open PMP: S reads the record of the interrupt directly */
	TRAP_FIELD(a5, TV_CAUSE)
	TRAP_FIELD(a4, TV_STATUS)
	RETURN_TO_M(16f)
16:	li t0, CLINT_MSIP
	sw zero, 0(t0)
	CHECK(15, a5, INT(IRQ_MSI))
	li t1, MSTATUS_MPP
	and t0, a4, t1
	CHECK(16, t0, PRV_S << 11)
	TRAP_FIELD(t0, TV_COUNT)
	CHECK(17, t0, 2)

	/* SSIP delegated to S: pending, taken in S only when SIE = 1 */
	TRAP_RESET
	STRAP_RESET
	la t0, strap_default
	csrw stvec, t0
	li t0, MIP_SSIP
	csrw mideleg, t0
	csrs mie, t0
	csrs mip, t0
	GOTO_MODE(PRV_S, 18f)
18:	csrci sstatus, MSTATUS_SIE
	csrr a5, sip
	nop
	STRAP_FIELD(a4, TV_COUNT)
	csrsi sstatus, MSTATUS_SIE
	nop
	csrci sstatus, MSTATUS_SIE
	RETURN_TO_M(19f)
19:	andi a5, a5, MIP_SSIP
	CHECK(18, a5, MIP_SSIP)
	CHECK(19, a4, 0)
	CHECK_STRAP(20, 1, INT(IRQ_SSI))
	/* the S handler masked sie.SSIE; SSIP is still pending */
	csrr a0, mie
	andi a0, a0, MIP_SSIP
	CHECK(21, a0, 0)
	/* in U a delegated S interrupt is taken whatever SIE says */
	STRAP_RESET
	li t0, MIP_SSIP
	csrs mie, t0
	li t0, MSTATUS_SIE
	csrc mstatus, t0
	GOTO_MODE(PRV_U, 22f)
22:	nop
	nop
	RETURN_TO_M(23f)
23:	CHECK_STRAP(22, 1, INT(IRQ_SSI))
	STRAP_FIELD(t0, TV_STATUS)
	andi t0, t0, MSTATUS_SPP
	CHECK(23, t0, 0)
	/* without delegation the same interrupt goes to M (from S, MIE = 0) */
	TRAP_RESET
	STRAP_RESET
	csrw mideleg, zero
	li t0, MIP_SSIP
	csrs mie, t0
	GOTO_MODE(PRV_S, 24f)
24:	nop
	nop
	RETURN_TO_M(25f)
25:	TRAP_FIELD(t0, TV_COUNT)
	CHECK(24, t0, 2)
	STRAP_FIELD(t0, TV_COUNT)
	CHECK(25, t0, 0)
	li t0, MIP_SSIP
	csrc mip, t0
	csrc mie, t0

	/* vectored mtvec: an interrupt goes to base + 4 * cause */
	TRAP_RESET
	la t0, vec_table
	ori t0, t0, 1
	csrw mtvec, t0
	la t0, vec_hit
	sd zero, 0(t0)
	li t0, CLINT_MSIP
	li t1, 1
	sw t1, 0(t0)
	li t0, MIP_MSIP
	csrs mie, t0
	csrsi mstatus, MSTATUS_MIE
	nop
	csrci mstatus, MSTATUS_MIE
	li t0, CLINT_MSIP
	sw zero, 0(t0)
	la t0, trap_default
	csrw mtvec, t0
	CHECK_TRAP(26, 1, INT(IRQ_MSI))
	la t0, vec_hit
	ld t0, 0(t0)
	CHECK(27, t0, 3)

	/* Sstc: stimecmp raises STIP, delegated to S */
	TRAP_RESET
	STRAP_RESET
	li t0, MENVCFG_STCE
	csrs menvcfg, t0
	li t0, 3
	csrw mcounteren, t0
	li t0, MIP_STIP
	csrw mideleg, t0
	csrs mie, t0
	li t0, -1
	csrw stimecmp, t0
	csrr a0, mip
	andi a0, a0, MIP_STIP
	CHECK(28, a0, 0)
	GOTO_MODE(PRV_S, 29f)
29:	csrsi sstatus, MSTATUS_SIE
	rdtime t0
	addi t0, t0, 1000
	csrw stimecmp, t0
	WAIT_TRAPS(29, strap_vars, 1)
	csrci sstatus, MSTATUS_SIE
	/* the handler masked sie.STIE; pending stays until stimecmp moves */
	csrr a5, sip
	li t0, -1
	csrw stimecmp, t0
	csrr a4, sip
	RETURN_TO_M(30f)
30:	CHECK_STRAP(30, 1, INT(IRQ_STI))
	andi a5, a5, MIP_STIP
	CHECK(31, a5, MIP_STIP)
	andi a4, a4, MIP_STIP
	CHECK(32, a4, 0)
	/* with STCE clear, stimecmp is not accessible from S */
	TRAP_RESET
	li t0, MENVCFG_STCE
	csrc menvcfg, t0
	GOTO_MODE(PRV_S, 33f)
33:	csrr a0, stimecmp
	RETURN_TO_M(34f)
34:	CHECK_TRAP(33, 2, CAUSE_ECALL_S)
	csrw mideleg, zero
	csrw mie, zero
	csrw mcounteren, zero
	TEST_PASS


	.align 6
	.option push
	.option norvc
vec_table:
	j trap_default
	j trap_default
	j trap_default
	j vec_msi
	j trap_default
	j trap_default
	j trap_default
	j trap_default
	j trap_default
	j trap_default
	j trap_default
	j trap_default
	.option pop
vec_msi:
	/* t1 is restored by trap_default's save area only; keep it here */
	csrw mscratch, t0
	la t0, vec_hit
	sd zero, 8(t0)
	sd t1, 8(t0)
	li t1, 3
	sd t1, 0(t0)
	ld t1, 8(t0)
	csrr t0, mscratch
	j trap_default
TEST_END

	.data
	.align 3
vec_hit:
	.dword 0, 0
