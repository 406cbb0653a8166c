/*
 * bus.h - the guest physical address space: RAM plus MMIO devices.
 *
 * Devices register an ops table for a physical range; everything the CPU
 * does not find in RAM goes through bus_read()/bus_write().
 */
#ifndef VMM_MACHINE_BUS_H
#define VMM_MACHINE_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

/*
 * A device's MMIO callbacks. `offset` is relative to the registered base;
 * size is 1, 2, 4 or 8. read/write return 0, or -EFAULT for an access the
 * device rejects (the CPU raises an access fault).
 */
struct mmio_ops {
	const char *name;
	int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
	int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
	void (*reset)(void *opaque);
	void (*fini)(void *opaque);
	/*
	 * Optional: describe the device in the device tree. `fdt` is a complete
	 * libfdt blob open for editing (fdt_add_subnode, fdt_setprop...) with
	 * room to grow; add a node under "/soc" (fdt_path_offset(fdt, "/soc"))
	 * for the range [base, base + size) the device was registered at. The
	 * PLIC node exists already: its phandle is fdt_get_phandle() of
	 * fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0"), and /soc has
	 * interrupt-parent set to it. Returns 0 or a negative libfdt error.
	 */
	int (*fdt_node)(void *opaque, void *fdt, uint64_t base, uint64_t size);
};

#define BUS_MAX_REGIONS 32

struct bus_region {
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *opaque;
};

struct bus {
	uint8_t *ram; /* host mapping of guest RAM */
	uint64_t ram_base, ram_size;
	/* A guest-physical range whose stores must reach bus_write (HTIF tohost). */
	uint64_t watch_base, watch_size;
	/*
	 * With the translator: per RAM page, a bit per hart that has translated
	 * code there (dbt/); NULL under the interpreter.
	 */
	uint32_t *code_pages;
	/*
	 * With the translator: per RAM page, a bit per 64-byte line that may
	 * hold translated code (any hart's; bits are only ever added). A store
	 * to a code page that misses these lines needs no invalidation.
	 */
	uint64_t *code_lines;
	/*
	 * With the translator: a device is about to write guest RAM (DMA), which
	 * may hold translated code. NULL under the interpreter.
	 */
	void (*device_write)(const struct bus *bus, uint64_t paddr, uint64_t len);
	struct bus_region regions[BUS_MAX_REGIONS];
	unsigned region_count;
};

#define BUS_CODE_LINE_SHIFT 6 /* 64-byte lines, 64 of them in a 4 KiB page */

/* The code_lines bits of [paddr, paddr + len) within its page (len ≥ 1). */
static inline uint64_t bus_code_line_mask(uint64_t paddr, uint64_t len)
{
	unsigned first = (unsigned)(paddr & 0xfff) >> BUS_CODE_LINE_SHIFT;
	uint64_t end = (paddr & 0xfff) + len;
	unsigned last = end >= 0x1000 ? 63 : (unsigned)((end - 1) >> BUS_CODE_LINE_SHIFT);

	return (~0ull >> (63 - last)) & (~0ull << first);
}

/* The 64-byte lines of the RAM page at @ppage that the watched range touches (0: none). */
static inline uint64_t bus_watch_line_mask(const struct bus *bus, uint64_t ppage)
{
	uint64_t lo = bus->watch_base, hi = bus->watch_base + bus->watch_size;

	if (!bus->watch_size || hi <= ppage || lo >= ppage + 0x1000)
		return 0;
	if (lo < ppage)
		lo = ppage;
	if (hi > ppage + 0x1000)
		hi = ppage + 0x1000;
	return bus_code_line_mask(lo, hi - lo);
}

/* Register a device range. Returns 0, -ENOSPC or -EEXIST (overlap). */
int bus_register(struct bus *bus, uint64_t base, uint64_t size, const struct mmio_ops *ops,
		 void *opaque);

/*
 * Host pointer for [paddr, paddr + len) if it lies wholly in RAM and (for
 * writes) does not touch the watched range; NULL otherwise, in which case
 * the access must go through bus_read/bus_write.
 */
static inline uint8_t *bus_ram_ptr(const struct bus *bus, uint64_t paddr, uint64_t len, bool write)
{
	uint64_t off = paddr - bus->ram_base;

	if (paddr < bus->ram_base || off >= bus->ram_size || len > bus->ram_size - off)
		return 0;
	if (write && bus->watch_size && paddr < bus->watch_base + bus->watch_size &&
	    paddr + len > bus->watch_base)
		return 0;
	return bus->ram + off;
}

/* Physical access of 1, 2, 4 or 8 bytes. Returns 0 or -EFAULT. */
int bus_read(struct machine *m, uint64_t paddr, unsigned size, uint64_t *val);
int bus_write(struct machine *m, uint64_t paddr, unsigned size, uint64_t val);

#endif
