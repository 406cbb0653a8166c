/*
 * plic.c - the SiFive/RISC-V PLIC as on QEMU's virt board.
 *
 * Sources are level-triggered. A source whose line is high and that is not
 * in flight (claimed, not completed) is pending; a claim takes the pending,
 * enabled source of highest priority (lowest id on a tie) above the
 * context's threshold and puts it in flight; completion ends the flight,
 * and the source is pending again at once if its line is still high. As on
 * QEMU, a line that drops before the claim withdraws the request, so the
 * guest does not see interrupts for conditions already gone.
 *
 * Every change recomputes each context's output and passes changes on to
 * the harts with cpu_set_irq (MEIP for even contexts, SEIP for odd ones).
 */
#include <errno.h>
#include <string.h>

#include "cpu/cpu.h"
#include "plic.h"

static bool plic_bit(const uint32_t *words, unsigned source)
{
	return (words[source / 32] >> (source % 32)) & 1;
}

static void plic_put_bit(uint32_t *words, unsigned source, bool value)
{
	if (value)
		words[source / 32] |= 1u << (source % 32);
	else
		words[source / 32] &= ~(1u << (source % 32));
}

static unsigned plic_context_count(const struct plic *plic)
{
	return 2 * plic->hart_count;
}

/* Highest-priority claimable source for `context`, 0 if none. Lock held. */
static unsigned plic_best_source(const struct plic *plic, unsigned context)
{
	unsigned best = 0;
	uint32_t best_priority = plic->threshold[context];

	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		uint32_t ready = plic->pending[w] & plic->enable[context][w];

		while (ready) {
			unsigned source = w * 32 + (unsigned)__builtin_ctz(ready);

			ready &= ready - 1;
			if (plic->priority[source] > best_priority) {
				best = source;
				best_priority = plic->priority[source];
			}
		}
	}
	return best;
}

/* Recompute the pending bits and the harts' lines. Lock held. */
static void plic_update(struct plic *plic)
{
	for (unsigned w = 0; w < PLIC_WORDS; w++)
		plic->pending[w] = plic->level[w] & ~plic->claimed[w];
	plic->pending[0] &= ~1u; /* source 0 does not exist */
	for (unsigned c = 0; c < plic_context_count(plic); c++) {
		bool out = plic_best_source(plic, c) != 0;

		if (out == plic->output[c])
			continue;
		plic->output[c] = out;
		cpu_set_irq(&plic->harts[c / 2], (c & 1) ? IRQ_S_EXT : IRQ_M_EXT, out);
	}
}

int plic_init(struct plic *plic, struct cpu *harts, unsigned hart_count)
{
	if (hart_count < 1 || hart_count > PLIC_MAX_HARTS)
		return -EINVAL;
	memset(plic, 0, sizeof(*plic));
	plic->harts = harts;
	plic->hart_count = hart_count;
	pthread_mutex_init(&plic->lock, NULL);
	return 0;
}

void plic_set_irq(struct plic *plic, unsigned source, bool level)
{
	if (source == 0 || source >= PLIC_NUM_SOURCES)
		return;
	pthread_mutex_lock(&plic->lock);
	if (plic_bit(plic->level, source) != level) {
		plic_put_bit(plic->level, source, level);
		plic_update(plic);
	}
	pthread_mutex_unlock(&plic->lock);
}

/* Claim for `context`: the best source goes in flight. Lock held. */
static uint32_t plic_claim(struct plic *plic, unsigned context)
{
	unsigned source = plic_best_source(plic, context);

	if (source) {
		plic_put_bit(plic->claimed, source, true);
		plic_update(plic);
	}
	return source;
}

/* Completion: ignored unless the source is enabled for the context (spec). */
static void plic_complete(struct plic *plic, unsigned context, uint32_t source)
{
	if (source == 0 || source >= PLIC_NUM_SOURCES || !plic_bit(plic->enable[context], source))
		return;
	plic_put_bit(plic->claimed, source, false);
	plic_update(plic);
}

/*
 * Decode `offset` for a 32-bit access: on read returns the value in *val,
 * on write applies `val`. Unimplemented registers read as zero and ignore
 * writes, as on QEMU. Lock held.
 */
static void plic_access(struct plic *plic, uint64_t offset, bool write, uint32_t *val)
{
	unsigned contexts = plic_context_count(plic);

	if (offset < PLIC_PENDING) {
		unsigned source = (unsigned)(offset / 4);

		if (source == 0 || source >= PLIC_NUM_SOURCES) {
			*val = write ? *val : 0;
			return;
		}
		if (write) {
			plic->priority[source] = *val & PLIC_MAX_PRIORITY;
			plic_update(plic);
		} else {
			*val = plic->priority[source];
		}
	} else if (offset < PLIC_ENABLE) {
		unsigned w = (unsigned)((offset - PLIC_PENDING) / 4);

		/* Pending bits are read-only: they follow the lines. */
		if (!write)
			*val = w < PLIC_WORDS ? plic->pending[w] : 0;
	} else if (offset < PLIC_CONTEXT) {
		unsigned c = (unsigned)((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
		unsigned w = (unsigned)((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4);

		if (c >= contexts || w >= PLIC_WORDS) {
			*val = write ? *val : 0;
			return;
		}
		if (write) {
			uint32_t mask = w == PLIC_WORDS - 1 && PLIC_NUM_SOURCES % 32
						? (1u << (PLIC_NUM_SOURCES % 32)) - 1
						: ~0u;

			plic->enable[c][w] = *val & mask & (w == 0 ? ~1u : ~0u);
			plic_update(plic);
		} else {
			*val = plic->enable[c][w];
		}
	} else {
		unsigned c = (unsigned)((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
		unsigned reg = (unsigned)((offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE);

		if (c >= contexts) {
			*val = write ? *val : 0;
			return;
		}
		if (reg == PLIC_CONTEXT_THRESHOLD) {
			if (write) {
				plic->threshold[c] = *val & PLIC_MAX_PRIORITY;
				plic_update(plic);
			} else {
				*val = plic->threshold[c];
			}
		} else if (reg == PLIC_CONTEXT_CLAIM) {
			if (write)
				plic_complete(plic, c, *val);
			else
				*val = plic_claim(plic, c);
		} else if (!write) {
			*val = 0;
		}
	}
}

static int plic_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct plic *plic = opaque;
	uint32_t word = 0;

	if (size != 4 || (offset & 3))
		return -EFAULT;
	pthread_mutex_lock(&plic->lock);
	plic_access(plic, offset, false, &word);
	pthread_mutex_unlock(&plic->lock);
	*val = word;
	return 0;
}

static int plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct plic *plic = opaque;
	uint32_t word = (uint32_t)val;

	if (size != 4 || (offset & 3))
		return -EFAULT;
	pthread_mutex_lock(&plic->lock);
	plic_access(plic, offset, true, &word);
	pthread_mutex_unlock(&plic->lock);
	return 0;
}

static void plic_reset(void *opaque)
{
	struct plic *plic = opaque;

	pthread_mutex_lock(&plic->lock);
	memset(plic->priority, 0, sizeof(plic->priority));
	memset(plic->claimed, 0, sizeof(plic->claimed));
	memset(plic->enable, 0, sizeof(plic->enable));
	memset(plic->threshold, 0, sizeof(plic->threshold));
	plic_update(plic);
	pthread_mutex_unlock(&plic->lock);
}

static void plic_fini(void *opaque)
{
	struct plic *plic = opaque;

	pthread_mutex_destroy(&plic->lock);
}

const struct mmio_ops plic_ops = {
	.name = "plic",
	.read = plic_read,
	.write = plic_write,
	.reset = plic_reset,
	.fini = plic_fini,
};
