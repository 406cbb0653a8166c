/*
 * ram.c - guest RAM as one host mapping.
 *
 * XXX the stage-2 map (zero-shared/private/huge/NUMA per frame) of the
 * design hangs here once the memory manager grows.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#include "machine/bus.h"
#include "ram.h"

int ram_map(struct bus *bus, uint64_t base, uint64_t size)
{
	void *p;

	if (size < RAM_MIN_SIZE || size > RAM_MAX_SIZE || (size & 4095) || (base & 4095))
		return -EINVAL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	bus->ram = p;
	bus->ram_base = base;
	bus->ram_size = size;
	return 0;
}

void ram_unmap(struct bus *bus)
{
	if (!bus->ram)
		return;
	munmap(bus->ram, bus->ram_size);
	bus->ram = NULL;
	bus->ram_size = 0;
}
