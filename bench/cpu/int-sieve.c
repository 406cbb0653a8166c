/*
 * int-sieve - integer loops with strided stores: a sieve of Eratosthenes over
 * odd numbers below 4M (a 2 MiB byte array, larger than L2), then Euclid's
 * gcd over pseudo-random pairs. Stresses: byte stores with large strides,
 * counting loops, and 64-bit division/remainder.
 */
#include "bench.h"

#define SIEVE_LIMIT (4u * 1024 * 1024)
#define SIEVE_PASSES BENCH_SCALED(30)
#define GCD_PAIRS BENCH_SCALED(700000)

static uint8_t sieve_composite[SIEVE_LIMIT / 2];

/* Mark odd composites below SIEVE_LIMIT; index i stands for 2i+1. */
static BENCH_NOINLINE uint64_t sieve_run(uint64_t *prime_sum)
{
	uint32_t i, j, n = SIEVE_LIMIT / 2;
	uint64_t count = 1, sum = 2;

	for (i = 0; i < n; i++)
		sieve_composite[i] = 0;
	for (i = 1; (2 * i + 1) * (2 * i + 1) < SIEVE_LIMIT; i++) {
		uint32_t p = 2 * i + 1;

		if (sieve_composite[i])
			continue;
		for (j = (p * p) / 2; j < n; j += p)
			sieve_composite[j] = 1;
	}
	for (i = 1; i < n; i++) {
		if (!sieve_composite[i]) {
			count++;
			sum += 2 * i + 1;
		}
	}
	*prime_sum = sum;
	return count;
}

static BENCH_NOINLINE uint64_t gcd_euclid(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

int main(void)
{
	uint64_t sum = 0, count = 0, prime_sum = 0, gcd_sum = 0, state = 7;
	int pass;
	uint32_t i;

	for (pass = 0; pass < SIEVE_PASSES; pass++) {
		count = sieve_run(&prime_sum);
		sum = bench_mix(sum, count);
		sum = bench_mix(sum, prime_sum);
	}
	for (i = 0; i < GCD_PAIRS; i++) {
		uint64_t a = bench_rand(&state) >> (i & 31);
		uint64_t b = bench_rand(&state) >> ((i >> 5) & 31);

		gcd_sum += gcd_euclid(a, b | 1);
	}
	sum = bench_mix(sum, gcd_sum);
	bench_print_result("primes", count);
	bench_print_result("prime_sum", prime_sum);
	bench_print_result("gcd_sum", gcd_sum);
	return bench_finish(sum);
}
