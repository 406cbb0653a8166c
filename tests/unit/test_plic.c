/*
 * test_plic.c - the PLIC (priorities, thresholds, enables, claim/complete,
 * M and S contexts) and the devices that drive it: UART 16550 receive and
 * transmit interrupts, goldfish RTC alarm.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/uart16550.h"

#define HARTS 2
#define CTX_M(h) (2 * (h))
#define CTX_S(h) (2 * (h) + 1)

struct fixture {
	struct cpu harts[HARTS];
	struct plic plic;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || plic_init(&f->plic, f->harts, HARTS))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	plic_ops.fini(&f->plic);
	free(f);
	return 0;
}

static uint32_t rd(struct fixture *f, uint64_t offset)
{
	uint64_t v = ~0ull;

	assert_int_equal(plic_ops.read(&f->plic, offset, 4, &v), 0);
	return (uint32_t)v;
}

static void wr(struct fixture *f, uint64_t offset, uint32_t v)
{
	assert_int_equal(plic_ops.write(&f->plic, offset, 4, v), 0);
}

static void set_priority(struct fixture *f, unsigned source, uint32_t prio)
{
	wr(f, PLIC_PRIORITY + 4 * source, prio);
}

static void enable(struct fixture *f, unsigned ctx, unsigned source)
{
	uint64_t off = PLIC_ENABLE + ctx * PLIC_ENABLE_STRIDE + 4 * (source / 32);

	wr(f, off, rd(f, off) | (1u << (source % 32)));
}

static uint64_t ctx_reg(unsigned ctx, unsigned reg)
{
	return PLIC_CONTEXT + ctx * PLIC_CONTEXT_STRIDE + reg;
}

static uint32_t claim(struct fixture *f, unsigned ctx)
{
	return rd(f, ctx_reg(ctx, PLIC_CONTEXT_CLAIM));
}

static void complete(struct fixture *f, unsigned ctx, uint32_t source)
{
	wr(f, ctx_reg(ctx, PLIC_CONTEXT_CLAIM), source);
}

static bool line(struct fixture *f, unsigned hart, enum cpu_interrupt irq)
{
	return (f->harts[hart].mip_async >> irq) & 1;
}

static void test_priority_order_and_ties(void **state)
{
	struct fixture *f = *state;

	set_priority(f, 5, 3);
	set_priority(f, 7, 5);
	set_priority(f, 40, 5);
	assert_int_equal(rd(f, PLIC_PRIORITY + 4 * 7), 5);
	set_priority(f, 9, 0xff); /* only the implemented bits stick */
	assert_int_equal(rd(f, PLIC_PRIORITY + 4 * 9), PLIC_MAX_PRIORITY);
	set_priority(f, 9, 0);
	enable(f, CTX_S(0), 5);
	enable(f, CTX_S(0), 7);
	enable(f, CTX_S(0), 40);
	plic_set_irq(&f->plic, 5, true);
	plic_set_irq(&f->plic, 40, true);
	plic_set_irq(&f->plic, 7, true);
	assert_true(line(f, 0, IRQ_S_EXT));
	assert_false(line(f, 0, IRQ_M_EXT));
	assert_false(line(f, 1, IRQ_S_EXT));
	assert_int_equal(rd(f, PLIC_PENDING), 1u << 5 | 1u << 7);
	assert_int_equal(rd(f, PLIC_PENDING + 4), 1u << 8);
	/* Highest priority first; equal priorities by lowest id. */
	assert_int_equal(claim(f, CTX_S(0)), 7);
	assert_int_equal(claim(f, CTX_S(0)), 40);
	assert_int_equal(claim(f, CTX_S(0)), 5);
	assert_int_equal(claim(f, CTX_S(0)), 0);
	assert_false(line(f, 0, IRQ_S_EXT));
	assert_int_equal(rd(f, PLIC_PENDING), 0);
}

static void test_threshold(void **state)
{
	struct fixture *f = *state;

	set_priority(f, 3, 4);
	enable(f, CTX_M(1), 3);
	wr(f, ctx_reg(CTX_M(1), PLIC_CONTEXT_THRESHOLD), 4);
	assert_int_equal(rd(f, ctx_reg(CTX_M(1), PLIC_CONTEXT_THRESHOLD)), 4);
	plic_set_irq(&f->plic, 3, true);
	/* Priority must exceed the threshold strictly. */
	assert_false(line(f, 1, IRQ_M_EXT));
	assert_int_equal(claim(f, CTX_M(1)), 0);
	wr(f, ctx_reg(CTX_M(1), PLIC_CONTEXT_THRESHOLD), 3);
	assert_true(line(f, 1, IRQ_M_EXT));
	assert_int_equal(claim(f, CTX_M(1)), 3);
	/* Priority 0 never interrupts, whatever the threshold. */
	set_priority(f, 4, 0);
	enable(f, CTX_M(1), 4);
	wr(f, ctx_reg(CTX_M(1), PLIC_CONTEXT_THRESHOLD), 0);
	plic_set_irq(&f->plic, 4, true);
	assert_false(line(f, 1, IRQ_M_EXT));
}

static void test_enables_select_context(void **state)
{
	struct fixture *f = *state;

	set_priority(f, 10, 1);
	enable(f, CTX_M(1), 10);
	plic_set_irq(&f->plic, 10, true);
	assert_true(line(f, 1, IRQ_M_EXT));
	assert_false(line(f, 1, IRQ_S_EXT));
	assert_false(line(f, 0, IRQ_M_EXT));
	assert_false(line(f, 0, IRQ_S_EXT));
	/* Not enabled for hart 0's S context: nothing to claim there. */
	assert_int_equal(claim(f, CTX_S(0)), 0);
	/* Disabling withdraws the line without a claim. */
	wr(f, PLIC_ENABLE + CTX_M(1) * PLIC_ENABLE_STRIDE, 0);
	assert_false(line(f, 1, IRQ_M_EXT));
	/* Source 0 does not exist: its enable bit stays clear. */
	wr(f, PLIC_ENABLE + CTX_S(1) * PLIC_ENABLE_STRIDE, ~0u);
	assert_int_equal(rd(f, PLIC_ENABLE + CTX_S(1) * PLIC_ENABLE_STRIDE), ~1u);
	assert_true(line(f, 1, IRQ_S_EXT));
	/* Contexts past the last hart read as zero. */
	assert_int_equal(rd(f, ctx_reg(2 * HARTS, PLIC_CONTEXT_CLAIM)), 0);
}

static void test_claim_complete_level(void **state)
{
	struct fixture *f = *state;

	set_priority(f, 10, 1);
	enable(f, CTX_S(0), 10);
	plic_set_irq(&f->plic, 10, true);
	assert_int_equal(claim(f, CTX_S(0)), 10);
	/* In flight: not pending, no line, even though the device still asserts it. */
	assert_false(line(f, 0, IRQ_S_EXT));
	assert_int_equal(claim(f, CTX_S(0)), 0);
	/* A completion for a source not enabled in the context is ignored. */
	complete(f, CTX_M(0), 10);
	assert_false(line(f, 0, IRQ_S_EXT));
	/* Completed while the line is still high: pending again. */
	complete(f, CTX_S(0), 10);
	assert_true(line(f, 0, IRQ_S_EXT));
	assert_int_equal(claim(f, CTX_S(0)), 10);
	plic_set_irq(&f->plic, 10, false);
	complete(f, CTX_S(0), 10);
	assert_false(line(f, 0, IRQ_S_EXT));
	/* A line that drops before the claim withdraws its request. */
	plic_set_irq(&f->plic, 10, true);
	assert_true(line(f, 0, IRQ_S_EXT));
	plic_set_irq(&f->plic, 10, false);
	assert_false(line(f, 0, IRQ_S_EXT));
	assert_int_equal(claim(f, CTX_S(0)), 0);
	/* Out-of-range sources are ignored. */
	plic_set_irq(&f->plic, 0, true);
	plic_set_irq(&f->plic, PLIC_NUM_SOURCES, true);
	assert_int_equal(rd(f, PLIC_PENDING), 0);
}

static void test_bad_access(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	assert_int_equal(plic_ops.read(&f->plic, 2, 4, &v), -EFAULT);
	assert_int_equal(plic_ops.read(&f->plic, 0, 1, &v), -EFAULT);
	assert_int_equal(plic_ops.write(&f->plic, 4, 8, 1), -EFAULT);
	assert_int_equal(plic_init(&f->plic, f->harts, PLIC_MAX_HARTS + 1), -EINVAL);
}

static uint8_t uart_rd(struct uart16550 *u, unsigned reg)
{
	uint64_t v;

	assert_int_equal(uart16550_ops.read(u, reg, 1, &v), 0);
	return (uint8_t)v;
}

static void uart_wr(struct uart16550 *u, unsigned reg, uint8_t v)
{
	assert_int_equal(uart16550_ops.write(u, reg, 1, v), 0);
}

static void test_uart_interrupts(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct uart16550 u;

	uart16550_init(&u, out);
	uart16550_connect_irq(&u, &f->plic, 10, 1);
	set_priority(f, 10, 1);
	enable(f, CTX_S(0), 10);
	uart_wr(&u, 2, 0x01); /* FIFO on: IIR shows 0xc0 */
	assert_int_equal(uart_rd(&u, 2), 0xc1);
	/* Received data: LSR.DR, and with IER.RDI the line and IIR = RDI. */
	assert_int_equal(uart16550_receive(&u, (const uint8_t *)"ab", 2), 2);
	assert_int_equal(uart_rd(&u, 5) & 1, 1);
	assert_false(line(f, 0, IRQ_S_EXT));
	uart_wr(&u, 1, 0x01);
	assert_true(line(f, 0, IRQ_S_EXT));
	assert_int_equal(uart_rd(&u, 2), 0xc4);
	assert_int_equal(uart_rd(&u, 0), 'a');
	assert_int_equal(uart_rd(&u, 0), 'b');
	assert_int_equal(uart_rd(&u, 5) & 1, 0);
	assert_int_equal(uart_rd(&u, 2), 0xc1);
	assert_false(line(f, 0, IRQ_S_EXT));
	/* THRE: enabling THRI raises it; reading IIR acknowledges; a write re-arms. */
	uart_wr(&u, 1, 0x03);
	assert_true(line(f, 0, IRQ_S_EXT));
	assert_int_equal(uart_rd(&u, 2), 0xc2);
	assert_int_equal(uart_rd(&u, 2), 0xc1);
	assert_false(line(f, 0, IRQ_S_EXT));
	uart_wr(&u, 0, 'x');
	assert_int_equal(uart_rd(&u, 2), 0xc2);
	/* Received data outranks THRE. */
	uart_wr(&u, 0, 'y');
	uart16550_receive(&u, (const uint8_t *)"z", 1);
	assert_int_equal(uart_rd(&u, 2), 0xc4);
	assert_int_equal(uart_rd(&u, 0), 'z');
	assert_int_equal(uart_rd(&u, 2), 0xc2);
	/* Loopback, as Linux's probe does it: MCR outputs come back in MSR, TX to RX. */
	uart_wr(&u, 1, 0);
	uart_wr(&u, 4, 0x1a);
	assert_int_equal(uart_rd(&u, 6) & 0xf0, 0x90);
	uart_wr(&u, 0, 'L');
	assert_int_equal(uart_rd(&u, 0), 'L');
	uart_wr(&u, 4, 0);
	assert_int_equal(uart_rd(&u, 6) & 0xf0, 0xb0);
	uart16550_ops.fini(&u);
	fclose(out);
	assert_string_equal(text, "xy");
	free(text);
}

static void test_rtc_time_and_alarm(void **state)
{
	struct fixture *f = *state;
	struct goldfish_rtc rtc;
	struct timespec ts;
	uint64_t lo, hi, now, alarm;

	goldfish_rtc_init(&rtc, &f->plic, 11, 1);
	set_priority(f, 11, 1);
	enable(f, CTX_S(1), 11);
	assert_int_equal(goldfish_rtc_ops.read(&rtc, 0x00, 4, &lo), 0);
	assert_int_equal(goldfish_rtc_ops.read(&rtc, 0x04, 4, &hi), 0);
	now = hi << 32 | lo;
	clock_gettime(CLOCK_REALTIME, &ts);
	alarm = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	assert_true(now <= alarm && alarm - now < 1000000000ull);
	/* Set the clock an hour back: reads follow. */
	now -= 3600ull * 1000000000ull;
	goldfish_rtc_ops.write(&rtc, 0x04, 4, now >> 32);
	goldfish_rtc_ops.write(&rtc, 0x00, 4, (uint32_t)now);
	goldfish_rtc_ops.read(&rtc, 0x00, 4, &lo);
	goldfish_rtc_ops.read(&rtc, 0x04, 4, &hi);
	assert_true((hi << 32 | lo) - now < 1000000000ull);
	/* An alarm 20 ms ahead fires from the alarm thread. */
	alarm = (hi << 32 | lo) + 20000000ull;
	goldfish_rtc_ops.write(&rtc, 0x10, 4, 1);
	goldfish_rtc_ops.write(&rtc, 0x0c, 4, alarm >> 32);
	goldfish_rtc_ops.write(&rtc, 0x08, 4, (uint32_t)alarm);
	goldfish_rtc_ops.read(&rtc, 0x18, 4, &lo);
	assert_int_equal(lo, 1);
	assert_false(line(f, 1, IRQ_S_EXT));
	for (int i = 0; i < 100 && !line(f, 1, IRQ_S_EXT); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	assert_true(line(f, 1, IRQ_S_EXT));
	goldfish_rtc_ops.read(&rtc, 0x18, 4, &lo);
	assert_int_equal(lo, 0);
	assert_int_equal(claim(f, CTX_S(1)), 11);
	goldfish_rtc_ops.write(&rtc, 0x1c, 4, 1);
	complete(f, CTX_S(1), 11);
	assert_false(line(f, 1, IRQ_S_EXT));
	goldfish_rtc_ops.fini(&rtc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_priority_order_and_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enables_select_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_complete_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uart_interrupts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtc_time_and_alarm, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
