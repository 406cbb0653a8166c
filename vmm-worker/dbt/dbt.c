/*
 * dbt.c - the translator's dispatcher and code cache: block lookup by
 * guest pc, chaining, the jump caches and T3 arrays, invalidation on
 * self-modifying code, and the helpers translated code calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../cpu/cpu.h"
#include "../cpu/pmp.h"
#include "../cpu/trap.h"
#include "../machine/machine.h"
#include "dbt_internal.h"
#include "x86emit.h"

const char *const dbt_stat_names[DBT_STAT_COUNT] = {
	[DBT_STAT_BLOCKS] = "blocks_translated",
	[DBT_STAT_CODE_BYTES] = "code_bytes",
	[DBT_STAT_TRANSLATE_NS] = "translate_ns",
	[DBT_STAT_FLUSHES] = "cache_flushes",
	[DBT_STAT_INVALIDATED] = "blocks_invalidated",
	[DBT_STAT_CHAINED] = "exits_chained",
	[DBT_STAT_DISPATCH] = "dispatches",
	[DBT_STAT_CALLS] = "t3_calls",
	[DBT_STAT_RETURNS] = "t3_returns",
	[DBT_STAT_RET_HITS] = "t3_hits",
	[DBT_STAT_CONFIRM_FAILS] = "t3_confirm_failures",
	[DBT_STAT_BACKUPS] = "t3_backups",
};

_Static_assert(DBT_STAT_COUNT <= sizeof(((struct cpu *)0)->dbt_stat) / sizeof(uint64_t),
	       "struct cpu has room for every counter");
_Static_assert(sizeof(struct dbt_jc_entry) == 1u << DBT_JC_SHIFT, "jump cache entry size");
_Static_assert(sizeof(struct dbt_ret_entry) == 1u << DBT_RET_SHIFT, "T3 entry size");

static uint64_t dbt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned dbt_hash(uint64_t ppc)
{
	return (unsigned)((ppc >> 1) ^ (ppc >> 15)) & (DBT_HASH_SIZE - 1);
}

/* Empty every jump cache and T3 array of privilege @priv (all with -1). */
static void dbt_clear_lookups(struct dbt *d, int priv)
{
	for (int p = 0; p < 4; p++) {
		if (priv >= 0 && p != priv)
			continue;
		for (unsigned i = 0; i < DBT_JC_SIZE; i++) {
			d->jc[p][i].vpc = 1; /* odd: never a pc */
			d->jc[p][i].block = NULL;
		}
		for (unsigned i = 0; i < DBT_RET_SIZE; i++) {
			d->ret[p][i].code = d->backup;
			d->ret[p][i].saved_slot = 0;
		}
	}
}

/* Our bit for each RAM page that holds code of ours. */
static uint32_t dbt_hart_bit(struct dbt *d)
{
	return 1u << d->cpu->hart_id;
}

/* Drop every block and start the cache afresh. */
static void dbt_flush(struct dbt *d)
{
	struct dbt_block *b, *next;
	uint32_t *code_pages = d->cpu->machine->bus.code_pages;

	for (uint64_t page = 0; page < d->ram_pages; page++)
		if (d->page_blocks[page])
			__atomic_fetch_and(&code_pages[page], ~dbt_hart_bit(d), __ATOMIC_RELAXED);
	for (b = d->all; b; b = next) {
		next = b->all_next;
		free(b->hinsns);
		free(b);
	}
	d->all = NULL;
	memset(d->hash, 0, sizeof(d->hash));
	memset(d->page_blocks, 0, d->ram_pages * sizeof(*d->page_blocks));
	d->code_used = d->routines_end;
	dbt_clear_lookups(d, -1);
	d->cpu->dbt_last_exit = NULL;
	d->cpu->dbt_stat[DBT_STAT_FLUSHES]++;
}

/* Undo the chaining into @b and out of it, and forget it. */
static void dbt_block_invalidate(struct dbt *d, struct dbt_block *b)
{
	struct dbt_block **pp;

	if (!b->valid)
		return;
	b->valid = false;
	for (struct dbt_exit *e = b->incoming; e; e = e->next_in) {
		x86_patch_rel32(e->jmp_field, e->stub);
		e->linked = NULL;
	}
	b->incoming = NULL;
	for (unsigned i = 0; i < b->n_exits; i++) {
		struct dbt_exit *e = &b->exits[i];
		struct dbt_exit **ep;

		if (!e->linked)
			continue;
		for (ep = &e->linked->incoming; *ep; ep = &(*ep)->next_in) {
			if (*ep == e) {
				*ep = e->next_in;
				break;
			}
		}
		e->linked = NULL;
	}
	for (pp = &d->hash[dbt_hash(b->ppc)]; *pp; pp = &(*pp)->hash_next) {
		if (*pp == b) {
			*pp = b->hash_next;
			break;
		}
	}
	d->cpu->dbt_stat[DBT_STAT_INVALIDATED]++;
}

/*
 * Drop our blocks that overlap guest-physical [paddr, paddr + len) (len 0:
 * the whole page). Returns whether any went.
 */
static bool dbt_invalidate_range(struct dbt *d, uint64_t paddr, uint64_t len)
{
	struct bus *bus = &d->cpu->machine->bus;
	uint64_t page = (paddr - bus->ram_base) >> MMU_PAGE_SHIFT;
	struct dbt_block **pp, *b;
	bool any = false;

	if (page >= d->ram_pages)
		return false;
	if (len == 0) {
		paddr &= MMU_PAGE_MASK;
		len = MMU_PAGE_SIZE;
	}
	for (pp = &d->page_blocks[page]; (b = *pp);) {
		if (b->ppc < paddr + len && paddr < b->ppc + b->guest_bytes) {
			dbt_block_invalidate(d, b);
			*pp = b->page_next;
			any = true;
		} else {
			pp = &b->page_next;
		}
	}
	if (!d->page_blocks[page] && bus->code_pages)
		__atomic_fetch_and(&bus->code_pages[page], ~dbt_hart_bit(d), __ATOMIC_RELAXED);
	if (any) {
		/* the jump caches and T3 arrays may point into what went */
		dbt_clear_lookups(d, -1);
		d->cpu->dbt_last_exit = NULL;
	}
	return any;
}

void dbt_note_code_write(struct machine *m, struct cpu *writer, uint64_t paddr, uint64_t len)
{
	uint64_t first = (paddr - m->bus.ram_base) >> MMU_PAGE_SHIFT;
	uint64_t last = (paddr + (len ? len : 1) - 1 - m->bus.ram_base) >> MMU_PAGE_SHIFT;

	for (unsigned h = 0; h < m->hart_count; h++) {
		struct cpu *cpu = &m->harts[h];
		struct dbt *d = cpu->dbt;

		if (!d)
			continue;
		for (uint64_t page = first; page <= last && page < d->ram_pages; page++) {
			uint64_t lo =
				page == first ? paddr : m->bus.ram_base + (page << MMU_PAGE_SHIFT);
			uint64_t hi = m->bus.ram_base + ((page + 1) << MMU_PAGE_SHIFT);

			if (hi > paddr + len)
				hi = paddr + (len ? len : 1);
			if (!(__atomic_load_n(&m->bus.code_pages[page], __ATOMIC_RELAXED) &
			      dbt_hart_bit(d)) ||
			    !(__atomic_load_n(&m->bus.code_lines[page], __ATOMIC_ACQUIRE) &
			      bus_code_line_mask(lo, hi - lo)))
				continue;
			if (cpu == writer) {
				if (dbt_invalidate_range(d, paddr, len))
					d->exit_now = true;
				continue;
			}
			pthread_mutex_lock(&d->pending_lock);
			if (d->n_pending == d->pending_cap) {
				size_t cap = d->pending_cap ? d->pending_cap * 2 : 64;
				uint64_t *p =
					cap <= 65536 ? realloc(d->pending, cap * sizeof(*p)) : NULL;

				if (p) {
					d->pending = p;
					d->pending_cap = cap;
				}
			}
			if (d->n_pending < d->pending_cap)
				d->pending[d->n_pending++] = page;
			else
				d->pending_overflow = true;
			__atomic_store_n(&d->has_pending, 1, __ATOMIC_RELEASE);
			pthread_mutex_unlock(&d->pending_lock);
			dbt_kick(cpu);
		}
	}
}

bool dbt_stats_sum(const struct machine *m, uint64_t out[DBT_STAT_COUNT])
{
	bool any = false;

	memset(out, 0, DBT_STAT_COUNT * sizeof(*out));
	for (unsigned h = 0; h < m->hart_count; h++) {
		const struct cpu *cpu = &m->harts[h];

		if (!cpu->dbt)
			continue;
		any = true;
		for (unsigned i = 0; i < DBT_STAT_COUNT; i++)
			out[i] += __atomic_load_n(&cpu->dbt_stat[i], __ATOMIC_RELAXED);
	}
	return any;
}

const struct dbt_options *dbt_get_options(const struct cpu *cpu)
{
	return &cpu->dbt->opts;
}

void dbt_stats_print(const struct machine *m, FILE *f)
{
	uint64_t stat[DBT_STAT_COUNT], instret = 0;

	if (!dbt_stats_sum(m, stat))
		return;
	for (unsigned h = 0; h < m->hart_count; h++)
		instret += m->harts[h].csr.minstret;
	fprintf(f, "vmm-worker: translator:");
	for (unsigned i = 0; i < DBT_STAT_COUNT; i++)
		fprintf(f, " %s=%llu", dbt_stat_names[i], (unsigned long long)stat[i]);
	fprintf(f, " instructions=%llu ret_array=%d\n", (unsigned long long)instret,
		(int)dbt_get_options(&m->harts[0])->ret_array);
}

/*
 * The hart's own updates of its budget are plain read-modify-writes, so a
 * kick racing with one can be lost; the hart then comes back within a
 * slice anyway. A kick that lands is undone by dbt_sync_counters().
 */
void dbt_kick(struct cpu *cpu)
{
	__atomic_fetch_sub(&cpu->dbt_budget, DBT_KICK_BIAS, __ATOMIC_RELAXED);
}

void dbt_sync_counters(struct dbt *d, struct cpu *cpu)
{
	int64_t budget = __atomic_load_n(&cpu->dbt_budget, __ATOMIC_RELAXED);
	int64_t kicks = 0;
	uint64_t used;

	while (budget + kicks < -DBT_KICK_BIAS / 2)
		kicks += DBT_KICK_BIAS;
	/* undo the kicks seen, atomically against new ones */
	if (kicks)
		budget = __atomic_add_fetch(&cpu->dbt_budget, kicks, __ATOMIC_RELAXED);
	used = (uint64_t)(d->budget_start - budget);
	cpu->csr.minstret += used;
	cpu->csr.mcycle += used;
	d->budget_start = budget;
}

/* Apply other harts' writes to our code pages. */
static void dbt_apply_pending(struct dbt *d)
{
	struct bus *bus = &d->cpu->machine->bus;

	pthread_mutex_lock(&d->pending_lock);
	if (d->pending_overflow) {
		dbt_flush(d);
	} else {
		for (size_t i = 0; i < d->n_pending; i++)
			dbt_invalidate_range(d, bus->ram_base + (d->pending[i] << MMU_PAGE_SHIFT),
					     0);
	}
	d->n_pending = 0;
	d->pending_overflow = false;
	__atomic_store_n(&d->has_pending, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&d->pending_lock);
}

/*
 * A block is about to be translated at @ppc: its page becomes a code page
 * (no writable TLB entry may map it any more) and the lines the block can
 * reach become code lines. Both are set before the guest bytes are read,
 * so that a racing store is seen; a block never crosses its page and holds
 * at most DBT_BLOCK_MAX_INSNS instructions, whose bytes the lines cover.
 */
static void dbt_mark_code(struct dbt *d, uint64_t ppc, uint64_t page)
{
	struct machine *m = d->cpu->machine;
	uint64_t len = MMU_PAGE_SIZE - (ppc & ~MMU_PAGE_MASK);
	uint32_t old;

	if (len > DBT_BLOCK_MAX_INSNS * 4)
		len = DBT_BLOCK_MAX_INSNS * 4;
	__atomic_fetch_or(&m->bus.code_lines[page], bus_code_line_mask(ppc, len), __ATOMIC_SEQ_CST);
	old = __atomic_fetch_or(&m->bus.code_pages[page], dbt_hart_bit(d), __ATOMIC_SEQ_CST);
	if (old)
		return;
	/*
	 * Every hart's write TLB may hold the page. Ours is flushed here; the
	 * others drop theirs when they next pass their dispatcher, which they
	 * are kicked to do (a store racing with that is one the guest did not
	 * order against our fetch anyway).
	 */
	for (unsigned h = 0; h < m->hart_count; h++) {
		struct cpu *cpu = &m->harts[h];

		if (cpu == d->cpu) {
			mmu_flush_writes(cpu);
		} else {
			__atomic_store_n(&cpu->mmu.flush_writes, 1, __ATOMIC_RELEASE);
			dbt_kick(cpu);
		}
	}
}

/*
 * The block for the current pc, translating it if need be; NULL when the
 * interpreter must run this instruction (fetch fault, page not plain RAM,
 * an instruction that crosses the page end, an illegal one).
 */
static struct dbt_block *dbt_lookup(struct dbt *d, struct cpu *cpu)
{
	struct bus *bus = &cpu->machine->bus;
	uint64_t vpc = cpu->pc, ppc, page;
	struct dbt_jc_entry *jc = &d->jc[cpu->priv][(vpc >> 1) & (DBT_JC_SIZE - 1)];
	struct dbt_block *b;
	const uint8_t *host;
	uint64_t t0;
	bool full;

	if (jc->vpc == vpc && jc->block)
		return jc->block;
	if (mmu_translate(cpu, vpc, MMU_EXEC, &ppc))
		return NULL;
	host = bus_ram_ptr(bus, ppc & MMU_PAGE_MASK, MMU_PAGE_SIZE, false);
	if (!host || !pmp_check(&cpu->csr, ppc & MMU_PAGE_MASK, MMU_PAGE_SIZE, MMU_EXEC, cpu->priv))
		return NULL;
	for (b = d->hash[dbt_hash(ppc)]; b; b = b->hash_next)
		if (b->ppc == ppc && b->vpc == vpc && b->priv == cpu->priv)
			goto found;

	t0 = dbt_now_ns();
	page = (ppc - bus->ram_base) >> MMU_PAGE_SHIFT;
	dbt_mark_code(d, ppc, page);
	host += ppc & ~MMU_PAGE_MASK;
	b = dbt_translate(d, vpc, ppc, host, (unsigned)(MMU_PAGE_SIZE - (ppc & ~MMU_PAGE_MASK)),
			  &full);
	if (!b && full) {
		dbt_flush(d);
		dbt_mark_code(d, ppc, page);
		b = dbt_translate(d, vpc, ppc, host,
				  (unsigned)(MMU_PAGE_SIZE - (ppc & ~MMU_PAGE_MASK)), &full);
	}
	cpu->dbt_stat[DBT_STAT_TRANSLATE_NS] += dbt_now_ns() - t0;
	if (!b) {
		if (!d->page_blocks[page])
			__atomic_fetch_and(&bus->code_pages[page], ~dbt_hart_bit(d),
					   __ATOMIC_RELAXED);
		return NULL;
	}
	b->valid = true;
	b->hash_next = d->hash[dbt_hash(ppc)];
	d->hash[dbt_hash(ppc)] = b;
	b->page_next = d->page_blocks[page];
	d->page_blocks[page] = b;
	b->all_next = d->all;
	d->all = b;
	cpu->dbt_stat[DBT_STAT_BLOCKS]++;
	cpu->dbt_stat[DBT_STAT_CODE_BYTES] += b->code_bytes;
	if (d->perf_map)
		fprintf(d->perf_map, "%lx %x rv:%c:%llx\n", (unsigned long)(uintptr_t)b->code,
			(unsigned)b->code_bytes, "USHM"[cpu->priv & 3], (unsigned long long)vpc);
found:
	jc->vpc = vpc;
	jc->code = b->code;
	jc->block = b;
	return b;
}

/* Chain the exit the last block left by to @to when that is safe. */
static void dbt_chain(struct dbt *d, struct cpu *cpu, struct dbt_block *to)
{
	struct dbt_exit *e = cpu->dbt_last_exit;

	cpu->dbt_last_exit = NULL;
	if (!e || e->linked || !e->owner->valid || e->target != to->vpc)
		return;
	/*
	 * Within one guest page the virtual-to-physical mapping is the one we
	 * just used for both blocks; across pages only M-mode (no translation)
	 * is safe, as a later mapping change would otherwise go unseen.
	 */
	if (to->priv != e->owner->priv)
		return;
	if ((to->vpc ^ e->owner->vpc) & MMU_PAGE_MASK && to->priv != PRIV_M)
		return;
	x86_patch_rel32(e->jmp_field, to->code);
	e->linked = to;
	e->next_in = to->incoming;
	to->incoming = e;
	cpu->dbt_stat[DBT_STAT_CHAINED]++;
	(void)d;
}

/* Keep the virtually-keyed lookups in step with privilege, satp and PMP. */
static void dbt_check_context(struct dbt *d, struct cpu *cpu)
{
	if (cpu->mmu.pmp_gen != d->seen_pmp_gen) {
		d->seen_pmp_gen = cpu->mmu.pmp_gen;
		dbt_flush(d);
	}
	if (cpu->mmu.map_gen != d->seen_map_gen) {
		d->seen_map_gen = cpu->mmu.map_gen;
		dbt_clear_lookups(d, PRIV_S);
		dbt_clear_lookups(d, PRIV_U);
		cpu->dbt_last_exit = NULL;
	}
	if ((int)cpu->priv != d->seen_priv) {
		d->seen_priv = (int)cpu->priv;
		cpu->dbt_jc = d->jc[cpu->priv];
		cpu->dbt_ret = d->ret[cpu->priv];
		cpu->dbt_last_exit = NULL;
	}
}

int dbt_run(struct cpu *cpu, uint64_t budget)
{
	struct dbt *d = cpu->dbt;
	uint64_t start = cpu->csr.minstret, done = 0;

	while (done < budget) {
		struct dbt_block *b;

		if (__atomic_load_n(&cpu->stop_request, __ATOMIC_RELAXED))
			return CPU_STOP_REQUEST;
		if (__atomic_load_n(&d->has_pending, __ATOMIC_ACQUIRE))
			dbt_apply_pending(d);
		if (__atomic_load_n(&cpu->mmu.flush_writes, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&cpu->mmu.flush_writes, 0, __ATOMIC_RELAXED);
			mmu_flush_writes(cpu);
		}
		trap_update_timers(cpu);
		if (trap_check_interrupts(cpu)) {
			cpu->dbt_last_exit = NULL;
			done++;
			continue;
		}
		dbt_check_context(d, cpu);
		if (cpu->csr.mcountinhibit & 5) {
			/* counting that the blocks' prologues cannot express */
			cpu->dbt_last_exit = NULL;
			dbt_fp_fold(cpu);
			cpu_step(cpu);
			dbt_fp_clean();
			done++;
			continue;
		}
		b = dbt_lookup(d, cpu);
		if (!b) {
			cpu->dbt_last_exit = NULL;
			dbt_fp_fold(cpu);
			cpu_step(cpu);
			dbt_fp_clean();
			done++;
			continue;
		}
		cpu->dbt_stat[DBT_STAT_DISPATCH]++;
		if (d->opts.lockstep) {
			if (!dbt_lockstep_block(d, cpu, b)) {
				machine_request_exit(cpu->machine, DBT_LOCKSTEP_STATUS);
				return CPU_STOP_REQUEST;
			}
			done++;
			continue;
		}
		if (cpu->dbt_last_exit)
			dbt_chain(d, cpu, b);
		cpu->dbt_budget = DBT_SLICE;
		d->budget_start = DBT_SLICE;
		dbt_fp_clean();
		d->enter(cpu, b->code);
		dbt_fp_fold(cpu);
		dbt_sync_counters(d, cpu);
		done = cpu->csr.minstret - start;
		/* a step that retired nothing (a trap) still makes progress */
		done++;
	}
	if (__atomic_load_n(&cpu->stop_request, __ATOMIC_RELAXED))
		return CPU_STOP_REQUEST;
	return CPU_STOP_BUDGET;
}

int dbt_helper_op(struct cpu *cpu, const struct dbt_hinsn *h)
{
	/* no dbt_fp_clean() after: folding is idempotent, and ldmxcsr is slow */
	dbt_fp_fold(cpu);
	cpu_exec_insn(cpu, &h->in, h->pc, false);
	if (cpu->trapped) {
		cpu->pc = cpu->next_pc;
		return 2;
	}
	if (cpu->dbt->exit_now) {
		cpu->dbt->exit_now = false;
		cpu->pc = cpu->next_pc;
		return 1;
	}
	return 0;
}

void dbt_helper_sys(struct cpu *cpu, const struct dbt_hinsn *h)
{
	/* the instruction may read or write the counters: bring them up to date */
	dbt_sync_counters(cpu->dbt, cpu);
	dbt_fp_fold(cpu);
	cpu_exec_insn(cpu, &h->in, h->pc, true);
	dbt_fp_clean();
	cpu->dbt->exit_now = false;
	cpu->pc = cpu->next_pc;
}

int dbt_create(struct cpu *cpu, const struct dbt_options *opts)
{
	struct bus *bus = &cpu->machine->bus;
	struct dbt *d;
	int ret;

	if (cpu->hart_id >= 32 || !bus->code_pages)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cpu = cpu;
	d->opts = *opts;
	if (d->opts.code_cache_size < DBT_CODE_CACHE_MIN)
		d->opts.code_cache_size = DBT_CODE_CACHE_MIN;
	d->code_size = d->opts.code_cache_size;
	pthread_mutex_init(&d->pending_lock, NULL);
	d->ram_pages = bus->ram_size >> MMU_PAGE_SHIFT;
	d->page_blocks = calloc(d->ram_pages, sizeof(*d->page_blocks));
	d->jc = calloc(4, sizeof(*d->jc));
	d->ret = calloc(4, sizeof(*d->ret));
	if (!d->page_blocks || !d->jc || !d->ret) {
		ret = -ENOMEM;
		goto fail;
	}
	/*
	 * One mapping, writable and executable: the translator patches chained
	 * exits in place. Guest code never writes it; only the translator does.
	 */
	d->code = mmap(NULL, d->code_size, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (d->code == MAP_FAILED) {
		d->code = NULL;
		ret = -errno;
		goto fail;
	}
	/* VMM_WORKER_NO_BMI2 (a test hook) emits what a host without BMI2 gets */
	d->bmi2 = __builtin_cpu_supports("bmi2") && !getenv("VMM_WORKER_NO_BMI2");
	ret = dbt_emit_routines(d);
	if (!ret && opts->perf_map) {
		char path[64];

		snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
		d->perf_map = fopen(path, "a");
		if (!d->perf_map) {
			ret = -errno;
			goto fail;
		}
		/* one write per line: every hart appends to the same file */
		setvbuf(d->perf_map, NULL, _IOLBF, 0);
		fprintf(d->perf_map, "%lx %zx rv:hart%u:routines\n",
			(unsigned long)(uintptr_t)d->code, d->routines_end, cpu->hart_id);
	}
	if (ret)
		goto fail;
	if (d->opts.lockstep) {
		d->lockstep_snap = malloc(sizeof(struct cpu));
		d->lockstep_shadow = malloc(sizeof(struct cpu));
		if (!d->lockstep_snap || !d->lockstep_shadow || dbt_lockstep_init(cpu)) {
			ret = -ENOMEM;
			goto fail;
		}
		/* the shadow keeps a TLB of its own (see dbt_lockstep_block): empty it */
		mmu_reset(&d->lockstep_shadow->mmu);
		mmu_flush(d->lockstep_shadow);
	}
	d->code_used = d->routines_end;
	dbt_clear_lookups(d, -1);
	d->seen_priv = -1;
	d->seen_map_gen = cpu->mmu.map_gen;
	d->seen_pmp_gen = cpu->mmu.pmp_gen;
	cpu->dbt = d;
	return 0;
fail:
	dbt_lockstep_fini(cpu);
	free(d->lockstep_snap);
	free(d->lockstep_shadow);
	if (d->code)
		munmap(d->code, d->code_size);
	if (d->perf_map)
		fclose(d->perf_map);
	free(d->page_blocks);
	free(d->jc);
	free(d->ret);
	pthread_mutex_destroy(&d->pending_lock);
	free(d);
	return ret;
}

void dbt_destroy(struct cpu *cpu)
{
	struct dbt *d = cpu->dbt;
	struct dbt_block *b, *next;

	if (!d)
		return;
	for (b = d->all; b; b = next) {
		next = b->all_next;
		free(b->hinsns);
		free(b);
	}
	munmap(d->code, d->code_size);
	if (d->perf_map)
		fclose(d->perf_map);
	dbt_lockstep_fini(cpu);
	free(d->lockstep_snap);
	free(d->lockstep_shadow);
	free(d->page_blocks);
	free(d->jc);
	free(d->ret);
	free(d->pending);
	pthread_mutex_destroy(&d->pending_lock);
	free(d);
	cpu->dbt = NULL;
}
