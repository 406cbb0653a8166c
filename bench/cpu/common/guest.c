/*
 * guest.c - the bare-metal side of the benchmark shim: a polled 16550 UART for
 * output, and an exit that works on both QEMU virt and vmm-worker by writing
 * HTIF tohost first and then the SiFive test finisher.
 */
#include "bench.h"

#define GUEST_UART_BASE 0x10000000ul
#define GUEST_UART_THR 0
#define GUEST_UART_LSR 5
#define GUEST_UART_LSR_THRE 0x20
#define GUEST_FINISHER_BASE 0x100000ul
#define GUEST_FINISHER_PASS 0x5555u
#define GUEST_FINISHER_FAIL 0x3333u

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

void bench_trap(uint64_t cause, uint64_t epc, uint64_t tval) __attribute__((noreturn));

void bench_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)GUEST_UART_BASE;

	while (!(uart[GUEST_UART_LSR] & GUEST_UART_LSR_THRE))
		;
	uart[GUEST_UART_THR] = (uint8_t)c;
}

void bench_exit(int status)
{
	volatile uint32_t *finisher = (volatile uint32_t *)GUEST_FINISHER_BASE;
	uint32_t code = (uint32_t)status & 0xffff;

	/*
	 * QEMU virt has no HTIF, so the tohost store is a plain RAM write there
	 * and the finisher ends the run; vmm-worker ends at whichever comes first.
	 */
	tohost = ((uint64_t)code << 1) | 1;
	*finisher = code ? (code << 16) | GUEST_FINISHER_FAIL : GUEST_FINISHER_PASS;
	for (;;)
		__asm__ volatile("wfi");
}

/* Called from start.S on any trap: the programs never expect one. */
void bench_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
	bench_print_result("trap mcause", cause);
	bench_print_result("trap mepc", epc);
	bench_print_result("trap mtval", tval);
	bench_exit(3);
}

/*
 * GCC may emit calls to these even in freestanding code (struct copies,
 * loop idioms), so the guest needs its own.
 */
void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}
