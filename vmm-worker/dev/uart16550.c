/*
 * uart16550.c - NS16550A UART.
 *
 * Transmission is instantaneous: THR is always empty (LSR.THRE|TEMT), so a
 * polling guest never waits, and the THRE interrupt is pending again right
 * after each write to THR. Received bytes wait in a buffer deeper than the
 * 16-byte FIFO of the real chip (the host never loses input to a guest
 * that reads slowly); LSR.DR says whether it holds anything.
 *
 * Interrupt identification follows the 16550's priorities: line status,
 * then received data, then THR empty, then modem status. Linux's 8250
 * driver probes the chip (scratch register, loopback through MCR/MSR,
 * FIFO bits in IIR, THRE re-assertion when IER.THRI is set), so those
 * behave as on the real part.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libfdt.h>

#include "machine/fdt.h"
#include "plic.h"
#include "uart16550.h"

#define UART_RBR_THR 0
#define UART_IER 1
#define UART_IIR_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02

#define UART_LCR_DLAB 0x80
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

/* Without loopback the modem lines say: carrier, data set ready, clear to send. */
#define UART_MSR_DCD_DSR_CTS 0xb0

static void uart16550_reset_registers(struct uart16550 *uart)
{
	uart->ier = uart->lcr = uart->mcr = uart->scr = uart->fcr = 0;
	uart->dll = uart->dlm = 0;
	uart->thr_interrupt = false;
	uart->rx_head = uart->rx_count = 0;
	uart->rx_overrun = false;
}

void uart16550_init(struct uart16550 *uart, FILE *out)
{
	memset(uart, 0, sizeof(*uart));
	pthread_mutex_init(&uart->lock, NULL);
	pthread_cond_init(&uart->rx_space, NULL);
	uart->out = out;
	uart->in_fd = -1;
	uart->stop_fd = -1;
	uart16550_reset_registers(uart);
}

void uart16550_connect_irq(struct uart16550 *uart, struct plic *plic, unsigned irq,
			   uint32_t plic_phandle)
{
	uart->plic = plic;
	uart->irq = irq;
	uart->plic_phandle = plic_phandle;
}

void uart16550_set_tap(struct uart16550 *uart, void (*tap)(void *opaque, uint8_t byte),
		       void *opaque)
{
	pthread_mutex_lock(&uart->lock);
	uart->tap = tap;
	uart->tap_opaque = opaque;
	pthread_mutex_unlock(&uart->lock);
}

/* The interrupt the IIR reports, by the 16550's priorities. Lock held. */
static uint8_t uart16550_iir(const struct uart16550 *uart)
{
	if ((uart->ier & UART_IER_RLSI) && uart->rx_overrun)
		return UART_IIR_RLSI;
	if ((uart->ier & UART_IER_RDI) && uart->rx_count)
		return UART_IIR_RDI;
	if ((uart->ier & UART_IER_THRI) && uart->thr_interrupt)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT; /* modem status never changes: no MSI */
}

/* Drive the interrupt line from the IIR. Lock held. */
static void uart16550_update_irq(struct uart16550 *uart)
{
	bool level = uart16550_iir(uart) != UART_IIR_NO_INT;

	if (level == uart->irq_level)
		return;
	uart->irq_level = level;
	if (uart->plic)
		plic_set_irq(uart->plic, uart->irq, level);
}

/* Append received bytes; returns how many fit. Lock held. */
static size_t uart16550_rx_push(struct uart16550 *uart, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	while (n < len && uart->rx_count < UART16550_RX_SIZE) {
		uart->rx[(uart->rx_head + uart->rx_count) % UART16550_RX_SIZE] = buf[n++];
		uart->rx_count++;
	}
	return n;
}

size_t uart16550_receive(struct uart16550 *uart, const uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&uart->lock);
	/* In loopback the receiver hears only the transmitter. */
	n = (uart->mcr & UART_MCR_LOOP) ? 0 : uart16550_rx_push(uart, buf, len);
	uart16550_update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
	return n;
}

/* Lock held. */
static void uart16550_transmit(struct uart16550 *uart, uint8_t byte)
{
	uart->thr_interrupt = true; /* the byte left at once: THR is empty again */
	if (uart->mcr & UART_MCR_LOOP) {
		if (!uart16550_rx_push(uart, &byte, 1))
			uart->rx_overrun = true;
		return;
	}
	fputc(byte, uart->out);
	if (byte == '\n')
		fflush(uart->out);
	if (uart->tap)
		uart->tap(uart->tap_opaque, byte);
}

/* Lock held. */
static uint8_t uart16550_rx_pop(struct uart16550 *uart)
{
	uint8_t byte;

	if (!uart->rx_count)
		return 0;
	byte = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % UART16550_RX_SIZE;
	uart->rx_count--;
	pthread_cond_signal(&uart->rx_space);
	return byte;
}

/* MSR: in loopback, MCR's DTR/RTS/OUT1/OUT2 come back as DSR/CTS/RI/DCD. */
static uint8_t uart16550_msr(const struct uart16550 *uart)
{
	uint8_t mcr = uart->mcr;

	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_DCD_DSR_CTS;
	return (uint8_t)(((mcr & 0x01) << 5) | ((mcr & 0x02) << 3) | ((mcr & 0x04) << 4) |
			 ((mcr & 0x08) << 4));
}

static int uart16550_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct uart16550 *uart = opaque;
	bool dlab;
	uint8_t iir;

	if (size != 1 || offset > UART_SCR)
		return -EFAULT;
	pthread_mutex_lock(&uart->lock);
	dlab = uart->lcr & UART_LCR_DLAB;
	switch (offset) {
	case UART_RBR_THR:
		*val = dlab ? uart->dll : uart16550_rx_pop(uart);
		break;
	case UART_IER:
		*val = dlab ? uart->dlm : uart->ier;
		break;
	case UART_IIR_FCR:
		iir = uart16550_iir(uart);
		/* Reading IIR acknowledges a THRE interrupt it reports. */
		if (iir == UART_IIR_THRI)
			uart->thr_interrupt = false;
		*val = iir | ((uart->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0);
		break;
	case UART_LCR:
		*val = uart->lcr;
		break;
	case UART_MCR:
		*val = uart->mcr;
		break;
	case UART_LSR:
		*val = UART_LSR_THRE | UART_LSR_TEMT | (uart->rx_count ? UART_LSR_DR : 0) |
		       (uart->rx_overrun ? UART_LSR_OE : 0);
		uart->rx_overrun = false; /* error bits clear on read */
		break;
	case UART_MSR:
		*val = uart16550_msr(uart);
		break;
	default:
		*val = uart->scr;
		break;
	}
	uart16550_update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
	return 0;
}

static int uart16550_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct uart16550 *uart = opaque;
	uint8_t byte = (uint8_t)val;
	bool dlab;

	if (size != 1 || offset > UART_SCR)
		return -EFAULT;
	pthread_mutex_lock(&uart->lock);
	dlab = uart->lcr & UART_LCR_DLAB;
	switch (offset) {
	case UART_RBR_THR:
		if (dlab)
			uart->dll = byte;
		else
			uart16550_transmit(uart, byte);
		break;
	case UART_IER:
		if (dlab) {
			uart->dlm = byte;
			break;
		}
		/* Enabling THRI while THR is empty raises the THRE interrupt at once. */
		if ((byte & UART_IER_THRI) && !(uart->ier & UART_IER_THRI))
			uart->thr_interrupt = true;
		uart->ier = byte & 0x0f;
		break;
	case UART_IIR_FCR:
		if (byte & UART_FCR_CLEAR_RCVR) {
			uart->rx_head = uart->rx_count = 0;
			pthread_cond_signal(&uart->rx_space);
		}
		uart->fcr = byte & 0xc9; /* the FIFO enable, DMA mode and trigger bits stay */
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
	uart16550_update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
	return 0;
}

/*
 * The receive thread: waits for input or the stop event, and offers what
 * it read until the guest has made room for all of it.
 */
static void *uart16550_reader(void *arg)
{
	struct uart16550 *uart = arg;
	struct pollfd fds[2] = {
		{ .fd = uart->in_fd, .events = POLLIN },
		{ .fd = uart->stop_fd, .events = POLLIN },
	};
	uint8_t buf[256];

	for (;;) {
		ssize_t len;
		size_t done = 0;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		len = read(uart->in_fd, buf, sizeof(buf));
		if (len < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (len <= 0)
			break; /* end of input: the guest just receives nothing more */
		pthread_mutex_lock(&uart->lock);
		while (done < (size_t)len && !uart->stopping) {
			done += (uart->mcr & UART_MCR_LOOP)
					? (size_t)len - done /* dropped, as the wire is cut */
					: uart16550_rx_push(uart, buf + done, (size_t)len - done);
			uart16550_update_irq(uart);
			if (done < (size_t)len)
				pthread_cond_wait(&uart->rx_space, &uart->lock);
		}
		pthread_mutex_unlock(&uart->lock);
	}
	return NULL;
}

int uart16550_start_input(struct uart16550 *uart, int fd)
{
	int ret;

	uart->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (uart->stop_fd < 0)
		return -errno;
	uart->in_fd = fd;
	ret = pthread_create(&uart->reader, NULL, uart16550_reader, uart);
	if (ret) {
		close(uart->stop_fd);
		uart->stop_fd = -1;
		return -ret;
	}
	uart->reader_started = true;
	return 0;
}

static void uart16550_reset(void *opaque)
{
	struct uart16550 *uart = opaque;

	pthread_mutex_lock(&uart->lock);
	uart16550_reset_registers(uart);
	uart16550_update_irq(uart);
	pthread_cond_signal(&uart->rx_space);
	pthread_mutex_unlock(&uart->lock);
}

static void uart16550_fini(void *opaque)
{
	struct uart16550 *uart = opaque;
	uint64_t one = 1;

	if (uart->reader_started) {
		/*
		 * stop_fd itself stays valid until the join: a reader that has
		 * not yet run its first line must still find it.
		 */
		pthread_mutex_lock(&uart->lock);
		uart->stopping = true;
		pthread_cond_signal(&uart->rx_space);
		pthread_mutex_unlock(&uart->lock);
		if (write(uart->stop_fd, &one, sizeof(one)) < 0)
			perror("vmm-worker: uart eventfd");
		pthread_join(uart->reader, NULL);
		close(uart->stop_fd);
		uart->stop_fd = -1;
		uart->reader_started = false;
	}
	fflush(uart->out);
	pthread_cond_destroy(&uart->rx_space);
	pthread_mutex_destroy(&uart->lock);
}

static int uart16550_fdt_node(void *opaque, void *fdt, uint64_t base, uint64_t size)
{
	struct uart16550 *uart = opaque;
	int node, err;

	node = fdt_add_soc_device(fdt, "serial", base, size, "ns16550a");
	if (node < 0)
		return node;
	err = fdt_setprop_u32(fdt, node, "clock-frequency", UART16550_CLOCK_HZ);
	if (err || !uart->plic)
		return err; /* without a line the guest polls */
	return fdt_setprop_u32(fdt, node, "interrupt-parent", uart->plic_phandle)
		       ?: fdt_setprop_u32(fdt, node, "interrupts", uart->irq);
}

const struct mmio_ops uart16550_ops = {
	.name = "uart16550",
	.read = uart16550_read,
	.write = uart16550_write,
	.reset = uart16550_reset,
	.fini = uart16550_fini,
	.fdt_node = uart16550_fdt_node,
};
