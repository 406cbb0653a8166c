/*
 * htif.c - HTIF tohost/fromhost.
 *
 * tohost encodes device (bits 63:56), command (55:48) and payload (47:0).
 *   device 0, payload odd:   exit; status = payload >> 1 (0 = pass)
 *   device 0, payload even:  a syscall block in guest RAM (riscv-tests'
 *                            benchmarks): only write(64) and exit(93)
 *   device 1, command 1:     console output of one byte
 * The host acknowledges by clearing tohost and writing fromhost.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "htif.h"
#include "machine.h"

#define HTIF_SYS_WRITE 64
#define HTIF_SYS_EXIT 93

void htif_attach(struct machine *m, uint64_t tohost, uint64_t fromhost)
{
	m->tohost_addr = tohost;
	m->fromhost_addr = fromhost;
	m->bus.watch_base = tohost;
	m->bus.watch_size = tohost ? 8 : 0;
}

static void htif_ack(struct machine *m, uint64_t value)
{
	uint8_t *to = bus_ram_ptr(&m->bus, m->tohost_addr, 8, false);
	uint8_t *from = m->fromhost_addr ? bus_ram_ptr(&m->bus, m->fromhost_addr, 8, false) : NULL;

	memset(to, 0, 8);
	if (from)
		memcpy(from, &value, 8);
}

/* Exit statuses are 8 bits: a nonzero failure code must not wrap to 0. */
static int htif_exit_status(uint64_t code)
{
	if (code == 0)
		return 0;
	return (code & 0xff) ? (int)(code & 0xff) : 1;
}

static void htif_syscall(struct machine *m, uint64_t block)
{
	uint64_t args[4];
	const uint8_t *p = bus_ram_ptr(&m->bus, block, sizeof(args), false);

	if (!p) {
		fprintf(stderr, "vmm-worker: HTIF syscall block 0x%llx outside RAM\n",
			(unsigned long long)block);
		machine_request_exit(m, 1);
		return;
	}
	memcpy(args, p, sizeof(args));
	if (args[0] == HTIF_SYS_EXIT) {
		machine_request_exit(m, htif_exit_status(args[1]));
		return;
	}
	if (args[0] == HTIF_SYS_WRITE) {
		const uint8_t *buf = bus_ram_ptr(&m->bus, args[2], args[3], false);
		uint64_t ret = (uint64_t)-14; /* -EFAULT to the guest */

		if (buf && (args[1] == 1 || args[1] == 2)) {
			fwrite(buf, 1, args[3], args[1] == 1 ? stdout : stderr);
			fflush(args[1] == 1 ? stdout : stderr);
			ret = args[3];
		}
		memcpy(bus_ram_ptr(&m->bus, block, 8, false), &ret, 8);
		htif_ack(m, 1);
		return;
	}
	fprintf(stderr, "vmm-worker: HTIF syscall %llu not supported\n",
		(unsigned long long)args[0]);
	htif_ack(m, 1);
}

void htif_notify_store(struct machine *m, uint64_t paddr)
{
	uint64_t value;
	unsigned device, command;
	uint64_t payload;

	(void)paddr;
	memcpy(&value, bus_ram_ptr(&m->bus, m->tohost_addr, 8, false), 8);
	if (value == 0)
		return;
	device = (unsigned)(value >> 56);
	command = (unsigned)(value >> 48) & 0xff;
	payload = value & ((1ull << 48) - 1);
	if (device == 0 && command == 0) {
		if (payload & 1)
			machine_request_exit(m, htif_exit_status(payload >> 1));
		else
			htif_syscall(m, payload);
		return;
	}
	if (device == 1 && command == 1) {
		putchar((int)(payload & 0xff));
		if ((payload & 0xff) == '\n')
			fflush(stdout);
		htif_ack(m, (1ull << 56) | (1ull << 48));
		return;
	}
	/* Unknown device/command: acknowledge so the guest does not spin forever. */
	htif_ack(m, value);
}
