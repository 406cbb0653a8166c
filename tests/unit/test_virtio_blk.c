/*
 * test_virtio_blk.c - virtio-blk against a temporary image file, driven
 * through the MMIO transport like the Linux driver does, with the real
 * io_uring and I/O thread completing the requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dev/virtio_blk.h"
#include "virtio_fixture.h"

#define IMG_SECTORS 2048 /* 1 MiB */
#define SLOTS 64
#define QUEUE_SIZE 256
#define HDR(slot) (FIX_BUF + 32ull * (slot))
#define STATUS(slot) (FIX_BUF + 0x8000 + (slot))
#define DATA(slot) (FIX_RAM_BASE + 0x20000 + 0x2000ull * (slot))

struct blk_fixture {
	struct fixture f;
	char path[4096];
	int fd; /* the test's own view of the image */
	struct virtio_blk *blk;
	struct virtio_mmio *vm;
	uint64_t features;
};

static const uint64_t blk_wanted = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_INDIRECT_DESC) |
				   (1ull << VIRTIO_BLK_F_SEG_MAX) |
				   (1ull << VIRTIO_BLK_F_SIZE_MAX) |
				   (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH) |
				   (1ull << VIRTIO_BLK_F_DISCARD) |
				   (1ull << VIRTIO_BLK_F_WRITE_ZEROES) | (1ull << VIRTIO_BLK_F_RO);

static int blk_open(void **state, bool readonly)
{
	struct blk_fixture *t = calloc(1, sizeof(*t));
	const char *dir = getenv("TMPDIR");
	uint8_t sector[512];
	char err[256];
	uint64_t offered;

	fix_ram_init(&t->f);
	t->f.num = QUEUE_SIZE;
	snprintf(t->path, sizeof(t->path), "%s/test_virtio_blk.XXXXXX", dir ? dir : "/tmp");
	t->fd = mkstemp(t->path);
	if (t->fd < 0)
		return -1;
	/* Every sector starts out as its own number, so misplaced I/O shows. */
	for (unsigned s = 0; s < IMG_SECTORS; s++) {
		memset(sector, (uint8_t)s, sizeof(sector));
		if (pwrite(t->fd, sector, sizeof(sector), (off_t)s * 512) != sizeof(sector))
			return -1;
	}
	if (virtio_blk_create(&t->f.bus, t->path, readonly, &t->blk, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	t->vm = virtio_blk_mmio(t->blk);
	virtio_mmio_wire(t->vm, 0x10001000, 1, fix_set_irq, &t->f);
	fix_reg_write(t->vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = fix_reg_read(t->vm, VIRTIO_MMIO_DEVICE_FEATURES);
	fix_reg_write(t->vm, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)fix_reg_read(t->vm, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	t->features = offered & blk_wanted;
	if (!(fix_driver_init(&t->f, t->vm, t->features) & VIRTIO_STATUS_DRIVER_OK))
		return -1;
	*state = t;
	return 0;
}

static int blk_setup(void **state)
{
	return blk_open(state, false);
}

static int blk_setup_ro(void **state)
{
	return blk_open(state, true);
}

static int blk_teardown(void **state)
{
	struct blk_fixture *t = *state;

	virtio_mmio_ops.fini(t->vm);
	close(t->fd);
	unlink(t->path);
	fix_ram_fini(&t->f);
	free(t);
	return 0;
}

/*
 * Build request `slot` as Linux does (header, data, status: three
 * descriptors) and make it available. `data_len` 0 leaves data out.
 */
static void blk_queue(struct blk_fixture *t, unsigned slot, uint32_t type, uint64_t sector,
		      uint32_t data_len, bool data_writable)
{
	struct virtio_blk_req_header hdr = { .type = type, .sector = sector };
	uint16_t d = (uint16_t)(3 * slot);

	memcpy(fix_ptr(&t->f, HDR(slot)), &hdr, sizeof(hdr));
	*(uint8_t *)fix_ptr(&t->f, STATUS(slot)) = 0xee;
	fix_desc(&t->f, d, HDR(slot), sizeof(hdr), VIRTQ_DESC_F_NEXT, data_len ? d + 1 : d + 2);
	if (data_len)
		fix_desc(&t->f, d + 1, DATA(slot), data_len,
			 VIRTQ_DESC_F_NEXT | (data_writable ? VIRTQ_DESC_F_WRITE : 0), d + 2);
	fix_desc(&t->f, d + 2, STATUS(slot), 1, VIRTQ_DESC_F_WRITE, 0);
	fix_avail_add(&t->f, d);
}

/* Queue one request, notify, wait for it; returns its status, *used_len its length. */
static int blk_run(struct blk_fixture *t, uint32_t type, uint64_t sector, uint32_t data_len,
		   bool data_writable, uint32_t *used_len)
{
	uint16_t before = fix_used_idx(&t->f);
	uint32_t id, len;

	blk_queue(t, 0, type, sector, data_len, data_writable);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (!fix_wait_used(&t->f, (uint16_t)(before + 1)))
		return -ETIMEDOUT;
	fix_used_elem(&t->f, before, &id, &len);
	if (id != 0)
		return -EPROTO;
	if (used_len)
		*used_len = len;
	fix_reg_write(t->vm, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
	return *(uint8_t *)fix_ptr(&t->f, STATUS(0));
}

static void read_image(struct blk_fixture *t, uint64_t sector, void *buf, size_t len)
{
	assert_int_equal(pread(t->fd, buf, len, (off_t)sector * 512), (ssize_t)len);
}

static void test_config_space(void **state)
{
	struct blk_fixture *t = *state;
	struct virtio_blk_config c;

	for (unsigned off = 0; off < sizeof(c); off += 4) {
		uint64_t v = 0;

		assert_int_equal(virtio_mmio_ops.read(t->vm, VIRTIO_MMIO_CONFIG + off, 4, &v), 0);
		memcpy((uint8_t *)&c + off, &v, 4);
	}
	assert_int_equal(c.capacity, IMG_SECTORS);
	assert_int_equal(c.blk_size, 512);
	assert_int_equal(c.seg_max, VIRTIO_BLK_SEG_MAX);
	assert_int_equal(c.max_discard_seg, 1);
	assert_int_equal(c.max_write_zeroes_seg, 1);
	assert_int_equal(c.write_zeroes_may_unmap, 1);
	assert_true(t->features & (1ull << VIRTIO_BLK_F_DISCARD));
	assert_false(t->features & (1ull << VIRTIO_BLK_F_RO));
}

static void test_write_then_read(void **state)
{
	struct blk_fixture *t = *state;
	uint8_t pattern[1024], back[1024];
	uint32_t len;

	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	memcpy(fix_ptr(&t->f, DATA(0)), pattern, sizeof(pattern));
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_OUT, 100, 1024, false, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 1);
	read_image(t, 100, back, sizeof(back));
	assert_memory_equal(back, pattern, sizeof(pattern));
	read_image(t, 102, back, 512);
	assert_int_equal(back[0], 102);

	memset(fix_ptr(&t->f, DATA(0)), 0, sizeof(pattern));
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_IN, 100, 1024, true, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 1025);
	assert_memory_equal(fix_ptr(&t->f, DATA(0)), pattern, sizeof(pattern));
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_IN, IMG_SECTORS - 1, 512, true, &len),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, DATA(0)), (uint8_t)(IMG_SECTORS - 1));
}

static void test_out_of_range(void **state)
{
	struct blk_fixture *t = *state;
	uint8_t back[512];

	assert_int_equal(blk_run(t, VIRTIO_BLK_T_IN, IMG_SECTORS - 1, 1024, true, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_IN, IMG_SECTORS, 512, true, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_OUT, UINT64_MAX / 512, 512, false, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_OUT, UINT64_MAX, 512, false, NULL),
			 VIRTIO_BLK_S_IOERR);
	/* Not a whole number of sectors. */
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_OUT, 5, 100, false, NULL), VIRTIO_BLK_S_IOERR);
	read_image(t, 5, back, sizeof(back));
	assert_int_equal(back[0], 5);
}

static void test_flush_get_id_unsupported(void **state)
{
	struct blk_fixture *t = *state;
	const char *name = strrchr(t->path, '/') + 1;
	uint32_t len;

	assert_int_equal(blk_run(t, VIRTIO_BLK_T_FLUSH, 0, 0, false, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES, true, &len),
			 VIRTIO_BLK_S_OK);
	/* The file name, cut to the 20 bytes of a virtio-blk serial. */
	assert_true(strlen(name) > VIRTIO_BLK_ID_BYTES);
	assert_int_equal(len, VIRTIO_BLK_ID_BYTES + 1);
	assert_memory_equal(fix_ptr(&t->f, DATA(0)), name, VIRTIO_BLK_ID_BYTES);
	assert_int_equal(blk_run(t, 99, 0, 0, false, NULL), VIRTIO_BLK_S_UNSUPP);
}

static int blk_range(struct blk_fixture *t, uint32_t type, uint64_t sector, uint32_t count,
		     uint32_t flags)
{
	struct virtio_blk_discard_segment seg = { sector, count, flags };

	memcpy(fix_ptr(&t->f, DATA(0)), &seg, sizeof(seg));
	return blk_run(t, type, 0, sizeof(seg), false, NULL);
}

static void test_discard_and_write_zeroes(void **state)
{
	struct blk_fixture *t = *state;
	uint8_t zero[4096] = { 0 }, back[4096];

	assert_int_equal(blk_range(t, VIRTIO_BLK_T_WRITE_ZEROES, 16, 8, 0), VIRTIO_BLK_S_OK);
	read_image(t, 16, back, sizeof(back));
	assert_memory_equal(back, zero, sizeof(zero));
	read_image(t, 24, back, 512);
	assert_int_equal(back[0], 24);

	assert_int_equal(
		blk_range(t, VIRTIO_BLK_T_WRITE_ZEROES, 32, 8, VIRTIO_BLK_WRITE_ZEROES_F_UNMAP),
		VIRTIO_BLK_S_OK);
	read_image(t, 32, back, sizeof(back));
	assert_memory_equal(back, zero, sizeof(zero));

	assert_int_equal(blk_range(t, VIRTIO_BLK_T_DISCARD, 64, 8, 0), VIRTIO_BLK_S_OK);
	read_image(t, 72, back, 512);
	assert_int_equal(back[0], 72);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);

	/* Past the end, unknown flags. */
	assert_int_equal(blk_range(t, VIRTIO_BLK_T_DISCARD, IMG_SECTORS - 4, 8, 0),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_range(t, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0x80), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk_range(t, VIRTIO_BLK_T_DISCARD, 0, 8, VIRTIO_BLK_WRITE_ZEROES_F_UNMAP),
			 VIRTIO_BLK_S_UNSUPP);
}

static void test_readonly(void **state)
{
	struct blk_fixture *t = *state;
	uint8_t back[512];

	assert_true(t->features & (1ull << VIRTIO_BLK_F_RO));
	assert_false(t->features & (1ull << VIRTIO_BLK_F_DISCARD));
	memset(fix_ptr(&t->f, DATA(0)), 0x5a, 512);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_OUT, 7, 512, false, NULL), VIRTIO_BLK_S_IOERR);
	read_image(t, 7, back, sizeof(back));
	assert_int_equal(back[0], 7);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_IN, 7, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, DATA(0)), 7);
	/* Not negotiated on a read-only disk. */
	assert_int_equal(blk_range(t, VIRTIO_BLK_T_DISCARD, 0, 8, 0), VIRTIO_BLK_S_UNSUPP);
}

static void test_wrong_direction_needs_reset(void **state)
{
	struct blk_fixture *t = *state;

	/* A read whose data buffer the device may not write. */
	blk_queue(t, 0, VIRTIO_BLK_T_IN, 0, 512, false);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(fix_used_idx(&t->f), 0);

	/* After a reset: a write whose data the device would have to write. */
	fix_driver_init(&t->f, t->vm, t->features);
	blk_queue(t, 0, VIRTIO_BLK_T_OUT, 0, 512, true);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);

	/* A chain with no writable status byte. */
	fix_driver_init(&t->f, t->vm, t->features);
	fix_desc(&t->f, 0, HDR(0), 16, 0, 0);
	fix_avail_add(&t->f, 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

/*
 * Many requests in one notification: the vCPU thread (this one) only
 * submits; the completions and the interrupt come from the I/O thread.
 */
static void test_async_batch(void **state)
{
	struct blk_fixture *t = *state;
	uint8_t back[4096];

	for (unsigned s = 0; s < SLOTS; s++) {
		memset(fix_ptr(&t->f, DATA(s)), 0xa0 + (int)(s & 15), 4096);
		blk_queue(t, s, VIRTIO_BLK_T_OUT, 8ull * s, 4096, false);
	}
	t->f.irq_raises = 0;
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(fix_wait_used(&t->f, SLOTS));
	assert_true(t->f.irq_raises >= 1);
	assert_false(pthread_equal(t->f.irq_thread, pthread_self()));
	for (unsigned i = 0; i < SLOTS; i++) {
		uint32_t id, len;

		fix_used_elem(&t->f, (uint16_t)i, &id, &len);
		assert_int_equal(id % 3, 0);
		assert_int_equal(len, 1);
		assert_int_equal(*(uint8_t *)fix_ptr(&t->f, STATUS(id / 3)), VIRTIO_BLK_S_OK);
	}
	for (unsigned s = 0; s < SLOTS; s++) {
		read_image(t, 8ull * s, back, sizeof(back));
		assert_int_equal(back[0], 0xa0 + (s & 15));
		assert_int_equal(back[4095], 0xa0 + (s & 15));
	}
}

/* A reset with reads in flight returns only once they are done. */
static void test_reset_waits_for_io(void **state)
{
	struct blk_fixture *t = *state;

	for (unsigned s = 0; s < SLOTS; s++)
		blk_queue(t, s, VIRTIO_BLK_T_IN, 8ull * s, 4096, true);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(fix_reg_read(t->vm, VIRTIO_MMIO_STATUS), 0);
	virtio_blk_drain(t->blk);
	/* The device works again after the driver's bring-up. */
	assert_true(fix_driver_init(&t->f, t->vm, t->features) & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(blk_run(t, VIRTIO_BLK_T_IN, 9, 512, true, NULL), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, DATA(0)), 9);
}

/* The Linux layout with indirect descriptors and a header that shares a buffer. */
static void test_indirect_write(void **state)
{
	struct blk_fixture *t = *state;
	struct virtio_blk_req_header hdr = { .type = VIRTIO_BLK_T_OUT, .sector = 40 };
	uint8_t *buf = fix_ptr(&t->f, DATA(1));
	uint8_t back[1024];

	/* Header and first data sector in one buffer, second sector in another. */
	memcpy(buf, &hdr, sizeof(hdr));
	memset(buf + sizeof(hdr), 0x11, 512);
	memset(fix_ptr(&t->f, DATA(2)), 0x22, 512);
	fix_desc_at(&t->f, FIX_INDIRECT, 0, DATA(1), sizeof(hdr) + 512, VIRTQ_DESC_F_NEXT, 1);
	fix_desc_at(&t->f, FIX_INDIRECT, 1, DATA(2), 512, VIRTQ_DESC_F_NEXT, 2);
	fix_desc_at(&t->f, FIX_INDIRECT, 2, STATUS(0), 1, VIRTQ_DESC_F_WRITE, 0);
	fix_desc(&t->f, 0, FIX_INDIRECT, 48, VIRTQ_DESC_F_INDIRECT, 0);
	fix_avail_add(&t->f, 0);
	fix_reg_write(t->vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(fix_wait_used(&t->f, 1));
	assert_int_equal(*(uint8_t *)fix_ptr(&t->f, STATUS(0)), VIRTIO_BLK_S_OK);
	read_image(t, 40, back, sizeof(back));
	assert_int_equal(back[0], 0x11);
	assert_int_equal(back[511], 0x11);
	assert_int_equal(back[512], 0x22);
	assert_int_equal(back[1023], 0x22);
}

static void test_second_writer_refused(void **state)
{
	struct blk_fixture *t = *state;
	struct virtio_blk *other;
	char err[256];

	assert_int_equal(virtio_blk_create(&t->f.bus, t->path, false, &other, err, sizeof(err)),
			 -EWOULDBLOCK);
	assert_non_null(strstr(err, "in use"));
	assert_int_equal(
		virtio_blk_create(&t->f.bus, "/nonexistent/img", false, &other, err, sizeof(err)),
		-ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_space, blk_setup, blk_teardown),
		cmocka_unit_test_setup_teardown(test_write_then_read, blk_setup, blk_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, blk_setup, blk_teardown),
		cmocka_unit_test_setup_teardown(test_flush_get_id_unsupported, blk_setup,
						blk_teardown),
		cmocka_unit_test_setup_teardown(test_discard_and_write_zeroes, blk_setup,
						blk_teardown),
		cmocka_unit_test_setup_teardown(test_readonly, blk_setup_ro, blk_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_direction_needs_reset, blk_setup,
						blk_teardown),
		cmocka_unit_test_setup_teardown(test_async_batch, blk_setup, blk_teardown),
		cmocka_unit_test_setup_teardown(test_reset_waits_for_io, blk_setup, blk_teardown),
		cmocka_unit_test_setup_teardown(test_indirect_write, blk_setup, blk_teardown),
		cmocka_unit_test_setup_teardown(test_second_writer_refused, blk_setup,
						blk_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
