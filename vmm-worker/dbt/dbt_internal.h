/*
 * dbt_internal.h - what the dispatcher (dbt.c) and the code generator
 * (translate.c) share: blocks, exits, the per-hart translator state.
 */
#ifndef VMM_DBT_INTERNAL_H
#define VMM_DBT_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <xmmintrin.h>

#include "../cpu/cpu.h"
#include "../cpu/decode.h"
#include "../cpu/fpu.h"
#include "dbt.h"

/* Longest block, in guest instructions (a block never crosses a guest page). */
#define DBT_BLOCK_MAX_INSNS 64
/*
 * Conditional branches a block goes on past (their taken side leaves);
 * a block has at most that many side exits, two at its end and two from
 * T3 confirm blocks.
 */
#define DBT_BLOCK_MAX_SIDE 3
#define DBT_BLOCK_MAX_EXITS (DBT_BLOCK_MAX_SIDE + 4)
/* Host bytes one block may need at most: checked before translating. */
#define DBT_BLOCK_MAX_CODE (DBT_BLOCK_MAX_INSNS * 160 + 1024)
#define DBT_HASH_SIZE 16384u
/* Jump cache: entries of struct dbt_jc_entry, per privilege. */
#define DBT_JC_SIZE 4096u
#define DBT_JC_SHIFT 5 /* log2(sizeof(struct dbt_jc_entry)) */
/* T3 return-address array: entries of struct dbt_ret_entry, per privilege. */
#define DBT_RET_SIZE 4096u
#define DBT_RET_SHIFT 4
/* Instructions a dispatcher entry may run before translated code returns. */
#define DBT_SLICE 8192
/*
 * What dbt_kick() subtracts from a hart's budget: far more than a slice, so
 * the next block entry leaves, and recognisable, so the dispatcher can add
 * it back and still know how much the hart really consumed.
 */
#define DBT_KICK_BIAS (1ll << 40)

struct dbt_block;

/* A patchable direct exit of a block: a jmp rel32 that chaining retargets. */
struct dbt_exit {
	uint8_t *jmp_field; /* the rel32 of the exit's jmp */
	uint8_t *stub;	    /* where it jumps while unchained: back to the dispatcher */
	uint64_t target;    /* guest virtual pc it continues at */
	struct dbt_block *owner;
	struct dbt_block *linked; /* the block it is chained to, or NULL */
	struct dbt_exit *next_in; /* next exit chained to the same block */
};

/* A decoded instruction a helper executes, with its pc. */
struct dbt_hinsn {
	struct insn in;
	uint64_t pc;
};

struct dbt_block {
	uint64_t vpc, ppc;
	uint8_t priv;
	bool valid;
	uint16_t n_insns;
	uint32_t guest_bytes;
	uint8_t *code;
	uint32_t code_bytes;
	struct dbt_block *hash_next;
	struct dbt_block *page_next; /* blocks starting on the same guest page */
	struct dbt_block *all_next;  /* every block, for the flush */
	struct dbt_exit *incoming;   /* exits chained to this block */
	unsigned n_exits;
	struct dbt_exit exits[DBT_BLOCK_MAX_EXITS];
	unsigned n_hinsns;
	struct dbt_hinsn *hinsns;
};

/* Jump cache entry: guest pc (odd when empty) and the block's host code. */
struct dbt_jc_entry {
	uint64_t vpc;
	void *code;
	struct dbt_block *block;
	uint64_t pad;
};

/*
 * T3 entry, at index (P >> 1) % DBT_RET_SIZE for a function P: host
 * address of the confirm block of the call site that last called P, and
 * the caller's own entry (its byte offset in the array: the index computed
 * from the caller's P at its call, kept so a return needs no hashing).
 */
struct dbt_ret_entry {
	void *code;
	uint64_t saved_slot;
};

struct dbt {
	struct cpu *cpu;
	struct dbt_options opts;
	uint8_t *code;
	size_t code_size, code_used;
	/* Shared routines at the start of the code cache. */
	void (*enter)(struct cpu *cpu, void *code);
	uint8_t *epilogue;  /* return to the dispatcher */
	uint8_t *jc_lookup; /* rax = guest pc: jump cache lookup, else dispatcher */
	uint8_t *jc_miss;   /* rax = guest pc: leave for the dispatcher */
	uint8_t *backup;    /* T3 back-up routine (rax = guest pc) */
	size_t routines_end;
	FILE *perf_map; /* --perf-map: /tmp/perf-PID.map, or NULL */
	bool bmi2;	/* the host has BMI2 (rorx) */

	struct dbt_block *hash[DBT_HASH_SIZE];
	struct dbt_block *all;
	struct dbt_block **page_blocks; /* per RAM page */
	uint64_t ram_pages;

	/* Indexed by privilege (0, 1, 3; 2 unused). */
	struct dbt_jc_entry (*jc)[DBT_JC_SIZE];
	struct dbt_ret_entry (*ret)[DBT_RET_SIZE];

	int seen_priv;
	uint64_t seen_map_gen, seen_pmp_gen;
	/* cpu->dbt_budget when the counters were last brought up to date */
	int64_t budget_start;
	/* Set when a helper's store dropped blocks: the running block must end. */
	bool exit_now;

	/* Pages other harts (or devices) wrote that hold our code: applied at dispatch. */
	pthread_mutex_t pending_lock;
	uint64_t *pending;
	size_t n_pending, pending_cap;
	bool pending_overflow;
	int has_pending;

	/* --check-lockstep: the hart before the block, and the interpreter's copy. */
	struct cpu *lockstep_snap, *lockstep_shadow;
};

/* translate.c: emit the shared routines at the start of the cache. */
int dbt_emit_routines(struct dbt *d);

/*
 * translate.c: translate the block at guest @vpc (physical @ppc, host
 * pointer @host to the guest bytes, @avail bytes to the page end) into
 * the cache. Returns the block, or NULL when the cache is full (*full
 * set) or when the first instruction cannot be translated (illegal or
 * crossing the page end: the caller interprets it).
 */
struct dbt_block *dbt_translate(struct dbt *d, uint64_t vpc, uint64_t ppc, const uint8_t *host,
				unsigned avail, bool *full);

/* lockstep.c */
int dbt_lockstep_init(struct cpu *cpu);
void dbt_lockstep_fini(struct cpu *cpu);
/* Run block @b alone and check it against the interpreter; false on a divergence (printed). */
bool dbt_lockstep_block(struct dbt *d, struct cpu *cpu, struct dbt_block *b);

/*
 * dbt.c: add the instructions translated code retired since the last sync
 * (the budget it consumed) to minstret and mcycle.
 */
void dbt_sync_counters(struct dbt *d, struct cpu *cpu);

/* Helpers called from translated code (dbt.c). */
/*
 * Translated F/D arithmetic leaves its exception flags in the host's MXCSR,
 * which is sticky like fflags: the guest's fflags are cpu->fflags OR those.
 * The fast paths run only where x86 and RISC-V raise the same flags (round
 * to nearest even, a result that is not a NaN), and the denormal-operand
 * flag, which RISC-V lacks, is dropped. C folds them in whenever it takes
 * over from translated code (helpers, exits); folding twice changes nothing,
 * so MXCSR is cleared (ldmxcsr, which is slow) only where fflags may be
 * written (CSR instructions, interpreted steps) and before entering
 * translated code.
 */
#define DBT_MXCSR_FLAGS 0x3fu

static inline void dbt_fp_fold(struct cpu *cpu)
{
	unsigned m = _mm_getcsr();

	if (m & DBT_MXCSR_FLAGS) {
		cpu->fflags |= (m & 0x01 ? FPU_FLAG_NV : 0) | (m & 0x04 ? FPU_FLAG_DZ : 0) |
			       (m & 0x08 ? FPU_FLAG_OF : 0) | (m & 0x10 ? FPU_FLAG_UF : 0) |
			       (m & 0x20 ? FPU_FLAG_NX : 0);
		_mm_setcsr(m & ~DBT_MXCSR_FLAGS);
	}
}

static inline void dbt_fp_clean(void)
{
	unsigned m = _mm_getcsr();

	if (m & DBT_MXCSR_FLAGS)
		_mm_setcsr(m & ~DBT_MXCSR_FLAGS);
}

int dbt_helper_op(struct cpu *cpu, const struct dbt_hinsn *h);
void dbt_helper_sys(struct cpu *cpu, const struct dbt_hinsn *h);

#endif
