/*
 * tlbindex.h - the soft-TLB slot computation the translator inlines before
 * every load and store: rcx = mmu_tlb_index(rax) * 16, the byte offset of
 * the entry, clobbering rdx. For 4 KiB pages and 4096 folded entries that
 * is ((rax >> 8) ^ (rax >> 20)) & 0xfff0: two rotates (BMI2), a xor and an
 * and; without BMI2, moves and shifts. Kept apart so that the unit tests
 * can run it against mmu_tlb_index().
 */
#ifndef VMM_DBT_TLBINDEX_H
#define VMM_DBT_TLBINDEX_H

#include <stdbool.h>

#include "../cpu/mmu.h"
#include "x86emit.h"

_Static_assert(sizeof(struct mmu_tlb_entry) == 16, "the TLB slot offset is the index times 16");

static inline void dbt_emit_tlb_index(struct x86_buf *b, bool bmi2)
{
	const uint8_t lo = MMU_PAGE_SHIFT - 4, hi = MMU_PAGE_SHIFT + MMU_TLB_FOLD - 4;

	/* hi in 64 bits: a 32-bit rotate would wrap the low address bits into the index */
	if (bmi2) {
		x86_rorx(b, 4, X86_RCX, X86_RAX, lo);
		x86_rorx(b, 8, X86_RDX, X86_RAX, hi);
	} else {
		x86_mov_rr(b, 4, X86_RCX, X86_RAX);
		x86_shift_ri(b, 4, X86_SHR, X86_RCX, lo);
		x86_mov_rr(b, 8, X86_RDX, X86_RAX);
		x86_shift_ri(b, 8, X86_SHR, X86_RDX, hi);
	}
	x86_alu_rr(b, 4, X86_XOR, X86_RCX, X86_RDX);
	x86_alu_ri(b, 4, X86_AND, X86_RCX, (MMU_TLB_SIZE - 1) << 4);
}

#endif
