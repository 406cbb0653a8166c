/*
 * dbt.h - the binary translator: RV64GC guest blocks to x86-64 host code.
 *
 * One translator per hart (struct dbt), owned by that hart's thread: its
 * code cache, block table, jump caches and T3 return-address arrays are
 * never touched by another thread. The only cross-hart traffic is
 * self-modifying code: a store into a page another hart has translated is
 * queued for that hart (dbt_note_code_write) and applied the next time it
 * is between blocks, which RISC-V allows (the other hart needs a fence.i
 * anyway before it must see the new code).
 *
 * Execution model: cpu_run() calls dbt_run() when cpu->dbt is set. The
 * dispatcher takes interrupts, looks up or translates the block at
 * cpu->pc and enters it; translated code returns to the dispatcher only on
 * a block-cache miss, a trap, a system instruction, or when the hart's
 * budget word (cpu->dbt_budget) runs out: every block entry subtracts its
 * length, and other threads set the word to zero to make a chained loop
 * come back at once (interrupt lines, stop requests).
 *
 * Guest registers live in struct cpu; host rbp holds the struct cpu
 * pointer in translated code; everything else is scratch.
 */
#ifndef VMM_DBT_DBT_H
#define VMM_DBT_DBT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cpu;
struct machine;

/* Default code cache per hart: enough for a Linux boot without a flush. */
#define DBT_CODE_CACHE_DEFAULT (64ull << 20)
#define DBT_CODE_CACHE_MIN (1ull << 20)

/* Counters, in struct cpu (translated code increments them in place). */
enum dbt_stat {
	DBT_STAT_BLOCKS,	/* blocks translated */
	DBT_STAT_CODE_BYTES,	/* host code bytes emitted (since start) */
	DBT_STAT_TRANSLATE_NS,	/* time spent translating */
	DBT_STAT_FLUSHES,	/* full code-cache flushes */
	DBT_STAT_INVALIDATED,	/* blocks dropped by self-modifying code */
	DBT_STAT_CHAINED,	/* direct exits patched to their target */
	DBT_STAT_DISPATCH,	/* returns to the dispatcher */
	DBT_STAT_CALLS,		/* T3: translated calls executed */
	DBT_STAT_RETURNS,	/* T3: translated returns executed */
	DBT_STAT_RET_HITS,	/* T3: returns confirmed at the call site */
	DBT_STAT_CONFIRM_FAILS, /* T3: landed at the wrong call site */
	DBT_STAT_BACKUPS,	/* T3: returns resolved by the back-up routine */
	DBT_STAT_COUNT,
};

/* Names for the statistics output, indexed by enum dbt_stat. */
extern const char *const dbt_stat_names[DBT_STAT_COUNT];

struct dbt_options {
	uint64_t code_cache_size; /* bytes of host code per hart */
	bool ret_array;		  /* T3 on (the default) */
	bool lockstep;		  /* check every block against the interpreter */
	/*
	 * Count every T3 call, return and hit. Off by default: three memory
	 * increments on the hottest paths measurably slow call-heavy code
	 * (call-rec about 2x); confirm failures and back-ups, on slow paths,
	 * are always counted.
	 */
	bool count_t3;
	/*
	 * Append "host-address size rv:priv:guest-pc" for every block to
	 * /tmp/perf-PID.map, the file perf reads to name JIT code.
	 */
	bool perf_map;
};

/* Exit status of a run stopped by a lockstep divergence. */
#define DBT_LOCKSTEP_STATUS 86

/*
 * Lockstep journal (lockstep.c): with cpu->journal set, the MMU reports
 * RAM stores and device accesses here, and never fills the write TLB.
 */
enum dbt_journal_mode {
	DBT_JOURNAL_OFF,
	DBT_JOURNAL_RECORD, /* translated block: accesses happen and are recorded */
	DBT_JOURNAL_REPLAY, /* interpreter: device accesses answered from the record */
};
struct dbt_journal;

/* A RAM store of @size bytes at @paddr (host pointer @host) is about to happen. */
void dbt_journal_ram_write(struct cpu *cpu, uint64_t paddr, unsigned size, uint8_t *host);

/* A read of the time CSR: the clock, recorded; replayed for the interpreter. */
uint64_t dbt_journal_time(struct cpu *cpu);

/* A device access instead of bus_read/bus_write; returns what the bus returns. */
int dbt_journal_mmio(struct cpu *cpu, uint64_t paddr, unsigned size, uint64_t *val, bool write);

/*
 * dbt_create - a translator for @cpu (which must be initialised and have
 * its machine): maps the code cache. Returns 0 with cpu->dbt set, or -errno.
 */
int dbt_create(struct cpu *cpu, const struct dbt_options *opts);

/* dbt_destroy - unmap and free cpu->dbt (NULL is fine) and clear it. */
void dbt_destroy(struct cpu *cpu);

/*
 * dbt_run - run @cpu on translated code for about @budget instructions or
 * until cpu->stop_request is set; the contract of cpu_run(). Returns the
 * enum cpu_stop_reason.
 */
int dbt_run(struct cpu *cpu, uint64_t budget);

/*
 * dbt_note_code_write - guest-physical [paddr, paddr + len) in RAM is about
 * to be written by @writer (a hart, or NULL for a device) and some hart has
 * translated code in it (bus code_pages says so): the writer's own blocks
 * there are dropped now, other harts' at their next dispatch.
 */
void dbt_note_code_write(struct machine *m, struct cpu *writer, uint64_t paddr, uint64_t len);

/*
 * dbt_stats_sum - the counters of every hart of @m added up in @out (zero
 * when no hart translates); returns whether the translator runs. Reads
 * other threads' counters without stopping them: each value is whole.
 */
bool dbt_stats_sum(const struct machine *m, uint64_t out[DBT_STAT_COUNT]);

/* dbt_get_options - the options @cpu's translator runs with (cpu->dbt must be set). */
const struct dbt_options *dbt_get_options(const struct cpu *cpu);

/*
 * dbt_stats_print - one line on @f: every counter of dbt_stats_sum() as
 * name=value, and the instructions retired; nothing under the interpreter.
 */
void dbt_stats_print(const struct machine *m, FILE *f);

/* dbt_kick - make @cpu's translated code return to its dispatcher soon (any thread). */
void dbt_kick(struct cpu *cpu);

#endif
