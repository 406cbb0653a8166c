/*
 * print.c - console output shared by the guest and host builds; only
 * bench_putc() differs between the two.
 */
#include "bench.h"

void bench_print_str(const char *s)
{
	while (*s)
		bench_putc(*s++);
}

/* Fixed-width hex so the runner (and a human) can compare lines textually. */
void bench_print_result(const char *label, uint64_t value)
{
	static const char digits[] = "0123456789abcdef";
	int shift;

	bench_print_str(label);
	bench_print_str(": 0x");
	for (shift = 60; shift >= 0; shift -= 4)
		bench_putc(digits[(value >> shift) & 0xf]);
	bench_putc('\n');
}

int bench_finish(uint64_t checksum)
{
	bench_print_result("checksum", checksum);
	return 0;
}
