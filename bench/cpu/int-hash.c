/*
 * int-hash - integer ALU throughput: table-driven CRC-32, FNV-1a and a
 * multiply/rotate mixer over a 64 KiB buffer that stays in cache, with the
 * buffer rewritten by an LCG between passes so no pass repeats the last one.
 * Stresses: shifts, xor, 64-bit multiply, byte loads, table lookups.
 */
#include "bench.h"

#define HASH_BUFFER_WORDS (64 * 1024 / 8)
#define HASH_PASSES BENCH_SCALED(2200)

static uint64_t hash_buffer[HASH_BUFFER_WORDS];
static uint32_t hash_crc_table[256];

static void hash_init_crc_table(void)
{
	uint32_t i, bit, crc;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
		hash_crc_table[i] = crc;
	}
}

static BENCH_NOINLINE uint32_t hash_crc32(const uint8_t *data, size_t len, uint32_t crc)
{
	size_t i;

	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = (crc >> 8) ^ hash_crc_table[(crc ^ data[i]) & 0xff];
	return ~crc;
}

static BENCH_NOINLINE uint64_t hash_fnv1a(const uint8_t *data, size_t len, uint64_t h)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= data[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static inline uint64_t hash_rotl(uint64_t v, unsigned r)
{
	return (v << r) | (v >> (64 - r));
}

/* A word-at-a-time mixer in the style of the common 64-bit finalizers. */
static BENCH_NOINLINE uint64_t hash_mix_words(const uint64_t *words, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t k = words[i] * 0x87c37b91114253d5ull;

		k = hash_rotl(k, 31) * 0x4cf5ad432745937full;
		h ^= k;
		h = hash_rotl(h, 27) * 5 + 0x52dce729;
	}
	h ^= h >> 33;
	return h * 0xc4ceb9fe1a85ec53ull;
}

/* Refill the buffer with an LCG seeded from the previous pass's hashes. */
static BENCH_NOINLINE void hash_refill(uint64_t seed)
{
	uint64_t x = seed | 1;
	size_t i;

	for (i = 0; i < HASH_BUFFER_WORDS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		hash_buffer[i] ^= x ^ (x >> 29);
	}
}

int main(void)
{
	const uint8_t *bytes = (const uint8_t *)hash_buffer;
	size_t len = sizeof(hash_buffer);
	uint64_t fnv = 0xcbf29ce484222325ull, mix = 0, sum = 0;
	uint32_t crc = 0;
	int pass;

	hash_init_crc_table();
	hash_refill(42);
	for (pass = 0; pass < HASH_PASSES; pass++) {
		crc = hash_crc32(bytes, len, crc);
		fnv = hash_fnv1a(bytes, len, fnv);
		mix = hash_mix_words(hash_buffer, HASH_BUFFER_WORDS, mix);
		sum = bench_mix(sum, crc ^ fnv ^ mix);
		hash_refill(sum);
	}
	bench_print_result("crc32", crc);
	bench_print_result("fnv1a", fnv);
	bench_print_result("mix", mix);
	return bench_finish(sum);
}
