/*
 * test_virtqueue.c - split virtqueue parsing against well-formed and
 * hostile rings, and the virtio-mmio transport (with virtio-rng) turning
 * a broken ring into DEVICE_NEEDS_RESET.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dev/virtio_rng.h"
#include "virtio_fixture.h"

struct vq_fixture {
	struct fixture f;
	struct virtqueue vq;
	struct virtqueue_elem elem;
};

static int vq_setup(void **state)
{
	struct vq_fixture *t = calloc(1, sizeof(*t));
	const char *why = NULL;

	fix_ram_init(&t->f);
	t->f.num = 8;
	virtqueue_reset(&t->vq, &t->f.bus);
	t->vq.num = 8;
	t->vq.desc_addr = FIX_DESC;
	t->vq.avail_addr = FIX_AVAIL;
	t->vq.used_addr = FIX_USED;
	t->vq.indirect = true;
	if (virtqueue_enable(&t->vq, &why))
		return -1;
	*state = t;
	return 0;
}

static int vq_teardown(void **state)
{
	struct vq_fixture *t = *state;

	fix_ram_fini(&t->f);
	free(t);
	return 0;
}

/* Pop one chain and expect a protocol error. */
static void expect_broken(struct vq_fixture *t)
{
	const char *why = NULL;

	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), -EPROTO);
	assert_non_null(why);
}

static void test_well_formed_chain(void **state)
{
	struct vq_fixture *t = *state;
	const char *why = NULL;
	uint32_t id, len;

	fix_desc(&t->f, 3, FIX_BUF, 16, VIRTQ_DESC_F_NEXT, 5);
	fix_desc(&t->f, 5, FIX_BUF + 0x100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 6);
	fix_desc(&t->f, 6, FIX_BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 0);
	fix_avail_add(&t->f, 3);
	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 1);
	assert_int_equal(t->elem.head, 3);
	assert_int_equal(t->elem.out_count, 1);
	assert_int_equal(t->elem.in_count, 2);
	assert_int_equal(t->elem.out_len, 16);
	assert_int_equal(t->elem.in_len, 513);
	assert_ptr_equal(t->elem.iov[1].iov_base, fix_ptr(&t->f, FIX_BUF + 0x100));
	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 0);

	virtqueue_push(&t->vq, 3, 513);
	assert_int_equal(fix_used_idx(&t->f), 1);
	fix_used_elem(&t->f, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 513);
}

static void test_elem_copy_across_buffers(void **state)
{
	struct vq_fixture *t = *state;
	const char *why = NULL;
	uint8_t out[6], pattern[6] = { 1, 2, 3, 4, 5, 6 };

	memcpy(fix_ptr(&t->f, FIX_BUF), pattern, 3);
	memcpy(fix_ptr(&t->f, FIX_BUF + 0x100), pattern + 3, 3);
	fix_desc(&t->f, 0, FIX_BUF, 3, VIRTQ_DESC_F_NEXT, 1);
	fix_desc(&t->f, 1, FIX_BUF + 0x100, 3, VIRTQ_DESC_F_NEXT, 2);
	fix_desc(&t->f, 2, FIX_BUF + 0x200, 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	fix_desc(&t->f, 3, FIX_BUF + 0x300, 2, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, 0);
	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 1);
	assert_int_equal(virtqueue_elem_read(&t->elem, 1, out, sizeof(out)), 5);
	assert_memory_equal(out, pattern + 1, 5);
	assert_int_equal(virtqueue_elem_write(&t->elem, 1, pattern, 6), 3);
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, FIX_BUF + 0x201), 1);
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, FIX_BUF + 0x300), 2);
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, FIX_BUF + 0x301), 3);
}

static void test_index_wraps_16_bits(void **state)
{
	struct vq_fixture *t = *state;
	const char *why = NULL;

	fix_desc(&t->f, 1, FIX_BUF, 8, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned i = 0; i < 70000; i++) {
		fix_avail_add(&t->f, 1);
		assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 1);
		virtqueue_push(&t->vq, t->elem.head, 8);
	}
	assert_int_equal(fix_used_idx(&t->f), (uint16_t)70000);
}

static void test_loop(void **state)
{
	struct vq_fixture *t = *state;

	fix_desc(&t->f, 0, FIX_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	fix_desc(&t->f, 1, FIX_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
}

static void test_self_loop(void **state)
{
	struct vq_fixture *t = *state;

	fix_desc(&t->f, 2, FIX_BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	fix_avail_add(&t->f, 2);
	expect_broken(t);
}

static void test_next_out_of_range(void **state)
{
	struct vq_fixture *t = *state;

	fix_desc(&t->f, 0, FIX_BUF, 8, VIRTQ_DESC_F_NEXT, 8);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
}

static void test_head_out_of_range(void **state)
{
	struct vq_fixture *t = *state;

	fix_avail_add(&t->f, 0xffff);
	expect_broken(t);
}

static void test_avail_idx_jump(void **state)
{
	struct vq_fixture *t = *state;

	fix_desc(&t->f, 0, FIX_BUF, 8, 0, 0);
	__atomic_store_n((uint16_t *)fix_ptr(&t->f, FIX_AVAIL + 2), 9, __ATOMIC_RELEASE);
	expect_broken(t);
}

static void test_buffer_outside_ram(void **state)
{
	struct vq_fixture *t = *state;
	static const struct {
		uint64_t addr;
		uint32_t len;
	} bad[] = {
		{ 0x1000, 16 },				 /* below RAM */
		{ FIX_RAM_BASE + FIX_RAM_SIZE - 8, 16 }, /* straddles the end */
		{ FIX_RAM_BASE + FIX_RAM_SIZE, 1 },	 /* just past the end */
		{ 0xfffffffffffffff0ull, 0x20 },	 /* wraps around */
		{ FIX_RAM_BASE - 1, 2 },		 /* straddles the start */
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t->vq.last_avail = t->f.avail_idx;
		fix_desc(&t->f, 0, bad[i].addr, bad[i].len, VIRTQ_DESC_F_WRITE, 0);
		fix_avail_add(&t->f, 0);
		expect_broken(t);
	}
}

static void test_readable_after_writable(void **state)
{
	struct vq_fixture *t = *state;

	fix_desc(&t->f, 0, FIX_BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	fix_desc(&t->f, 1, FIX_BUF + 8, 8, 0, 0);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
}

static void test_chain_too_long(void **state)
{
	struct vq_fixture *t = *state;
	const char *why = NULL;

	/* A queue of 256 whose one chain has more buffers than VIRTQUEUE_MAX_SEGS. */
	t->vq.ready = false;
	t->vq.num = t->f.num = 256;
	assert_int_equal(virtqueue_enable(&t->vq, &why), 0);
	for (unsigned i = 0; i < VIRTQUEUE_MAX_SEGS; i++)
		fix_desc(&t->f, i, FIX_BUF + i, 1, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
	fix_desc(&t->f, VIRTQUEUE_MAX_SEGS - 1, FIX_BUF, 1, 0, 0);
	fix_avail_add(&t->f, 0);
	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 1);
	assert_int_equal(t->elem.out_count, VIRTQUEUE_MAX_SEGS);
	/* One more buffer is one too many. */
	fix_desc(&t->f, VIRTQUEUE_MAX_SEGS - 1, FIX_BUF, 1, VIRTQ_DESC_F_NEXT, 200);
	fix_desc(&t->f, 200, FIX_BUF, 1, 0, 0);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
}

static void test_indirect_well_formed(void **state)
{
	struct vq_fixture *t = *state;
	const char *why = NULL;

	fix_desc_at(&t->f, FIX_INDIRECT, 0, FIX_BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	fix_desc_at(&t->f, FIX_INDIRECT, 2, FIX_BUF + 0x100, 4096,
		    VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	fix_desc_at(&t->f, FIX_INDIRECT, 1, FIX_BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
	fix_desc(&t->f, 4, FIX_INDIRECT, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	fix_avail_add(&t->f, 4);
	assert_int_equal(virtqueue_pop(&t->vq, &t->elem, &why), 1);
	assert_int_equal(t->elem.head, 4);
	assert_int_equal(t->elem.out_count, 1);
	assert_int_equal(t->elem.in_count, 2);
	assert_int_equal(t->elem.in_len, 4097);
}

static void test_indirect_malformed(void **state)
{
	struct vq_fixture *t = *state;
	const struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags;
	} bad[] = {
		{ FIX_INDIRECT, 0, VIRTQ_DESC_F_INDIRECT },  /* empty */
		{ FIX_INDIRECT, 24, VIRTQ_DESC_F_INDIRECT }, /* not 16*n */
		{ FIX_INDIRECT, 16 * (VIRTQUEUE_MAX_SEGS + 1), VIRTQ_DESC_F_INDIRECT },
		{ FIX_RAM_BASE + FIX_RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT }, /* outside */
		{ FIX_INDIRECT, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT }, /* chained */
	};

	fix_desc_at(&t->f, FIX_INDIRECT, 0, FIX_BUF, 16, 0, 0);
	fix_desc_at(&t->f, FIX_INDIRECT, 1, FIX_BUF, 16, 0, 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t->vq.last_avail = t->f.avail_idx;
		fix_desc(&t->f, 0, bad[i].addr, bad[i].len, bad[i].flags, 1);
		fix_desc(&t->f, 1, FIX_BUF, 8, 0, 0);
		fix_avail_add(&t->f, 0);
		expect_broken(t);
	}
}

static void test_indirect_nested_and_looping(void **state)
{
	struct vq_fixture *t = *state;

	/* An indirect table that points at an indirect table. */
	fix_desc_at(&t->f, FIX_INDIRECT, 0, FIX_INDIRECT, 32, VIRTQ_DESC_F_INDIRECT, 0);
	fix_desc(&t->f, 0, FIX_INDIRECT, 32, VIRTQ_DESC_F_INDIRECT, 0);
	fix_avail_add(&t->f, 0);
	expect_broken(t);

	/* A loop inside the table, and a next index past its end. */
	t->vq.last_avail = t->f.avail_idx;
	fix_desc_at(&t->f, FIX_INDIRECT, 0, FIX_BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	fix_desc_at(&t->f, FIX_INDIRECT, 1, FIX_BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
	t->vq.last_avail = t->f.avail_idx;
	fix_desc_at(&t->f, FIX_INDIRECT, 1, FIX_BUF, 8, VIRTQ_DESC_F_NEXT, 2);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
}

static void test_indirect_not_negotiated(void **state)
{
	struct vq_fixture *t = *state;

	t->vq.indirect = false;
	fix_desc_at(&t->f, FIX_INDIRECT, 0, FIX_BUF, 8, 0, 0);
	fix_desc(&t->f, 0, FIX_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fix_avail_add(&t->f, 0);
	expect_broken(t);
}

static void test_enable_rejects_bad_rings(void **state)
{
	struct vq_fixture *t = *state;
	const struct {
		uint16_t num;
		uint64_t desc, avail, used;
	} bad[] = {
		{ 0, FIX_DESC, FIX_AVAIL, FIX_USED },
		{ 6, FIX_DESC, FIX_AVAIL, FIX_USED },
		{ 512, FIX_DESC, FIX_AVAIL, FIX_USED },
		{ 8, FIX_DESC + 8, FIX_AVAIL, FIX_USED },
		{ 8, FIX_DESC, FIX_AVAIL + 1, FIX_USED },
		{ 8, FIX_DESC, FIX_AVAIL, FIX_USED + 2 },
		{ 8, 0x1000, FIX_AVAIL, FIX_USED },
		{ 8, FIX_DESC, FIX_RAM_BASE + FIX_RAM_SIZE - 8, FIX_USED },
		{ 8, FIX_DESC, FIX_AVAIL, FIX_RAM_BASE + FIX_RAM_SIZE - 16 },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		virtqueue_reset(&t->vq, &t->f.bus);
		t->vq.num = bad[i].num;
		t->vq.desc_addr = bad[i].desc;
		t->vq.avail_addr = bad[i].avail;
		t->vq.used_addr = bad[i].used;
		assert_int_equal(virtqueue_enable(&t->vq, &why), -EINVAL);
		assert_non_null(why);
		assert_false(t->vq.ready);
	}
}

/* The transport, through virtio-rng. */

struct rng_fixture {
	struct fixture f;
	struct virtio_rng *rng;
	struct virtio_mmio *vm;
};

static int rng_setup(void **state)
{
	struct rng_fixture *t = calloc(1, sizeof(*t));

	fix_ram_init(&t->f);
	t->f.num = 8;
	t->rng = virtio_rng_create(&t->f.bus);
	if (!t->rng)
		return -1;
	t->vm = virtio_rng_mmio(t->rng);
	virtio_mmio_wire(t->vm, 0x10001000, 1, fix_set_irq, &t->f);
	*state = t;
	return 0;
}

static int rng_teardown(void **state)
{
	struct rng_fixture *t = *state;

	virtio_mmio_ops.fini(t->vm);
	fix_ram_fini(&t->f);
	free(t);
	return 0;
}

static const uint64_t rng_features =
	(1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_INDIRECT_DESC);

static void test_mmio_identity(void **state)
{
	struct rng_fixture *t = *state;
	uint64_t v;

	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_ENTROPY);
	fix_reg_write(t->vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_DEVICE_FEATURES), 1);
	fix_reg_write(t->vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << VIRTIO_F_INDIRECT_DESC);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQUEUE_MAX_SIZE);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* Registers are 32-bit only. */
	assert_int_equal(virtio_mmio_ops.read(t->vm, VIRTIO_MMIO_MAGIC_VALUE, 2, &v), -EFAULT);
	assert_int_equal(virtio_mmio_ops.write(t->vm, VIRTIO_MMIO_STATUS, 1, 1), -EFAULT);
}

static void test_mmio_features_ok_needs_version_1(void **state)
{
	struct rng_fixture *t = *state;

	/* A legacy driver (no VERSION_1) and a driver taking unoffered bits both fail. */
	assert_false(fix_driver_init(&t->f, t->vm, 1ull << VIRTIO_F_INDIRECT_DESC) &
		     VIRTIO_STATUS_FEATURES_OK);
	assert_false(fix_driver_init(&t->f, t->vm, rng_features | 1) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(fix_driver_init(&t->f, t->vm, rng_features),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void test_rng_fills_buffer(void **state)
{
	struct rng_fixture *t = *state;
	uint8_t zero[256] = { 0 };
	uint32_t id, len;

	assert_true(fix_driver_init(&t->f, t->vm, rng_features) & VIRTIO_STATUS_DRIVER_OK);
	fix_desc(&t->f, 2, FIX_BUF, 128, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	fix_desc(&t->f, 3, FIX_BUF + 128, 128, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, 2);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fix_used_idx(&t->f), 1);
	fix_used_elem(&t->f, 0, &id, &len);
	assert_int_equal(id, 2);
	assert_int_equal(len, 256);
	assert_memory_not_equal(fix_ptr(&t->f, FIX_BUF), zero, 128);
	assert_memory_not_equal(fix_ptr(&t->f, FIX_BUF + 128), zero, 128);
	assert_true(t->f.irq_level);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	fix_reg_write(t->vm, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
	assert_false(t->f.irq_level);
}

static void test_notify_before_driver_ok_is_ignored(void **state)
{
	struct rng_fixture *t = *state;

	fix_driver_init(&t->f, t->vm, rng_features);
	fix_reg_write(t->vm, VIRTIO_MMIO_STATUS,
		      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	fix_desc(&t->f, 0, FIX_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fix_used_idx(&t->f), 0);
}

/* Put the rng into needs-reset with `break_ring`, check the state, then recover. */
static void check_needs_reset(struct rng_fixture *t)
{
	unsigned raises = t->f.irq_raises;

	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
	assert_true(t->f.irq_level);
	assert_int_equal(t->f.irq_raises, raises + 1);
	assert_int_equal(fix_used_idx(&t->f), 0);

	/* Stopped: a good chain now is not processed, and the driver cannot clear the bit. */
	fix_desc(&t->f, 7, FIX_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, 7);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fix_used_idx(&t->f), 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_STATUS, 0xf);
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);

	/* A reset brings it back. */
	assert_true(fix_driver_init(&t->f, t->vm, rng_features) & VIRTIO_STATUS_DRIVER_OK);
	assert_false(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(t->f.irq_level);
	fix_desc(&t->f, 7, FIX_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, 7);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fix_used_idx(&t->f), 1);
}

static void test_rng_loop_needs_reset(void **state)
{
	struct rng_fixture *t = *state;

	fix_driver_init(&t->f, t->vm, rng_features);
	fix_desc(&t->f, 0, FIX_BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	fix_desc(&t->f, 1, FIX_BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	fix_avail_add(&t->f, 0);
	check_needs_reset(t);
}

static void test_rng_outside_ram_needs_reset(void **state)
{
	struct rng_fixture *t = *state;

	fix_driver_init(&t->f, t->vm, rng_features);
	fix_desc(&t->f, 0, FIX_RAM_BASE + FIX_RAM_SIZE - 4, 8, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, 0);
	check_needs_reset(t);
}

static void test_rng_wrong_direction_needs_reset(void **state)
{
	struct rng_fixture *t = *state;

	fix_driver_init(&t->f, t->vm, rng_features);
	fix_desc(&t->f, 0, FIX_BUF, 8, 0, 0);
	fix_avail_add(&t->f, 0);
	check_needs_reset(t);
}

static void test_rng_avail_jump_needs_reset(void **state)
{
	struct rng_fixture *t = *state;

	fix_driver_init(&t->f, t->vm, rng_features);
	__atomic_store_n((uint16_t *)fix_ptr(&t->f, FIX_AVAIL + 2), 100, __ATOMIC_RELEASE);
	t->f.avail_idx = 100;
	check_needs_reset(t);
}

static void test_queue_outside_ram_needs_reset(void **state)
{
	struct rng_fixture *t = *state;

	fix_driver_init(&t->f, t->vm, rng_features);
	fix_reg_write(t->vm, VIRTIO_MMIO_STATUS, 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_SEL, 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NUM, 8);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_false(fix_reg_read(t->vm, VIRTIO_MMIO_QUEUE_READY));
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(t->f.irq_level);
}

static void test_fdt_node(void **state)
{
	struct rng_fixture *t = *state;
	static uint8_t blob[4096];
	const fdt32_t *cell;
	const fdt64_t *reg;
	int soc, plic, node, len;

	assert_int_equal(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	soc = fdt_add_subnode(blob, 0, "soc");
	assert_true(soc >= 0);
	plic = fdt_add_subnode(blob, soc, "plic@c000000");
	assert_true(plic >= 0);
	assert_int_equal(fdt_setprop_string(blob, plic, "compatible", "riscv,plic0"), 0);
	assert_int_equal(fdt_setprop_u32(blob, plic, "phandle", 7), 0);

	assert_int_equal(virtio_mmio_ops.fdt_node(t->vm, blob, 0x10001000, 0x1000), 0);
	node = fdt_path_offset(blob, "/soc/virtio_mmio@10001000");
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(blob, node, "virtio,mmio"), 0);
	reg = fdt_getprop(blob, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_to_cpu(reg[0]), 0x10001000);
	assert_int_equal(fdt64_to_cpu(reg[1]), 0x1000);
	cell = fdt_getprop(blob, node, "interrupts", &len);
	assert_int_equal(fdt32_to_cpu(*cell), 1);
	cell = fdt_getprop(blob, node, "interrupt-parent", &len);
	assert_int_equal(fdt32_to_cpu(*cell), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_well_formed_chain, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_elem_copy_across_buffers, vq_setup,
						vq_teardown),
		cmocka_unit_test_setup_teardown(test_index_wraps_16_bits, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_loop, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_self_loop, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_next_out_of_range, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_head_out_of_range, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_avail_idx_jump, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_buffer_outside_ram, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_readable_after_writable, vq_setup,
						vq_teardown),
		cmocka_unit_test_setup_teardown(test_chain_too_long, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_indirect_well_formed, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_indirect_malformed, vq_setup, vq_teardown),
		cmocka_unit_test_setup_teardown(test_indirect_nested_and_looping, vq_setup,
						vq_teardown),
		cmocka_unit_test_setup_teardown(test_indirect_not_negotiated, vq_setup,
						vq_teardown),
		cmocka_unit_test_setup_teardown(test_enable_rejects_bad_rings, vq_setup,
						vq_teardown),
		cmocka_unit_test_setup_teardown(test_mmio_identity, rng_setup, rng_teardown),
		cmocka_unit_test_setup_teardown(test_mmio_features_ok_needs_version_1, rng_setup,
						rng_teardown),
		cmocka_unit_test_setup_teardown(test_rng_fills_buffer, rng_setup, rng_teardown),
		cmocka_unit_test_setup_teardown(test_notify_before_driver_ok_is_ignored, rng_setup,
						rng_teardown),
		cmocka_unit_test_setup_teardown(test_rng_loop_needs_reset, rng_setup, rng_teardown),
		cmocka_unit_test_setup_teardown(test_rng_outside_ram_needs_reset, rng_setup,
						rng_teardown),
		cmocka_unit_test_setup_teardown(test_rng_wrong_direction_needs_reset, rng_setup,
						rng_teardown),
		cmocka_unit_test_setup_teardown(test_rng_avail_jump_needs_reset, rng_setup,
						rng_teardown),
		cmocka_unit_test_setup_teardown(test_queue_outside_ram_needs_reset, rng_setup,
						rng_teardown),
		cmocka_unit_test_setup_teardown(test_fdt_node, rng_setup, rng_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
