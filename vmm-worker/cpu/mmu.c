/*
 * mmu.c - Sv39/Sv48 address translation, PMP enforcement and the soft TLB
 * behind guest loads, stores, fetches and atomics (privileged spec 1.12,
 * 4.3-4.4; hardware A/D updating as QEMU does).
 *
 * The TLB has one direct-mapped table per access type, filled only with
 * RAM pages that PMP grants whole, so a hit needs no further check. Every
 * change of the translation context flushes it (see struct mmu_tlb_entry).
 */
#include "mmu.h"

#include <string.h>

#include "../dbt/dbt.h"
#include "../machine/machine.h"
#include "cpu.h"
#include "pmp.h"
#include "trap.h"

#define MMU_PTE_SIZE 8
#define MMU_LEVEL_BITS 9

static const int mmu_page_fault[] = {
	[MMU_READ] = EXC_LOAD_PAGE_FAULT,
	[MMU_WRITE] = EXC_STORE_PAGE_FAULT,
	[MMU_EXEC] = EXC_INSN_PAGE_FAULT,
};

static const int mmu_access_fault[] = {
	[MMU_READ] = EXC_LOAD_ACCESS,
	[MMU_WRITE] = EXC_STORE_ACCESS,
	[MMU_EXEC] = EXC_INSN_ACCESS,
};

/* Empties one access type's table: the logged slots, or all of them. */
static void mmu_flush_access(struct mmu_state *mmu, enum mmu_access access)
{
	unsigned n = mmu->fill_count[access];

	if (n > MMU_FILL_LOG) {
		memset(mmu->tlb[access], 0xff, sizeof(mmu->tlb[access]));
	} else {
		for (unsigned i = 0; i < n; i++)
			mmu->tlb[access][mmu->fill_log[access][i]].vpage = MMU_TLB_INVALID;
	}
	mmu->fill_count[access] = 0;
}

void mmu_flush(struct cpu *cpu)
{
	mmu_flush_access(&cpu->mmu, MMU_READ);
	mmu_flush_access(&cpu->mmu, MMU_WRITE);
	mmu_flush_access(&cpu->mmu, MMU_EXEC);
	memset(&cpu->mmu.code_write, 0xff, sizeof(cpu->mmu.code_write));
}

void mmu_flush_writes(struct cpu *cpu)
{
	mmu_flush_access(&cpu->mmu, MMU_WRITE);
	memset(&cpu->mmu.code_write, 0xff, sizeof(cpu->mmu.code_write));
}

void mmu_reset(struct mmu_state *mmu)
{
	for (unsigned a = 0; a < 3; a++)
		mmu->fill_count[a] = MMU_FILL_LOG + 1;
}

/*
 * Whether RAM page @paddr holds code some hart translated: its stores must
 * take the slow path, which tells the translator (bus code_pages is NULL
 * when no translator runs).
 */
static inline bool mmu_code_page(const struct bus *bus, uint64_t paddr)
{
	return bus->code_pages &&
	       __atomic_load_n(&bus->code_pages[(paddr - bus->ram_base) >> MMU_PAGE_SHIFT],
			       __ATOMIC_RELAXED);
}

/*
 * Whether a store to [paddr, paddr + size) (within one page) may hit
 * translated code: a code page, and one of the lines that hold code.
 * Stores to the data lines of a page that mixes code and data miss.
 */
static inline bool mmu_code_write(const struct bus *bus, uint64_t paddr, unsigned size)
{
	uint64_t page = (paddr - bus->ram_base) >> MMU_PAGE_SHIFT;

	return mmu_code_page(bus, paddr) &&
	       (__atomic_load_n(&bus->code_lines[page], __ATOMIC_ACQUIRE) &
		bus_code_line_mask(paddr, size));
}

/* The privilege an access is checked with: MPRV lends MPP to M-mode data accesses. */
static enum cpu_priv mmu_access_priv(const struct cpu *cpu, enum mmu_access access)
{
	uint64_t mstatus = cpu->csr.mstatus;

	if (access != MMU_EXEC && cpu->priv == PRIV_M && (mstatus & MSTATUS_MPRV))
		return (enum cpu_priv)((mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
	return cpu->priv;
}

/* Leaf permission checks (spec 4.3.2 step 6). Returns true when allowed. */
static bool mmu_leaf_allows(uint64_t pte, uint64_t mstatus, enum mmu_access access,
			    enum cpu_priv priv)
{
	if (pte & PTE_U) {
		/* S touches U pages only for data and only with SUM. */
		if (priv == PRIV_S && (access == MMU_EXEC || !(mstatus & MSTATUS_SUM)))
			return false;
	} else if (priv == PRIV_U) {
		return false;
	}
	switch (access) {
	case MMU_READ:
		return (pte & PTE_R) || ((pte & PTE_X) && (mstatus & MSTATUS_MXR));
	case MMU_WRITE:
		return pte & PTE_W;
	default:
		return pte & PTE_X;
	}
}

/*
 * Walk the Sv39 or Sv48 tables of satp for vaddr. PTE reads are implicit
 * S-mode accesses for PMP. Returns 0 with *paddr, or the cause to raise.
 */
static int mmu_walk(struct cpu *cpu, uint64_t vaddr, enum mmu_access access, enum cpu_priv priv,
		    uint64_t *paddr)
{
	struct bus *bus = &cpu->machine->bus;
	uint64_t satp = cpu->csr.satp;
	uint64_t mstatus = cpu->csr.mstatus;
	int levels = (satp >> SATP_MODE_SHIFT) == SATP_MODE_SV39 ? 3 : 4;
	int va_bits = MMU_PAGE_SHIFT + MMU_LEVEL_BITS * levels;
	uint64_t table, pte_addr, pte, want, offset_mask;
	uint64_t *ptep;
	int level, shift;

	/* Bits above the top VA bit must all copy it. */
	if ((uint64_t)((int64_t)(vaddr << (64 - va_bits)) >> (64 - va_bits)) != vaddr)
		return mmu_page_fault[access];

restart:
	table = (satp & SATP_PPN_MASK) << MMU_PAGE_SHIFT;
	for (level = levels - 1;; level--) {
		shift = MMU_PAGE_SHIFT + MMU_LEVEL_BITS * level;
		pte_addr = table + ((vaddr >> shift) & 511) * MMU_PTE_SIZE;
		if (!pmp_check(&cpu->csr, pte_addr, MMU_PTE_SIZE, MMU_READ, PRIV_S))
			return mmu_access_fault[access];
		ptep = (uint64_t *)bus_ram_ptr(bus, pte_addr, MMU_PTE_SIZE, false);
		if (!ptep)
			return mmu_access_fault[access];
		/* Other harts update A/D bits concurrently. */
		pte = __atomic_load_n(ptep, __ATOMIC_ACQUIRE);

		/* XXX T5: per-PTE walk counter hook (stage 1: pte_addr, level). */

		if (!(pte & PTE_V) || (pte & PTE_RESERVED) || (pte & (PTE_R | PTE_W)) == PTE_W)
			return mmu_page_fault[access];
		if (pte & (PTE_R | PTE_X))
			break;
		/* Pointer to the next level: D, A and U are reserved there. */
		if (level == 0 || (pte & (PTE_D | PTE_A | PTE_U)))
			return mmu_page_fault[access];
		table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << MMU_PAGE_SHIFT;
	}

	/* A superpage's physical address must be aligned to its size. */
	offset_mask = (1ull << shift) - 1;
	if ((((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << MMU_PAGE_SHIFT) & offset_mask)
		return mmu_page_fault[access];
	if (!mmu_leaf_allows(pte, mstatus, access, priv))
		return mmu_page_fault[access];

	want = PTE_A | (access == MMU_WRITE ? PTE_D : 0);
	if ((pte & want) != want) {
		uint64_t *wp = (uint64_t *)bus_ram_ptr(bus, pte_addr, MMU_PTE_SIZE, true);

		if (!wp || !pmp_check(&cpu->csr, pte_addr, MMU_PTE_SIZE, MMU_WRITE, PRIV_S))
			return mmu_access_fault[access];
		/* The PTE changed under us: walk again from the root (as QEMU). */
		if (!__atomic_compare_exchange_n(wp, &pte, pte | want, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			goto restart;
	}

	*paddr = ((((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << MMU_PAGE_SHIFT) & ~offset_mask) |
		 (vaddr & offset_mask);
	return 0;
}

/* Translate [vaddr, vaddr + size) within one page, and check PMP on it. */
static int mmu_translate_range(struct cpu *cpu, uint64_t vaddr, unsigned size,
			       enum mmu_access access, uint64_t *paddr)
{
	enum cpu_priv priv = mmu_access_priv(cpu, access);
	int cause;

	if (priv == PRIV_M || (cpu->csr.satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE) {
		*paddr = vaddr;
	} else {
		cause = mmu_walk(cpu, vaddr, access, priv, paddr);
		if (cause)
			return cause;
	}
	if (!pmp_check(&cpu->csr, *paddr, size, access, priv))
		return mmu_access_fault[access];
	return 0;
}

int mmu_translate(struct cpu *cpu, uint64_t vaddr, enum mmu_access access, uint64_t *paddr)
{
	return mmu_translate_range(cpu, vaddr, 1, access, paddr);
}

/* Cache a translation if its whole page is RAM that PMP grants. */
static void mmu_tlb_fill(struct cpu *cpu, uint64_t vaddr, uint64_t paddr, enum mmu_access access)
{
	uint64_t ppage = paddr & MMU_PAGE_MASK;
	uint64_t vpage = vaddr & MMU_PAGE_MASK;
	struct bus *bus = &cpu->machine->bus;
	uint64_t watch = access == MMU_WRITE ? bus_watch_line_mask(bus, ppage) : 0;
	struct mmu_tlb_entry *e;
	uint8_t *host;

	/* a page the HTIF watch touches is RAM all the same: code_write maps it */
	host = bus_ram_ptr(bus, ppage, MMU_PAGE_SIZE, false);
	if (!host)
		return;
	if (!pmp_check(&cpu->csr, ppage, MMU_PAGE_SIZE, access, mmu_access_priv(cpu, access)))
		return;
	if (access == MMU_WRITE && cpu->journal)
		return;
	if (access == MMU_WRITE && (watch || mmu_code_page(bus, ppage))) {
		e = &cpu->mmu.code_write;
		cpu->mmu.code_write_lines =
			&bus->code_lines[(ppage - bus->ram_base) >> MMU_PAGE_SHIFT];
		cpu->mmu.code_write_watch = watch;
	} else {
		unsigned slot = mmu_tlb_index(vaddr), *n = &cpu->mmu.fill_count[access];

		e = &cpu->mmu.tlb[access][slot];
		if (*n < MMU_FILL_LOG)
			cpu->mmu.fill_log[access][*n] = (uint16_t)slot;
		if (*n <= MMU_FILL_LOG)
			(*n)++;
	}
	e->vpage = vpage;
	e->addend = (uintptr_t)host - (uintptr_t)vpage;
}

static int mmu_phys_read(struct cpu *cpu, uint64_t paddr, unsigned size, uint64_t *val)
{
	uint8_t *host = bus_ram_ptr(&cpu->machine->bus, paddr, size, false);

	if (host) {
		*val = 0;
		memcpy(val, host, size); /* the host is little-endian too */
		return 0;
	}
	if (cpu->journal)
		return dbt_journal_mmio(cpu, paddr, size, val, false);
	return bus_read(cpu->machine, paddr, size, val);
}

static int mmu_phys_write(struct cpu *cpu, uint64_t paddr, unsigned size, uint64_t val)
{
	uint8_t *host = bus_ram_ptr(&cpu->machine->bus, paddr, size, true);

	if (host) {
		if (mmu_code_write(&cpu->machine->bus, paddr, size))
			dbt_note_code_write(cpu->machine, cpu, paddr, size);
		if (cpu->journal)
			dbt_journal_ram_write(cpu, paddr, size, host);
		memcpy(host, &val, size);
		return 0;
	}
	if (cpu->journal)
		return dbt_journal_mmio(cpu, paddr, size, &val, true);
	return bus_write(cpu->machine, paddr, size, val);
}

/* A load or store that spans two pages: both translate before any byte moves. */
static bool mmu_access_split(struct cpu *cpu, uint64_t vaddr, unsigned size, enum mmu_access access,
			     uint64_t *val)
{
	unsigned first = MMU_PAGE_SIZE - (vaddr & ~MMU_PAGE_MASK);
	uint64_t pa[2], byte, result = 0;
	unsigned i;
	int cause;

	cause = mmu_translate_range(cpu, vaddr, first, access, &pa[0]);
	if (cause) {
		trap_raise(cpu, cause, vaddr);
		return false;
	}
	cause = mmu_translate_range(cpu, vaddr + first, size - first, access, &pa[1]);
	if (cause) {
		trap_raise(cpu, cause, vaddr + first);
		return false;
	}
	for (i = 0; i < size; i++) {
		uint64_t paddr = i < first ? pa[0] + i : pa[1] + (i - first);
		int rc;

		if (access == MMU_WRITE) {
			rc = mmu_phys_write(cpu, paddr, 1, (*val >> (8 * i)) & 0xff);
		} else {
			rc = mmu_phys_read(cpu, paddr, 1, &byte);
			result |= (byte & 0xff) << (8 * i);
		}
		if (rc) {
			trap_raise(cpu, mmu_access_fault[access], vaddr + i);
			return false;
		}
	}
	if (access != MMU_WRITE)
		*val = result;
	return true;
}

/* Everything the TLB does not answer: walk, fill, then access RAM or MMIO. */
static bool mmu_access_slow(struct cpu *cpu, uint64_t vaddr, unsigned size, enum mmu_access access,
			    uint64_t *val)
{
	uint64_t paddr;
	int cause, rc;

	if ((vaddr & ~MMU_PAGE_MASK) + size > MMU_PAGE_SIZE)
		return mmu_access_split(cpu, vaddr, size, access, val);

	cause = mmu_translate_range(cpu, vaddr, size, access, &paddr);
	if (cause) {
		trap_raise(cpu, cause, vaddr);
		return false;
	}
	mmu_tlb_fill(cpu, vaddr, paddr, access);
	if (access == MMU_WRITE)
		rc = mmu_phys_write(cpu, paddr, size, *val);
	else
		rc = mmu_phys_read(cpu, paddr, size, val);
	if (rc) {
		trap_raise(cpu, mmu_access_fault[access], vaddr);
		return false;
	}
	return true;
}

bool mmu_load(struct cpu *cpu, uint64_t vaddr, unsigned size, uint64_t *val)
{
	void *host = mmu_tlb_lookup(&cpu->mmu, MMU_READ, vaddr, size);

	if (__builtin_expect(host != NULL, 1)) {
		*val = 0;
		memcpy(val, host, size);
		return true;
	}
	return mmu_access_slow(cpu, vaddr, size, MMU_READ, val);
}

bool mmu_store(struct cpu *cpu, uint64_t vaddr, unsigned size, uint64_t val)
{
	void *host = mmu_tlb_lookup(&cpu->mmu, MMU_WRITE, vaddr, size);
	const struct mmu_tlb_entry *cw = &cpu->mmu.code_write;

	if (__builtin_expect(host != NULL, 1)) {
		memcpy(host, &val, size);
		return true;
	}
	/*
	 * A page with translated code: the lines tell whether the store
	 * touches any. The page of the HTIF watch: only a store to the watched
	 * range itself must reach the bus.
	 */
	if ((vaddr & (MMU_PAGE_MASK | (size - 1))) == cw->vpage) {
		struct bus *bus = &cpu->machine->bus;
		uint8_t *h = (uint8_t *)(uintptr_t)(vaddr + cw->addend);
		uint64_t paddr = (uint64_t)(h - bus->ram) + bus->ram_base;

		if (!bus_ram_ptr(bus, paddr, size, true))
			return mmu_access_slow(cpu, vaddr, size, MMU_WRITE, &val);
		if (mmu_code_write(bus, paddr, size))
			dbt_note_code_write(cpu->machine, cpu, paddr, size);
		memcpy(h, &val, size);
		return true;
	}
	return mmu_access_slow(cpu, vaddr, size, MMU_WRITE, &val);
}

/* One 16-bit instruction parcel (pc is always 2-byte aligned with C). */
static bool mmu_fetch_parcel(struct cpu *cpu, uint64_t vaddr, uint64_t *parcel)
{
	void *host = mmu_tlb_lookup(&cpu->mmu, MMU_EXEC, vaddr, 2);

	if (host) {
		uint16_t raw;

		memcpy(&raw, host, sizeof(raw));
		*parcel = raw;
		return true;
	}
	return mmu_access_slow(cpu, vaddr, 2, MMU_EXEC, parcel);
}

bool mmu_fetch(struct cpu *cpu, uint64_t vaddr, uint32_t *insn)
{
	const struct mmu_tlb_entry *e = &cpu->mmu.tlb[MMU_EXEC][mmu_tlb_index(vaddr)];
	uint64_t lo, hi;

	/* Both parcels in one cached page: a single 32-bit read. */
	if (__builtin_expect(e->vpage == (vaddr & (MMU_PAGE_MASK | 1)) &&
				     (vaddr & ~MMU_PAGE_MASK) <= MMU_PAGE_SIZE - 4,
			     1)) {
		uint32_t raw;

		memcpy(&raw, (void *)(uintptr_t)(vaddr + e->addend), sizeof(raw));
		*insn = (raw & 3) == 3 ? raw : (raw & 0xffff);
		return true;
	}
	if (!mmu_fetch_parcel(cpu, vaddr, &lo))
		return false;
	if ((lo & 3) != 3) {
		*insn = (uint32_t)lo;
		return true;
	}
	if (!mmu_fetch_parcel(cpu, vaddr + 2, &hi))
		return false;
	*insn = (uint32_t)(lo | (hi << 16));
	return true;
}

void *mmu_atomic_ptr(struct cpu *cpu, uint64_t vaddr, unsigned size, bool is_load, uint64_t *paddr)
{
	enum mmu_access access = is_load ? MMU_READ : MMU_WRITE;
	struct bus *bus = &cpu->machine->bus;
	uint8_t *host;
	uint64_t pa;
	int cause;

	if (vaddr & (size - 1)) {
		trap_raise(cpu, is_load ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED, vaddr);
		return NULL;
	}
	host = mmu_tlb_lookup(&cpu->mmu, access, vaddr, size);
	if (host) {
		*paddr = (uint64_t)(host - bus->ram) + bus->ram_base;
		return host;
	}
	cause = mmu_translate_range(cpu, vaddr, size, access, &pa);
	if (cause) {
		trap_raise(cpu, cause, vaddr);
		return NULL;
	}
	host = bus_ram_ptr(bus, pa, size, !is_load);
	if (!host) {
		trap_raise(cpu, mmu_access_fault[access], vaddr);
		return NULL;
	}
	if (!is_load && mmu_code_write(bus, pa, size))
		dbt_note_code_write(cpu->machine, cpu, pa, size);
	if (!is_load && cpu->journal)
		dbt_journal_ram_write(cpu, pa, size, host);
	mmu_tlb_fill(cpu, vaddr, pa, access);
	*paddr = pa;
	return host;
}
