/*
 * irqloop.S - interrupts arriving inside tight loops that touch neither
 * memory nor CSRs, the loops a translator chains into themselves: the
 * handler (irq_handler) sets s1, which the loop tests, so a loop that never
 * sees its interrupt runs until its iteration bound and the case fails by
 * number instead of hanging.  Cases: the machine timer in a `j 1b` loop;
 * a CLINT software interrupt that the loop raises itself (msip store at
 * iteration 1000) and must take before its bound; the timer in a loop in
 * S-mode (M interrupts are taken there whatever mstatus.MIE says); the timer
 * in a loop that calls a function every iteration.  Each also checks that
 * the interrupted loop resumed with its registers intact.
 *
 * Timer cases do not depend on speed: a pass of SPIN iterations that ends
 * without the interrupt fails only if mip.MTIP was already set when the pass
 * began (read just before the loop, which itself reads no CSR); otherwise
 * (a fast host, or QEMU whose timer raises MTIP from a host timer some time
 * after mtime passes mtimecmp) another pass starts.  a0 counts on across
 * passes, so wherever the interrupt lands the loop stops within one more
 * iteration of it.
 */
#include "common.h"

#define INT(c) (CAUSE_INT | (c))
#define SPIN 1000000

/* irq_vars layout */
#define IV_COUNT	0
#define IV_CAUSE	8
#define IV_EPC		16
#define IV_A0		24
#define IV_SAVE		32

#define IV_FIELD(reg, f) la reg, irq_vars; ld reg, f(reg)
#define IRQ_RESET \
	la t0, irq_vars; sd zero, IV_COUNT(t0); sd zero, IV_CAUSE(t0); sd zero, IV_EPC(t0); \
	sd zero, IV_A0(t0); li s1, 0

/* mtimecmp = mtime + ticks */
#define TIMER_IN(ticks) \
	li t0, CLINT_MTIME; ld t1, 0(t0); li t2, ticks; add t1, t1, t2; \
	li t0, CLINT_MTIMECMP; sd t1, 0(t0)
#define TIMER_OFF li t0, CLINT_MTIMECMP; li t1, -1; sd t1, 0(t0)

/* s2 = mip at the start of a pass */
#define PASS_START csrr s2, mip
/* After a pass without the interrupt: retry at label unless MTIP was pending all along, else fail n. */
#define PASS_RETRY(n, label) \
	li TESTNUM, n; andi t0, s2, MIP_MTIP; beqz t0, label; j fail

/* One interrupt of cause c was taken, and the loop went on from it: a0 - saved a0 is 0 or 1. */
#define CHECK_IRQ(n, c) \
	IV_FIELD(t0, IV_COUNT); CHECK(n, t0, 1); IV_FIELD(t0, IV_CAUSE); CHECK(n + 1, t0, c); \
	CHECK(n + 2, s1, 1); IV_FIELD(t0, IV_A0); sub t0, a0, t0; li TESTNUM, n + 3; \
	sltiu t0, t0, 2; beqz t0, fail

TEST_START
	TIMER_OFF
	la t0, irq_handler
	csrw mtvec, t0

	/* machine timer in a `j 1b` loop */
	IRQ_RESET
	li t0, MIP_MTIP
	csrs mie, t0
	li a0, 0
	TIMER_IN(1000)
	csrsi mstatus, MSTATUS_MIE
2:
	PASS_START
	li a1, SPIN
	add a1, a1, a0
1:	addi a0, a0, 1
	beq a0, a1, 3f
	bnez s1, 4f
	j 1b
3:	PASS_RETRY(2, 2b)
4:	csrci mstatus, MSTATUS_MIE
	TIMER_OFF
	CHECK_IRQ(3, INT(IRQ_MTI))

	/* software interrupt raised by the loop itself at iteration 1000 */
	IRQ_RESET
	li t0, MIP_MSIP
	csrs mie, t0
	li a0, 0
	li a1, SPIN
	li a2, 1000
	li t3, CLINT_MSIP
	li t4, 1
	csrsi mstatus, MSTATUS_MIE
msi_loop:
	addi a0, a0, 1
	bne a0, a2, 5f
	sw t4, 0(t3)
5:	beq a0, a1, 6f
	beqz s1, msi_loop
msi_loop_end:
	csrci mstatus, MSTATUS_MIE
	li t3, CLINT_MSIP
	sw zero, 0(t3)
	CHECK_IRQ(10, INT(IRQ_MSI))
	/* taken after the store, inside the loop */
	IV_FIELD(t0, IV_A0)
	li TESTNUM, 14
	bltu t0, a2, fail
	IV_FIELD(t0, IV_EPC)
	la t1, msi_loop
	li TESTNUM, 15
	bltu t0, t1, fail
	la t1, msi_loop_end
	bgeu t0, t1, fail
	j 7f
6:	csrci mstatus, MSTATUS_MIE
	li t3, CLINT_MSIP
	sw zero, 0(t3)
	li TESTNUM, 16
	j fail
7:
	/* machine timer in a loop running in S-mode with mstatus.MIE = 0 */
	IRQ_RESET
	li t0, MIP_MTIP
	csrs mie, t0
	csrci mstatus, MSTATUS_MIE
	li a0, 0
	TIMER_IN(1000)
	/* each pass starts in M (mip is not readable from S), loops in S */
2:
	PASS_START
	GOTO_MODE(PRV_S, s_loop)
s_loop:
	li a1, SPIN
	add a1, a1, a0
1:	addi a0, a0, 1
	beq a0, a1, 3f
	beqz s1, 1b
	RETURN_TO_M(8f)
3:	RETURN_TO_M(9f)
9:	PASS_RETRY(20, 2b)
8:	TIMER_OFF
	CHECK_IRQ(21, INT(IRQ_MTI))

	/* machine timer in a loop that calls a function every iteration */
	IRQ_RESET
	li t0, MIP_MTIP
	csrs mie, t0
	li a0, 0
	li a3, 0
	TIMER_IN(1000)
	csrsi mstatus, MSTATUS_MIE
2:
	PASS_START
	li a1, SPIN
	add a1, a1, a0
1:	call leaf
	addi a0, a0, 1
	beq a0, a1, 3f
	beqz s1, 1b
	j 4f
3:	PASS_RETRY(30, 2b)
4:	csrci mstatus, MSTATUS_MIE
	TIMER_OFF
	CHECK_IRQ(31, INT(IRQ_MTI))
	CHECK_REG(35, a0, a3)
	csrw mie, zero
	TEST_PASS

/* leaf: a3 += 1 */
leaf:
	addi a3, a3, 1
	ret

/*
 * irq_handler: exceptions go to trap_default (pass, fail, RETURN_TO_M);
 * an interrupt is counted, its cause, mepc and the loop's a0 recorded, its
 * mie bit cleared (it may stay pending), and s1 set to stop the loop.
 */
	.align 6
irq_handler:
	csrw mscratch, t0
	csrr t0, mcause
	bltz t0, 1f
	csrr t0, mscratch
	j trap_default
1:	la t0, irq_vars
	sd t1, IV_SAVE(t0)
	ld t1, IV_COUNT(t0)
	addi t1, t1, 1
	sd t1, IV_COUNT(t0)
	csrr t1, mcause
	sd t1, IV_CAUSE(t0)
	csrr t1, mepc
	sd t1, IV_EPC(t0)
	sd a0, IV_A0(t0)
	csrr t1, mcause
	andi t1, t1, 63
	li t0, 1
	sll t0, t0, t1
	csrc mie, t0
	li s1, 1
	la t0, irq_vars
	ld t1, IV_SAVE(t0)
	csrr t0, mscratch
	mret
TEST_END

	.data
	.align 3
irq_vars:	.dword 0, 0, 0, 0, 0
