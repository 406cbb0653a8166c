/*
 * mem-chase - memory latency: follow a single random cycle through a 16 MiB
 * array of 32-bit "next" indices (a linked list laid out at random), far
 * larger than any cache level and spread over 4096 4 KiB pages. Every load
 * depends on the previous one. Stresses: load latency, cache and TLB misses,
 * and (in an emulator) the soft-TLB lookup on every guest load.
 */
#include "bench.h"

#define CHASE_ENTRIES (4u * 1024 * 1024)
#define CHASE_STEPS BENCH_SCALED(6u * 1024 * 1024)

static uint32_t chase_next[CHASE_ENTRIES];

/*
 * Sattolo's shuffle of the identity gives one cycle through every entry, so
 * the chase never falls into a short loop that fits in cache.
 */
static BENCH_NOINLINE void chase_build(uint64_t seed)
{
	uint32_t i, j, t;

	for (i = 0; i < CHASE_ENTRIES; i++)
		chase_next[i] = i;
	for (i = CHASE_ENTRIES - 1; i > 0; i--) {
		j = (uint32_t)(((bench_rand(&seed) >> 32) * i) >> 32);
		t = chase_next[i];
		chase_next[i] = chase_next[j];
		chase_next[j] = t;
	}
}

static BENCH_NOINLINE uint64_t chase_walk(uint32_t start, uint32_t steps, uint32_t *end)
{
	uint32_t i, p = start;
	uint64_t sum = 0;

	for (i = 0; i < steps; i++) {
		p = chase_next[p];
		sum += p;
	}
	*end = p;
	return sum;
}

int main(void)
{
	uint64_t sum = 0, walk;
	uint32_t end = 0;

	chase_build(0x1234);
	walk = chase_walk(0, CHASE_STEPS, &end);
	sum = bench_mix(sum, walk);
	sum = bench_mix(sum, end);
	bench_print_result("walk_sum", walk);
	bench_print_result("end", end);
	return bench_finish(sum);
}
