/*
 * trap.c - exceptions, interrupts, xRET, WFI and SFENCE.VMA
 * (privileged spec 1.12, sections 3.1.6-3.1.9 and 3.3).
 */
#include "trap.h"

#include <pthread.h>
#include <time.h>

#include "../machine/machine.h"
#include "cpu.h"

#define TRAP_INTERRUPT_BIT (1ull << 63)
#define TRAP_NS_PER_TICK 100 /* mtime runs at 10 MHz */
/*
 * Longest sleep in wfi without a timer deadline. Every interrupt source
 * kicks the sleeping harts (cpu_set_irq, CLINT writes), so this bound is
 * only a safety net; a short one costs an idle guest host CPU.
 */
#define TRAP_WFI_SLICE_NS 100000000ull

/*
 * Interrupts in decreasing priority (spec 3.1.9): M-level sources first,
 * then the S-level ones, each external, software, timer.
 */
static const unsigned trap_irq_priority[] = {
	IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
};

/*
 * Install a new privilege and mstatus. The soft TLB caches translations
 * for one privilege/MPRV/MPP/SUM/MXR context, so a change drops it.
 */
static void trap_switch(struct cpu *cpu, enum cpu_priv priv, uint64_t mstatus)
{
	bool flush = cpu->priv != priv || ((cpu->csr.mstatus ^ mstatus) & MSTATUS_MMU_FIELDS);

	cpu->priv = priv;
	cpu->csr.mstatus = mstatus;
	if (flush)
		mmu_flush(cpu);
}

static uint64_t trap_handler_address(uint64_t tvec, uint64_t cause)
{
	uint64_t base = tvec & ~3ull;

	if ((cause & TRAP_INTERRUPT_BIT) && (tvec & 3) == 1)
		return base + 4 * (cause & ~TRAP_INTERRUPT_BIT);
	return base;
}

void trap_raise(struct cpu *cpu, uint64_t cause, uint64_t tval)
{
	struct csr_state *csr = &cpu->csr;
	uint64_t code = cause & ~TRAP_INTERRUPT_BIT;
	uint64_t deleg = (cause & TRAP_INTERRUPT_BIT) ? csr->mideleg : csr->medeleg;
	uint64_t status = csr->mstatus;

	if (cpu->priv <= PRIV_S && code < 64 && ((deleg >> code) & 1)) {
		csr->scause = cause;
		csr->sepc = cpu->pc;
		csr->stval = tval;
		status &= ~(MSTATUS_SPIE | MSTATUS_SPP);
		if (status & MSTATUS_SIE)
			status |= MSTATUS_SPIE;
		if (cpu->priv == PRIV_S)
			status |= MSTATUS_SPP;
		status &= ~MSTATUS_SIE;
		cpu->next_pc = trap_handler_address(csr->stvec, cause);
		trap_switch(cpu, PRIV_S, status);
	} else {
		csr->mcause = cause;
		csr->mepc = cpu->pc;
		csr->mtval = tval;
		status &= ~(MSTATUS_MPIE | MSTATUS_MPP);
		if (status & MSTATUS_MIE)
			status |= MSTATUS_MPIE;
		status |= (uint64_t)cpu->priv << MSTATUS_MPP_SHIFT;
		status &= ~MSTATUS_MIE;
		cpu->next_pc = trap_handler_address(csr->mtvec, cause);
		trap_switch(cpu, PRIV_M, status);
	}
	cpu->trapped = true;
}

bool trap_check_interrupts(struct cpu *cpu)
{
	uint64_t pending = csr_mip(cpu) & cpu->csr.mie;
	uint64_t mstatus, take = 0;
	unsigned i;

	if (__builtin_expect(!pending, 1))
		return false;

	/*
	 * Non-delegated interrupts go to M: taken below M, or in M with MIE.
	 * Delegated ones go to S: taken in U, or in S with SIE, never in M.
	 */
	mstatus = cpu->csr.mstatus;
	if (cpu->priv < PRIV_M || (mstatus & MSTATUS_MIE))
		take = pending & ~cpu->csr.mideleg;
	if (!take && (cpu->priv < PRIV_S || (cpu->priv == PRIV_S && (mstatus & MSTATUS_SIE))))
		take = pending & cpu->csr.mideleg;
	if (!take)
		return false;

	for (i = 0; i < sizeof(trap_irq_priority) / sizeof(trap_irq_priority[0]); i++) {
		unsigned irq = trap_irq_priority[i];

		if (take & (1ull << irq)) {
			trap_raise(cpu, TRAP_INTERRUPT_BIT | irq, 0);
			cpu->pc = cpu->next_pc;
			return true;
		}
	}
	return false;
}

void trap_update_timers(struct cpu *cpu)
{
	uint64_t now = csr_time(cpu);
	uint64_t mip = 0;

	/* mtimecmp is written by whichever hart stores to the CLINT. */
	if (now >= __atomic_load_n(&cpu->mtimecmp, __ATOMIC_RELAXED))
		mip |= MIP_MTIP;
	if ((cpu->csr.menvcfg & MENVCFG_STCE) && now >= cpu->csr.stimecmp)
		mip |= MIP_STIP;
	__atomic_store_n(&cpu->timer_mip, mip, __ATOMIC_RELAXED);
}

int trap_mret(struct cpu *cpu)
{
	uint64_t status = cpu->csr.mstatus;
	enum cpu_priv mpp;

	if (cpu->priv != PRIV_M)
		return -1;
	mpp = (enum cpu_priv)((status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
	status &= ~(MSTATUS_MIE | MSTATUS_MPP);
	if (status & MSTATUS_MPIE)
		status |= MSTATUS_MIE;
	status |= MSTATUS_MPIE;
	if (mpp != PRIV_M)
		status &= ~MSTATUS_MPRV;
	cpu->next_pc = cpu->csr.mepc;
	trap_switch(cpu, mpp, status);
	return 0;
}

int trap_sret(struct cpu *cpu)
{
	uint64_t status = cpu->csr.mstatus;
	enum cpu_priv spp;

	if (cpu->priv == PRIV_U || (cpu->priv == PRIV_S && (status & MSTATUS_TSR)))
		return -1;
	spp = (status & MSTATUS_SPP) ? PRIV_S : PRIV_U;
	status &= ~(MSTATUS_SIE | MSTATUS_SPP);
	if (status & MSTATUS_SPIE)
		status |= MSTATUS_SIE;
	status |= MSTATUS_SPIE;
	/* SPP is never M, so returning always clears MPRV (spec 1.12). */
	status &= ~MSTATUS_MPRV;
	cpu->next_pc = cpu->csr.sepc;
	trap_switch(cpu, spp, status);
	return 0;
}

/* Ticks until the next enabled timer fires (0: already due, UINT64_MAX: none). */
static uint64_t trap_ticks_to_timer(struct cpu *cpu)
{
	uint64_t now = csr_time(cpu);
	uint64_t deadline = UINT64_MAX;
	uint64_t mtimecmp = __atomic_load_n(&cpu->mtimecmp, __ATOMIC_RELAXED);

	if (cpu->csr.mie & MIP_MTIP)
		deadline = mtimecmp;
	if ((cpu->csr.menvcfg & MENVCFG_STCE) && (cpu->csr.mie & MIP_STIP) &&
	    cpu->csr.stimecmp < deadline)
		deadline = cpu->csr.stimecmp;
	if (deadline == UINT64_MAX)
		return UINT64_MAX;
	return deadline > now ? deadline - now : 0;
}

/* Whether wfi may stop waiting: an interrupt pending in mie, or a stop request. */
static bool trap_wfi_done(struct cpu *cpu)
{
	trap_update_timers(cpu);
	return (csr_mip(cpu) & cpu->csr.mie) ||
	       __atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE);
}

int trap_wfi(struct cpu *cpu)
{
	struct machine *m = cpu->machine;

	if (cpu->priv == PRIV_U)
		return -1;
	if (cpu->priv == PRIV_S && (cpu->csr.mstatus & MSTATUS_TW))
		return -1;

	__atomic_store_n(&cpu->wfi_waiting, true, __ATOMIC_RELEASE);
	pthread_mutex_lock(&m->wfi_lock);
	/*
	 * The condition is checked under wfi_lock, and machine_kick_harts()
	 * broadcasts under it after raising a line, so no wake-up is lost; the
	 * timeout is the next timer deadline (or the safety-net slice).
	 */
	while (!trap_wfi_done(cpu)) {
		uint64_t ticks = trap_ticks_to_timer(cpu);
		uint64_t ns = TRAP_WFI_SLICE_NS;
		struct timespec deadline;

		if (ticks == 0)
			continue;
		if (ticks < ns / TRAP_NS_PER_TICK)
			ns = ticks * TRAP_NS_PER_TICK;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += (long)ns;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->wfi_cond, &m->wfi_lock, &deadline);
	}
	pthread_mutex_unlock(&m->wfi_lock);
	__atomic_store_n(&cpu->wfi_waiting, false, __ATOMIC_RELEASE);
	return 0;
}

int trap_sfence_vma(struct cpu *cpu, uint64_t vaddr, uint64_t asid)
{
	(void)vaddr;
	(void)asid;
	if (cpu->priv == PRIV_U)
		return -1;
	if (cpu->priv == PRIV_S && (cpu->csr.mstatus & MSTATUS_TVM))
		return -1;
	cpu->mmu.map_gen++;
	mmu_flush(cpu);
	return 0;
}
