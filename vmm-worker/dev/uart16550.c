/*
 * uart16550.c - NS16550A UART, transmit side.
 *
 * Transmission is instantaneous: THR is always empty (LSR.THRE|TEMT), so a
 * polling guest never waits. The receive path and interrupts arrive with
 * the PLIC.
 */
#include <errno.h>

#include "uart16550.h"

#define UART_RBR_THR 0
#define UART_IER 1
#define UART_IIR_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_LCR_DLAB 0x80
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_IIR_NO_INT 0x01
#define UART_IIR_FIFO 0xc0
#define UART_MSR_DCD_DSR_CTS 0xb0

void uart16550_init(struct uart16550 *uart, FILE *out)
{
	*uart = (struct uart16550){ .out = out };
}

static void uart16550_transmit(struct uart16550 *uart, uint8_t byte)
{
	if (uart->mcr & 0x10) /* loopback: nothing leaves the chip */
		return;
	fputc(byte, uart->out);
	if (byte == '\n')
		fflush(uart->out);
}

static int uart16550_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct uart16550 *uart = opaque;
	bool dlab = uart->lcr & UART_LCR_DLAB;

	if (size != 1 || offset > UART_SCR)
		return -EFAULT;
	switch (offset) {
	case UART_RBR_THR:
		*val = dlab ? uart->dll : 0;
		break;
	case UART_IER:
		*val = dlab ? uart->dlm : uart->ier;
		break;
	case UART_IIR_FCR:
		*val = UART_IIR_NO_INT | ((uart->fcr & 1) ? UART_IIR_FIFO : 0);
		break;
	case UART_LCR:
		*val = uart->lcr;
		break;
	case UART_MCR:
		*val = uart->mcr;
		break;
	case UART_LSR:
		*val = UART_LSR_THRE | UART_LSR_TEMT;
		break;
	case UART_MSR:
		*val = UART_MSR_DCD_DSR_CTS;
		break;
	default:
		*val = uart->scr;
		break;
	}
	return 0;
}

static int uart16550_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct uart16550 *uart = opaque;
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t byte = (uint8_t)val;

	if (size != 1 || offset > UART_SCR)
		return -EFAULT;
	switch (offset) {
	case UART_RBR_THR:
		if (dlab)
			uart->dll = byte;
		else
			uart16550_transmit(uart, byte);
		break;
	case UART_IER:
		if (dlab)
			uart->dlm = byte;
		else
			uart->ier = byte & 0x0f;
		break;
	case UART_IIR_FCR:
		uart->fcr = byte;
		break;
	case UART_LCR:
		uart->lcr = byte;
		break;
	case UART_MCR:
		uart->mcr = byte & 0x1f;
		break;
	case UART_SCR:
		uart->scr = byte;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
	return 0;
}

static void uart16550_reset(void *opaque)
{
	struct uart16550 *uart = opaque;

	uart16550_init(uart, uart->out);
}

static void uart16550_fini(void *opaque)
{
	struct uart16550 *uart = opaque;

	fflush(uart->out);
}

const struct mmio_ops uart16550_ops = {
	.name = "uart16550",
	.read = uart16550_read,
	.write = uart16550_write,
	.reset = uart16550_reset,
	.fini = uart16550_fini,
};
