/*
 * test_finisher.h - the SiFive test device (QEMU's sifive_test) at
 * 0x100000: guests end the run through it.
 */
#ifndef VMM_DEV_TEST_FINISHER_H
#define VMM_DEV_TEST_FINISHER_H

#include "machine/bus.h"

#define TEST_FINISHER_FAIL 0x3333
#define TEST_FINISHER_PASS 0x5555
#define TEST_FINISHER_RESET 0x7777

extern const struct mmio_ops test_finisher_ops;

#endif
