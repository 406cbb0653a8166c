/*
 * fdt.c - the board's device tree, in the shape of QEMU's virt board so
 * firmware and kernels written for it (OpenSBI's generic platform, Linux)
 * find the same nodes.
 *
 * The tree is edited in place with libfdt's read-write functions in a
 * buffer of FDT_MAX_SIZE, then packed. Devices with an fdt_node callback
 * add their own nodes under /soc; the CLINT, PLIC and test device, which
 * refer to the harts' interrupt controllers and to each other, are
 * described here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "bus.h"
#include "dev/clint.h"
#include "dev/plic.h"
#include "dev/test_finisher.h"
#include "dev/uart16550.h"
#include "fdt.h"

/*
 * What the interpreter implements, in the order Linux 6.1 and OpenSBI 1.1
 * parse: single letters, then multi-letter extensions after underscores.
 */
#define FDT_RISCV_ISA "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc"

/* The interrupt numbers (mip bits) as the cpu-intc nodes name them. */
#define FDT_IRQ_M_SOFT 3
#define FDT_IRQ_M_TIMER 7
#define FDT_IRQ_S_EXT 9
#define FDT_IRQ_M_EXT 11

static const struct bus_region *fdt_find_region(const struct bus *bus, const struct mmio_ops *ops)
{
	for (unsigned i = 0; i < bus->region_count; i++)
		if (bus->regions[i].ops == ops)
			return &bus->regions[i];
	return NULL;
}

/* Add /parent/name@base with reg = <base size> (2 cells each). Returns the offset or an error. */
static int fdt_add_device(void *fdt, int parent, const char *name, uint64_t base, uint64_t size)
{
	uint64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	char node_name[64];
	int node, err;

	snprintf(node_name, sizeof(node_name), "%s@%llx", name, (unsigned long long)base);
	node = fdt_add_subnode(fdt, parent, node_name);
	if (node < 0)
		return node;
	err = fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
	return err ? err : node;
}

int fdt_add_soc_device(void *fdt, const char *name, uint64_t base, uint64_t size,
		       const char *compatible)
{
	int soc = fdt_path_offset(fdt, "/soc");
	int node, err;

	if (soc < 0)
		return soc;
	node = fdt_add_device(fdt, soc, name, base, size);
	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "compatible", compatible);
	return err ? err : node;
}

/* A string-list property from NUL-separated `list` of total length `len`. */
static int fdt_set_strings(void *fdt, int node, const char *name, const char *list, size_t len)
{
	return fdt_setprop(fdt, node, name, list, (int)len);
}

static int fdt_add_cpus(void *fdt, const struct fdt_board *board)
{
	int cpus, map, cluster, err;

	cpus = fdt_add_subnode(fdt, 0, "cpus");
	if (cpus < 0)
		return cpus;
	err = fdt_setprop_u32(fdt, cpus, "#address-cells", 1) ?:
	      fdt_setprop_u32(fdt, cpus, "#size-cells", 0) ?:
	      fdt_setprop_u32(fdt, cpus, "timebase-frequency", FDT_TIMEBASE_HZ);
	if (err)
		return err;
	/* libfdt adds a subnode in front of its siblings: go backwards for cpu@0 first. */
	map = fdt_add_subnode(fdt, cpus, "cpu-map");
	if (map < 0)
		return map;
	cluster = fdt_add_subnode(fdt, map, "cluster0");
	if (cluster < 0)
		return cluster;
	for (unsigned i = board->hart_count; i-- > 0;) {
		char name[32];
		int cpu, intc, core;

		snprintf(name, sizeof(name), "core%u", i);
		core = fdt_add_subnode(fdt, cluster, name);
		if (core < 0)
			return core;
		err = fdt_setprop_u32(fdt, core, "cpu", FDT_CPU_PHANDLE(i));
		if (err)
			return err;
		cpus = fdt_path_offset(fdt, "/cpus");
		snprintf(name, sizeof(name), "cpu@%u", i);
		cpu = fdt_add_subnode(fdt, cpus, name);
		if (cpu < 0)
			return cpu;
		err = fdt_setprop_string(fdt, cpu, "device_type", "cpu") ?:
		      fdt_setprop_u32(fdt, cpu, "reg", i) ?:
		      fdt_setprop_string(fdt, cpu, "status", "okay") ?:
		      fdt_setprop_string(fdt, cpu, "compatible", "riscv") ?:
		      fdt_setprop_string(fdt, cpu, "riscv,isa", FDT_RISCV_ISA) ?:
		      fdt_setprop_string(fdt, cpu, "mmu-type", "riscv,sv48") ?:
		      fdt_setprop_u32(fdt, cpu, "phandle", FDT_CPU_PHANDLE(i));
		if (err)
			return err;
		intc = fdt_add_subnode(fdt, cpu, "interrupt-controller");
		if (intc < 0)
			return intc;
		err = fdt_setprop_u32(fdt, intc, "#interrupt-cells", 1) ?:
		      fdt_setprop_empty(fdt, intc, "interrupt-controller") ?:
		      fdt_setprop_string(fdt, intc, "compatible", "riscv,cpu-intc") ?:
		      fdt_setprop_u32(fdt, intc, "phandle", FDT_INTC_PHANDLE(i));
		if (err)
			return err;
		cluster = fdt_path_offset(fdt, "/cpus/cpu-map/cluster0");
	}
	return 0;
}

/* interrupts-extended: for each hart, <intc irq_a> <intc irq_b>. */
static int fdt_set_hart_irqs(void *fdt, int node, unsigned harts, uint32_t irq_a, uint32_t irq_b)
{
	uint32_t cells[4 * PLIC_MAX_HARTS];

	for (unsigned i = 0; i < harts; i++) {
		cells[4 * i] = cpu_to_fdt32(FDT_INTC_PHANDLE(i));
		cells[4 * i + 1] = cpu_to_fdt32(irq_a);
		cells[4 * i + 2] = cpu_to_fdt32(FDT_INTC_PHANDLE(i));
		cells[4 * i + 3] = cpu_to_fdt32(irq_b);
	}
	return fdt_setprop(fdt, node, "interrupts-extended", cells, (int)(harts * 16));
}

static int fdt_add_plic(void *fdt, int soc, const struct bus_region *r, unsigned harts)
{
	static const char compatible[] = "sifive,plic-1.0.0\0riscv,plic0";
	int node = fdt_add_device(fdt, soc, "plic", r->base, r->size);

	if (node < 0)
		return node;
	/* Context 2h is hart h's M mode (MEIP), 2h + 1 its S mode (SEIP). */
	return fdt_set_strings(fdt, node, "compatible", compatible, sizeof(compatible)) ?:
	       fdt_setprop_u32(fdt, node, "#address-cells", 0) ?:
	       fdt_setprop_u32(fdt, node, "#interrupt-cells", 1) ?:
	       fdt_setprop_empty(fdt, node, "interrupt-controller") ?:
	       fdt_set_hart_irqs(fdt, node, harts, FDT_IRQ_M_EXT, FDT_IRQ_S_EXT) ?:
	       fdt_setprop_u32(fdt, node, "riscv,ndev", PLIC_NDEV) ?:
	       fdt_setprop_u32(fdt, node, "phandle", FDT_PLIC_PHANDLE);
}

static int fdt_add_clint(void *fdt, int soc, const struct bus_region *r, unsigned harts)
{
	static const char compatible[] = "sifive,clint0\0riscv,clint0";
	int node = fdt_add_device(fdt, soc, "clint", r->base, r->size);

	if (node < 0)
		return node;
	return fdt_set_strings(fdt, node, "compatible", compatible, sizeof(compatible))
		       ?: fdt_set_hart_irqs(fdt, node, harts, FDT_IRQ_M_SOFT, FDT_IRQ_M_TIMER);
}

/* The test device, and the syscon poweroff/reboot nodes that point into it. */
static int fdt_add_test(void *fdt, int soc, const struct bus_region *r)
{
	static const char compatible[] = "sifive,test1\0sifive,test0\0syscon";
	static const struct {
		const char *name, *compatible;
		uint32_t value;
	} syscon[] = {
		{ "reboot", "syscon-reboot", TEST_FINISHER_RESET },
		{ "poweroff", "syscon-poweroff", TEST_FINISHER_PASS },
	};
	int node = fdt_add_device(fdt, soc, "test", r->base, r->size);
	int err;

	if (node < 0)
		return node;
	err = fdt_set_strings(fdt, node, "compatible", compatible, sizeof(compatible))
		      ?: fdt_setprop_u32(fdt, node, "phandle", FDT_TEST_PHANDLE);
	for (size_t i = 0; !err && i < sizeof(syscon) / sizeof(syscon[0]); i++) {
		node = fdt_add_subnode(fdt, 0, syscon[i].name);
		if (node < 0)
			return node;
		err = fdt_setprop_string(fdt, node, "compatible", syscon[i].compatible) ?:
		      fdt_setprop_u32(fdt, node, "regmap", FDT_TEST_PHANDLE) ?:
		      fdt_setprop_u32(fdt, node, "offset", 0) ?:
		      fdt_setprop_u32(fdt, node, "value", syscon[i].value);
	}
	return err;
}

static int fdt_add_soc(void *fdt, const struct bus *bus, const struct fdt_board *board)
{
	const struct bus_region *plic = fdt_find_region(bus, &plic_ops);
	int soc, err;

	soc = fdt_add_subnode(fdt, 0, "soc");
	if (soc < 0)
		return soc;
	err = fdt_setprop_u32(fdt, soc, "#address-cells", 2) ?:
	      fdt_setprop_u32(fdt, soc, "#size-cells", 2) ?:
	      fdt_setprop_string(fdt, soc, "compatible", "simple-bus") ?:
	      fdt_setprop_empty(fdt, soc, "ranges") ?:
	      fdt_setprop_u32(fdt, soc, "interrupt-parent", FDT_PLIC_PHANDLE) ?:
	      fdt_add_plic(fdt, soc, plic, board->hart_count);
	if (err < 0)
		return err;
	/* Backwards, so the nodes come out in the order the devices were registered. */
	for (unsigned i = bus->region_count; i-- > 0;) {
		const struct bus_region *r = &bus->regions[i];

		soc = fdt_path_offset(fdt, "/soc");
		if (soc < 0)
			return soc;
		if (r->ops == &plic_ops)
			continue;
		if (r->ops == &clint_ops)
			err = fdt_add_clint(fdt, soc, r, board->hart_count);
		else if (r->ops == &test_finisher_ops)
			err = fdt_add_test(fdt, soc, r);
		else if (r->ops->fdt_node)
			err = r->ops->fdt_node(r->opaque, fdt, r->base, r->size);
		if (err < 0)
			return err;
	}
	return 0;
}

static int fdt_add_chosen(void *fdt, const struct bus *bus, const struct fdt_board *board)
{
	const struct bus_region *uart = fdt_find_region(bus, &uart16550_ops);
	int chosen, err = 0;

	chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return chosen;
	if (uart) {
		char path[64];

		snprintf(path, sizeof(path), "/soc/serial@%llx", (unsigned long long)uart->base);
		err = fdt_setprop_string(fdt, chosen, "stdout-path", path);
	}
	if (!err && board->bootargs)
		err = fdt_setprop_string(fdt, chosen, "bootargs", board->bootargs);
	if (!err && board->initrd_end > board->initrd_start)
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", board->initrd_start)
			      ?: fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
						 board->initrd_end);
	return err;
}

static int fdt_add_memory(void *fdt, const struct fdt_board *board)
{
	int node = fdt_add_device(fdt, 0, "memory", board->ram_base, board->ram_size);

	if (node < 0)
		return node;
	return fdt_setprop_string(fdt, node, "device_type", "memory");
}

int fdt_build(const struct bus *bus, const struct fdt_board *board, void **blob)
{
	void *fdt;
	int err;

	if (!fdt_find_region(bus, &plic_ops) || board->hart_count < 1 ||
	    board->hart_count > PLIC_MAX_HARTS)
		return -EINVAL;
	fdt = calloc(1, FDT_MAX_SIZE);
	if (!fdt)
		return -ENOMEM;
	/* Nodes are added in front of their siblings: last node first. */
	err = fdt_create_empty_tree(fdt, FDT_MAX_SIZE) ?:
	      fdt_setprop_u32(fdt, 0, "#address-cells", 2) ?:
	      fdt_setprop_u32(fdt, 0, "#size-cells", 2) ?:
	      fdt_setprop_string(fdt, 0, "compatible", "riscv-virtio") ?:
	      fdt_setprop_string(fdt, 0, "model", "riscv-virtio,vmmd") ?:
	      fdt_add_soc(fdt, bus, board) ?:
	      fdt_add_cpus(fdt, board) ?:
	      fdt_add_memory(fdt, board) ?:
	      fdt_add_chosen(fdt, bus, board) ?:
	      fdt_pack(fdt);
	if (err < 0) {
		fprintf(stderr, "vmm-worker: device tree: %s\n", fdt_strerror(err));
		free(fdt);
		return -EIO;
	}
	*blob = fdt;
	return 0;
}
