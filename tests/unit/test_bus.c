/*
 * test_bus.c - guest-physical dispatch: RAM, devices, holes, HTIF watch.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/bus.h"
#include "machine/htif.h"
#include "machine/machine.h"
#include "mem/ram.h"

struct fake_dev {
	uint64_t last_offset, last_val;
	unsigned last_size, writes;
};

static int fake_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	*val = 0x1000 + offset;
	return offset == 0x10 ? -EFAULT : 0;
}

static int fake_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct fake_dev *d = opaque;

	d->last_offset = offset;
	d->last_size = size;
	d->last_val = val;
	d->writes++;
	return 0;
}

static const struct mmio_ops fake_ops = {
	.name = "fake",
	.read = fake_read,
	.write = fake_write,
};

static void test_bus_register_overlaps(void **state)
{
	struct bus bus = { 0 };
	struct fake_dev d = { 0 };

	assert_int_equal(ram_map(&bus, 0x80000000, 1 << 20), 0);
	assert_int_equal(bus_register(&bus, 0x1000, 0x100, &fake_ops, &d), 0);
	assert_int_equal(bus_register(&bus, 0x10ff, 0x10, &fake_ops, &d), -EEXIST);
	assert_int_equal(bus_register(&bus, 0x80000000 - 8, 0x10, &fake_ops, &d), -EEXIST);
	assert_int_equal(bus_register(&bus, 0x2000, 0, &fake_ops, &d), -EINVAL);
	assert_int_equal(bus_register(&bus, UINT64_MAX - 4, 0x10, &fake_ops, &d), -EINVAL);
	for (unsigned i = 1; i < BUS_MAX_REGIONS; i++)
		assert_int_equal(bus_register(&bus, 0x100000 * i, 0x10, &fake_ops, &d), 0);
	assert_int_equal(bus_register(&bus, 0x7000000, 0x10, &fake_ops, &d), -ENOSPC);
	ram_unmap(&bus);
}

static void test_bus_dispatch(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct fake_dev d = { 0 };
	uint64_t v;

	assert_int_equal(ram_map(&m->bus, 0x80000000, 1 << 20), 0);
	assert_int_equal(bus_register(&m->bus, 0x1000, 0x100, &fake_ops, &d), 0);
	/* RAM, little-endian, every size. */
	assert_int_equal(bus_write(m, 0x80000010, 8, 0x1122334455667788ull), 0);
	assert_int_equal(bus_read(m, 0x80000010, 4, &v), 0);
	assert_int_equal(v, 0x55667788);
	assert_int_equal(bus_read(m, 0x80000017, 1, &v), 0);
	assert_int_equal(v, 0x11);
	/* Device: offset relative to base. */
	assert_int_equal(bus_write(m, 0x1008, 2, 0xbeef), 0);
	assert_int_equal(d.last_offset, 8);
	assert_int_equal(d.last_size, 2);
	assert_int_equal(d.last_val, 0xbeef);
	assert_int_equal(bus_read(m, 0x1020, 4, &v), 0);
	assert_int_equal(v, 0x1020);
	assert_int_equal(bus_read(m, 0x1010, 4, &v), -EFAULT);
	/* Holes, an access straddling a device end, and one straddling RAM's end. */
	assert_int_equal(bus_read(m, 0x5000, 4, &v), -EFAULT);
	assert_int_equal(bus_write(m, 0x10fe, 4, 0), -EFAULT);
	assert_int_equal(bus_read(m, 0x80000000 + (1 << 20) - 4, 8, &v), -EFAULT);
	assert_null(bus_ram_ptr(&m->bus, 0x7fffffff, 2, false));
	ram_unmap(&m->bus);
	free(m);
}

static void test_bus_htif_watch(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	uint64_t tohost = 0x80001000;

	assert_int_equal(ram_map(&m->bus, 0x80000000, 1 << 20), 0);
	htif_attach(m, tohost, tohost + 8);
	/* Reads and writes beside tohost use the fast path; writes to it do not. */
	assert_non_null(bus_ram_ptr(&m->bus, tohost, 8, false));
	assert_null(bus_ram_ptr(&m->bus, tohost, 8, true));
	assert_null(bus_ram_ptr(&m->bus, tohost - 4, 8, true));
	assert_non_null(bus_ram_ptr(&m->bus, tohost + 8, 8, true));
	/* (7 << 1) | 1: fail code 7 ends the run with status 7. */
	m->exit_fd = -1;
	assert_int_equal(bus_write(m, tohost, 8, (7 << 1) | 1), 0);
	assert_int_equal(m->exit_requested, 1);
	assert_int_equal(m->exit_status, 7);
	/* The lines of each page the watch covers (what code_write's stores avoid). */
	assert_int_equal(bus_watch_line_mask(&m->bus, 0x80001000), 1);
	assert_int_equal(bus_watch_line_mask(&m->bus, 0x80000000), 0);
	assert_int_equal(bus_watch_line_mask(&m->bus, 0x80002000), 0);
	m->bus.watch_base = 0x80001ffc;
	m->bus.watch_size = 8;
	assert_int_equal(bus_watch_line_mask(&m->bus, 0x80001000), 1ull << 63);
	assert_int_equal(bus_watch_line_mask(&m->bus, 0x80002000), 1);
	m->bus.watch_size = 0;
	assert_int_equal(bus_watch_line_mask(&m->bus, 0x80001000), 0);
	ram_unmap(&m->bus);
	free(m);
}

/* The code-line bits of a store: every 64-byte line it touches, none past its page. */
static void test_bus_code_line_mask(void **state)
{
	(void)state;
	assert_int_equal(bus_code_line_mask(0x80000000, 1), 1);
	assert_int_equal(bus_code_line_mask(0x80000000, 8), 1);
	assert_int_equal(bus_code_line_mask(0x8000003f, 1), 1);
	assert_int_equal(bus_code_line_mask(0x8000003c, 8), 3);
	assert_int_equal(bus_code_line_mask(0x80000040, 64), 2);
	assert_int_equal(bus_code_line_mask(0x80000fff, 1), 1ull << 63);
	assert_int_equal(bus_code_line_mask(0x80000fc0, 256), 1ull << 63);
	assert_int_equal(bus_code_line_mask(0x80000000, 4096), ~0ull);
	assert_int_equal(bus_code_line_mask(0x80000f00, 256), 0xfull << 60);
	assert_int_equal(bus_code_line_mask(0x80000010, 0x100), 0x1f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bus_register_overlaps),
		cmocka_unit_test(test_bus_dispatch),
		cmocka_unit_test(test_bus_htif_watch),
		cmocka_unit_test(test_bus_code_line_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
