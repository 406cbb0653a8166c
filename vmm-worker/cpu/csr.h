/*
 * csr.h - the control and status register file of one hart.
 */
#ifndef VMM_CPU_CSR_H
#define VMM_CPU_CSR_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

#define CSR_PMP_COUNT 16

/* Machine and supervisor CSR values that are stored, not computed. */
struct csr_state {
	uint64_t mstatus; /* sstatus is a view of it */
	uint64_t misa;
	uint64_t medeleg, mideleg;
	uint64_t mie; /* sie is a view of it */
	uint64_t mip; /* software-writable bits; device lines in cpu->mip_async */
	uint64_t mtvec, mscratch, mepc, mcause, mtval;
	uint64_t mcounteren, menvcfg, mcountinhibit;
	uint64_t stvec, sscratch, sepc, scause, stval;
	uint64_t satp, scounteren, senvcfg;
	uint64_t stimecmp; /* Sstc */
	uint64_t mcycle, minstret;
	uint64_t mhartid;
	uint8_t pmpcfg[CSR_PMP_COUNT];
	uint64_t pmpaddr[CSR_PMP_COUNT];
};

/* mstatus fields */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_VS (3ull << 9)
#define MSTATUS_MPP (3ull << 11)
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS_SD (1ull << 63)

/* Fields whose change alters address translation or its protection. */
#define MSTATUS_MMU_FIELDS (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR)
#define MSTATUS_MPP_SHIFT 11

#define MSTATUS_FS_OFF (0ull << 13)
#define MSTATUS_FS_DIRTY (3ull << 13)

/* mip/mie bits */
#define MIP_SSIP (1ull << 1)
#define MIP_MSIP (1ull << 3)
#define MIP_STIP (1ull << 5)
#define MIP_MTIP (1ull << 7)
#define MIP_SEIP (1ull << 9)
#define MIP_MEIP (1ull << 11)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL_MASK (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* menvcfg/senvcfg */
#define MENVCFG_FIOM (1ull << 0)
#define MENVCFG_STCE (1ull << 63)

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0ull
#define SATP_MODE_SV39 8ull
#define SATP_MODE_SV48 9ull
#define SATP_PPN_MASK ((1ull << 44) - 1)

/* mcounteren/scounteren/mcountinhibit bits */
#define COUNTER_CY (1u << 0)
#define COUNTER_TM (1u << 1)
#define COUNTER_IR (1u << 2)

/* CSR numbers this hart implements (plus the 3..31 counter ranges). */
enum csr_number {
	CSR_FFLAGS = 0x001,
	CSR_FRM = 0x002,
	CSR_FCSR = 0x003,
	CSR_SSTATUS = 0x100,
	CSR_SIE = 0x104,
	CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106,
	CSR_SENVCFG = 0x10a,
	CSR_SSCRATCH = 0x140,
	CSR_SEPC = 0x141,
	CSR_SCAUSE = 0x142,
	CSR_STVAL = 0x143,
	CSR_SIP = 0x144,
	CSR_STIMECMP = 0x14d,
	CSR_SATP = 0x180,
	CSR_MSTATUS = 0x300,
	CSR_MISA = 0x301,
	CSR_MEDELEG = 0x302,
	CSR_MIDELEG = 0x303,
	CSR_MIE = 0x304,
	CSR_MTVEC = 0x305,
	CSR_MCOUNTEREN = 0x306,
	CSR_MENVCFG = 0x30a,
	CSR_MCOUNTINHIBIT = 0x320,
	CSR_MHPMEVENT3 = 0x323,
	CSR_MHPMEVENT31 = 0x33f,
	CSR_MSCRATCH = 0x340,
	CSR_MEPC = 0x341,
	CSR_MCAUSE = 0x342,
	CSR_MTVAL = 0x343,
	CSR_MIP = 0x344,
	CSR_PMPCFG0 = 0x3a0,
	CSR_PMPCFG2 = 0x3a2,
	CSR_PMPADDR0 = 0x3b0,
	CSR_PMPADDR15 = 0x3bf,
	CSR_MCYCLE = 0xb00,
	CSR_MINSTRET = 0xb02,
	CSR_MHPMCOUNTER3 = 0xb03,
	CSR_MHPMCOUNTER31 = 0xb1f,
	CSR_CYCLE = 0xc00,
	CSR_TIME = 0xc01,
	CSR_INSTRET = 0xc02,
	CSR_HPMCOUNTER3 = 0xc03,
	CSR_HPMCOUNTER31 = 0xc1f,
	CSR_MVENDORID = 0xf11,
	CSR_MARCHID = 0xf12,
	CSR_MIMPID = 0xf13,
	CSR_MHARTID = 0xf14,
	CSR_MCONFIGPTR = 0xf15,
};

/* Zicsr operations as encoded in funct3 & 3. */
enum csr_op {
	CSR_OP_RW = 1,
	CSR_OP_RS = 2,
	CSR_OP_RC = 3,
};

/*
 * Execute the CSR part of a csrr{w,s,c}[i] instruction.
 * `write` is false for csrrs/csrrc with rs1 = x0 (or uimm = 0): the CSR is
 * then only read and read-only CSRs do not fault.
 * Returns 0 with the old value in *old, or -1 when the access is illegal
 * (unknown CSR, too little privilege, write to a read-only CSR, TVM...):
 * the caller raises an illegal-instruction exception.
 */
int csr_access(struct cpu *cpu, unsigned csrno, enum csr_op op, uint64_t operand, bool write,
	       uint64_t *old);

/* Reset values for a hart (called by cpu_init). */
void csr_reset(struct cpu *cpu);

/* The effective mip: software bits, device lines, and the Sstc STIP. */
uint64_t csr_mip(struct cpu *cpu);

/* Current guest time in CLINT ticks (10 MHz), for time/stimecmp. */
uint64_t csr_time(struct cpu *cpu);

#endif
