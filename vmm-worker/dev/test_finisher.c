/*
 * test_finisher.c - SiFive test finisher.
 *
 * A 32-bit write of 0x5555 ends the run with status 0, (code << 16) | 0x3333
 * with status `code` (as QEMU does), 0x7777 asks for a reset: the worker
 * builds the machine again (or ends with status 0 under --no-reboot).
 * The opaque pointer is the machine.
 */
#include <errno.h>
#include <stdio.h>

#include "machine/machine.h"
#include "test_finisher.h"

static int test_finisher_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	*val = 0;
	return 0;
}

static int test_finisher_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct machine *m = opaque;
	unsigned code = (unsigned)(val >> 16) & 0xffff;

	/* OpenSBI's sifive_test driver powers off with a 16-bit writew, as QEMU allows. */
	if (offset != 0 || size < 2)
		return 0;
	switch (val & 0xffff) {
	case TEST_FINISHER_PASS:
		machine_request_exit(m, 0);
		break;
	case TEST_FINISHER_FAIL:
		machine_request_exit(m, (code & 0xff) ? (int)(code & 0xff) : (code ? 1 : 0));
		break;
	case TEST_FINISHER_RESET:
		machine_request_reboot(m);
		break;
	default:
		break;
	}
	return 0;
}

const struct mmio_ops test_finisher_ops = {
	.name = "test-finisher",
	.read = test_finisher_read,
	.write = test_finisher_write,
};
