/*
 * bus.c - dispatch of guest-physical accesses that are not plain RAM.
 */
#include <errno.h>
#include <string.h>

#include "bus.h"
#include "htif.h"
#include "machine.h"

/*
 * Register a device's ops for [base, base + size). Returns 0, -EINVAL for
 * an empty or wrapping range, -EEXIST when it overlaps RAM or another
 * device, -ENOSPC when the table is full.
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t size, const struct mmio_ops *ops,
		 void *opaque)
{
	if (size == 0 || base + size < base)
		return -EINVAL;
	if (bus->ram_size && base < bus->ram_base + bus->ram_size && base + size > bus->ram_base)
		return -EEXIST;
	for (unsigned i = 0; i < bus->region_count; i++) {
		const struct bus_region *r = &bus->regions[i];

		if (base < r->base + r->size && base + size > r->base)
			return -EEXIST;
	}
	if (bus->region_count == BUS_MAX_REGIONS)
		return -ENOSPC;
	bus->regions[bus->region_count++] = (struct bus_region){
		.base = base,
		.size = size,
		.ops = ops,
		.opaque = opaque,
	};
	return 0;
}

static const struct bus_region *bus_find(const struct bus *bus, uint64_t paddr, unsigned size)
{
	for (unsigned i = 0; i < bus->region_count; i++) {
		const struct bus_region *r = &bus->regions[i];

		if (paddr >= r->base && paddr - r->base + size <= r->size)
			return r;
	}
	return NULL;
}

/*
 * Physical read of 1, 2, 4 or 8 bytes from RAM or a device.
 * Returns 0 or -EFAULT (nothing there, or the device refused).
 */
int bus_read(struct machine *m, uint64_t paddr, unsigned size, uint64_t *val)
{
	const struct bus *bus = &m->bus;
	const uint8_t *ram = bus_ram_ptr(bus, paddr, size, false);
	const struct bus_region *r;

	if (ram) {
		uint64_t v = 0;

		memcpy(&v, ram, size);
		*val = v;
		return 0;
	}
	r = bus_find(bus, paddr, size);
	if (!r || !r->ops->read)
		return -EFAULT;
	return r->ops->read(r->opaque, paddr - r->base, size, val);
}

/*
 * Physical write of 1, 2, 4 or 8 bytes to RAM or a device. Writes that
 * touch the watched range (HTIF tohost) land in RAM and are then handed to
 * the HTIF. Returns 0 or -EFAULT.
 */
int bus_write(struct machine *m, uint64_t paddr, unsigned size, uint64_t val)
{
	struct bus *bus = &m->bus;
	uint8_t *ram = bus_ram_ptr(bus, paddr, size, false);
	const struct bus_region *r;

	if (ram) {
		memcpy(ram, &val, size);
		if (bus->watch_size && paddr < bus->watch_base + bus->watch_size &&
		    paddr + size > bus->watch_base)
			htif_notify_store(m, paddr);
		return 0;
	}
	r = bus_find(bus, paddr, size);
	if (!r || !r->ops->write)
		return -EFAULT;
	return r->ops->write(r->opaque, paddr - r->base, size, val);
}
