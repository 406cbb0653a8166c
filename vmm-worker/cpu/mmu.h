/*
 * mmu.h - guest virtual memory: Sv39/Sv48 page walker, PMP, soft TLB and
 * the load/store/fetch entry points used by the interpreter.
 */
#ifndef VMM_CPU_MMU_H
#define VMM_CPU_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

enum mmu_access {
	MMU_READ,
	MMU_WRITE,
	MMU_EXEC,
};

/*
 * 4096 slots per access type (64 KiB each): 16 MiB of pages. Flushes, which Linux
 * causes at every trap and SUM toggle, clear only the slots filled since
 * the last one (fill_log), so the size costs nothing there.
 */
#define MMU_TLB_SIZE 4096
/* Fills remembered per access type; past that a flush clears everything. */
#define MMU_FILL_LOG 128
#define MMU_PAGE_SHIFT 12
#define MMU_PAGE_SIZE (1ull << MMU_PAGE_SHIFT)
#define MMU_PAGE_MASK (~(MMU_PAGE_SIZE - 1))
/* An empty TLB slot: no page-aligned address has its low bits set. */
#define MMU_TLB_INVALID UINT64_MAX

/* Page-table entry bits (Sv39/Sv48). */
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1)
/* Bits 63:54: N and PBMT (Svnapot, Svpbmt) are not implemented, so reserved. */
#define PTE_RESERVED (~0ull << 54)

/*
 * One soft-TLB slot: a RAM page whose whole 4 KiB PMP grants for the access
 * type, in the translation context (privilege, satp, MPRV/MPP/SUM/MXR) in
 * force when it was filled; any change of that context flushes the TLB.
 */
struct mmu_tlb_entry {
	uint64_t vpage;	  /* page-aligned guest vaddr, or MMU_TLB_INVALID */
	uintptr_t addend; /* host pointer = guest vaddr + addend */
};

struct mmu_state {
	struct mmu_tlb_entry tlb[3][MMU_TLB_SIZE]; /* indexed by mmu_access */
	/*
	 * The slots filled since the last flush, per access type; a count
	 * above MMU_FILL_LOG means "too many, clear the whole table" (also
	 * what mmu_reset leaves, so the first flush after a reset is whole).
	 */
	uint16_t fill_log[3][MMU_FILL_LOG];
	unsigned fill_count[3];
	/*
	 * The last page written that the write TLB never maps (it holds
	 * translated code or the HTIF watch): its stores skip the walk, and
	 * those to a line with neither stay in translated code (see
	 * code_write_lines); flushed with the write TLB.
	 */
	struct mmu_tlb_entry code_write;
	/*
	 * bus.code_lines' word for code_write's page, and the lines of it the
	 * HTIF watch covers (code_write also maps a page that holds tohost):
	 * a store to a line in neither needs no invalidation and no device,
	 * and translated code does it inline.
	 */
	const uint64_t *code_write_lines;
	uint64_t code_write_watch;
	/*
	 * Bumped when the virtual-to-physical map may have changed (satp write,
	 * sfence.vma) and when PMP changes, so the translator knows when its
	 * virtually-keyed lookups must go.
	 */
	uint64_t map_gen, pmp_gen;
	/* Set by another hart's translator: drop the write TLB before going on. */
	int flush_writes;
};

/*
 * The TLB slot of a page. The page number is folded with its bits above the
 * index so that arrays a multiple of 1 MiB apart (common: equal-sized
 * buffers) do not all fall into one slot and evict each other on every
 * access. The translator's inline lookup computes the same.
 */
#define MMU_TLB_FOLD 12 /* log2(MMU_TLB_SIZE) */
static inline unsigned mmu_tlb_index(uint64_t vaddr)
{
	uint64_t vpn = vaddr >> MMU_PAGE_SHIFT;

	return (unsigned)((vpn ^ (vpn >> MMU_TLB_FOLD)) & (MMU_TLB_SIZE - 1));
}

/*
 * TLB fast path: the host pointer for a naturally aligned access of `size`
 * bytes at vaddr, or NULL on a miss (then use mmu_load/mmu_store/...).
 */
static inline void *mmu_tlb_lookup(struct mmu_state *mmu, enum mmu_access access, uint64_t vaddr,
				   unsigned size)
{
	const struct mmu_tlb_entry *e = &mmu->tlb[access][mmu_tlb_index(vaddr)];

	/* Misaligned addresses keep a low bit set and so never match. */
	if (__builtin_expect(e->vpage != (vaddr & (MMU_PAGE_MASK | (size - 1))), 0))
		return 0;
	return (void *)(uintptr_t)(vaddr + e->addend);
}

/*
 * Translate a guest virtual address for one access (of one byte), walking
 * the page tables as needed (A/D updates included) and checking PMP. Loads
 * and stores use the MPRV/MPP privilege in M-mode, fetches never do.
 * Returns 0 with *paddr set, or the exception cause to raise (nothing is
 * raised on the hart).
 */
int mmu_translate(struct cpu *cpu, uint64_t vaddr, enum mmu_access access, uint64_t *paddr);

/*
 * Guest loads and stores of 1, 2, 4 or 8 bytes, little-endian; a load
 * returns the value zero-extended. Misaligned accesses are emulated; one
 * that spans two pages translates both before touching memory. On a fault
 * the exception is raised on the hart (cpu->trapped set) and false is
 * returned; tval is vaddr, or the start of the second page when only the
 * second part faults.
 */
bool mmu_load(struct cpu *cpu, uint64_t vaddr, unsigned size, uint64_t *val);
bool mmu_store(struct cpu *cpu, uint64_t vaddr, unsigned size, uint64_t val);

/*
 * Fetch the instruction at vaddr: 16 bits if compressed, else 32 (which may
 * span two pages). Raises the fetch exception and returns false on a fault
 * (tval = vaddr + 2 when only the second parcel faults).
 */
bool mmu_fetch(struct cpu *cpu, uint64_t vaddr, uint32_t *insn);

/*
 * For AMOs and LR/SC: translate for writing (or reading for LR), require
 * natural alignment, and return a host pointer into guest RAM plus the
 * physical address. Raises the exception and returns NULL on a fault
 * (misaligned → store/AMO address misaligned; not RAM → access fault).
 */
void *mmu_atomic_ptr(struct cpu *cpu, uint64_t vaddr, unsigned size, bool is_load, uint64_t *paddr);

/* At hart reset, after the memset: the next flush clears every slot. */
void mmu_reset(struct mmu_state *mmu);

/* Drop cached translations (satp write, sfence.vma, privilege change). */
void mmu_flush(struct cpu *cpu);

/* Drop the cached write translations only (a page became a code page). */
void mmu_flush_writes(struct cpu *cpu);

#endif
