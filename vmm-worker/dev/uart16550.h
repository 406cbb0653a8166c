/*
 * uart16550.h - NS16550A-compatible UART (console on the worker's stdout).
 */
#ifndef VMM_DEV_UART16550_H
#define VMM_DEV_UART16550_H

#include <stdint.h>
#include <stdio.h>

#include "machine/bus.h"

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t dll, dlm;
	FILE *out;
};

extern const struct mmio_ops uart16550_ops;

/* Reset registers and send transmitted bytes to `out`. */
void uart16550_init(struct uart16550 *uart, FILE *out);

#endif
