/*
 * malloc/free/realloc stress: a fixed pseudo-random sequence of allocations, each block
 * filled with a pattern derived from its slot and generation and verified before it is
 * freed or after it is resized.  Prints running checksums so any divergence in the
 * allocator's arithmetic shows up in the text compared with QEMU.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

#define STRESS_SLOTS 256
#define STRESS_ROUNDS 20000
#define STRESS_MAX_SIZE 6000

struct stress_block {
	uint8_t *data;
	size_t size;
	uint32_t tag;
};

static uint64_t stress_state = 0x243f6a8885a308d3ULL;

static uint32_t stress_random(void)
{
	/* xorshift64*: deterministic, so QEMU and the worker see the same sequence */
	stress_state ^= stress_state >> 12;
	stress_state ^= stress_state << 25;
	stress_state ^= stress_state >> 27;
	return (uint32_t)((stress_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint8_t stress_byte(uint32_t tag, size_t i)
{
	return (uint8_t)(tag * 31 + i * 7 + (i >> 8));
}

static void stress_fill(struct stress_block *b, size_t from)
{
	size_t i;

	for (i = from; i < b->size; i++)
		b->data[i] = stress_byte(b->tag, i);
}

static int stress_verify(const struct stress_block *b, size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (b->data[i] != stress_byte(b->tag, i))
			return 0;
	return 1;
}

static size_t stress_size(void)
{
	uint32_t r = stress_random();

	/* mostly small blocks, some large ones, a few zero-sized */
	switch (r & 7) {
	case 0:
		return 0;
	case 1:
	case 2:
		return (r >> 8) % STRESS_MAX_SIZE;
	default:
		return (r >> 8) % 96;
	}
}

int main(void)
{
	static struct stress_block slots[STRESS_SLOTS];
	uint64_t checksum = 0;
	uintptr_t lowest = UINTPTR_MAX, highest = 0;
	int round, live = 0, i;

	for (round = 0; round < STRESS_ROUNDS; round++) {
		uint32_t r = stress_random();
		struct stress_block *b = &slots[r % STRESS_SLOTS];
		uint32_t op = (r >> 16) % 3;

		if (b->data && op == 0) {
			CHECK(stress_verify(b, b->size));
			free(b->data);
			b->data = NULL;
			live--;
		} else if (b->data && op == 1) {
			size_t old = b->size, size = stress_size();
			uint8_t *p = realloc(b->data, size ? size : 1);

			CHECK(p != NULL);
			if (!p)
				continue;
			b->data = p;
			b->size = size;
			CHECK(stress_verify(b, old < size ? old : size));
			stress_fill(b, old < size ? old : size);
		} else if (!b->data) {
			b->size = stress_size();
			b->tag = r;
			b->data = (r >> 20) & 1 ? calloc(1, b->size ? b->size : 1)
						: malloc(b->size ? b->size : 1);
			CHECK(b->data != NULL);
			if (!b->data)
				continue;
			CHECK(((uintptr_t)b->data & 7) == 0);
			stress_fill(b, 0);
			live++;
		}
		if (b->data) {
			checksum = checksum * 1099511628211ULL + b->size + b->data[b->size / 2];
			if ((uintptr_t)b->data < lowest)
				lowest = (uintptr_t)b->data;
			if ((uintptr_t)b->data > highest)
				highest = (uintptr_t)b->data;
		}
		if (round % 1000 == 999)
			printf("round %5d live %3d checksum %016llx span %#lx\n", round + 1, live,
			       (unsigned long long)checksum, (unsigned long)(highest - lowest));
	}
	for (i = 0; i < STRESS_SLOTS; i++) {
		if (slots[i].data) {
			CHECK(stress_verify(&slots[i], slots[i].size));
			free(slots[i].data);
		}
	}
	/* After freeing everything, one large block must fit again. */
	{
		void *big = malloc(4 << 20);

		CHECK(big != NULL);
		if (big)
			memset(big, 0xa5, 4 << 20);
		free(big);
	}
	return guest_finish("malloc_stress");
}
