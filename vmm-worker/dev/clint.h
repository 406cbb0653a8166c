/*
 * clint.h - the core-local interruptor: msip and mtimecmp per hart, mtime.
 */
#ifndef VMM_DEV_CLINT_H
#define VMM_DEV_CLINT_H

#include "machine/bus.h"

#define CLINT_MSIP 0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8
#define CLINT_FREQ_HZ 10000000ull

struct machine;

struct clint {
	struct machine *machine;
};

extern const struct mmio_ops clint_ops;

#endif
