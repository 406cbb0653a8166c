/*
 * trap.h - taking exceptions and interrupts; the trap-return and wait
 * instructions.
 */
#ifndef VMM_CPU_TRAP_H
#define VMM_CPU_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/*
 * Take a synchronous exception for the instruction at cpu->pc: pick M or S
 * by medeleg, update xepc/xcause/xtval/xstatus/priv, set cpu->next_pc to the
 * handler and cpu->trapped = true. `cause` may carry the interrupt bit (63),
 * in which case mideleg decides and a vectored xtvec applies.
 */
void trap_raise(struct cpu *cpu, uint64_t cause, uint64_t tval);

/*
 * If an enabled interrupt is pending, take the highest-priority one (the
 * instruction at cpu->pc has not executed: it becomes xepc) and return true.
 * On true, cpu->pc and cpu->next_pc are both the handler address (and
 * cpu->trapped is set): the interpreter just fetches from cpu->pc next.
 * Cheap when nothing is pending: call it before every instruction.
 */
bool trap_check_interrupts(struct cpu *cpu);

/*
 * Read the clock once and recompute cpu->timer_mip: MTIP from
 * cpu->mtimecmp, STIP from stimecmp when menvcfg.STCE is set. Call it
 * periodically (every few thousand instructions), after mtimecmp or
 * stimecmp change, and it is called while waiting in wfi.
 */
void trap_update_timers(struct cpu *cpu);

/*
 * mret / sret: return 0 with cpu->next_pc = xepc and the privilege changed,
 * or -1 when illegal in the current state (the caller raises it).
 */
int trap_mret(struct cpu *cpu);
int trap_sret(struct cpu *cpu);

/*
 * wfi: return 0 (possibly after sleeping until an interrupt is pending and
 * enabled in mie, whatever the global enables, or stop_request is set), or
 * -1 if illegal (U-mode, or S-mode with mstatus.TW). It sleeps on
 * machine->wfi_cond (machine_kick_harts wakes it) in slices of at most 1 ms
 * or up to the next enabled timer deadline.
 */
int trap_wfi(struct cpu *cpu);

/*
 * sfence.vma: return 0 or -1 if illegal (TVM in S-mode, U-mode). The whole
 * TLB is flushed whatever vaddr and asid say.
 */
int trap_sfence_vma(struct cpu *cpu, uint64_t vaddr, uint64_t asid);

#endif
