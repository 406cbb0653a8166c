/*
 * uart16550.h - NS16550A-compatible UART: transmits to the worker's
 * stdout, receives from a host file descriptor (the worker's stdin), and
 * interrupts through a PLIC source.
 */
#ifndef VMM_DEV_UART16550_H
#define VMM_DEV_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pthread.h>

#include "machine/bus.h"

struct plic;

/* Bytes received from the host and not yet read by the guest. */
#define UART16550_RX_SIZE 4096

/* The clock-frequency the device tree gives (as QEMU's virt). */
#define UART16550_CLOCK_HZ 3686400

struct uart16550 {
	/* Harts and the receive thread both touch the registers. */
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t dll, dlm;
	bool thr_interrupt; /* THRE interrupt pending (cleared by IIR read or THR write) */
	FILE *out;
	/* Also sees every transmitted byte (NULL: none); called with the lock held. */
	void (*tap)(void *opaque, uint8_t byte);
	void *tap_opaque;

	uint8_t rx[UART16550_RX_SIZE];
	size_t rx_head, rx_count;
	bool rx_overrun;

	/* Interrupt line: source `irq` of `plic` (NULL: none). */
	struct plic *plic;
	unsigned irq;
	uint32_t plic_phandle;
	bool irq_level;

	/* Host input: a thread polls in_fd and stop_fd (an eventfd). */
	int in_fd, stop_fd;
	pthread_t reader;
	bool reader_started;
	/* Set under lock by fini: a reader waiting for room gives up. */
	bool stopping;
	pthread_cond_t rx_space; /* the reader waits here while rx is full */
};

extern const struct mmio_ops uart16550_ops;

/* Reset registers and send transmitted bytes to `out`. No input, no interrupt. */
void uart16550_init(struct uart16550 *uart, FILE *out);

/*
 * Wire the interrupt to source `irq` of `plic`, whose device tree phandle
 * is `plic_phandle`.
 */
void uart16550_connect_irq(struct uart16550 *uart, struct plic *plic, unsigned irq,
			   uint32_t plic_phandle);

/*
 * Hand every byte the guest transmits to `tap` too, after it went to the
 * output file. `tap` runs on the hart's thread with the UART's lock held:
 * it must not block nor call back into the UART.
 */
void uart16550_set_tap(struct uart16550 *uart, void (*tap)(void *opaque, uint8_t byte),
		       void *opaque);

/*
 * Start a thread that feeds what arrives on `fd` (not closed by the UART)
 * to the receiver until end of file or the device's fini. Returns 0 or
 * -errno.
 */
int uart16550_start_input(struct uart16550 *uart, int fd);

/*
 * Hand `len` received bytes to the UART. Returns how many fit in the
 * receive buffer (the rest is for the caller to offer again). Thread safe.
 */
size_t uart16550_receive(struct uart16550 *uart, const uint8_t *buf, size_t len);

#endif
