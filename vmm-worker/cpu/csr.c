/*
 * csr.c - the CSR file of one RV64 hart with M, S and U modes
 * (privileged spec 1.12; QEMU 7.2 `virt` where the spec leaves a choice).
 *
 * csr_access() splits every instruction into a side-effect free read
 * (which also does the privilege, counter-enable, FS and TVM checks) and a
 * write of the new value, which legalises WARL fields.
 */
#include "csr.h"

#include <string.h>

#include "cpu.h"
#include "../dbt/dbt.h"
#include "../machine/machine.h"
#include "pmp.h"
#include "trap.h"

/* RV64 (MXL = 2) with A C D F I M S U. */
#define CSR_MISA_VALUE \
	((2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) | (1u << ('D' - 'A')) | \
	 (1u << ('F' - 'A')) | (1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('S' - 'A')) | \
	 (1u << ('U' - 'A')))

#define MSTATUS_WRITABLE \
	(MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | \
	 MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | \
	 MSTATUS_TSR)
#define SSTATUS_WRITABLE \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)
#define SSTATUS_VISIBLE \
	(SSTATUS_WRITABLE | MSTATUS_UBE | MSTATUS_VS | MSTATUS_XS | MSTATUS_UXL | MSTATUS_SD)

/* Every synchronous cause can go to S except ecall from M (and reserved 10, 14). */
#define MEDELEG_WRITABLE 0xb3ffull
#define MIE_WRITABLE MIP_ALL_MASK
#define MIP_M_WRITABLE MIP_S_MASK
#define MCOUNTINHIBIT_WRITABLE 0xfffffffdull
#define MENVCFG_WRITABLE (MENVCFG_FIOM | MENVCFG_STCE)
#define SENVCFG_WRITABLE MENVCFG_FIOM

uint64_t csr_time(struct cpu *cpu)
{
	return machine_time(cpu->machine);
}

uint64_t csr_mip(struct cpu *cpu)
{
	/* Devices and the CLINT update these two from other threads. */
	return cpu->csr.mip | __atomic_load_n(&cpu->mip_async, __ATOMIC_RELAXED) |
	       __atomic_load_n(&cpu->timer_mip, __ATOMIC_RELAXED);
}

void csr_reset(struct cpu *cpu)
{
	struct csr_state *csr = &cpu->csr;

	memset(csr, 0, sizeof(*csr));
	csr->misa = CSR_MISA_VALUE;
	csr->mstatus = (2ull << 32) | (2ull << 34); /* UXL = SXL = 64 bits */
	csr->mhartid = cpu->hart_id;
	/* No Sstc interrupt until the guest programs stimecmp. */
	csr->stimecmp = UINT64_MAX;
	cpu->fflags = 0;
	cpu->frm = 0;
	__atomic_store_n(&cpu->timer_mip, 0, __ATOMIC_RELAXED);
	/* the TLB may hold anything (a fresh struct cpu is zeroed): clear it all */
	mmu_reset(&cpu->mmu);
	mmu_flush(cpu);
}

/* SD summarises the dirty state of FS (XS and VS are always off). */
static uint64_t csr_status_with_sd(uint64_t mstatus)
{
	if ((mstatus & MSTATUS_FS) == MSTATUS_FS_DIRTY)
		return mstatus | MSTATUS_SD;
	return mstatus & ~MSTATUS_SD;
}

static void csr_mark_fs_dirty(struct cpu *cpu)
{
	cpu->csr.mstatus = csr_status_with_sd(cpu->csr.mstatus | MSTATUS_FS_DIRTY);
}

/*
 * Unprivileged counters: S needs the mcounteren bit, U needs both
 * mcounteren and scounteren.
 */
static bool csr_counter_enabled(struct cpu *cpu, unsigned csrno)
{
	uint64_t bit = 1ull << (csrno & 31);

	if (cpu->priv < PRIV_M && !(cpu->csr.mcounteren & bit))
		return false;
	if (cpu->priv < PRIV_S && !(cpu->csr.scounteren & bit))
		return false;
	return true;
}

/* stimecmp from S needs menvcfg.STCE and mcounteren.TM (Sstc). */
static bool csr_stimecmp_enabled(struct cpu *cpu)
{
	if (cpu->priv == PRIV_M)
		return true;
	return (cpu->csr.menvcfg & MENVCFG_STCE) && (cpu->csr.mcounteren & COUNTER_TM);
}

static uint64_t csr_read_pmpcfg(const struct csr_state *csr, unsigned first)
{
	uint64_t val = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		val |= (uint64_t)csr->pmpcfg[first + i] << (8 * i);
	return val;
}

/* Read without side effects. Returns 0, or -1 if the access is illegal. */
static int csr_read(struct cpu *cpu, unsigned csrno, uint64_t *val)
{
	struct csr_state *csr = &cpu->csr;

	if (csrno >= CSR_HPMCOUNTER3 && csrno <= CSR_HPMCOUNTER31) {
		if (!csr_counter_enabled(cpu, csrno))
			return -1;
		*val = 0;
		return 0;
	}
	if ((csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31) ||
	    (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31)) {
		*val = 0;
		return 0;
	}
	if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR15) {
		*val = csr->pmpaddr[csrno - CSR_PMPADDR0];
		return 0;
	}

	switch (csrno) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if ((csr->mstatus & MSTATUS_FS) == MSTATUS_FS_OFF)
			return -1;
		if (csrno == CSR_FFLAGS)
			*val = cpu->fflags;
		else if (csrno == CSR_FRM)
			*val = cpu->frm;
		else
			*val = (cpu->frm << 5) | cpu->fflags;
		return 0;
	case CSR_CYCLE:
	case CSR_TIME:
	case CSR_INSTRET:
		if (!csr_counter_enabled(cpu, csrno))
			return -1;
		if (csrno == CSR_CYCLE)
			*val = csr->mcycle;
		else if (csrno == CSR_TIME)
			*val = cpu->journal ? dbt_journal_time(cpu) : csr_time(cpu);
		else
			*val = csr->minstret;
		return 0;
	case CSR_SSTATUS:
		*val = csr_status_with_sd(csr->mstatus) & SSTATUS_VISIBLE;
		return 0;
	case CSR_SIE:
		*val = csr->mie & csr->mideleg;
		return 0;
	case CSR_STVEC:
		*val = csr->stvec;
		return 0;
	case CSR_SCOUNTEREN:
		*val = csr->scounteren;
		return 0;
	case CSR_SENVCFG:
		*val = csr->senvcfg;
		return 0;
	case CSR_SSCRATCH:
		*val = csr->sscratch;
		return 0;
	case CSR_SEPC:
		*val = csr->sepc;
		return 0;
	case CSR_SCAUSE:
		*val = csr->scause;
		return 0;
	case CSR_STVAL:
		*val = csr->stval;
		return 0;
	case CSR_SIP:
		*val = csr_mip(cpu) & csr->mideleg;
		return 0;
	case CSR_STIMECMP:
		if (!csr_stimecmp_enabled(cpu))
			return -1;
		*val = csr->stimecmp;
		return 0;
	case CSR_SATP:
		if (cpu->priv == PRIV_S && (csr->mstatus & MSTATUS_TVM))
			return -1;
		*val = csr->satp;
		return 0;
	case CSR_MSTATUS:
		*val = csr_status_with_sd(csr->mstatus);
		return 0;
	case CSR_MISA:
		*val = csr->misa;
		return 0;
	case CSR_MEDELEG:
		*val = csr->medeleg;
		return 0;
	case CSR_MIDELEG:
		*val = csr->mideleg;
		return 0;
	case CSR_MIE:
		*val = csr->mie;
		return 0;
	case CSR_MTVEC:
		*val = csr->mtvec;
		return 0;
	case CSR_MCOUNTEREN:
		*val = csr->mcounteren;
		return 0;
	case CSR_MENVCFG:
		*val = csr->menvcfg;
		return 0;
	case CSR_MCOUNTINHIBIT:
		*val = csr->mcountinhibit;
		return 0;
	case CSR_MSCRATCH:
		*val = csr->mscratch;
		return 0;
	case CSR_MEPC:
		*val = csr->mepc;
		return 0;
	case CSR_MCAUSE:
		*val = csr->mcause;
		return 0;
	case CSR_MTVAL:
		*val = csr->mtval;
		return 0;
	case CSR_MIP:
		*val = csr_mip(cpu);
		return 0;
	case CSR_PMPCFG0:
		*val = csr_read_pmpcfg(csr, 0);
		return 0;
	case CSR_PMPCFG2:
		*val = csr_read_pmpcfg(csr, 8);
		return 0;
	case CSR_MCYCLE:
		*val = csr->mcycle;
		return 0;
	case CSR_MINSTRET:
		*val = csr->minstret;
		return 0;
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MCONFIGPTR:
		*val = 0;
		return 0;
	case CSR_MHARTID:
		*val = csr->mhartid;
		return 0;
	default:
		return -1;
	}
}

static void csr_write_mstatus(struct cpu *cpu, uint64_t mask, uint64_t val)
{
	uint64_t old = cpu->csr.mstatus;
	uint64_t new = (old & ~mask) | (val & mask);

	/* MPP is WARL: the reserved value 2 leaves the field unchanged (as QEMU). */
	if ((new &MSTATUS_MPP) == (2ull << MSTATUS_MPP_SHIFT))
		new = (new & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
	new = csr_status_with_sd(new);
	cpu->csr.mstatus = new;
	if ((old ^ new) & MSTATUS_MMU_FIELDS)
		mmu_flush(cpu);
}

static void csr_write_menvcfg(struct cpu *cpu, uint64_t val)
{
	struct csr_state *csr = &cpu->csr;

	csr->menvcfg = val & MENVCFG_WRITABLE;
	/* With Sstc on, STIP is driven by stimecmp only: drop the software bit. */
	if (csr->menvcfg & MENVCFG_STCE)
		csr->mip &= ~MIP_STIP;
	trap_update_timers(cpu);
}

static void csr_write_mip(struct cpu *cpu, uint64_t mask, uint64_t val)
{
	if (cpu->csr.menvcfg & MENVCFG_STCE)
		mask &= ~MIP_STIP;
	cpu->csr.mip = (cpu->csr.mip & ~mask) | (val & mask);
}

static void csr_write_pmpcfg(struct cpu *cpu, unsigned first, uint64_t val)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		pmp_write_cfg(&cpu->csr, first + i, (uint8_t)(val >> (8 * i)));
	cpu->mmu.pmp_gen++;
	mmu_flush(cpu);
}

/* xtvec: modes 2 and 3 are reserved, and such a write is ignored (as QEMU). */
static void csr_write_tvec(uint64_t *tvec, uint64_t val)
{
	if ((val & 3) < 2)
		*tvec = val;
}

/* Write a legal value. Returns 0, or -1 if the write is illegal. */
static int csr_write(struct cpu *cpu, unsigned csrno, uint64_t val)
{
	struct csr_state *csr = &cpu->csr;

	if ((csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31) ||
	    (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31))
		return 0;
	if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR15) {
		pmp_write_addr(csr, csrno - CSR_PMPADDR0, val);
		cpu->mmu.pmp_gen++;
		mmu_flush(cpu);
		return 0;
	}

	switch (csrno) {
	case CSR_FFLAGS:
		cpu->fflags = val & 0x1f;
		csr_mark_fs_dirty(cpu);
		return 0;
	case CSR_FRM:
		cpu->frm = val & 7;
		csr_mark_fs_dirty(cpu);
		return 0;
	case CSR_FCSR:
		cpu->fflags = val & 0x1f;
		cpu->frm = (val >> 5) & 7;
		csr_mark_fs_dirty(cpu);
		return 0;
	case CSR_SSTATUS:
		csr_write_mstatus(cpu, SSTATUS_WRITABLE, val);
		return 0;
	case CSR_SIE:
		csr->mie = (csr->mie & ~csr->mideleg) | (val & csr->mideleg);
		return 0;
	case CSR_STVEC:
		csr_write_tvec(&csr->stvec, val);
		return 0;
	case CSR_SCOUNTEREN:
		csr->scounteren = val & 0xffffffffu;
		return 0;
	case CSR_SENVCFG:
		csr->senvcfg = val & SENVCFG_WRITABLE;
		return 0;
	case CSR_SSCRATCH:
		csr->sscratch = val;
		return 0;
	case CSR_SEPC:
		csr->sepc = val & ~1ull;
		return 0;
	case CSR_SCAUSE:
		csr->scause = val;
		return 0;
	case CSR_STVAL:
		csr->stval = val;
		return 0;
	case CSR_SIP:
		/* S may only write SSIP, and only when it is delegated. */
		csr_write_mip(cpu, MIP_SSIP & csr->mideleg, val);
		return 0;
	case CSR_STIMECMP:
		csr->stimecmp = val;
		trap_update_timers(cpu);
		return 0;
	case CSR_SATP: {
		uint64_t mode = val >> SATP_MODE_SHIFT;

		/* An unsupported mode makes the whole write have no effect. */
		if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48)
			return 0;
		csr->satp = val;
		cpu->mmu.map_gen++;
		mmu_flush(cpu);
		return 0;
	}
	case CSR_MSTATUS:
		csr_write_mstatus(cpu, MSTATUS_WRITABLE, val);
		return 0;
	case CSR_MISA:
		return 0;
	case CSR_MEDELEG:
		csr->medeleg = val & MEDELEG_WRITABLE;
		return 0;
	case CSR_MIDELEG:
		csr->mideleg = val & MIP_S_MASK;
		return 0;
	case CSR_MIE:
		csr->mie = val & MIE_WRITABLE;
		return 0;
	case CSR_MTVEC:
		csr_write_tvec(&csr->mtvec, val);
		return 0;
	case CSR_MCOUNTEREN:
		csr->mcounteren = val & 0xffffffffu;
		return 0;
	case CSR_MENVCFG:
		csr_write_menvcfg(cpu, val);
		return 0;
	case CSR_MCOUNTINHIBIT:
		csr->mcountinhibit = val & MCOUNTINHIBIT_WRITABLE;
		return 0;
	case CSR_MSCRATCH:
		csr->mscratch = val;
		return 0;
	case CSR_MEPC:
		csr->mepc = val & ~1ull;
		return 0;
	case CSR_MCAUSE:
		csr->mcause = val;
		return 0;
	case CSR_MTVAL:
		csr->mtval = val;
		return 0;
	case CSR_MIP:
		csr_write_mip(cpu, MIP_M_WRITABLE, val);
		return 0;
	case CSR_PMPCFG0:
		csr_write_pmpcfg(cpu, 0, val);
		return 0;
	case CSR_PMPCFG2:
		csr_write_pmpcfg(cpu, 8, val);
		return 0;
	case CSR_MCYCLE:
		csr->mcycle = val;
		return 0;
	case CSR_MINSTRET:
		csr->minstret = val;
		return 0;
	default:
		/* Read-only CSRs never get here: bits 11:10 == 3 are rejected earlier. */
		return -1;
	}
}

int csr_access(struct cpu *cpu, unsigned csrno, enum csr_op op, uint64_t operand, bool write,
	       uint64_t *old)
{
	uint64_t val, base, new;

	csrno &= 0xfff;
	if (cpu->priv < ((csrno >> 8) & 3))
		return -1;
	if (write && (csrno >> 10) == 3)
		return -1;
	if (csr_read(cpu, csrno, &val))
		return -1;
	if (write) {
		/*
		 * csrrs/csrrc on mip/sip modify the software-writable bits, not
		 * the lines OR-ed in by devices and timers.
		 */
		base = (csrno == CSR_MIP || csrno == CSR_SIP) ? cpu->csr.mip : val;
		if (op == CSR_OP_RW)
			new = operand;
		else if (op == CSR_OP_RS)
			new = base | operand;
		else
			new = base & ~operand;
		if (csr_write(cpu, csrno, new))
			return -1;
	}
	*old = val;
	return 0;
}
