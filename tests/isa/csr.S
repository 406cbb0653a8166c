/*
 * csr.S - CSR access: csrrw/s/c and immediate forms, misa, mhartid, counters
 * (cycle/instret/time advance, mcounteren/scounteren gating from S and U),
 * writes to read-only CSRs and unknown CSRs being illegal (mtval = the
 * instruction), privilege checks, fcsr/frm/fflags as views of one register,
 * mstatus.FS (off makes FP illegal, FP writes set Dirty and SD), sstatus as a
 * view of mstatus, and satp ignoring unsupported modes.
 */
#include "common.h"

/* The instruction at label l must have raised illegal instruction (trap count cnt). */
#define CHECK_ILLEGAL_AT(n, cnt, l) \
	CHECK_TRAP(n, cnt, CAUSE_ILLEGAL); CHECK_EPC_LABEL(n, l)

TEST_START
	/* read/write/set/clear, old value returned */
	li a1, 0x123456789abcdef0
	csrw mscratch, a1
	csrr a0, mscratch
	CHECK(2, a0, 0x123456789abcdef0)
	li a1, 0xf
	csrrs a0, mscratch, a1
	CHECK(3, a0, 0x123456789abcdef0)
	csrr a0, mscratch
	CHECK(4, a0, 0x123456789abcdeff)
	li a1, 0xff00
	csrrc a0, mscratch, a1
	csrr a0, mscratch
	CHECK(5, a0, 0x123456789abc00ff)
	csrrwi a0, mscratch, 0x15
	CHECK(6, a0, 0x123456789abc00ff)
	csrrsi a0, mscratch, 0x0a
	CHECK(7, a0, 0x15)
	csrrci a0, mscratch, 0x1
	CHECK(8, a0, 0x1f)
	csrr a0, mscratch
	CHECK(9, a0, 0x1e)
	/* rd = x0 still writes, rs1 = x0 set/clear do not change anything */
	csrw mscratch, zero
	csrrs zero, mscratch, zero
	li a1, 7
	csrrw zero, mscratch, a1
	csrr a0, mscratch
	CHECK(10, a0, 7)
	/* csrrw with rd == rs1 swaps */
	li a1, 9
	csrrw a1, mscratch, a1
	CHECK(11, a1, 7)
	csrr a0, mscratch
	CHECK(12, a0, 9)

	/* misa: RV64 with IMAFDC, S and U */
	csrr a0, misa
	srli a1, a0, 62
	CHECK(13, a1, 2)
	li a2, (1 << ('I' - 'A')) | (1 << ('M' - 'A')) | (1 << ('A' - 'A')) | \
		(1 << ('F' - 'A')) | (1 << ('D' - 'A')) | (1 << ('C' - 'A')) | \
		(1 << ('S' - 'A')) | (1 << ('U' - 'A'))
	and a1, a0, a2
	CHECK_REG(14, a1, a2)
	csrr a0, mhartid
	CHECK(15, a0, 0)
	csrr a0, mvendorid
	csrr a0, mimpid
	csrr a0, marchid

	/*
	 * counters advance.  QEMU 7.2 without icount counts host ticks in
	 * instret, so only "strictly increases" is checked.
	 */
	rdinstret a1
	li t0, 100
2:	addi t0, t0, -1
	bnez t0, 2b
	rdinstret a2
	li TESTNUM, 16
	bgeu a1, a2, fail
	csrr a1, mcycle
	li t0, 100
1:	addi t0, t0, -1
	bnez t0, 1b
	csrr a2, mcycle
	li TESTNUM, 17
	bgeu a1, a2, fail
	rdcycle a1
	csrr a2, mcycle
	li TESTNUM, 18
	bltu a2, a1, fail
	csrr a1, minstret
	rdinstret a2
	li TESTNUM, 19
	bltu a2, a1, fail
	/* time follows the CLINT mtime */
	rdtime a1
	li t0, CLINT_MTIME
	ld a2, 0(t0)
	rdtime a3
	li TESTNUM, 20
	bltu a2, a1, fail
	bltu a3, a2, fail
	/* minstret is writable */
	li a1, 1000000
	csrw minstret, a1
	csrr a0, minstret
	li TESTNUM, 21
	bltu a0, a1, fail
	li t0, 1000000 + 10000000
	bgeu a0, t0, fail

	/* read-only CSRs: any write is illegal, reads are fine */
	TRAP_RESET
	li a1, 5
22:	csrw mhartid, a1
	CHECK_ILLEGAL_AT(22, 1, 22b)
	TRAP_FIELD(t0, TV_TVAL)
	la t1, 22b
	lwu t1, 0(t1)
	CHECK_REG(23, t0, t1)
24:	csrrs a0, mvendorid, a1
	CHECK_ILLEGAL_AT(24, 2, 24b)
25:	csrrwi a0, cycle, 0
	CHECK_ILLEGAL_AT(25, 3, 25b)
26:	csrrsi a0, instret, 1
	CHECK_ILLEGAL_AT(26, 4, 26b)
	csrrs a0, mhartid, zero
	csrrsi a0, cycle, 0
	csrrc a0, mimpid, zero
	CHECK_TRAP(27, 4, CAUSE_ILLEGAL)
	/* unallocated CSR numbers */
28:	csrr a0, 0x0ff
	CHECK_ILLEGAL_AT(28, 5, 28b)
	TRAP_FIELD(t0, TV_TVAL)
	la t1, 28b
	lwu t1, 0(t1)
	CHECK_REG(29, t0, t1)
30:	csrw 0x7ff, a1
	CHECK_ILLEGAL_AT(30, 6, 30b)

	/* counter access from S and U through mcounteren / scounteren */
	TRAP_RESET
	csrw mcounteren, zero
	csrw scounteren, zero
	GOTO_MODE(PRV_S, 31f)
31:	rdcycle a0
	rdtime a0
	rdinstret a0
	RETURN_TO_M(32f)
32:	CHECK_TRAP(32, 4, CAUSE_ECALL_S)
	TRAP_FIELD(t0, TV_COUNT)
	TRAP_RESET
	li t0, 5
	csrw mcounteren, t0
	GOTO_MODE(PRV_S, 33f)
33:	rdcycle a0
	rdtime a0
	rdinstret a0
	RETURN_TO_M(34f)
	/* only time (bit 1) is still denied */
34:	CHECK_TRAP(34, 2, CAUSE_ECALL_S)
	TRAP_RESET
	li t0, 7
	csrw mcounteren, t0
	GOTO_MODE(PRV_U, 35f)
35:	rdcycle a0
	rdtime a0
	rdinstret a0
	RETURN_TO_M(36f)
36:	CHECK_TRAP(36, 4, CAUSE_ECALL_U)
	TRAP_RESET
	li t0, 2
	csrw scounteren, t0
	GOTO_MODE(PRV_U, 37f)
37:	rdcycle a0
	rdtime a1
	rdinstret a0
	RETURN_TO_M(38f)
38:	CHECK_TRAP(38, 3, CAUSE_ECALL_U)
	li TESTNUM, 39
	beqz a1, fail
	/* S may access scounteren, U may not; neither may touch M CSRs */
	TRAP_RESET
	GOTO_MODE(PRV_S, 40f)
40:	csrw scounteren, zero
	csrr a0, scounteren
	csrr a0, sscratch
41:	csrr a0, mscratch
42:	csrw mcounteren, zero
	RETURN_TO_M(43f)
43:	CHECK_TRAP(41, 3, CAUSE_ECALL_S)
	csrr a0, mcounteren
	CHECK(43, a0, 7)
	TRAP_RESET
	GOTO_MODE(PRV_U, 44f)
44:	csrr a0, sscratch
	csrr a0, sstatus
	csrr a0, mstatus
	RETURN_TO_M(45f)
45:	CHECK_TRAP(45, 4, CAUSE_ECALL_U)
	csrw mcounteren, zero
	csrw scounteren, zero

	/* fcsr = frm << 5 | fflags */
	li a1, 0xfff
	csrw fcsr, a1
	csrr a0, fcsr
	CHECK(50, a0, 0xff)
	csrr a0, frm
	CHECK(51, a0, 7)
	csrr a0, fflags
	CHECK(52, a0, 0x1f)
	csrwi frm, 2
	csrr a0, fcsr
	CHECK(53, a0, 0x5f)
	csrwi fflags, 3
	csrr a0, fcsr
	CHECK(54, a0, 0x43)
	li a1, 0xff
	csrw frm, a1
	csrr a0, frm
	CHECK(55, a0, 7)
	csrrci a0, fflags, 1
	CHECK(56, a0, 3)
	csrr a0, fcsr
	CHECK(57, a0, 0xe2)
	csrw fcsr, zero

	/* mstatus.FS: off makes FP instructions and FP CSRs illegal */
	TRAP_RESET
	li t0, MSTATUS_FS
	csrc mstatus, t0
	li a1, 0x3f800000
60:	fmv.w.x fa0, a1
61:	fadd.d fa0, fa1, fa2
	la a3, fpdata
62:	fld fa0, 0(a3)
63:	csrr a0, fcsr
64:	csrw frm, zero
	CHECK_TRAP(60, 5, CAUSE_ILLEGAL)
	CHECK_EPC_LABEL(61, 64b)
	csrr a0, mstatus
	li t0, MSTATUS_FS | MSTATUS_SD
	and a0, a0, t0
	CHECK(62, a0, 0)
	/* initial -> dirty on an FP register write, SD follows */
	li t0, MSTATUS_FS_INIT
	csrs mstatus, t0
	csrr a0, mstatus
	li t0, MSTATUS_FS | MSTATUS_SD
	and a0, a0, t0
	CHECK(63, a0, MSTATUS_FS_INIT)
	fmv.w.x fa0, a1
	csrr a0, mstatus
	and a0, a0, t0
	CHECK(64, a0, MSTATUS_FS_DIRTY | MSTATUS_SD)
	/* clean -> dirty on an fcsr write */
	li t1, MSTATUS_FS
	csrc mstatus, t1
	li t1, MSTATUS_FS_CLEAN
	csrs mstatus, t1
	csrr a0, mstatus
	and a0, a0, t0
	CHECK(65, a0, MSTATUS_FS_CLEAN)
	csrwi fflags, 1
	csrr a0, mstatus
	and a0, a0, t0
	CHECK(66, a0, MSTATUS_FS_DIRTY | MSTATUS_SD)
	/* sstatus shows FS and SD too */
	csrr a0, sstatus
	and a0, a0, t0
	CHECK(67, a0, MSTATUS_FS_DIRTY | MSTATUS_SD)
	csrw fcsr, zero
	CHECK_TRAP(68, 5, CAUSE_ILLEGAL)

	/* sstatus is a restricted view of mstatus */
	li t0, MSTATUS_MIE | MSTATUS_SIE
	csrc mstatus, t0
	li t0, MSTATUS_SIE
	csrs sstatus, t0
	csrr a0, mstatus
	andi a0, a0, MSTATUS_SIE | MSTATUS_MIE
	CHECK(70, a0, MSTATUS_SIE)
	li t0, MSTATUS_MIE | MSTATUS_MPIE
	csrs mstatus, t0
	csrr a0, sstatus
	andi a0, a0, MSTATUS_MIE | MSTATUS_MPIE
	CHECK(71, a0, 0)
	li t0, MSTATUS_MIE | MSTATUS_MPIE
	csrc mstatus, t0
	li t0, MSTATUS_MPP
	csrs sstatus, t0
	csrr a0, mstatus
	li t0, MSTATUS_MPP
	and a0, a0, t0
	CHECK(72, a0, 0)
	li t0, MSTATUS_SIE
	csrc sstatus, t0
	csrr a0, mstatus
	andi a0, a0, MSTATUS_SIE
	CHECK(73, a0, 0)
	/* mstatus.UXL and SXL read as 64-bit */
	csrr a0, mstatus
	srli a0, a0, 32
	andi a0, a0, 0xf
	CHECK(74, a0, 0xa)

	/* satp: Sv39 is kept, an unsupported mode leaves satp unchanged */
	la t0, pt_root
	srli t0, t0, 12
	li t1, SATP_SV39
	or t0, t0, t1
	csrw satp, t0
	csrr a0, satp
	CHECK_REG(75, a0, t0)
	li t1, (1 << 60) | 5
	csrw satp, t1
	csrr a0, satp
	CHECK_REG(76, a0, t0)
	csrw satp, zero
	csrr a0, satp
	CHECK(77, a0, 0)
	TRAP_FIELD(t0, TV_COUNT)
	CHECK(78, t0, 5)

	/* medeleg/mideleg hold the delegable bits */
	li t0, -1
	csrw mideleg, t0
	csrr a0, mideleg
	andi a0, a0, MIP_SSIP | MIP_STIP | MIP_SEIP
	CHECK(80, a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
	csrr a0, mideleg
	li t0, MIP_MSIP | MIP_MTIP | MIP_MEIP
	and a0, a0, t0
	CHECK(81, a0, 0)
	csrw mideleg, zero
	li t0, 1 << CAUSE_ECALL_U
	csrw medeleg, t0
	csrr a0, medeleg
	CHECK(82, a0, 1 << CAUSE_ECALL_U)
	csrw medeleg, zero
	TEST_PASS
TEST_END

	.data
	.align 3
fpdata:
	.dword 0x3ff0000000000000
