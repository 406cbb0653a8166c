/*
 * fdt.h - the device tree the board hands to firmware and kernel, built
 * with libfdt from what the machine registered on its bus.
 */
#ifndef VMM_MACHINE_FDT_H
#define VMM_MACHINE_FDT_H

#include <stddef.h>
#include <stdint.h>

struct bus;

/* Fixed phandles: devices that name the PLIC as interrupt-parent use this one. */
#define FDT_PLIC_PHANDLE 1
#define FDT_TEST_PHANDLE 2
#define FDT_CPU_PHANDLE(hart) (3 + 2 * (hart))
#define FDT_INTC_PHANDLE(hart) (4 + 2 * (hart))

/* No generated tree is bigger: it is reserved at the top of RAM. */
#define FDT_MAX_SIZE 0x10000

/* The timebase (CLINT mtime) frequency, /cpus/timebase-frequency. */
#define FDT_TIMEBASE_HZ 10000000

/* The board facts the tree states beyond the bus's devices. */
struct fdt_board {
	unsigned hart_count;
	uint64_t ram_base, ram_size;
	const char *bootargs;		   /* NULL: no /chosen/bootargs */
	uint64_t initrd_start, initrd_end; /* equal: no initrd */
};

/*
 * Build the device tree: /cpus (one cpu per hart), /memory, /chosen, the
 * syscon poweroff and reboot nodes, and under /soc the CLINT, PLIC and
 * test device found on `bus` plus a node from each other device with an
 * fdt_node callback. On success stores a malloc'ed, packed blob (the
 * caller frees it) of at most FDT_MAX_SIZE bytes in *blob and returns 0;
 * otherwise returns -ENOMEM, -EINVAL (no PLIC on the bus) or -EIO (a
 * libfdt error).
 */
int fdt_build(const struct bus *bus, const struct fdt_board *board, void **blob);

/*
 * For a device's fdt_node callback: add /soc/<name>@<base> with reg =
 * <base size> and `compatible`. Returns the new node's offset (to add the
 * device's own properties to) or a negative libfdt error.
 */
int fdt_add_soc_device(void *fdt, const char *name, uint64_t base, uint64_t size,
		       const char *compatible);

#endif
