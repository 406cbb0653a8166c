/*
 * test_mmu.c - Sv39/Sv48 walks over page tables built in guest RAM, every
 * page-fault case, A/D updates, PMP, the soft TLB and its flushes, split
 * and page-crossing accesses, fetches and atomics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu/pmp.h"
#include "cpu_fixture.h"

#define PT_POOL 0x80100000ull /* page-table pages come from here */
#define DATA 0x80200000ull    /* 2 MiB-aligned data area */
#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

struct pt {
	struct cpu_fixture *f;
	uint64_t root, next;
	int levels;
};

static uint64_t pt_alloc(struct pt *pt)
{
	uint64_t page = pt->next;

	pt->next += MMU_PAGE_SIZE;
	memset(fixture_ram(pt->f, page), 0, MMU_PAGE_SIZE);
	return page;
}

/*
 * Build an empty table of `mode` (Sv39/Sv48), install it in satp, give S
 * and U all of memory through PMP entry 15, and switch to S-mode.
 */
static struct pt pt_init(struct cpu_fixture *f, uint64_t mode)
{
	struct pt pt = { .f = f, .next = PT_POOL, .levels = mode == SATP_MODE_SV39 ? 3 : 4 };
	struct cpu *cpu = &f->cpu;

	pt.root = pt_alloc(&pt);
	assert_int_equal(fixture_csr_write(cpu, CSR_SATP, (mode << 60) | (pt.root >> 12)), 0);
	assert_int_equal(fixture_csr_write(cpu, CSR_PMPADDR15, ~0ull), 0);
	assert_int_equal(fixture_csr_write(cpu, CSR_PMPCFG2, 0x1full << 56), 0);
	cpu->priv = PRIV_S;
	return pt;
}

/* Map va to pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB). */
static uint64_t *pt_map(struct pt *pt, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	uint64_t table = pt->root;
	uint64_t *pte;
	int l;

	for (l = pt->levels - 1; l > level; l--) {
		pte = fixture_ram(pt->f, table + ((va >> (12 + 9 * l)) & 511) * 8);
		if (!(*pte & PTE_V))
			*pte = ((pt_alloc(pt) >> 12) << PTE_PPN_SHIFT) | PTE_V;
		table = ((*pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
	}
	pte = fixture_ram(pt->f, table + ((va >> (12 + 9 * level)) & 511) * 8);
	*pte = ((pa >> 12) << PTE_PPN_SHIFT) | flags;
	return pte;
}

static void put64(struct cpu_fixture *f, uint64_t paddr, uint64_t val)
{
	memcpy(fixture_ram(f, paddr), &val, 8);
}

static uint64_t get64(struct cpu_fixture *f, uint64_t paddr)
{
	uint64_t val;

	memcpy(&val, fixture_ram(f, paddr), 8);
	return val;
}

/* A load that must fault with `cause` and tval, raised to M (nothing delegated). */
static void expect_load_fault(struct cpu *cpu, uint64_t vaddr, unsigned size, uint64_t cause,
			      uint64_t tval)
{
	enum cpu_priv priv = cpu->priv;
	uint64_t val;

	cpu->trapped = false;
	assert_false(mmu_load(cpu, vaddr, size, &val));
	assert_true(cpu->trapped);
	assert_int_equal(cpu->csr.mcause, cause);
	assert_int_equal(cpu->csr.mtval, tval);
	/* Back to the faulting mode for the next check (trap_raise moved us to M). */
	cpu->priv = priv;
	cpu->csr.mstatus = (cpu->csr.mstatus & ~MSTATUS_MPP);
	mmu_flush(cpu);
}

static void expect_store_fault(struct cpu *cpu, uint64_t vaddr, uint64_t cause)
{
	enum cpu_priv priv = cpu->priv;

	cpu->trapped = false;
	assert_false(mmu_store(cpu, vaddr, 8, 0x5a5a));
	assert_true(cpu->trapped);
	assert_int_equal(cpu->csr.mcause, cause);
	assert_int_equal(cpu->csr.mtval, vaddr);
	cpu->priv = priv;
	mmu_flush(cpu);
}

static uint64_t load_ok(struct cpu *cpu, uint64_t vaddr, unsigned size)
{
	uint64_t val = 0;

	cpu->trapped = false;
	assert_true(mmu_load(cpu, vaddr, size, &val));
	assert_false(cpu->trapped);
	return val;
}

static void test_mmu_bare_m_mode(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;

	assert_true(mmu_store(cpu, DATA + 8, 8, 0x1122334455667788ull));
	assert_int_equal(get64(f, DATA + 8), 0x1122334455667788ull);
	assert_int_equal(load_ok(cpu, DATA + 8, 4), 0x55667788);
	assert_int_equal(load_ok(cpu, DATA + 9, 2), 0x6677);
	assert_int_equal(load_ok(cpu, DATA + 15, 1), 0x11);
	/* The page went into the TLB: a RAM write behind its back shows at once. */
	assert_int_equal(cpu->mmu.tlb[MMU_READ][mmu_tlb_index(DATA)].vpage, DATA);
	put64(f, DATA + 8, 42);
	assert_int_equal(load_ok(cpu, DATA + 8, 8), 42);
	/* Nothing at 0x1000: load access fault. */
	expect_load_fault(cpu, 0x1000, 4, EXC_LOAD_ACCESS, 0x1000);
}

static void test_mmu_sv39_4k_and_ad(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t *pte = pt_map(&pt, 0x40000000, DATA, 0, PTE_V | PTE_R | PTE_W);
	uint64_t paddr;

	put64(f, DATA + 0x10, 0xabcdef);
	assert_int_equal(load_ok(cpu, 0x40000010, 8), 0xabcdef);
	assert_int_equal(*pte & (PTE_A | PTE_D), PTE_A);
	assert_true(mmu_store(cpu, 0x40000018, 4, 0x77));
	assert_int_equal(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	assert_int_equal(get64(f, DATA + 0x18), 0x77);
	assert_int_equal(mmu_translate(cpu, 0x40000abc, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, DATA + 0xabc);
	/* Not executable. */
	assert_int_equal(mmu_translate(cpu, 0x40000000, MMU_EXEC, &paddr), EXC_INSN_PAGE_FAULT);
}

static void test_mmu_sv39_superpages(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t paddr;

	pt_map(&pt, 0x200000, DATA, 1, PTE_LEAF);
	pt_map(&pt, 0x40000000, 0x80000000, 2, PTE_LEAF);
	assert_int_equal(mmu_translate(cpu, 0x212345, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, DATA + 0x12345);
	assert_int_equal(mmu_translate(cpu, 0x40212345, MMU_WRITE, &paddr), 0);
	assert_int_equal(paddr, DATA + 0x12345);
	put64(f, DATA + 0x12340, 99);
	assert_int_equal(load_ok(cpu, 0x212340, 8), 99);
	assert_int_equal(load_ok(cpu, 0x40212340, 8), 99);

	/* A 2 MiB leaf whose PPN is only 4 KiB aligned. */
	pt_map(&pt, 0x600000, DATA + 0x1000, 1, PTE_LEAF);
	expect_load_fault(cpu, 0x600008, 8, EXC_LOAD_PAGE_FAULT, 0x600008);
	/* A 1 GiB leaf that is only 2 MiB aligned. */
	pt_map(&pt, 0x80000000, DATA, 2, PTE_LEAF);
	expect_load_fault(cpu, 0x80000000, 8, EXC_LOAD_PAGE_FAULT, 0x80000000);
}

static void test_mmu_sv48(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV48);
	uint64_t paddr;

	pt_map(&pt, 0x7f0000001000ull, DATA, 0, PTE_LEAF);
	pt_map(&pt, 0x8000000000ull, 0, 3, PTE_LEAF);	       /* 512 GiB at PA 0 */
	pt_map(&pt, 0xffffff8000200000ull, DATA, 1, PTE_LEAF); /* top of the space */
	assert_int_equal(mmu_translate(cpu, 0x7f0000001008ull, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, DATA + 8);
	assert_int_equal(mmu_translate(cpu, 0x8000000000ull + DATA + 8, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, DATA + 8);
	assert_int_equal(mmu_translate(cpu, 0xffffff8000200010ull, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, DATA + 0x10);
	put64(f, DATA + 8, 1234);
	assert_int_equal(load_ok(cpu, 0x8000000000ull + DATA + 8, 8), 1234);
	/* Sv48 canonical: bit 47 set requires bits 63:48 set. */
	expect_load_fault(cpu, 0x0000800000000000ull, 8, EXC_LOAD_PAGE_FAULT,
			  0x0000800000000000ull);
	/* A 512 GiB leaf not aligned to 512 GiB. */
	pt_map(&pt, 0x10000000000ull, 0x40000000, 3, PTE_LEAF);
	expect_load_fault(cpu, 0x10000000000ull, 8, EXC_LOAD_PAGE_FAULT, 0x10000000000ull);
}

static void test_mmu_invalid_ptes(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t *pte;

	/* Unmapped, then each malformed PTE. */
	expect_load_fault(cpu, 0x1000, 8, EXC_LOAD_PAGE_FAULT, 0x1000);
	pte = pt_map(&pt, 0x1000, DATA, 0, PTE_LEAF & ~PTE_V);
	expect_load_fault(cpu, 0x1000, 8, EXC_LOAD_PAGE_FAULT, 0x1000);
	*pte = ((DATA >> 12) << 10) | PTE_V | PTE_W | PTE_A | PTE_D;
	expect_load_fault(cpu, 0x1000, 8, EXC_LOAD_PAGE_FAULT, 0x1000);
	*pte = ((DATA >> 12) << 10) | PTE_LEAF | (1ull << 61); /* PBMT unsupported */
	expect_load_fault(cpu, 0x1000, 8, EXC_LOAD_PAGE_FAULT, 0x1000);
	*pte = ((DATA >> 12) << 10) | PTE_LEAF | (1ull << 54);
	expect_load_fault(cpu, 0x1000, 8, EXC_LOAD_PAGE_FAULT, 0x1000);
	*pte = ((DATA >> 12) << 10) | PTE_LEAF;
	assert_int_equal(load_ok(cpu, 0x1000, 8), 0);

	/* A pointer PTE with A set is reserved; so is a pointer at level 0. */
	pt_map(&pt, 0x40000000, DATA, 0, PTE_LEAF);
	pte = fixture_ram(f, pt.root + 1 * 8);
	*pte |= PTE_A;
	expect_load_fault(cpu, 0x40000000, 8, EXC_LOAD_PAGE_FAULT, 0x40000000);
	*pte &= ~PTE_A;
	pte = pt_map(&pt, 0x40000000, DATA, 0, PTE_V);
	expect_load_fault(cpu, 0x40000000, 8, EXC_LOAD_PAGE_FAULT, 0x40000000);

	/* Non-canonical Sv39 address: bit 38 clear, bit 39 set. */
	expect_load_fault(cpu, 0x8000000000ull, 8, EXC_LOAD_PAGE_FAULT, 0x8000000000ull);
	/* Page tables outside RAM: access fault. */
	cpu->csr.satp = (SATP_MODE_SV39 << 60) | (0x1000 >> 12);
	mmu_flush(cpu);
	expect_load_fault(cpu, 0x1000, 8, EXC_LOAD_ACCESS, 0x1000);
}

static void test_mmu_user_sum_mxr(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t paddr;

	pt_map(&pt, 0x1000, DATA, 0, PTE_LEAF | PTE_U);
	pt_map(&pt, 0x2000, DATA, 0, PTE_LEAF);
	pt_map(&pt, 0x3000, DATA, 0, PTE_V | PTE_X | PTE_A | PTE_U);

	/* S on a U page: data only with SUM, never fetch. */
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), EXC_LOAD_PAGE_FAULT);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_WRITE, &paddr), EXC_STORE_PAGE_FAULT);
	cpu->csr.mstatus |= MSTATUS_SUM;
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), 0);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_WRITE, &paddr), 0);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_EXEC, &paddr), EXC_INSN_PAGE_FAULT);
	assert_int_equal(mmu_translate(cpu, 0x2000, MMU_EXEC, &paddr), 0);

	/* U never on a non-U page. */
	cpu->priv = PRIV_U;
	assert_int_equal(mmu_translate(cpu, 0x2000, MMU_READ, &paddr), EXC_LOAD_PAGE_FAULT);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_EXEC, &paddr), 0);

	/* Execute-only page: readable only with MXR. */
	assert_int_equal(mmu_translate(cpu, 0x3000, MMU_READ, &paddr), EXC_LOAD_PAGE_FAULT);
	cpu->csr.mstatus |= MSTATUS_MXR;
	assert_int_equal(mmu_translate(cpu, 0x3000, MMU_READ, &paddr), 0);
	assert_int_equal(mmu_translate(cpu, 0x3000, MMU_WRITE, &paddr), EXC_STORE_PAGE_FAULT);
}

static void test_mmu_mprv(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t paddr;

	pt_map(&pt, 0x1000, DATA, 0, PTE_LEAF);
	cpu->priv = PRIV_M;
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, 0x1000);
	fixture_csr_write(cpu, CSR_MSTATUS, MSTATUS_MPRV | (1ull << 11));
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), 0);
	assert_int_equal(paddr, DATA);
	/* Fetches ignore MPRV. */
	assert_int_equal(mmu_translate(cpu, DATA, MMU_EXEC, &paddr), 0);
	assert_int_equal(paddr, DATA);
	/* MPP = U: the S page is off limits. */
	fixture_csr_write(cpu, CSR_MSTATUS, MSTATUS_MPRV);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), EXC_LOAD_PAGE_FAULT);
}

static void test_mmu_pmp(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	uint64_t paddr;

	/* No entry: M allowed, S denied. */
	assert_int_equal(mmu_translate(cpu, DATA, MMU_WRITE, &paddr), 0);
	cpu->priv = PRIV_S;
	assert_int_equal(mmu_translate(cpu, DATA, MMU_READ, &paddr), EXC_LOAD_ACCESS);
	assert_int_equal(mmu_translate(cpu, DATA, MMU_EXEC, &paddr), EXC_INSN_ACCESS);

	/*
	 * Entry 0 TOR [0, DATA + 0x800) RWX; entry 1 NAPOT 4 KiB at DATA,
	 * read-only, overlapped by entry 0 which wins where both match.
	 */
	cpu->priv = PRIV_M;
	fixture_csr_write(cpu, CSR_PMPADDR0, (DATA + 0x800) >> 2);
	fixture_csr_write(cpu, CSR_PMPADDR0 + 1, (DATA >> 2) | 0x1ff);
	fixture_csr_write(cpu, CSR_PMPCFG0, 0x0f | (0x19ull << 8));
	cpu->priv = PRIV_S;
	assert_int_equal(mmu_translate(cpu, DATA - 8, MMU_WRITE, &paddr), 0);
	assert_int_equal(mmu_translate(cpu, DATA + 8, MMU_WRITE, &paddr), 0);
	assert_int_equal(mmu_translate(cpu, DATA + 0xff8, MMU_READ, &paddr), 0);
	expect_store_fault(cpu, DATA + 0x808, EXC_STORE_ACCESS);
	assert_int_equal(mmu_translate(cpu, DATA + 0x1000, MMU_READ, &paddr), EXC_LOAD_ACCESS);
	/* Partly in entry 0: fails even though entry 1 would allow the rest. */
	expect_load_fault(cpu, DATA + 0x7fc, 8, EXC_LOAD_ACCESS, DATA + 0x7fc);
	/* Unlocked entries do not bind M. */
	cpu->priv = PRIV_M;
	assert_true(mmu_store(cpu, DATA + 0x808, 8, 1));

	/* Locked read-only entry: binds M, and cfg writes are ignored. */
	fixture_csr_write(cpu, CSR_PMPCFG0, 0x0f | (0x99ull << 8));
	expect_store_fault(cpu, DATA + 0x808, EXC_STORE_ACCESS);
	assert_int_equal(load_ok(cpu, DATA + 0x808, 8), 1);
	fixture_csr_write(cpu, CSR_PMPCFG0, 0x0f | (0x1full << 8));
	assert_int_equal(cpu->csr.pmpcfg[1], 0x99);
	expect_store_fault(cpu, DATA + 0x808, EXC_STORE_ACCESS);
}

static void test_mmu_pmp_on_walk(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t paddr;

	pt_map(&pt, 0x1000, DATA, 0, PTE_LEAF);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), 0);
	/* Deny S reads of the page-table pool: the walk itself faults. */
	cpu->csr.pmpaddr[0] = (PT_POOL >> 2) | ((0x100000 >> 3) - 1);
	cpu->csr.pmpcfg[0] = PMP_A_NAPOT;
	mmu_flush(cpu);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_READ, &paddr), EXC_LOAD_ACCESS);
	assert_int_equal(mmu_translate(cpu, 0x1000, MMU_EXEC, &paddr), EXC_INSN_ACCESS);
}

static void test_mmu_tlb_flush(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint64_t *pte = pt_map(&pt, 0x5000, DATA, 0, PTE_LEAF);

	put64(f, DATA, 1);
	put64(f, DATA + 0x1000, 2);
	assert_int_equal(load_ok(cpu, 0x5000, 8), 1);
	/* The PTE changes; until a fence the cached translation stays. */
	*pte = (((DATA + 0x1000) >> 12) << 10) | PTE_LEAF;
	assert_int_equal(load_ok(cpu, 0x5000, 8), 1);
	assert_int_equal(trap_sfence_vma(cpu, 0, 0), 0);
	assert_int_equal(load_ok(cpu, 0x5000, 8), 2);
	*pte = ((DATA >> 12) << 10) | PTE_LEAF;
	assert_int_equal(load_ok(cpu, 0x5000, 8), 2);
	fixture_csr_write(cpu, CSR_SATP, cpu->csr.satp);
	assert_int_equal(load_ok(cpu, 0x5000, 8), 1);

	/* A clean page is not cached for stores until the walk has set D. */
	*pte = ((DATA >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_A;
	mmu_flush(cpu);
	assert_int_equal(load_ok(cpu, 0x5000, 8), 1);
	assert_int_equal(*pte & PTE_D, 0);
	assert_true(mmu_store(cpu, 0x5000, 8, 3));
	assert_true(*pte & PTE_D);
	assert_int_equal(get64(f, DATA), 3);
}

static void test_mmu_split_accesses(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);

	pt_map(&pt, 0x1000, DATA + 0x3000, 0, PTE_LEAF);
	pt_map(&pt, 0x2000, DATA, 0, PTE_LEAF);
	put64(f, DATA + 0x3ff8, 0x8877665544332211ull);
	put64(f, DATA, 0x00ffeeddccbbaa99ull);
	/* Misaligned within a page, and across two non-contiguous frames. */
	assert_int_equal(load_ok(cpu, 0x1ff9, 4), 0x55443322);
	assert_int_equal(load_ok(cpu, 0x1ffc, 8), 0xccbbaa9988776655ull);
	assert_true(mmu_store(cpu, 0x1ffe, 4, 0xdeadbeef));
	assert_int_equal(get64(f, DATA + 0x3ff8), 0xbeef665544332211ull);
	assert_int_equal(get64(f, DATA) & 0xffff, 0xdead);

	/* Second page missing: tval is its first byte and nothing was written. */
	expect_load_fault(cpu, 0x2ffc, 8, EXC_LOAD_PAGE_FAULT, 0x3000);
	put64(f, DATA + 0xff8, 0);
	assert_false(mmu_store(cpu, 0x2ffd, 8, ~0ull));
	assert_int_equal(cpu->csr.mcause, EXC_STORE_PAGE_FAULT);
	assert_int_equal(cpu->csr.mtval, 0x3000);
	assert_int_equal(get64(f, DATA + 0xff8), 0);
	cpu->priv = PRIV_S;
	/* First page missing: tval is the original address. */
	expect_load_fault(cpu, 0xffe, 4, EXC_LOAD_PAGE_FAULT, 0xffe);
}

static void test_mmu_fetch(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	struct pt pt = pt_init(f, SATP_MODE_SV39);
	uint32_t insn;

	pt_map(&pt, 0x1000, DATA, 0, PTE_LEAF);
	put64(f, DATA, 0x0000000100000013ull);			     /* addi x0,x0,0 */
	memcpy(fixture_ram(f, DATA + 0xffc), "\x01\x00\x13\x00", 4); /* c.nop; 32-bit lo */
	assert_true(mmu_fetch(cpu, 0x1000, &insn));
	assert_int_equal(insn, 0x13);
	assert_true(mmu_fetch(cpu, 0x1004, &insn));
	assert_int_equal(insn, 1); /* compressed: 16 bits only */
	/* Compressed at the end of the page: the next page is not touched. */
	assert_true(mmu_fetch(cpu, 0x1ffc, &insn));
	assert_int_equal(insn, 1);
	/* A 32-bit insn crossing into an unmapped page: tval is the second page. */
	cpu->pc = 0x1ffe;
	assert_false(mmu_fetch(cpu, 0x1ffe, &insn));
	assert_int_equal(cpu->csr.mcause, EXC_INSN_PAGE_FAULT);
	assert_int_equal(cpu->csr.mtval, 0x2000);
	assert_int_equal(cpu->csr.mepc, 0x1ffe);
	cpu->priv = PRIV_S;
	/* Now map it. */
	pt_map(&pt, 0x2000, DATA + 0x1000, 0, PTE_LEAF);
	memcpy(fixture_ram(f, DATA + 0x1000), "\x00\x00", 2);
	assert_true(mmu_fetch(cpu, 0x1ffe, &insn));
	assert_int_equal(insn, 0x13);
}

static void test_mmu_atomic_ptr(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	uint64_t paddr = 0;
	uint64_t *p;

	p = mmu_atomic_ptr(cpu, DATA + 8, 8, false, &paddr);
	assert_ptr_equal(p, fixture_ram(f, DATA + 8));
	assert_int_equal(paddr, DATA + 8);
	/* Again, through the TLB. */
	paddr = 0;
	assert_ptr_equal(mmu_atomic_ptr(cpu, DATA + 16, 4, false, &paddr),
			 fixture_ram(f, DATA + 16));
	assert_int_equal(paddr, DATA + 16);

	assert_null(mmu_atomic_ptr(cpu, DATA + 4, 8, false, &paddr));
	assert_int_equal(cpu->csr.mcause, EXC_STORE_MISALIGNED);
	assert_int_equal(cpu->csr.mtval, DATA + 4);
	assert_null(mmu_atomic_ptr(cpu, DATA + 2, 4, true, &paddr));
	assert_int_equal(cpu->csr.mcause, EXC_LOAD_MISALIGNED);
	assert_null(mmu_atomic_ptr(cpu, 0x10000000, 4, false, &paddr));
	assert_int_equal(cpu->csr.mcause, EXC_STORE_ACCESS);
	assert_null(mmu_atomic_ptr(cpu, 0x10000000, 4, true, &paddr));
	assert_int_equal(cpu->csr.mcause, EXC_LOAD_ACCESS);
}

static void test_mmu_tlb_needs_whole_page(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	uint64_t last = FIXTURE_RAM_BASE + FIXTURE_RAM_SIZE - MMU_PAGE_SIZE;
	unsigned slot = mmu_tlb_index(last);

	/* A locked 4-byte NA4 entry inside the page keeps it out of the TLB. */
	fixture_csr_write(cpu, CSR_PMPADDR0, (last + 0x100) >> 2);
	fixture_csr_write(cpu, CSR_PMPCFG0, PMP_L | PMP_A_NA4 | PMP_R);
	assert_int_equal(load_ok(cpu, last, 8), 0);
	assert_int_equal(cpu->mmu.tlb[MMU_READ][slot].vpage, MMU_TLB_INVALID);
	expect_store_fault(cpu, last + 0x100, EXC_STORE_ACCESS);
	assert_true(mmu_store(cpu, last + 0x108, 8, 5));
	assert_int_equal(load_ok(cpu, last + 0x108, 8), 5);
}

/*
 * A flush clears the slots filled since the last one, from the fill log,
 * or every slot once more were filled than the log holds; either way no
 * stale translation survives.
 */
static void test_mmu_flush_clears_filled_slots(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	unsigned counts[] = { 3, MMU_FILL_LOG, MMU_FILL_LOG + 1, 600 };

	for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned filled = 0;

		for (unsigned i = 0; i < counts[c]; i++) {
			uint64_t va = FIXTURE_RAM_BASE + (uint64_t)i * MMU_PAGE_SIZE;

			load_ok(cpu, va, 8);
			filled += cpu->mmu.tlb[MMU_READ][mmu_tlb_index(va)].vpage == va;
		}
		assert_int_equal(filled, counts[c]);
		mmu_flush(cpu);
		for (unsigned i = 0; i < MMU_TLB_SIZE; i++)
			assert_int_equal(cpu->mmu.tlb[MMU_READ][i].vpage, MMU_TLB_INVALID);
		assert_int_equal(cpu->mmu.fill_count[MMU_READ], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
		T(test_mmu_bare_m_mode),
		T(test_mmu_sv39_4k_and_ad),
		T(test_mmu_sv39_superpages),
		T(test_mmu_sv48),
		T(test_mmu_invalid_ptes),
		T(test_mmu_user_sum_mxr),
		T(test_mmu_mprv),
		T(test_mmu_pmp),
		T(test_mmu_pmp_on_walk),
		T(test_mmu_tlb_flush),
		T(test_mmu_split_accesses),
		T(test_mmu_fetch),
		T(test_mmu_atomic_ptr),
		T(test_mmu_tlb_needs_whole_page),
		T(test_mmu_flush_clears_filled_slots),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
