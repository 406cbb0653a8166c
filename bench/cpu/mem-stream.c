/*
 * mem-stream - memory bandwidth: copy, scale, add and triad over three 8 MiB
 * arrays of 64-bit integers (24 MiB in all), in the spirit of the classic
 * STREAM kernels but in integers so every engine agrees bit for bit.
 * Stresses: sequential loads and stores, and in an emulator the per-access
 * soft-TLB cost on straight-line streaming code.
 */
#include "bench.h"

#define STREAM_WORDS (1024u * 1024)
#define STREAM_PASSES BENCH_SCALED(8)

static uint64_t stream_a[STREAM_WORDS], stream_b[STREAM_WORDS], stream_c[STREAM_WORDS];

static BENCH_NOINLINE void stream_copy(uint64_t *dst, const uint64_t *src)
{
	uint32_t i;

	for (i = 0; i < STREAM_WORDS; i++)
		dst[i] = src[i];
}

static BENCH_NOINLINE void stream_scale(uint64_t *dst, const uint64_t *src, uint64_t k)
{
	uint32_t i;

	for (i = 0; i < STREAM_WORDS; i++)
		dst[i] = k * src[i];
}

static BENCH_NOINLINE void stream_add(uint64_t *dst, const uint64_t *x, const uint64_t *y)
{
	uint32_t i;

	for (i = 0; i < STREAM_WORDS; i++)
		dst[i] = x[i] + y[i];
}

static BENCH_NOINLINE void stream_triad(uint64_t *dst, const uint64_t *x, const uint64_t *y,
					uint64_t k)
{
	uint32_t i;

	for (i = 0; i < STREAM_WORDS; i++)
		dst[i] = x[i] + k * y[i];
}

static BENCH_NOINLINE uint64_t stream_sum(const uint64_t *x)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < STREAM_WORDS; i++)
		sum += x[i] ^ i;
	return sum;
}

int main(void)
{
	uint64_t sum = 0, state = 99;
	uint32_t i;
	int pass;

	for (i = 0; i < STREAM_WORDS; i++) {
		stream_a[i] = bench_rand(&state);
		stream_b[i] = i;
	}
	for (pass = 0; pass < STREAM_PASSES; pass++) {
		stream_copy(stream_c, stream_a);
		stream_scale(stream_b, stream_c, 3);
		stream_add(stream_c, stream_a, stream_b);
		stream_triad(stream_a, stream_b, stream_c, 5);
		sum = bench_mix(sum, stream_sum(stream_a));
	}
	bench_print_result("a_sum", stream_sum(stream_a));
	bench_print_result("c_sum", stream_sum(stream_c));
	return bench_finish(sum);
}
