/*
 * cpu.h - one RISC-V RV64GC hart: architectural state and the entry points
 * the rest of the worker uses to run it.
 *
 * Ownership of the pieces:
 *   decode.[ch]  one instruction table (decoder, disassembler, interpreter)
 *   interp.c     the reference interpreter (executes struct insn)
 *   fpu.[ch]     IEEE 754 binary32/binary64 exactly as RISC-V specifies
 *   csr.[ch]     CSR file, privilege checks on CSR access
 *   trap.[ch]    exceptions, interrupts, mret/sret/wfi
 *   mmu.[ch]     Sv39/Sv48 page walker, PMP, soft TLB, guest loads/stores
 */
#ifndef VMM_CPU_H
#define VMM_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "csr.h"
#include "mmu.h"

struct machine;

enum cpu_priv {
	PRIV_U = 0,
	PRIV_S = 1,
	PRIV_M = 3,
};

/* Exception causes (mcause/scause with the interrupt bit clear). */
enum cpu_exception {
	EXC_INSN_MISALIGNED = 0,
	EXC_INSN_ACCESS = 1,
	EXC_ILLEGAL_INSN = 2,
	EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4,
	EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7,
	EXC_ECALL_U = 8,
	EXC_ECALL_S = 9,
	EXC_ECALL_M = 11,
	EXC_INSN_PAGE_FAULT = 12,
	EXC_LOAD_PAGE_FAULT = 13,
	EXC_STORE_PAGE_FAULT = 15,
};

/* Interrupt numbers: bit positions in mip/mie. */
enum cpu_interrupt {
	IRQ_S_SOFT = 1,
	IRQ_M_SOFT = 3,
	IRQ_S_TIMER = 5,
	IRQ_M_TIMER = 7,
	IRQ_S_EXT = 9,
	IRQ_M_EXT = 11,
};

/* Why cpu_run() returned. */
enum cpu_stop_reason {
	CPU_STOP_NONE = 0,
	CPU_STOP_BUDGET,  /* instruction budget used up */
	CPU_STOP_REQUEST, /* cpu->stop_request was set (machine exit, signal) */
};

struct cpu {
	uint64_t x[32];	  /* x[0] is kept zero by the interpreter */
	uint64_t f[32];	  /* raw bits; single precision values NaN-boxed */
	uint64_t pc;	  /* pc of the instruction being executed */
	uint64_t next_pc; /* set by each instruction; traps redirect it */
	enum cpu_priv priv;
	uint32_t fflags; /* accrued exceptions, RISC-V bit order NV DZ OF UF NX */
	uint32_t frm;	 /* dynamic rounding mode */

	struct csr_state csr;
	struct mmu_state mmu;

	/* LR/SC reservation: physical address, valid flag. */
	uint64_t reservation_addr;
	bool reservation_valid;
	/*
	 * The value LR loaded: SC stores with a compare-and-swap against it,
	 * so a store by another hart in between makes the SC fail.
	 */
	uint64_t reservation_value;

	/*
	 * Set by a trap taken during the current instruction so the
	 * interpreter stops executing it (the remaining effects are
	 * suppressed: precise exceptions).
	 */
	bool trapped;

	/* Written by other threads (devices, other harts): read atomically. */
	uint64_t mip_async; /* interrupt lines raised by devices, OR-ed into mip */
	int stop_request;   /* nonzero: leave cpu_run() as soon as possible */
	bool wfi_waiting;   /* parked in wfi */

	/*
	 * Timers. mtimecmp belongs to the CLINT but lives here so the hart can
	 * compare it without a device call. timer_mip caches MTIP/STIP as last
	 * computed by trap_update_timers() (the clock is not read per insn).
	 */
	uint64_t mtimecmp;
	uint64_t timer_mip;

	unsigned hart_id;
	bool trace; /* print one line per retired instruction */
	struct machine *machine;

	/*
	 * The translator (dbt/dbt.h); NULL runs the interpreter. The fields
	 * after it are read and written by translated code through the
	 * struct cpu pointer it keeps in a host register.
	 */
	struct dbt *dbt;
	int64_t dbt_budget;   /* instructions left; other threads store 0 */
	uint64_t dbt_t3_slot; /* T3: byte offset of the current function's entry in dbt_ret */
	void *dbt_jc;	      /* jump cache of the current privilege */
	void *dbt_ret;	      /* T3 return-address array of the current privilege */
	void *dbt_last_exit;  /* the chainable exit the last block left by */
	uint64_t dbt_stat[16] __attribute__((aligned(64))); /* enum dbt_stat counters */
	struct dbt_journal *journal;			    /* --check-lockstep only */
};

/* Initialise a hart in its reset state: M-mode, pc = reset_pc. */
void cpu_init(struct cpu *cpu, struct machine *machine, unsigned hart_id, uint64_t reset_pc);

/*
 * Run the interpreter until the budget of instructions is used up or
 * stop_request becomes nonzero. Returns the reason.
 */
enum cpu_stop_reason cpu_run(struct cpu *cpu, uint64_t budget);

/* Execute exactly one instruction (or take one pending interrupt). */
void cpu_step(struct cpu *cpu);

/*
 * Execute the already decoded instruction @in found at @pc, exactly as the
 * interpreter would (cpu->pc = pc; cpu->next_pc is where to go next and
 * cpu->trapped tells whether it trapped). With @count, mcycle/minstret
 * advance as for one interpreter step. For the translator's helpers.
 */
struct insn;
void cpu_exec_insn(struct cpu *cpu, const struct insn *in, uint64_t pc, bool count);

/* Execute one instruction at cpu->pc without looking at interrupts (lockstep's shadow). */
void cpu_execute_one(struct cpu *cpu);

/* Raise/clear an interrupt line from a device or another hart (thread safe). */
void cpu_set_irq(struct cpu *cpu, enum cpu_interrupt irq, bool level);

#endif /* VMM_CPU_H */
