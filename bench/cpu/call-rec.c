/*
 * call-rec - deep and frequent recursion: naive Fibonacci, the Ackermann
 * function and Takeuchi's tak. Nearly every few instructions is a call or a
 * return, with return addresses spread over several call sites per function.
 * Stresses: call/return (a translator's return-address prediction), stack
 * loads/stores of saved registers, and recursion thousands of frames deep.
 */
#include "bench.h"

#define CALL_ROUNDS BENCH_SCALED(320)
#define CALL_FIB_N 25
#define CALL_ACK_N 6
#define CALL_TAK_X 18

static BENCH_NOINLINE uint64_t call_fib(uint32_t n)
{
	if (n < 2)
		return n;
	return call_fib(n - 1) + call_fib(n - 2);
}

/* Ackermann(m, n); m = 3 reaches a recursion depth of about 2^(n+3). */
static BENCH_NOINLINE uint64_t call_ackermann(uint64_t m, uint64_t n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return call_ackermann(m - 1, 1);
	return call_ackermann(m - 1, call_ackermann(m, n - 1));
}

static BENCH_NOINLINE int32_t call_tak(int32_t x, int32_t y, int32_t z)
{
	if (y >= x)
		return z;
	return call_tak(call_tak(x - 1, y, z), call_tak(y - 1, z, x), call_tak(z - 1, x, y));
}

int main(void)
{
	uint64_t sum = 0, fib = 0, ack = 0, tak = 0;
	uint32_t round;

	/* The round number perturbs the arguments so no call can be hoisted. */
	for (round = 0; round < CALL_ROUNDS; round++) {
		fib = call_fib(CALL_FIB_N - (round & 1));
		ack = call_ackermann(3, CALL_ACK_N - (round & 1));
		tak = (uint64_t)call_tak(CALL_TAK_X, 12 - (round & 1), 6);
		sum = bench_mix(sum, fib);
		sum = bench_mix(sum, ack);
		sum = bench_mix(sum, tak);
	}
	bench_print_result("fib", fib);
	bench_print_result("ackermann", ack);
	bench_print_result("tak", tak);
	return bench_finish(sum);
}
