/*
 * br-sort - data-dependent branches: sort 128K pseudo-random 32-bit keys with
 * a hand-written quicksort (median of three, insertion sort below 16
 * elements), check the order, then binary-search random keys in the result.
 * Stresses: compare-and-branch on random data (mispredicted about half the
 * time), recursion, and scattered loads in the searches.
 */
#include "bench.h"

#define SORT_KEYS (128u * 1024)
#define SORT_ROUNDS BENCH_SCALED(15)
#define SORT_SEARCHES (256u * 1024)

static uint32_t sort_keys[SORT_KEYS];

static void sort_swap(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;

	*a = *b;
	*b = t;
}

static void sort_insertion(uint32_t *v, int64_t n)
{
	int64_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t key = v[i];

		for (j = i - 1; j >= 0 && v[j] > key; j--)
			v[j + 1] = v[j];
		v[j + 1] = key;
	}
}

static BENCH_NOINLINE void sort_quick(uint32_t *v, int64_t n)
{
	while (n > 16) {
		int64_t mid = n / 2, i = 0, j = n - 1;
		uint32_t pivot;

		if (v[mid] < v[0])
			sort_swap(&v[mid], &v[0]);
		if (v[n - 1] < v[0])
			sort_swap(&v[n - 1], &v[0]);
		if (v[n - 1] < v[mid])
			sort_swap(&v[n - 1], &v[mid]);
		pivot = v[mid];
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			sort_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		/* Recurse into the smaller side so the stack stays shallow. */
		if (j + 1 < n - j - 1) {
			sort_quick(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			sort_quick(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	sort_insertion(v, n);
}

/* Index of the first key >= @key, or SORT_KEYS. */
static BENCH_NOINLINE uint32_t sort_lower_bound(const uint32_t *v, uint32_t n, uint32_t key)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int main(void)
{
	uint64_t sum = 0, state = 2024, found = 0, positions = 0, disorder = 0;
	uint32_t i;
	int round;

	for (round = 0; round < SORT_ROUNDS; round++) {
		for (i = 0; i < SORT_KEYS; i++)
			sort_keys[i] = (uint32_t)bench_rand(&state) >> (round & 7);
		sort_quick(sort_keys, SORT_KEYS);
		for (i = 1; i < SORT_KEYS; i++)
			disorder += sort_keys[i - 1] > sort_keys[i];
		for (i = 0; i < SORT_SEARCHES; i++) {
			uint32_t key = i & 1 ? sort_keys[bench_rand(&state) % SORT_KEYS]
					     : (uint32_t)bench_rand(&state) >> (round & 7);
			uint32_t pos = sort_lower_bound(sort_keys, SORT_KEYS, key);

			positions += pos;
			found += pos < SORT_KEYS && sort_keys[pos] == key;
		}
		sum = bench_mix(sum, sort_keys[0]);
		sum = bench_mix(sum, sort_keys[SORT_KEYS / 2]);
		sum = bench_mix(sum, sort_keys[SORT_KEYS - 1]);
	}
	sum = bench_mix(sum, found);
	sum = bench_mix(sum, positions);
	sum = bench_mix(sum, disorder);
	bench_print_result("found", found);
	bench_print_result("positions", positions);
	bench_print_result("disorder", disorder);
	return bench_finish(sum);
}
