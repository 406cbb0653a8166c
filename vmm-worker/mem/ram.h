/*
 * ram.h - guest RAM: one anonymous host mapping.
 */
#ifndef VMM_MEM_RAM_H
#define VMM_MEM_RAM_H

#include <stdint.h>

struct bus;

#define RAM_MIN_SIZE (1ull << 20)
#define RAM_MAX_SIZE (1ull << 40)

/*
 * Map `size` bytes of guest RAM at guest-physical `base` into the bus.
 * Pages are not backed until touched (MAP_NORESERVE). Returns 0, -EINVAL
 * for a size that is not a multiple of 4 KiB or out of range, -ENOMEM
 * when the host refuses the mapping.
 */
int ram_map(struct bus *bus, uint64_t base, uint64_t size);

/* Unmap guest RAM (no-op when none is mapped). */
void ram_unmap(struct bus *bus);

#endif
