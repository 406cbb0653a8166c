/*
 * clint.c - CLINT as on QEMU's virt board: msip words at 0x0, mtimecmp
 * doublewords at 0x4000, mtime at 0xbff8 (10 MHz from the host's
 * monotonic clock; see machine_time()).
 *
 * mtimecmp is stored in the hart (cpu->mtimecmp) so the hart compares it
 * without calling the device; a write recomputes that hart's MTIP at once,
 * so a handler that moves mtimecmp forward never sees a stale interrupt.
 */
#include <errno.h>
#include <string.h>

#include "clint.h"
#include "cpu/cpu.h"
#include "cpu/trap.h"
#include "machine/machine.h"

static uint64_t clint_merge(uint64_t old, uint64_t offset, unsigned size, uint64_t val)
{
	unsigned shift = (unsigned)(offset & 7) * 8;
	uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1) << shift;

	return (old & ~mask) | ((val << shift) & mask);
}

static void clint_update_mtip(struct machine *m, struct cpu *cpu)
{
	if (machine_time(m) >= __atomic_load_n(&cpu->mtimecmp, __ATOMIC_ACQUIRE))
		__atomic_fetch_or(&cpu->timer_mip, 1ull << IRQ_M_TIMER, __ATOMIC_ACQ_REL);
	else
		__atomic_fetch_and(&cpu->timer_mip, ~(1ull << IRQ_M_TIMER), __ATOMIC_ACQ_REL);
	machine_kick_harts(m);
}

static int clint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct clint *clint = opaque;
	struct machine *m = clint->machine;
	uint64_t word;

	if (offset < CLINT_MTIMECMP) {
		unsigned hart = (unsigned)(offset / 4);

		if (size != 4 || (offset & 3))
			return -EFAULT;
		*val = hart < m->hart_count
			       ? (__atomic_load_n(&m->harts[hart].mip_async, __ATOMIC_ACQUIRE) >>
				  IRQ_M_SOFT) &
					 1
			       : 0;
		return 0;
	}
	if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8ull * m->hart_count)
		word = __atomic_load_n(&m->harts[(offset - CLINT_MTIMECMP) / 8].mtimecmp,
				       __ATOMIC_ACQUIRE);
	else if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8)
		word = machine_time(m);
	else {
		*val = 0;
		return 0;
	}
	if ((size != 4 && size != 8) || (offset & (size - 1)))
		return -EFAULT;
	*val = size == 8 ? word : (word >> ((offset & 4) * 8)) & 0xffffffffu;
	return 0;
}

static int clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct clint *clint = opaque;
	struct machine *m = clint->machine;

	if ((size != 4 && size != 8) || (offset & (size - 1)))
		return -EFAULT;
	if (offset < CLINT_MTIMECMP) {
		unsigned hart = (unsigned)(offset / 4);

		if (hart < m->hart_count && size == 4)
			cpu_set_irq(&m->harts[hart], IRQ_M_SOFT, val & 1);
		return 0;
	}
	if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8ull * m->hart_count) {
		struct cpu *cpu = &m->harts[(offset - CLINT_MTIMECMP) / 8];
		uint64_t cmp = __atomic_load_n(&cpu->mtimecmp, __ATOMIC_ACQUIRE);

		__atomic_store_n(&cpu->mtimecmp, clint_merge(cmp, offset, size, val),
				 __ATOMIC_RELEASE);
		clint_update_mtip(m, cpu);
		return 0;
	}
	if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
		/* Writing mtime moves the time origin: all harts see the new time. */
		uint64_t now = machine_time(m);
		uint64_t want = clint_merge(now, offset, size, val);

		__atomic_fetch_add(&m->time_origin_ns, (now - want) * 100, __ATOMIC_ACQ_REL);
		for (unsigned i = 0; i < m->hart_count; i++)
			clint_update_mtip(m, &m->harts[i]);
		return 0;
	}
	return 0;
}

const struct mmio_ops clint_ops = {
	.name = "clint",
	.read = clint_read,
	.write = clint_write,
};
