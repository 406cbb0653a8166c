/*
 * host.c - the host side of the benchmark shim: console on stdout and exit
 * through exit(), so the same program runs natively for the "vs native" column.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

void bench_putc(char c)
{
	putchar(c);
}

void bench_exit(int status)
{
	exit(status);
}
