/*
 * test_trap.c - exceptions and interrupts: delegation, vectoring, xRET
 * state transitions, interrupt priority and enables, TSR/TW/TVM, wfi.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu_fixture.h"

#define IRQ_BIT (1ull << 63)
#define MTVEC 0x80001000ull
#define STVEC 0x80002000ull

static struct cpu *trap_cpu(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	cpu->csr.mtvec = MTVEC;
	cpu->csr.stvec = STVEC;
	cpu->pc = 0x80000100;
	return cpu;
}

static void test_trap_to_m(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->priv = PRIV_U;
	cpu->csr.mstatus |= MSTATUS_MIE | (3ull << 11);
	cpu->csr.medeleg = 1u << EXC_ECALL_S; /* not this cause */
	trap_raise(cpu, EXC_ECALL_U, 0);
	assert_true(cpu->trapped);
	assert_int_equal(cpu->priv, PRIV_M);
	assert_int_equal(cpu->next_pc, MTVEC);
	assert_int_equal(cpu->csr.mepc, 0x80000100);
	assert_int_equal(cpu->csr.mcause, EXC_ECALL_U);
	assert_int_equal(cpu->csr.mstatus & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP),
			 MSTATUS_MPIE);
}

static void test_trap_delegated_to_s(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->priv = PRIV_S;
	cpu->csr.mstatus |= MSTATUS_SIE;
	cpu->csr.medeleg = 1u << EXC_LOAD_PAGE_FAULT;
	trap_raise(cpu, EXC_LOAD_PAGE_FAULT, 0x1234);
	assert_int_equal(cpu->priv, PRIV_S);
	assert_int_equal(cpu->next_pc, STVEC);
	assert_int_equal(cpu->csr.sepc, 0x80000100);
	assert_int_equal(cpu->csr.scause, EXC_LOAD_PAGE_FAULT);
	assert_int_equal(cpu->csr.stval, 0x1234);
	assert_int_equal(cpu->csr.mcause, 0);
	assert_int_equal(cpu->csr.mstatus & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
			 MSTATUS_SPIE | MSTATUS_SPP);

	/* From U, SPP records U. */
	cpu->priv = PRIV_U;
	trap_raise(cpu, EXC_LOAD_PAGE_FAULT, 0);
	assert_int_equal(cpu->csr.mstatus & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP), 0);

	/* Delegation never takes a trap out of M. */
	cpu->priv = PRIV_M;
	trap_raise(cpu, EXC_LOAD_PAGE_FAULT, 0x99);
	assert_int_equal(cpu->priv, PRIV_M);
	assert_int_equal(cpu->csr.mtval, 0x99);
	assert_int_equal(cpu->next_pc, MTVEC);
}

static void test_trap_vectored(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->csr.mtvec = MTVEC | 1;
	trap_raise(cpu, EXC_ILLEGAL_INSN, 0);
	assert_int_equal(cpu->next_pc, MTVEC);
	trap_raise(cpu, IRQ_BIT | IRQ_M_TIMER, 0);
	assert_int_equal(cpu->next_pc, MTVEC + 4 * IRQ_M_TIMER);
	assert_int_equal(cpu->csr.mcause, IRQ_BIT | IRQ_M_TIMER);
}

static void test_trap_mret(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->csr.mepc = 0x80004000;
	cpu->csr.mstatus |= MSTATUS_MPIE | (1ull << 11) | MSTATUS_MPRV;
	assert_int_equal(trap_mret(cpu), 0);
	assert_int_equal(cpu->priv, PRIV_S);
	assert_int_equal(cpu->next_pc, 0x80004000);
	assert_int_equal(cpu->csr.mstatus &
				 (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV),
			 MSTATUS_MIE | MSTATUS_MPIE);
	/* Illegal below M. */
	assert_int_equal(trap_mret(cpu), -1);

	/* Returning to M keeps MPRV. */
	cpu->priv = PRIV_M;
	cpu->csr.mstatus = (cpu->csr.mstatus & ~MSTATUS_MPP) | (3ull << 11) | MSTATUS_MPRV;
	assert_int_equal(trap_mret(cpu), 0);
	assert_int_equal(cpu->priv, PRIV_M);
	assert_true(cpu->csr.mstatus & MSTATUS_MPRV);
	assert_int_equal(cpu->csr.mstatus & MSTATUS_MPP, 0);
}

static void test_trap_sret(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->priv = PRIV_S;
	cpu->csr.sepc = 0x80005000;
	cpu->csr.mstatus |= MSTATUS_SPIE | MSTATUS_MPRV;
	assert_int_equal(trap_sret(cpu), 0);
	assert_int_equal(cpu->priv, PRIV_U);
	assert_int_equal(cpu->next_pc, 0x80005000);
	assert_int_equal(cpu->csr.mstatus &
				 (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPRV),
			 MSTATUS_SIE | MSTATUS_SPIE);
	assert_int_equal(trap_sret(cpu), -1); /* U */

	/* TSR: illegal in S, fine in M. */
	cpu->priv = PRIV_S;
	cpu->csr.mstatus |= MSTATUS_TSR | MSTATUS_SPP;
	assert_int_equal(trap_sret(cpu), -1);
	cpu->priv = PRIV_M;
	assert_int_equal(trap_sret(cpu), 0);
	assert_int_equal(cpu->priv, PRIV_S);
}

static void test_trap_interrupt_priority(void **state)
{
	struct cpu *cpu = trap_cpu(state);
	static const unsigned order[] = {
		IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
	};
	uint64_t pending = MIP_ALL_MASK;
	unsigned i;

	cpu->csr.mie = MIP_ALL_MASK;
	for (i = 0; i < 6; i++) {
		cpu->priv = PRIV_U;
		cpu->pc = 0x80000100;
		cpu->mip_async = pending;
		assert_true(trap_check_interrupts(cpu));
		assert_int_equal(cpu->csr.mcause, IRQ_BIT | order[i]);
		assert_int_equal(cpu->csr.mepc, 0x80000100);
		assert_int_equal(cpu->pc, MTVEC);
		assert_int_equal(cpu->next_pc, MTVEC);
		pending &= ~(1ull << order[i]);
	}
	cpu->priv = PRIV_U;
	cpu->mip_async = 0;
	assert_false(trap_check_interrupts(cpu));
}

static void test_trap_interrupt_enables(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	/* Pending but not enabled in mie. */
	cpu->mip_async = MIP_MTIP;
	assert_false(trap_check_interrupts(cpu));
	/* M-level in M needs MIE. */
	cpu->csr.mie = MIP_MTIP | MIP_SSIP;
	assert_false(trap_check_interrupts(cpu));
	cpu->csr.mstatus |= MSTATUS_MIE;
	assert_true(trap_check_interrupts(cpu));
	assert_int_equal(cpu->priv, PRIV_M);

	/* A delegated interrupt never traps in M, even with SIE and MIE. */
	cpu->mip_async = 0;
	cpu->csr.mideleg = MIP_SSIP;
	cpu->csr.mip = MIP_SSIP;
	cpu->csr.mstatus |= MSTATUS_MIE | MSTATUS_SIE;
	assert_false(trap_check_interrupts(cpu));
	/* In S it needs SIE; in U it is always taken, to S. */
	cpu->priv = PRIV_S;
	cpu->csr.mstatus &= ~MSTATUS_SIE;
	assert_false(trap_check_interrupts(cpu));
	cpu->priv = PRIV_U;
	assert_true(trap_check_interrupts(cpu));
	assert_int_equal(cpu->priv, PRIV_S);
	assert_int_equal(cpu->csr.scause, IRQ_BIT | IRQ_S_SOFT);
	assert_int_equal(cpu->pc, STVEC);

	/* An M-level interrupt preempts S whatever MIE says. */
	cpu->csr.mstatus &= ~MSTATUS_MIE;
	cpu->mip_async = MIP_MTIP;
	assert_true(trap_check_interrupts(cpu));
	assert_int_equal(cpu->priv, PRIV_M);
	assert_int_equal(cpu->csr.mcause, IRQ_BIT | IRQ_M_TIMER);
	assert_int_equal(cpu->csr.mstatus & MSTATUS_MPP, 1ull << 11);
}

static void test_trap_timers(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	trap_update_timers(cpu);
	assert_int_equal(csr_mip(cpu), 0);
	cpu->mtimecmp = 0;
	cpu->csr.stimecmp = 0;
	trap_update_timers(cpu);
	assert_int_equal(csr_mip(cpu), MIP_MTIP);
	cpu->csr.menvcfg = MENVCFG_STCE;
	trap_update_timers(cpu);
	assert_int_equal(csr_mip(cpu), MIP_MTIP | MIP_STIP);
	cpu->mtimecmp = csr_time(cpu) + 10000000; /* one second ahead */
	trap_update_timers(cpu);
	assert_int_equal(csr_mip(cpu), MIP_STIP);
}

static void test_trap_wfi(void **state)
{
	struct cpu *cpu = trap_cpu(state);
	uint64_t start;

	cpu->priv = PRIV_U;
	assert_int_equal(trap_wfi(cpu), -1);
	cpu->priv = PRIV_S;
	cpu->csr.mstatus |= MSTATUS_TW;
	assert_int_equal(trap_wfi(cpu), -1);
	cpu->csr.mstatus &= ~MSTATUS_TW;

	/* Pending and enabled in mie: returns at once even with MIE/SIE off. */
	cpu->csr.mie = MIP_SSIP;
	cpu->csr.mip = MIP_SSIP;
	assert_int_equal(trap_wfi(cpu), 0);
	cpu->csr.mip = 0;

	/* Sleeps until the machine timer 3 ms ahead fires. */
	cpu->priv = PRIV_M;
	cpu->csr.mie = MIP_MTIP;
	start = csr_time(cpu);
	cpu->mtimecmp = start + 30000;
	assert_int_equal(trap_wfi(cpu), 0);
	assert_true(csr_time(cpu) >= start + 30000);
	assert_true(csr_mip(cpu) & MIP_MTIP);
	assert_false(cpu->wfi_waiting);

	/* Nothing enabled: only a stop request ends it. */
	cpu->csr.mie = 0;
	cpu->stop_request = 1;
	assert_int_equal(trap_wfi(cpu), 0);
}

static void test_trap_sfence(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->priv = PRIV_U;
	assert_int_equal(trap_sfence_vma(cpu, 0, 0), -1);
	cpu->priv = PRIV_S;
	cpu->csr.mstatus |= MSTATUS_TVM;
	assert_int_equal(trap_sfence_vma(cpu, 0, 0), -1);
	cpu->csr.mstatus &= ~MSTATUS_TVM;
	cpu->mmu.tlb[MMU_EXEC][9].vpage = 0x9000;
	cpu->mmu.fill_log[MMU_EXEC][cpu->mmu.fill_count[MMU_EXEC]++] = 9;
	assert_int_equal(trap_sfence_vma(cpu, 0, 0), 0);
	assert_int_equal(cpu->mmu.tlb[MMU_EXEC][9].vpage, MMU_TLB_INVALID);
}

static void test_trap_flushes_tlb_on_priv_change(void **state)
{
	struct cpu *cpu = trap_cpu(state);

	cpu->priv = PRIV_S;
	cpu->mmu.tlb[MMU_READ][1].vpage = 0x1000;
	cpu->mmu.fill_log[MMU_READ][cpu->mmu.fill_count[MMU_READ]++] = 1;
	trap_raise(cpu, EXC_ECALL_S, 0);
	assert_int_equal(cpu->mmu.tlb[MMU_READ][1].vpage, MMU_TLB_INVALID);
	cpu->mmu.tlb[MMU_READ][1].vpage = 0x1000;
	cpu->mmu.fill_log[MMU_READ][cpu->mmu.fill_count[MMU_READ]++] = 1;
	cpu->csr.mstatus |= 1ull << 11;
	trap_mret(cpu);
	assert_int_equal(cpu->mmu.tlb[MMU_READ][1].vpage, MMU_TLB_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
		T(test_trap_to_m),
		T(test_trap_delegated_to_s),
		T(test_trap_vectored),
		T(test_trap_mret),
		T(test_trap_sret),
		T(test_trap_interrupt_priority),
		T(test_trap_interrupt_enables),
		T(test_trap_timers),
		T(test_trap_wfi),
		T(test_trap_sfence),
		T(test_trap_flushes_tlb_on_priv_change),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
