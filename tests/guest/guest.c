/*
 * Bare-metal runtime for the picolibc test guests: C start-up, stdio on the 16550 UART,
 * exit through HTIF tohost and the SiFive test finisher (the same on QEMU virt and
 * vmm-worker), and a trap handler that reports and fails.
 */
#include <picolibc.h>
#include <picotls.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

#define GUEST_UART_BASE 0x10000000UL
#define GUEST_UART_LSR_THRE 0x20
#define GUEST_FINISHER_BASE 0x100000UL
#define GUEST_FINISHER_PASS 0x5555
#define GUEST_FINISHER_FAIL 0x3333

void guest_cstart(void);
void guest_trap(uint64_t cause, uint64_t epc, uint64_t tval);
int main(void);

/* Written by _exit; vmm-worker watches it, QEMU ignores it and uses the finisher. */
volatile uint64_t tohost __attribute__((section(".data"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".data"), aligned(64)));

extern char __data_start[], __data_source[], __data_size[];
extern char __bss_start[], __bss_size[];
extern char __tls_base[];
extern void __libc_init_array(void);

int guest_failures;

static void guest_uart_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)GUEST_UART_BASE;

	while (!(uart[5] & GUEST_UART_LSR_THRE))
		;
	uart[0] = (uint8_t)c;
}

static int guest_stdio_put(char c, FILE *file)
{
	(void)file;
	guest_uart_putc(c);
	return (unsigned char)c;
}

static FILE guest_stdio = FDEV_SETUP_STREAM(guest_stdio_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &guest_stdio;
FILE *const stderr = &guest_stdio;
FILE *const stdin = &guest_stdio;

/* picolibc's exit() ends here: report the status to both kinds of machine. */
void _exit(int status)
{
	volatile uint32_t *finisher = (volatile uint32_t *)GUEST_FINISHER_BASE;
	uint32_t code = (uint32_t)status & 0xffff;

	tohost = ((uint64_t)code << 1) | 1;
	if (code)
		*finisher = (code << 16) | GUEST_FINISHER_FAIL;
	else
		*finisher = GUEST_FINISHER_PASS;
	for (;;)
		__asm__ volatile("wfi");
}

/* Called by start.S on hart 0: lay out memory as picolibc expects, then run main. */
void guest_cstart(void)
{
	memcpy(__data_start, __data_source, (uintptr_t)__data_size);
	memset(__bss_start, 0, (uintptr_t)__bss_size);
	_set_tls(__tls_base);
	__libc_init_array();
	exit(main());
}

/* Called by start.S for any trap: the guests take none, so this is a failure. */
void guest_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
	printf("TRAP mcause=%#llx mepc=%#llx mtval=%#llx\n", (unsigned long long)cause,
	       (unsigned long long)epc, (unsigned long long)tval);
	_exit(3);
}

int guest_finish(const char *name)
{
	if (guest_failures) {
		printf("%s: %d checks FAILED\n", name, guest_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}
