/*
 * fuzz_virtio_blk.c - libFuzzer target: virtio-blk queue processing with
 * arbitrary ring contents and guest memory.
 *
 * Input: a struct fuzz_header choosing the queue size, the ring addresses
 * and the negotiated features, then bytes copied to the start of a 64 KiB
 * guest RAM fenced by inaccessible pages. The device runs the Linux
 * driver's bring-up, gets notified, and every request is drained before
 * the next input. Whatever the input, the worker must not crash, hang or
 * touch memory outside guest RAM (ASan and the fences catch that).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/virtio_blk.h"
#include "../unit/virtio_fixture.h"

#define FUZZ_RAM_SIZE (64u << 10)
#define FUZZ_IMG_SECTORS 64

struct fuzz_header {
	uint8_t queue_order;			/* queue size 1 << (order % 10): 512 is refused */
	uint8_t flags;				/* FUZZ_F_* */
	uint16_t desc_off, avail_off, used_off; /* from the RAM base; may run past RAM */
	uint16_t notify_count;
} __attribute__((packed));

#define FUZZ_F_INDIRECT 1
#define FUZZ_F_NO_DISCARD 2

static struct fixture fuzz_ram;
static struct virtio_blk *fuzz_blk;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_init(void)
{
	char path[] = "/tmp/fuzz_virtio_blk.XXXXXX";
	char err[256];
	int fd;

	fix_ram_init(&fuzz_ram);
	/* Fence the rest of the fixture's mapping too: RAM ends at 64 KiB. */
	fuzz_ram.bus.ram_size = FUZZ_RAM_SIZE;
	if (mprotect(fuzz_ram.bus.ram + FUZZ_RAM_SIZE, FIX_RAM_SIZE - FUZZ_RAM_SIZE, PROT_NONE))
		abort();
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, FUZZ_IMG_SECTORS * VIRTIO_BLK_SECTOR_SIZE)) {
		perror("fuzz_virtio_blk: image");
		exit(1);
	}
	if (virtio_blk_create(&fuzz_ram.bus, path, false, &fuzz_blk, err, sizeof(err))) {
		fprintf(stderr, "fuzz_virtio_blk: %s\n", err);
		exit(1);
	}
	/* The device holds its own descriptor: the name is not needed any more. */
	unlink(path);
	close(fd);
	virtio_mmio_wire(virtio_blk_mmio(fuzz_blk), 0x10001000, 1, fix_set_irq, &fuzz_ram);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_mmio *vm;
	struct fuzz_header h;
	uint64_t features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_BLK_F_FLUSH) |
			    (1ull << VIRTIO_BLK_F_WRITE_ZEROES) | (1ull << VIRTIO_BLK_F_DISCARD);

	if (!fuzz_blk)
		fuzz_init();
	vm = virtio_blk_mmio(fuzz_blk);
	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	if (size > FUZZ_RAM_SIZE)
		size = FUZZ_RAM_SIZE;
	if (h.flags & FUZZ_F_INDIRECT)
		features |= 1ull << VIRTIO_F_INDIRECT_DESC;
	if (h.flags & FUZZ_F_NO_DISCARD)
		features &= ~(1ull << VIRTIO_BLK_F_DISCARD);

	/* Bring-up as fix_driver_init does, with the fuzzer's ring addresses. */
	fix_reg_write(vm, VIRTIO_MMIO_STATUS, 0);
	memset(fuzz_ram.bus.ram, 0, FUZZ_RAM_SIZE);
	memcpy(fuzz_ram.bus.ram, data, size);
	fix_reg_write(vm, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	fix_reg_write(vm, VIRTIO_MMIO_STATUS,
		      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_SEL, 0);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_NUM, 1u << (h.queue_order % 10));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(FIX_RAM_BASE + h.desc_off));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(FIX_RAM_BASE + h.avail_off));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(FIX_RAM_BASE + h.used_off));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_READY, 1);
	fix_reg_write(vm, VIRTIO_MMIO_STATUS,
		      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
			      VIRTIO_STATUS_DRIVER_OK);
	for (unsigned i = 0; i <= h.notify_count % 4; i++) {
		fix_reg_write(vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		virtio_blk_drain(fuzz_blk);
	}
	return 0;
}
