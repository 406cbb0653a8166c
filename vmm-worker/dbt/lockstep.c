/*
 * lockstep.c - --check-lockstep: every translated block is checked against
 * the interpreter, and the run stops at the first divergence.
 *
 * For each block: snapshot the hart, run the block's host code alone (no
 * chaining; the budget word stops it at the next block), and record its
 * memory traffic in a journal: RAM stores with the bytes they replaced,
 * device reads and writes with their values (stores take the slow path in
 * this mode, as the write TLB is never filled). Then undo the RAM stores,
 * run the interpreter from the snapshot on a shadow hart for as many steps
 * as the block took, replaying the device traffic from the journal instead
 * of touching the devices twice, and compare: registers, pc, privilege,
 * floating-point state, the trap CSRs, the counters, and the stores (same
 * addresses, sizes and values in the same order). A mismatch prints both
 * states and ends the run with status DBT_LOCKSTEP_STATUS.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/cpu.h"
#include "../machine/machine.h"
#include "dbt_internal.h"

#define JOURNAL_MAX 1024

enum journal_kind {
	J_RAM,
	J_MMIO_READ,
	J_MMIO_WRITE,
};

struct journal_entry {
	enum journal_kind kind;
	unsigned size;
	uint64_t paddr;
	uint64_t old, val;
	uint8_t *host;
	int rc; /* device accesses: what the bus returned (nonzero: access fault) */
	/*
	 * Device writes: the hart state devices change (interrupt lines, the
	 * CLINT's mtimecmp and the timer bits it recomputes) right after the
	 * write, for the replay to install since it does not write the devices.
	 */
	uint64_t mip_async, timer_mip, mtimecmp;
};

struct dbt_journal {
	enum dbt_journal_mode mode;
	struct journal_entry rec[JOURNAL_MAX];
	unsigned n_rec;
	struct journal_entry shadow[JOURNAL_MAX];
	unsigned n_shadow;
	unsigned replay_pos;
	uint64_t times[64]; /* time CSR values the translated block read */
	unsigned n_time, time_pos;
	bool overflow;
	char why[160];
};

static uint64_t journal_read_host(const uint8_t *host, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, host, size);
	return v;
}

void dbt_journal_ram_write(struct cpu *cpu, uint64_t paddr, unsigned size, uint8_t *host)
{
	struct dbt_journal *j = cpu->journal;
	struct journal_entry *list = j->mode == DBT_JOURNAL_RECORD ? j->rec : j->shadow;
	unsigned *n = j->mode == DBT_JOURNAL_RECORD ? &j->n_rec : &j->n_shadow;

	if (j->mode == DBT_JOURNAL_OFF)
		return;
	if (*n == JOURNAL_MAX) {
		j->overflow = true;
		return;
	}
	list[*n] = (struct journal_entry){
		.kind = J_RAM,
		.size = size,
		.paddr = paddr,
		.old = journal_read_host(host, size),
		.host = host,
	};
	(*n)++;
}

uint64_t dbt_journal_time(struct cpu *cpu)
{
	struct dbt_journal *j = cpu->journal;
	uint64_t t;

	if (j->mode == DBT_JOURNAL_REPLAY) {
		if (j->time_pos < j->n_time)
			return j->times[j->time_pos++];
		if (!j->why[0])
			snprintf(j->why, sizeof(j->why),
				 "the interpreter read time more often than the translated block");
		return csr_time(cpu);
	}
	t = csr_time(cpu);
	if (j->mode == DBT_JOURNAL_RECORD) {
		if (j->n_time == sizeof(j->times) / sizeof(j->times[0]))
			j->overflow = true;
		else
			j->times[j->n_time++] = t;
	}
	return t;
}

int dbt_journal_mmio(struct cpu *cpu, uint64_t paddr, unsigned size, uint64_t *val, bool write)
{
	struct dbt_journal *j = cpu->journal;
	struct journal_entry *e;
	int rc;

	if (j->mode == DBT_JOURNAL_REPLAY) {
		/* the devices saw this access already: answer from the record */
		if (j->replay_pos >= j->n_rec) {
			snprintf(j->why, sizeof(j->why),
				 "interpreter made a device access at 0x%" PRIx64
				 " the translated block did not",
				 paddr);
			return 0;
		}
		while (j->replay_pos < j->n_rec && j->rec[j->replay_pos].kind == J_RAM)
			j->replay_pos++;
		if (j->replay_pos == j->n_rec) {
			snprintf(j->why, sizeof(j->why),
				 "interpreter made a device access at 0x%" PRIx64
				 " the translated block did not",
				 paddr);
			return 0;
		}
		e = &j->rec[j->replay_pos++];
		if (e->kind != (write ? J_MMIO_WRITE : J_MMIO_READ) || e->paddr != paddr ||
		    e->size != size || (write && e->val != *val)) {
			if (!j->why[0])
				snprintf(j->why, sizeof(j->why),
					 "device access differs at 0x%" PRIx64 " (size %u, %s)",
					 paddr, size, write ? "write" : "read");
			return 0;
		}
		if (!write)
			*val = e->val;
		if (write) {
			cpu->mip_async = e->mip_async;
			cpu->timer_mip = e->timer_mip;
			cpu->mtimecmp = e->mtimecmp;
		}
		return e->rc;
	}
	rc = write ? bus_write(cpu->machine, paddr, size, *val)
		   : bus_read(cpu->machine, paddr, size, val);
	if (j->mode == DBT_JOURNAL_RECORD) {
		if (j->n_rec == JOURNAL_MAX) {
			j->overflow = true;
			return rc;
		}
		j->rec[j->n_rec++] = (struct journal_entry){
			.kind = write ? J_MMIO_WRITE : J_MMIO_READ,
			.size = size,
			.paddr = paddr,
			.val = *val,
			.rc = rc,
			.mip_async = cpu->mip_async,
			.timer_mip = cpu->timer_mip,
			.mtimecmp = cpu->mtimecmp,
		};
	}
	return rc;
}

static void lockstep_print_state(const char *who, const struct cpu *c)
{
	fprintf(stderr, "  %s: pc=%016" PRIx64 " priv=%d fflags=%x frm=%u\n", who, c->pc,
		(int)c->priv, c->fflags, c->frm);
	for (unsigned i = 0; i < 32; i += 4)
		fprintf(stderr,
			"    x%-2u %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n",
			i, c->x[i], c->x[i + 1], c->x[i + 2], c->x[i + 3]);
	for (unsigned i = 0; i < 32; i += 4)
		fprintf(stderr,
			"    f%-2u %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n",
			i, c->f[i], c->f[i + 1], c->f[i + 2], c->f[i + 3]);
	fprintf(stderr,
		"    mstatus %016" PRIx64 " mepc %016" PRIx64 " mcause %" PRIx64 " mtval %" PRIx64
		" sepc %016" PRIx64 " scause %" PRIx64 " stval %" PRIx64 "\n",
		c->csr.mstatus, c->csr.mepc, c->csr.mcause, c->csr.mtval, c->csr.sepc,
		c->csr.scause, c->csr.stval);
	fprintf(stderr, "    mcycle %" PRIu64 " minstret %" PRIu64 "\n", c->csr.mcycle,
		c->csr.minstret);
}

/* The first difference between the translated (t) and interpreted (s) results, or NULL. */
static const char *lockstep_compare(const struct cpu *t, const struct cpu *s,
				    const struct dbt_journal *j, char *buf, size_t len)
{
	if (j->why[0])
		return j->why;
	if (j->overflow)
		return "journal overflow";
	if (t->pc != s->pc)
		return "pc";
	if (t->priv != s->priv)
		return "privilege";
	for (unsigned i = 0; i < 32; i++) {
		if (t->x[i] != s->x[i]) {
			snprintf(buf, len, "x%u", i);
			return buf;
		}
		if (t->f[i] != s->f[i]) {
			snprintf(buf, len, "f%u", i);
			return buf;
		}
	}
	if (t->fflags != s->fflags || t->frm != s->frm)
		return "fcsr";
	if (memcmp(&t->csr, &s->csr, sizeof(t->csr)))
		return "a CSR (mstatus, trap CSRs, counters ...)";
	if (t->reservation_valid != s->reservation_valid)
		return "LR reservation";
	{
		unsigned a = 0, b = 0;

		for (;;) {
			while (a < j->n_rec && j->rec[a].kind != J_RAM)
				a++;
			if (a == j->n_rec || b == j->n_shadow)
				break;
			if (j->rec[a].paddr != j->shadow[b].paddr ||
			    j->rec[a].size != j->shadow[b].size ||
			    j->rec[a].val != j->shadow[b].val) {
				snprintf(buf, len,
					 "store #%u: translated %u bytes at 0x%" PRIx64
					 " = 0x%" PRIx64 ", interpreted %u bytes at 0x%" PRIx64
					 " = 0x%" PRIx64,
					 b, j->rec[a].size, j->rec[a].paddr, j->rec[a].val,
					 j->shadow[b].size, j->shadow[b].paddr, j->shadow[b].val);
				return buf;
			}
			a++;
			b++;
		}
		if (a != j->n_rec || b != j->n_shadow)
			return "number of stores";
		for (unsigned i = j->replay_pos; i < j->n_rec; i++)
			if (j->rec[i].kind != J_RAM)
				return "a device access the interpreter did not make";
	}
	return NULL;
}

int dbt_lockstep_init(struct cpu *cpu)
{
	cpu->journal = calloc(1, sizeof(*cpu->journal));
	return cpu->journal ? 0 : -1;
}

void dbt_lockstep_fini(struct cpu *cpu)
{
	free(cpu->journal);
	cpu->journal = NULL;
}

/*
 * dst = src but for the soft TLB's slots (192 KiB, most of struct cpu),
 * which the snapshot never needs and the shadow keeps its own of.
 */
static void lockstep_copy_cpu(struct cpu *dst, const struct cpu *src)
{
	size_t tlb = offsetof(struct cpu, mmu.tlb), end = tlb + sizeof(src->mmu.tlb);

	memcpy(dst, src, tlb);
	memcpy((char *)dst + end, (const char *)src + end, sizeof(*dst) - end);
}

bool dbt_lockstep_block(struct dbt *d, struct cpu *cpu, struct dbt_block *b)
{
	struct dbt_journal *j = cpu->journal;
	struct cpu *snap = d->lockstep_snap, *shadow = d->lockstep_shadow;
	uint64_t steps, n;
	char buf[200];
	const char *diff;

	lockstep_copy_cpu(snap, cpu);
	memset(j->why, 0, sizeof(j->why));
	j->n_rec = j->n_shadow = j->replay_pos = 0;
	j->n_time = j->time_pos = 0;
	j->overflow = false;
	j->mode = DBT_JOURNAL_RECORD;
	cpu->dbt_budget = b->n_insns + 1;
	d->budget_start = cpu->dbt_budget;
	dbt_fp_clean();
	d->enter(cpu, b->code);
	dbt_fp_fold(cpu);
	dbt_sync_counters(d, cpu);
	j->mode = DBT_JOURNAL_OFF;
	cpu->dbt_last_exit = NULL;

	for (unsigned i = 0; i < j->n_rec; i++)
		if (j->rec[i].kind == J_RAM)
			j->rec[i].val = journal_read_host(j->rec[i].host, j->rec[i].size);
	for (unsigned i = j->n_rec; i-- > 0;)
		if (j->rec[i].kind == J_RAM)
			memcpy(j->rec[i].host, &j->rec[i].old, j->rec[i].size);

	/*
	 * The shadow's TLB, emptied of what its last replay filled, stands
	 * for the hart's: a replay that refills from the page tables must
	 * reach what the translated block reached.
	 */
	mmu_flush(shadow);
	lockstep_copy_cpu(shadow, snap);
	memset(shadow->mmu.fill_count, 0, sizeof(shadow->mmu.fill_count));
	shadow->dbt = NULL;
	steps = cpu->csr.mcycle - snap->csr.mcycle;
	j->mode = DBT_JOURNAL_REPLAY;
	if (steps <= DBT_BLOCK_MAX_INSNS) {
		for (n = 0; n < steps; n++)
			cpu_execute_one(shadow);
	} else {
		/* the block wrote mcycle: follow the pc instead */
		for (n = 0; n < b->n_insns && shadow->pc != cpu->pc; n++)
			cpu_execute_one(shadow);
	}
	j->mode = DBT_JOURNAL_OFF;
	for (unsigned i = 0; i < j->n_shadow; i++)
		j->shadow[i].val = journal_read_host(j->shadow[i].host, j->shadow[i].size);

	diff = lockstep_compare(cpu, shadow, j, buf, sizeof(buf));
	if (!diff)
		return true;
	fprintf(stderr,
		"vmm-worker: lockstep divergence in the block at %016" PRIx64
		" (%u instructions): %s\n",
		b->vpc, b->n_insns, diff);
	for (unsigned i = 0, off = 0; i < b->n_insns && off < b->guest_bytes; i++) {
		char text[96];
		struct insn in;
		uint32_t raw;
		const uint8_t *p = bus_ram_ptr(&cpu->machine->bus, b->ppc + off, 2, false);

		if (!p)
			break;
		raw = p[0] | (uint32_t)p[1] << 8;
		if ((raw & 3) == 3)
			raw |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		if (insn_decode(raw, &in))
			break;
		insn_disasm(&in, b->vpc + off, text, sizeof(text));
		fprintf(stderr, "    %016" PRIx64 "  %s\n", b->vpc + off, text);
		off += in.len;
	}
	lockstep_print_state("before", snap);
	lockstep_print_state("translated", cpu);
	lockstep_print_state("interpreted", shadow);
	return false;
}
