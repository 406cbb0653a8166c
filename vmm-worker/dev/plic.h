/*
 * plic.h - the platform-level interrupt controller of QEMU's virt board:
 * 96 level-triggered sources, and per hart an M-mode context (2 * hart)
 * and an S-mode context (2 * hart + 1) driving MEIP and SEIP.
 */
#ifndef VMM_DEV_PLIC_H
#define VMM_DEV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include <pthread.h>

#include "machine/bus.h"

struct cpu;

#define PLIC_SIZE 0x600000ull
/* Sources 1..PLIC_NUM_SOURCES - 1; source 0 means "none". riscv,ndev says 96 as on QEMU. */
#define PLIC_NUM_SOURCES 96
#define PLIC_NDEV 96
#define PLIC_MAX_PRIORITY 7
#define PLIC_MAX_HARTS 8
#define PLIC_MAX_CONTEXTS (2 * PLIC_MAX_HARTS)
#define PLIC_WORDS ((PLIC_NUM_SOURCES + 31) / 32)

/* Register offsets. */
#define PLIC_PRIORITY 0x0
#define PLIC_PENDING 0x1000
#define PLIC_ENABLE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CONTEXT_THRESHOLD 0x0
#define PLIC_CONTEXT_CLAIM 0x4

struct plic {
	/* Devices raise lines from their threads, harts claim from theirs. */
	pthread_mutex_t lock;
	struct cpu *harts;
	unsigned hart_count;

	uint32_t priority[PLIC_NUM_SOURCES];
	uint32_t level[PLIC_WORDS]; /* input lines as the devices drive them */
	uint32_t pending[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS]; /* claimed, not yet completed */
	uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
	uint32_t threshold[PLIC_MAX_CONTEXTS];
	bool output[PLIC_MAX_CONTEXTS]; /* last level sent to the hart */
};

extern const struct mmio_ops plic_ops;

/*
 * Reset the PLIC for `hart_count` harts (at most PLIC_MAX_HARTS) whose
 * external interrupt lines it drives. Returns 0 or -EINVAL.
 */
int plic_init(struct plic *plic, struct cpu *harts, unsigned hart_count);

/*
 * Drive the level of interrupt source `source` (1..PLIC_NUM_SOURCES - 1;
 * others are ignored). Thread safe.
 */
void plic_set_irq(struct plic *plic, unsigned source, bool level);

#endif
