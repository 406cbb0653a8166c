/*
 * call-ptr - many small non-inlined calls: a dispatch loop through a table of
 * 16 tiny functions chosen by the data, a call chain where each level calls
 * the next from two different sites, and a recursive tree walk that calls a
 * visitor through a function pointer at every node. Stresses: indirect calls,
 * returns to many distinct call sites (a translator's return-address array),
 * and short functions whose prologue/epilogue dominate.
 */
#include "bench.h"

#define PTR_DISPATCHES BENCH_SCALED(24000000)
#define PTR_CHAINS BENCH_SCALED(960000)
#define PTR_TREE_NODES 4096
#define PTR_TREE_WALKS BENCH_SCALED(2400)

typedef uint64_t (*ptr_op_fn)(uint64_t);

#define PTR_OP(name, expr) \
	static BENCH_NOINLINE uint64_t name(uint64_t x) \
	{ \
		return expr; \
	}

/* clang-format off */
PTR_OP(ptr_op_add, x + 0x1234567)
PTR_OP(ptr_op_sub, x - 0x89abcdef)
PTR_OP(ptr_op_xor, x ^ 0x5a5a5a5a5a5a5a5aull)
PTR_OP(ptr_op_mul, x * 0x2545f4914f6cdd1dull)
PTR_OP(ptr_op_rotl, (x << 13) | (x >> 51))
PTR_OP(ptr_op_rotr, (x >> 17) | (x << 47))
PTR_OP(ptr_op_not, ~x + 3)
PTR_OP(ptr_op_shift_mix, x ^ (x >> 31) ^ (x << 7))
PTR_OP(ptr_op_neg, -x ^ 0xff)
PTR_OP(ptr_op_swap, (x >> 32) | (x << 32))
PTR_OP(ptr_op_byte, x + ((x >> 8) & 0xff) * 0x0101010101010101ull)
PTR_OP(ptr_op_square, x * x + 1)
PTR_OP(ptr_op_div, x / 7 + x)
PTR_OP(ptr_op_popmix, x + (uint64_t)__builtin_popcountll(x) * 0x9e3779b9ull)
PTR_OP(ptr_op_cond, (x & 1) ? x * 3 + 1 : x >> 1)
PTR_OP(ptr_op_mulhi, x ^ (uint64_t)(((unsigned __int128)x * 0xd6e8feb86659fd93ull) >> 64))

static ptr_op_fn const ptr_ops[16] = {
	ptr_op_add, ptr_op_sub, ptr_op_xor, ptr_op_mul, ptr_op_rotl, ptr_op_rotr,
	ptr_op_not, ptr_op_shift_mix, ptr_op_neg, ptr_op_swap, ptr_op_byte, ptr_op_square,
	ptr_op_div, ptr_op_popmix, ptr_op_cond, ptr_op_mulhi,
};
/* clang-format on */

static BENCH_NOINLINE uint64_t ptr_dispatch(uint64_t x, uint32_t count)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		x = ptr_ops[(x >> 29) & 15](x) + i;
	return x;
}

/* Each level calls the next from two sites, so returns land in two places. */
static BENCH_NOINLINE uint64_t ptr_chain_4(uint64_t x)
{
	return x * 33 + 7;
}

static BENCH_NOINLINE uint64_t ptr_chain_3(uint64_t x)
{
	return ptr_chain_4(x) ^ ptr_chain_4(x >> 3);
}

static BENCH_NOINLINE uint64_t ptr_chain_2(uint64_t x)
{
	return ptr_chain_3(x + 1) + ptr_chain_3(x ^ 0x55);
}

static BENCH_NOINLINE uint64_t ptr_chain_1(uint64_t x)
{
	return ptr_chain_2(x) - ptr_chain_2(x << 1);
}

struct ptr_tree_node {
	uint32_t key;
	int32_t left, right;
};

static struct ptr_tree_node ptr_tree[PTR_TREE_NODES];

typedef void (*ptr_visit_fn)(const struct ptr_tree_node *node, uint64_t *acc);

static BENCH_NOINLINE void ptr_visit_sum(const struct ptr_tree_node *node, uint64_t *acc)
{
	*acc += node->key;
}

static BENCH_NOINLINE void ptr_visit_hash(const struct ptr_tree_node *node, uint64_t *acc)
{
	*acc = (*acc ^ node->key) * 0x100000001b3ull;
}

static BENCH_NOINLINE void ptr_tree_walk(int32_t index, ptr_visit_fn visit, uint64_t *acc)
{
	if (index < 0)
		return;
	ptr_tree_walk(ptr_tree[index].left, visit, acc);
	visit(&ptr_tree[index], acc);
	ptr_tree_walk(ptr_tree[index].right, visit, acc);
}

/* An unbalanced binary search tree from random keys: depth varies by branch. */
static void ptr_tree_build(uint64_t *state)
{
	int32_t i, at;

	for (i = 0; i < PTR_TREE_NODES; i++) {
		ptr_tree[i].key = (uint32_t)bench_rand(state);
		ptr_tree[i].left = ptr_tree[i].right = -1;
		if (i == 0)
			continue;
		at = 0;
		for (;;) {
			int32_t *child = ptr_tree[i].key < ptr_tree[at].key ? &ptr_tree[at].left
									    : &ptr_tree[at].right;

			if (*child < 0) {
				*child = i;
				break;
			}
			at = *child;
		}
	}
}

int main(void)
{
	uint64_t sum = 0, state = 77, dispatched, chained = 0, walked = 0;
	uint32_t i;

	dispatched = ptr_dispatch(1, PTR_DISPATCHES);
	for (i = 0; i < PTR_CHAINS; i++)
		chained += ptr_chain_1(chained + i);
	ptr_tree_build(&state);
	for (i = 0; i < PTR_TREE_WALKS; i++)
		ptr_tree_walk(0, i & 1 ? ptr_visit_hash : ptr_visit_sum, &walked);
	sum = bench_mix(sum, dispatched);
	sum = bench_mix(sum, chained);
	sum = bench_mix(sum, walked);
	bench_print_result("dispatch", dispatched);
	bench_print_result("chain", chained);
	bench_print_result("tree", walked);
	return bench_finish(sum);
}
