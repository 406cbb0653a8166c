/*
 * test_devices.c - UART 16550, CLINT and the test finisher through their
 * MMIO ops, on a machine with real harts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "dev/clint.h"
#include "dev/test_finisher.h"
#include "dev/uart16550.h"
#include "machine/machine.h"

static struct machine *test_machine(unsigned harts)
{
	struct machine *m = calloc(1, sizeof(*m));

	m->exit_fd = -1;
	m->hart_count = harts;
	m->harts = calloc(harts, sizeof(*m->harts));
	pthread_mutex_init(&m->wfi_lock, NULL);
	pthread_cond_init(&m->wfi_cond, NULL);
	for (unsigned i = 0; i < harts; i++)
		cpu_init(&m->harts[i], m, i, 0x80000000);
	m->clint.machine = m;
	return m;
}

static void test_machine_free(struct machine *m)
{
	pthread_mutex_destroy(&m->wfi_lock);
	pthread_cond_destroy(&m->wfi_cond);
	free(m->harts);
	free(m);
}

static void test_uart_transmit_and_registers(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct uart16550 uart;
	uint64_t v;

	uart16550_init(&uart, out);
	assert_int_equal(uart16550_ops.read(&uart, 5, 1, &v), 0);
	assert_int_equal(v & 0x60, 0x60); /* THRE | TEMT: always ready */
	for (const char *p = "hi\n"; *p; p++)
		assert_int_equal(uart16550_ops.write(&uart, 0, 1, (uint8_t)*p), 0);
	/* DLAB: offsets 0/1 become the divisor latch, nothing is transmitted. */
	uart16550_ops.write(&uart, 3, 1, 0x83);
	uart16550_ops.write(&uart, 0, 1, 0x01);
	uart16550_ops.write(&uart, 1, 1, 0x02);
	uart16550_ops.read(&uart, 0, 1, &v);
	assert_int_equal(v, 0x01);
	uart16550_ops.read(&uart, 1, 1, &v);
	assert_int_equal(v, 0x02);
	uart16550_ops.write(&uart, 3, 1, 0x03);
	uart16550_ops.write(&uart, 7, 1, 0x5a);
	uart16550_ops.read(&uart, 7, 1, &v);
	assert_int_equal(v, 0x5a);
	uart16550_ops.read(&uart, 2, 1, &v);
	assert_int_equal(v & 1, 1); /* no interrupt pending */
	/* Wider accesses and offsets past the register file are rejected. */
	assert_int_equal(uart16550_ops.write(&uart, 0, 4, 'x'), -EFAULT);
	assert_int_equal(uart16550_ops.read(&uart, 8, 1, &v), -EFAULT);
	fclose(out);
	assert_string_equal(text, "hi\n");
	free(text);
}

/*
 * fini right after start_input, before the reader thread may have run at
 * all, and with the reader blocked on a full receive buffer: both must
 * return (the alarm fails the test if one hangs).
 */
static void test_uart_input_stops_at_once(void **state)
{
	static char burst[2 * UART16550_RX_SIZE];
	FILE *out = fopen("/dev/null", "w");
	struct uart16550 uart;
	int fds[2];

	(void)state;
	assert_non_null(out);
	memset(burst, 'x', sizeof(burst));
	alarm(60);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(pipe(fds), 0);
		uart16550_init(&uart, out);
		if (i & 1) /* more than the receive FIFO holds: the reader waits for room */
			assert_int_equal(write(fds[1], burst, sizeof(burst)),
					 (ssize_t)sizeof(burst));
		assert_int_equal(uart16550_start_input(&uart, fds[0]), 0);
		if (i & 1)
			usleep(100);
		uart16550_ops.fini(&uart);
		close(fds[0]);
		close(fds[1]);
	}
	alarm(0);
	fclose(out);
}

static void test_clint_msip(void **state)
{
	struct machine *m = test_machine(2);
	uint64_t v;

	assert_int_equal(clint_ops.write(&m->clint, CLINT_MSIP + 4, 4, 1), 0);
	assert_int_equal(m->harts[1].mip_async & (1u << IRQ_M_SOFT), 1u << IRQ_M_SOFT);
	assert_int_equal(m->harts[0].mip_async & (1u << IRQ_M_SOFT), 0);
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MSIP + 4, 4, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(clint_ops.write(&m->clint, CLINT_MSIP + 4, 4, 0), 0);
	assert_int_equal(m->harts[1].mip_async & (1u << IRQ_M_SOFT), 0);
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MSIP + 2, 4, &v), -EFAULT);
	test_machine_free(m);
}

static void test_clint_timer(void **state)
{
	struct machine *m = test_machine(1);
	struct cpu *cpu = &m->harts[0];
	uint64_t t0, t1, v;

	m->time_origin_ns = 0;
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MTIME, 8, &t0), 0);
	nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MTIME, 8, &t1), 0);
	assert_true(t1 >= t0 + 10000); /* 2 ms at 10 MHz */
	/* mtimecmp in the future: MTIP clear; in the past: MTIP set at once. */
	assert_int_equal(clint_ops.write(&m->clint, CLINT_MTIMECMP, 8, UINT64_MAX), 0);
	assert_int_equal(cpu->timer_mip & (1u << IRQ_M_TIMER), 0);
	assert_int_equal(clint_ops.write(&m->clint, CLINT_MTIMECMP + 4, 4, 0), 0);
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MTIMECMP, 8, &v), 0);
	assert_int_equal(v, 0xffffffffull);
	assert_int_equal(clint_ops.write(&m->clint, CLINT_MTIMECMP, 4, 5), 0);
	assert_int_equal(cpu->timer_mip & (1u << IRQ_M_TIMER), 1u << IRQ_M_TIMER);
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MTIMECMP + 4, 4, &v), 0);
	assert_int_equal(v, 0);
	/* Writing mtime moves the clock for everyone. */
	assert_int_equal(clint_ops.write(&m->clint, CLINT_MTIME, 8, 1000000000ull), 0);
	assert_int_equal(clint_ops.read(&m->clint, CLINT_MTIME, 8, &v), 0);
	assert_true(v >= 1000000000ull && v < 1000000000ull + 10000000ull);
	test_machine_free(m);
}

static void test_finisher_codes(void **state)
{
	struct machine *m = test_machine(1);

	test_finisher_ops.write(m, 0, 4, 0x1234);
	assert_int_equal(m->exit_requested, 0);
	test_finisher_ops.write(m, 0, 4, (42 << 16) | TEST_FINISHER_FAIL);
	assert_int_equal(m->exit_requested, 1);
	assert_int_equal(m->exit_status, 42);
	assert_int_equal(m->harts[0].stop_request, 1);
	/* The first request wins. */
	test_finisher_ops.write(m, 0, 4, TEST_FINISHER_PASS);
	assert_int_equal(m->exit_status, 42);
	test_machine_free(m);

	m = test_machine(1);
	test_finisher_ops.write(m, 0, 4, TEST_FINISHER_PASS);
	assert_int_equal(m->exit_status, 0);
	assert_int_equal(m->exit_requested, 1);
	test_machine_free(m);

	/* A failure code that is 0 mod 256 must not read as success. */
	m = test_machine(1);
	test_finisher_ops.write(m, 0, 4, (256u << 16) | TEST_FINISHER_FAIL);
	assert_int_equal(m->exit_status, 1);
	test_machine_free(m);

	/* OpenSBI powers off with a 16-bit store (writew); a byte store does nothing. */
	m = test_machine(1);
	test_finisher_ops.write(m, 0, 1, 0x55);
	assert_int_equal(m->exit_requested, 0);
	test_finisher_ops.write(m, 0, 2, TEST_FINISHER_PASS);
	assert_int_equal(m->exit_requested, 1);
	assert_int_equal(m->exit_status, 0);
	test_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart_transmit_and_registers),
		cmocka_unit_test(test_uart_input_stops_at_once),
		cmocka_unit_test(test_clint_msip),
		cmocka_unit_test(test_clint_timer),
		cmocka_unit_test(test_finisher_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
