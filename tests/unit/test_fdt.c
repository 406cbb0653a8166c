/*
 * test_fdt.c - the generated device tree: a valid blob that holds the
 * nodes firmware and Linux look for, with phandles that resolve.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "cpu/cpu.h"
#include "dev/clint.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/test_finisher.h"
#include "dev/uart16550.h"
#include "machine/bus.h"
#include "machine/fdt.h"

struct board {
	struct bus bus;
	struct cpu harts[4];
	struct plic plic;
	struct uart16550 uart;
	struct goldfish_rtc rtc;
	struct clint clint;
};

static struct board *board_new(unsigned harts)
{
	struct board *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	assert_int_equal(plic_init(&b->plic, b->harts, harts), 0);
	uart16550_init(&b->uart, stdout);
	uart16550_connect_irq(&b->uart, &b->plic, 10, FDT_PLIC_PHANDLE);
	goldfish_rtc_init(&b->rtc, &b->plic, 11, FDT_PLIC_PHANDLE);
	assert_int_equal(bus_register(&b->bus, 0x100000, 0x1000, &test_finisher_ops, NULL), 0);
	assert_int_equal(bus_register(&b->bus, 0x2000000, 0x10000, &clint_ops, &b->clint), 0);
	assert_int_equal(bus_register(&b->bus, 0xc000000, PLIC_SIZE, &plic_ops, &b->plic), 0);
	assert_int_equal(bus_register(&b->bus, 0x10000000, 0x100, &uart16550_ops, &b->uart), 0);
	assert_int_equal(bus_register(&b->bus, 0x101000, 0x1000, &goldfish_rtc_ops, &b->rtc), 0);
	return b;
}

static void board_free(struct board *b)
{
	goldfish_rtc_ops.fini(&b->rtc);
	uart16550_ops.fini(&b->uart);
	plic_ops.fini(&b->plic);
	free(b);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
	const void *p = fdt_getprop(fdt, node(fdt, path), name, len);

	if (!p)
		fail_msg("no property %s in %s", name, path);
	return p;
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
	int len;
	const char *p = prop(fdt, path, name, &len);
	fdt32_t cell;

	assert_int_equal(len, 4);
	memcpy(&cell, p, sizeof(cell));
	return fdt32_to_cpu(cell);
}

static uint64_t prop_u64(const void *fdt, const char *path, const char *name, int index)
{
	int len;
	const char *p = prop(fdt, path, name, &len);
	fdt64_t cell;

	/* Properties are only 4-byte aligned in the blob. */
	assert_true(len >= 8 * (index + 1));
	memcpy(&cell, p + 8 * index, sizeof(cell));
	return fdt64_to_cpu(cell);
}

static void test_tree_has_the_board(void **state)
{
	struct board *b = board_new(2);
	struct fdt_board fb = {
		.hart_count = 2,
		.ram_base = 0x80000000,
		.ram_size = 256ull << 20,
		.bootargs = "console=ttyS0 earlycon=sbi",
		.initrd_start = 0x8f000000,
		.initrd_end = 0x8f123456,
	};
	void *fdt = NULL;
	const fdt32_t *cells;
	const char *s;
	int len, off;

	assert_int_equal(fdt_build(&b->bus, &fb, &fdt), 0);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_true(fdt_totalsize(fdt) <= FDT_MAX_SIZE);

	/* Harts: one cpu node each, with its interrupt controller. */
	assert_int_equal(prop_u32(fdt, "/cpus", "timebase-frequency"), 10000000);
	assert_int_equal(prop_u32(fdt, "/cpus/cpu@1", "reg"), 1);
	s = prop(fdt, "/cpus/cpu@0", "riscv,isa", &len);
	assert_int_equal(strncmp(s, "rv64imafdc", 10), 0);
	s = prop(fdt, "/cpus/cpu@0", "mmu-type", &len);
	assert_string_equal(s, "riscv,sv48");
	assert_int_equal(fdt_node_check_compatible(fdt,
						   node(fdt, "/cpus/cpu@1/interrupt-controller"),
						   "riscv,cpu-intc"),
			 0);
	assert_int_equal(prop_u32(fdt, "/cpus/cpu-map/cluster0/core1", "cpu"),
			 fdt_get_phandle(fdt, node(fdt, "/cpus/cpu@1")));
	assert_int_equal(fdt_path_offset(fdt, "/cpus/cpu@2"), -FDT_ERR_NOTFOUND);

	/* Memory, chosen. */
	assert_int_equal(prop_u64(fdt, "/memory@80000000", "reg", 0), 0x80000000);
	assert_int_equal(prop_u64(fdt, "/memory@80000000", "reg", 1), 256ull << 20);
	s = prop(fdt, "/chosen", "bootargs", &len);
	assert_string_equal(s, "console=ttyS0 earlycon=sbi");
	assert_int_equal(prop_u64(fdt, "/chosen", "linux,initrd-start", 0), 0x8f000000);
	assert_int_equal(prop_u64(fdt, "/chosen", "linux,initrd-end", 0), 0x8f123456);
	s = prop(fdt, "/chosen", "stdout-path", &len);
	assert_int_equal(fdt_node_check_compatible(fdt, node(fdt, s), "ns16550a"), 0);

	/* PLIC: M and S context of each hart, in that order. */
	off = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	assert_true(off >= 0);
	assert_int_equal(fdt_get_phandle(fdt, off), FDT_PLIC_PHANDLE);
	assert_int_equal(prop_u32(fdt, "/soc/plic@c000000", "riscv,ndev"), 96);
	cells = prop(fdt, "/soc/plic@c000000", "interrupts-extended", &len);
	assert_int_equal(len, 2 * 4 * 4);
	assert_int_equal(fdt32_to_cpu(cells[0]),
			 fdt_get_phandle(fdt, node(fdt, "/cpus/cpu@0/interrupt-controller")));
	assert_int_equal(fdt32_to_cpu(cells[1]), 11);
	assert_int_equal(fdt32_to_cpu(cells[3]), 9);
	assert_int_equal(fdt32_to_cpu(cells[4]),
			 fdt_get_phandle(fdt, node(fdt, "/cpus/cpu@1/interrupt-controller")));
	assert_int_equal(prop_u64(fdt, "/soc/plic@c000000", "reg", 1), 0x600000);
	cells = prop(fdt, "/soc/clint@2000000", "interrupts-extended", &len);
	assert_int_equal(len, 2 * 4 * 4);
	assert_int_equal(fdt32_to_cpu(cells[1]), 3);
	assert_int_equal(fdt32_to_cpu(cells[3]), 7);

	/* Devices: UART and RTC describe themselves, wired to the PLIC. */
	assert_int_equal(prop_u32(fdt, "/soc/serial@10000000", "interrupts"), 10);
	assert_int_equal(prop_u32(fdt, "/soc/serial@10000000", "interrupt-parent"),
			 FDT_PLIC_PHANDLE);
	assert_int_equal(prop_u32(fdt, "/soc/serial@10000000", "clock-frequency"), 3686400);
	assert_int_equal(prop_u32(fdt, "/soc/rtc@101000", "interrupts"), 11);
	assert_int_equal(
		fdt_node_check_compatible(fdt, node(fdt, "/soc/rtc@101000"), "google,goldfish-rtc"),
		0);

	/* Power off and reboot through the test device's syscon. */
	assert_int_equal(fdt_node_check_compatible(fdt, node(fdt, "/soc/test@100000"), "syscon"),
			 0);
	assert_int_equal(prop_u32(fdt, "/poweroff", "value"), 0x5555);
	assert_int_equal(prop_u32(fdt, "/reboot", "value"), 0x7777);
	assert_int_equal(prop_u32(fdt, "/poweroff", "regmap"),
			 fdt_get_phandle(fdt, node(fdt, "/soc/test@100000")));
	free(fdt);
	board_free(b);
}

static void test_optional_parts(void **state)
{
	struct board *b = board_new(4);
	struct fdt_board fb = {
		.hart_count = 4,
		.ram_base = 0x80000000,
		.ram_size = 64ull << 20,
	};
	void *fdt = NULL;
	int len;

	assert_int_equal(fdt_build(&b->bus, &fb, &fdt), 0);
	assert_null(fdt_getprop(fdt, node(fdt, "/chosen"), "bootargs", &len));
	assert_null(fdt_getprop(fdt, node(fdt, "/chosen"), "linux,initrd-start", &len));
	assert_int_equal(prop_u32(fdt, "/cpus/cpu@3", "reg"), 3);
	assert_non_null(prop(fdt, "/soc/plic@c000000", "interrupts-extended", &len));
	assert_int_equal(len, 4 * 4 * 4);
	free(fdt);
	fb.hart_count = PLIC_MAX_HARTS + 1;
	assert_int_equal(fdt_build(&b->bus, &fb, &fdt), -EINVAL);
	board_free(b);
}

static void test_needs_a_plic(void **state)
{
	struct bus bus = { 0 };
	struct fdt_board fb = { .hart_count = 1, .ram_base = 0x80000000, .ram_size = 1 << 20 };
	void *fdt = NULL;

	assert_int_equal(fdt_build(&bus, &fb, &fdt), -EINVAL);
	assert_null(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_has_the_board),
		cmocka_unit_test(test_optional_parts),
		cmocka_unit_test(test_needs_a_plic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
