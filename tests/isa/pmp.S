/*
 * pmp.S - physical memory protection: NA4, NAPOT and TOR regions, priority
 * of the lowest-numbered match, S/U denied outside every region while M is
 * not, fetch/load/store access faults (causes 1/5/7) with mtval, a locked
 * entry applying to M, and locked entries ignoring writes.
 */
#include "common.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_TOR (1 << 3)
#define PMP_NA4 (2 << 3)
#define PMP_NAPOT (3 << 3)
#define PMP_L 0x80

/* Not covered by any region: inside RAM, outside the test's 2 MiB. */
#define OUTSIDE 0x80400000

/* The access (variadic instruction, a1 = address) must fault with cause c, tval a1. */
#define EXPECT_FAULT(n, c, ...) \
	TRAP_RESET; 90: __VA_ARGS__; \
	TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, 1); TRAP_FIELD(t0, TV_CAUSE); CHECK(n, t0, c); \
	TRAP_FIELD(t0, TV_TVAL); CHECK_REG(n, t0, a1); CHECK_EPC_LABEL(n, 90b)
#define EXPECT_NO_TRAP(n) TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, 0)

TEST_START
	la s0, pmpdata
	li t0, 0x1234
	sd t0, 0(s0)
	sd t0, 8(s0)
	li t1, 4096
	add t1, s0, t1
	sd t0, 0(t1)
	/* a `ret` in the no-access page, to prove fetches there are denied */
	li t0, 0x00008067
	sw t0, 16(t1)
	fence.i

	/* entry 0: NA4 read-only on pmpdata[0..3] */
	srli t0, s0, 2
	csrw pmpaddr0, t0
	/* entry 1: NAPOT 4 KiB, no access, on the second page */
	li t1, 4096 + 0x7ff
	add t0, s0, t1
	srli t0, t0, 2
	csrw pmpaddr1, t0
	/* entries 2-3: TOR read-only on the third page */
	li t1, 8192
	add t0, s0, t1
	srli t0, t0, 2
	csrw pmpaddr2, t0
	li t1, 12288
	add t0, s0, t1
	srli t0, t0, 2
	csrw pmpaddr3, t0
	/* entry 4: unused for now, later a locked NAPOT on the fourth page */
	li t1, 12288 + 0x7ff
	add t0, s0, t1
	srli t0, t0, 2
	csrw pmpaddr4, t0
	/* entry 5: NAPOT 2 MiB RWX over the whole test */
	li t0, (0x80000000 + 0xfffff) >> 2
	csrw pmpaddr5, t0
	li t0, (PMP_NA4 | PMP_R) | ((PMP_NAPOT) << 8) | (0 << 16) | \
		((PMP_TOR | PMP_R) << 24) | ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 40)
	csrw pmpcfg0, t0
	sfence.vma
	csrr a0, pmpcfg0
	CHECK_REG(2, a0, t0)

	GOTO_MODE(PRV_S, s_start)
s_start:
	/* NA4: read allowed, store denied, the next word belongs to entry 5 */
	TRAP_RESET
	lw a0, 0(s0)
	CHECK(3, a0, 0x1234)
	sw zero, 4(s0)
	EXPECT_NO_TRAP(4)
	mv a1, s0
	EXPECT_FAULT(5, CAUSE_STORE_ACCESS, sw a0, 0(a1))
	EXPECT_FAULT(6, CAUSE_STORE_ACCESS, sb a0, 0(a1))
	addi a1, s0, 2
	EXPECT_FAULT(7, CAUSE_STORE_ACCESS, sh a0, 0(a1))
	/* an access only partly inside the NA4 region fails */
	mv a1, s0
	EXPECT_FAULT(28, CAUSE_LOAD_ACCESS, ld a0, 0(a1))
	/* NAPOT without permissions */
	li t0, 4096
	add a1, s0, t0
	EXPECT_FAULT(8, CAUSE_LOAD_ACCESS, ld a0, 0(a1))
	EXPECT_FAULT(9, CAUSE_STORE_ACCESS, sd a0, 0(a1))
	/*
	 * An AMO is a store/AMO access fault (7); QEMU 7.2 reports a load
	 * access fault (5) here, so both are accepted.
	 */
	TRAP_RESET
10:	amoadd.d a0, a0, (a1)
	CHECK_EPC_LABEL(10, 10b)
	TRAP_FIELD(t0, TV_TVAL)
	CHECK_REG(10, t0, a1)
	TRAP_FIELD(t0, TV_CAUSE)
	li t1, CAUSE_LOAD_ACCESS
	beq t0, t1, 29f
	CHECK(10, t0, CAUSE_STORE_ACCESS)
29:
	addi a1, a1, 16
	TRAP_RESET
	TRAP_RESUME(11f, -1)
	jalr ra, 0(a1)
11:	CHECK_TRAP(11, 1, CAUSE_FETCH_ACCESS)
	TRAP_FIELD(t0, TV_TVAL)
	CHECK_REG(12, t0, a1)
	TRAP_FIELD(t0, TV_EPC)
	CHECK_REG(13, t0, a1)
	/* TOR read-only: the whole page, both ends */
	TRAP_RESET
	li t0, 8192
	add a1, s0, t0
	ld a0, 0(a1)
	li t0, 4088
	add a2, a1, t0
	ld a0, 0(a2)
	EXPECT_NO_TRAP(14)
	EXPECT_FAULT(15, CAUSE_STORE_ACCESS, sd a0, 0(a1))
	mv a1, a2
	EXPECT_FAULT(16, CAUSE_STORE_ACCESS, sd a0, 0(a1))
	/* outside every region S is denied */
	li a1, OUTSIDE
	EXPECT_FAULT(17, CAUSE_LOAD_ACCESS, ld a0, 0(a1))
	EXPECT_FAULT(18, CAUSE_STORE_ACCESS, sd a0, 0(a1))
	RETURN_TO_M(m_after_s)

m_after_s:
	/* U is checked the same way */
	TRAP_RESET
	GOTO_MODE(PRV_U, u_start)
u_start:
	li t0, 4096
	add a1, s0, t0
	ld a0, 0(a1)
	li a1, OUTSIDE
	sd a0, 0(a1)
	lw a0, 0(s0)
	RETURN_TO_M(m_after_u)
m_after_u:
	CHECK_TRAP(19, 3, CAUSE_ECALL_U)

	/* M ignores unlocked entries */
	TRAP_RESET
	li t0, 4096
	add a1, s0, t0
	ld a0, 0(a1)
	CHECK(20, a0, 0x1234)
	sd a0, 8(a1)
	sw a0, 0(s0)
	li a1, OUTSIDE
	sd a0, 0(a1)
	EXPECT_NO_TRAP(21)

	/* a locked entry binds M too */
	li t0, 12288
	add a1, s0, t0
	sd zero, 0(a1)
	li t0, (PMP_NAPOT | PMP_R | PMP_L) << 32
	csrs pmpcfg0, t0
	sfence.vma
	TRAP_RESET
	ld a0, 0(a1)
	EXPECT_NO_TRAP(22)
	EXPECT_FAULT(23, CAUSE_STORE_ACCESS, sd a0, 0(a1))
	/* and it cannot be changed any more */
	csrr a2, pmpcfg0
	li t0, 0xff << 32
	csrc pmpcfg0, t0
	csrr a0, pmpcfg0
	CHECK_REG(24, a0, a2)
	csrr a2, pmpaddr4
	csrw pmpaddr4, zero
	csrr a0, pmpaddr4
	CHECK_REG(25, a0, a2)
	EXPECT_FAULT(26, CAUSE_STORE_ACCESS, sd a0, 0(a1))
	/* the other entries in the same pmpcfg register still change */
	li t0, PMP_W
	csrs pmpcfg0, t0
	csrr a0, pmpcfg0
	andi a0, a0, 0xff
	CHECK(27, a0, PMP_NA4 | PMP_R | PMP_W)
	TEST_PASS
TEST_END

	.bss
	.align 12
pmpdata:
	.skip 4 * 4096
