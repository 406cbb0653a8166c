/*
 * vm.h - body of vm_sv39.S and vm_sv48.S (VM_LEVELS = 3 or 4, VM_SATP).
 *
 * The test's own 2 MiB at 0x80000000 is identity-mapped (a 2 MiB superpage,
 * S, RWX, A/D preset) so S code can read trap_vars after each access; test
 * pages live at 0x40000000 and above.  Every fault goes to trap_default in M
 * (nothing is delegated) and is checked for cause, tval and epc.
 */
#include "common.h"

#define VA_PAGES	0x40000000
#define VA_RW		(VA_PAGES + 0x0000)
#define VA_RO		(VA_PAGES + 0x1000)
#define VA_INVALID	(VA_PAGES + 0x2000)
#define VA_WONLY	(VA_PAGES + 0x3000)
#define VA_XONLY	(VA_PAGES + 0x4000)
#define VA_USER		(VA_PAGES + 0x5000)
#define VA_AD		(VA_PAGES + 0x6000)
#define VA_NONLEAF	(VA_PAGES + 0x7000)
#define VA_UCODE	(VA_PAGES + 0x8000)
#define VA_2M		0x40200000
#define VA_2M_BAD	0x40400000
#define VA_1G		0xc0000000
#define VA_1G_BAD	0x100000000
#define VA_512G		0x8000000000

/* Map va to pa with flags at level (0 = 4 KiB) from M-mode; a0 = PTE address. */
#define MAP(va, pa_sym, off, flags, level) \
	li a0, va; la a1, pa_sym; li t0, off; add a1, a1, t0; srli a1, a1, 12; slli a1, a1, 10; \
	ori a1, a1, flags; li a2, level; call pt_map
#define MAP_PA(va, pa, flags, level) \
	li a0, va; li a1, PTE(pa, 0); ori a1, a1, flags; li a2, level; call pt_map

/* The access (the variadic instruction, using a1 = va) must fault with cause c, tval va, epc at it. */
#define EXPECT_FAULT(n, c, va, ...) \
	TRAP_RESET; li a1, va; 90: __VA_ARGS__; \
	TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, 1); TRAP_FIELD(t0, TV_CAUSE); CHECK(n, t0, c); \
	TRAP_FIELD(t0, TV_TVAL); li t1, va; CHECK_REG(n, t0, t1); CHECK_EPC_LABEL(n, 90b)
/* Jumping to va must raise an instruction page fault at va. */
#define EXPECT_FETCH_FAULT(n, va) \
	TRAP_RESET; TRAP_RESUME(91f, -1); li a1, va; jalr ra, 0(a1); 91: \
	TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, 1); TRAP_FIELD(t0, TV_CAUSE); \
	CHECK(n, t0, CAUSE_FETCH_PAGE); TRAP_FIELD(t0, TV_TVAL); li t1, va; CHECK_REG(n, t0, t1); \
	TRAP_FIELD(t0, TV_EPC); CHECK_REG(n, t0, t1)
/* No trap since the last TRAP_RESET. */
#define EXPECT_NO_TRAP(n) TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, 0)

TEST_START
	/* the data page holds a known value at each 8-byte slot */
	la t0, vmdata
	li t1, 0x1111111111111111
	sd t1, 0(t0)
	li t1, 0x2222222222222222
	sd t1, 8(t0)
	la t0, vmdata2
	li t1, 0x3333333333333333
	sd t1, 0(t0)
	la t0, ucode_page
	li t1, 0x00008067
	sw t1, 0(t0)
	fence.i

	li a0, VM_LEVELS
	call pt_init
	li a0, 0x80000000
	li a1, PTE(0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
	li a2, 1
	call pt_map
	la t0, code_pte
	sd a0, 0(t0)
	MAP(VA_RW, vmdata, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0)
	la t0, rw_pte
	sd a0, 0(t0)
	MAP(VA_RO, vmdata, 0, PTE_V | PTE_R | PTE_A | PTE_D, 0)
	MAP(VA_INVALID, vmdata, 0, PTE_R | PTE_W | PTE_A | PTE_D, 0)
	MAP(VA_WONLY, vmdata, 0, PTE_V | PTE_W | PTE_A | PTE_D, 0)
	MAP(VA_XONLY, vmdata, 0, PTE_V | PTE_X | PTE_A | PTE_D, 0)
	MAP(VA_USER, vmdata, 0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D, 0)
	MAP(VA_AD, vmdata, 0, PTE_V | PTE_R | PTE_W, 0)
	la t0, ad_pte
	sd a0, 0(t0)
	MAP(VA_NONLEAF, vmdata, 0, PTE_V, 0)
	MAP(VA_UCODE, ucode_page, 0, PTE_V | PTE_X | PTE_U | PTE_A | PTE_D, 0)
	/* superpages onto the test's own 2 MiB / 1 GiB */
	MAP_PA(VA_2M, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 1)
	MAP_PA(VA_2M_BAD, 0x80001000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 1)
	MAP_PA(VA_1G, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 2)
	MAP_PA(VA_1G_BAD, 0x80200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 2)
#if VM_LEVELS == 4
	MAP_PA(VA_512G, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 3)
#endif
	li a0, VM_SATP
	call vm_enable
	csrr a0, satp
	srli a0, a0, 60
	CHECK(2, a0, VM_SATP >> 60)

	GOTO_MODE(PRV_S, s_start)
s_start:
	/* plain accesses through 4 KiB pages */
	TRAP_RESET
	li a1, VA_RW
	ld a0, 0(a1)
	CHECK(3, a0, 0x1111111111111111)
	li a1, VA_RO
	ld a0, 8(a1)
	CHECK(4, a0, 0x2222222222222222)
	li a1, VA_RW
	li a2, 0x4444444444444444
	sd a2, 8(a1)
	la t0, vmdata
	ld a0, 8(t0)
	CHECK(5, a0, 0x4444444444444444)
	li a1, VA_RO
	ld a0, 8(a1)
	CHECK(6, a0, 0x4444444444444444)
	EXPECT_NO_TRAP(7)

	/* superpages */
	la t0, vmdata
	li t1, 0x80000000
	sub t0, t0, t1
	li a1, VA_2M
	add a1, a1, t0
	ld a0, 0(a1)
	CHECK(8, a0, 0x1111111111111111)
	li a1, VA_1G
	add a1, a1, t0
	ld a0, 0(a1)
	CHECK(9, a0, 0x1111111111111111)
	li a2, 0x5555
	sd a2, 16(a1)
	la t1, vmdata
	ld a0, 16(t1)
	CHECK(10, a0, 0x5555)
#if VM_LEVELS == 4
	la a1, vmdata
	li t0, VA_512G
	add a1, a1, t0
	ld a0, 0(a1)
	CHECK(11, a0, 0x1111111111111111)
#endif
	EXPECT_NO_TRAP(12)

	/* page faults: cause, tval and epc */
	EXPECT_FAULT(13, CAUSE_LOAD_PAGE, VA_INVALID, ld a0, 0(a1))
	EXPECT_FAULT(14, CAUSE_STORE_PAGE, VA_INVALID, sd a0, 0(a1))
	EXPECT_FAULT(15, CAUSE_STORE_PAGE, VA_RO, sd a0, 0(a1))
	EXPECT_FAULT(16, CAUSE_STORE_PAGE, VA_RO + 4, sw a0, 0(a1))
	EXPECT_FAULT(17, CAUSE_LOAD_PAGE, VA_WONLY, ld a0, 0(a1))
	EXPECT_FAULT(18, CAUSE_STORE_PAGE, VA_WONLY, sd a0, 0(a1))
	EXPECT_FAULT(19, CAUSE_LOAD_PAGE, VA_XONLY, ld a0, 0(a1))
	EXPECT_FAULT(20, CAUSE_LOAD_PAGE, VA_NONLEAF, ld a0, 0(a1))
	EXPECT_FAULT(21, CAUSE_LOAD_PAGE, VA_2M_BAD, ld a0, 0(a1))
	EXPECT_FAULT(22, CAUSE_LOAD_PAGE, VA_1G_BAD, ld a0, 0(a1))
	/* U page from S without SUM */
	EXPECT_FAULT(23, CAUSE_LOAD_PAGE, VA_USER, ld a0, 0(a1))
	EXPECT_FAULT(24, CAUSE_STORE_PAGE, VA_USER, sd a0, 0(a1))
	/* AMOs and lr fault like stores / loads */
	EXPECT_FAULT(25, CAUSE_STORE_PAGE, VA_RO, amoadd.d a0, a0, (a1))
	EXPECT_FAULT(26, CAUSE_LOAD_PAGE, VA_INVALID, lr.d a0, (a1))
	/* non-canonical addresses */
#if VM_LEVELS == 3
	EXPECT_FAULT(27, CAUSE_LOAD_PAGE, 0x0000004000000000, ld a0, 0(a1))
	EXPECT_FAULT(28, CAUSE_STORE_PAGE, 0xffffffbf00000000, sd a0, 0(a1))
	EXPECT_FAULT(29, CAUSE_LOAD_PAGE, VA_512G, ld a0, 0(a1))
#else
	EXPECT_FAULT(27, CAUSE_LOAD_PAGE, 0x0000800000000000, ld a0, 0(a1))
	EXPECT_FAULT(28, CAUSE_STORE_PAGE, 0xffff7fff00000000, sd a0, 0(a1))
	EXPECT_FAULT(29, CAUSE_LOAD_PAGE, 0x4000000000000000, ld a0, 0(a1))
#endif
	/* a misaligned access to an invalid page reports the page fault, not misalignment */

	/* fetch faults: non-X page, U page from S (even with SUM), invalid page */
	EXPECT_FETCH_FAULT(30, VA_RW)
	EXPECT_FETCH_FAULT(31, VA_INVALID)
	EXPECT_FETCH_FAULT(32, VA_UCODE)
	li t0, MSTATUS_SUM
	csrs sstatus, t0
	EXPECT_FETCH_FAULT(33, VA_UCODE)
	/* SUM lets S read and write U pages */
	TRAP_RESET
	li a1, VA_USER
	ld a0, 0(a1)
	CHECK(34, a0, 0x1111111111111111)
	sd a0, 24(a1)
	EXPECT_NO_TRAP(35)
	li t0, MSTATUS_SUM
	csrc sstatus, t0
	/* MXR lets loads read execute-only pages */
	li t0, MSTATUS_MXR
	csrs sstatus, t0
	TRAP_RESET
	li a1, VA_XONLY
	ld a0, 0(a1)
	CHECK(36, a0, 0x1111111111111111)
	EXPECT_NO_TRAP(37)
	EXPECT_FAULT(38, CAUSE_STORE_PAGE, VA_XONLY, sd a0, 0(a1))
	li t0, MSTATUS_MXR
	csrc sstatus, t0

	/* A and D set by hardware */
	la t0, ad_pte
	ld t0, 0(t0)
	ld a0, 0(t0)
	andi a0, a0, PTE_A | PTE_D
	CHECK(39, a0, 0)
	TRAP_RESET
	li a1, VA_AD
	ld a0, 0(a1)
	la t0, ad_pte
	ld t0, 0(t0)
	ld a0, 0(t0)
	andi a0, a0, PTE_A | PTE_D
	CHECK(40, a0, PTE_A)
	li a1, VA_AD
	sd zero, 32(a1)
	la t0, ad_pte
	ld t0, 0(t0)
	ld a0, 0(t0)
	andi a0, a0, PTE_A | PTE_D
	CHECK(41, a0, PTE_A | PTE_D)
	EXPECT_NO_TRAP(42)

	/* sfence.vma after changing a PTE */
	li a1, VA_RW
	ld a0, 0(a1)
	CHECK(43, a0, 0x1111111111111111)
	la t0, vmdata2
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	la t1, rw_pte
	ld t1, 0(t1)
	sd t0, 0(t1)
	li a1, VA_RW
	sfence.vma a1, zero
	ld a0, 0(a1)
	CHECK(44, a0, 0x3333333333333333)
	/* and invalidating it */
	la t1, rw_pte
	ld t1, 0(t1)
	sd zero, 0(t1)
	sfence.vma
	EXPECT_FAULT(45, CAUSE_LOAD_PAGE, VA_RW, ld a0, 0(a1))
	RETURN_TO_M(m_after_s)

m_after_s:
	/* restore the RW mapping */
	la t0, vmdata
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
	la t1, rw_pte
	ld t1, 0(t1)
	sd t0, 0(t1)
	sfence.vma

	/* MPRV with MPP = S: M loads and stores are translated */
	TRAP_RESET
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (PRV_S << 11)
	csrs mstatus, t0
	li a1, VA_RW
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
	ld a0, 0(a1)
	csrc mstatus, t0
	CHECK(50, a0, 0x1111111111111111)
	EXPECT_NO_TRAP(51)
	/* a fault under MPRV is a page fault taken in M */
	li a1, VA_INVALID
	li t0, MSTATUS_MPRV
	csrs mstatus, t0
52:	ld a0, 0(a1)
	li t0, MSTATUS_MPRV
	csrc mstatus, t0
	CHECK_TRAP(52, 1, CAUSE_LOAD_PAGE)
	CHECK_TVAL(53, VA_INVALID)
	CHECK_EPC_LABEL(54, 52b)
	/* M itself ignores satp */
	la a1, vmdata
	ld a0, 0(a1)
	CHECK(55, a0, 0x1111111111111111)

	/* U mode: make the test's 2 MiB a U page, run U code */
	la t0, code_pte
	ld t0, 0(t0)
	li t1, PTE(0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
	sd t1, 0(t0)
	sfence.vma
	TRAP_RESET
	GOTO_MODE(PRV_U, u_start)
u_start:
	li a1, VA_USER
	ld a0, 0(a1)
	CHECK(56, a0, 0x1111111111111111)
	/* U code page: call the `ret` there */
	li a1, VA_UCODE
	jalr ra, 0(a1)
	EXPECT_NO_TRAP(57)
	/* U accessing S pages */
	EXPECT_FAULT(58, CAUSE_LOAD_PAGE, VA_RW, ld a0, 0(a1))
	EXPECT_FAULT(59, CAUSE_STORE_PAGE, VA_RW, sd a0, 0(a1))
	/* SUM does not open S pages to U... nor does MXR make X-only writable */
	EXPECT_FAULT(60, CAUSE_LOAD_PAGE, VA_XONLY, ld a0, 0(a1))
	RETURN_TO_M(m_after_u)
m_after_u:
	la t0, code_pte
	ld t0, 0(t0)
	li t1, PTE(0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
	sd t1, 0(t0)
	sfence.vma
	csrw satp, zero
	sfence.vma
	TEST_PASS
TEST_END

	.data
	.align 3
code_pte:	.dword 0
rw_pte:		.dword 0
ad_pte:		.dword 0
	.bss
	.align 12
vmdata:		.skip 4096
vmdata2:	.skip 4096
ucode_page:	.skip 4096
