/*
 * virtio_blk.h - virtio block device (virtio 1.2 section 5.2) on a raw
 * image file, with host I/O through io_uring.
 *
 * The vCPU thread that notifies the queue only parses requests and
 * submits them; an I/O thread reaps the completions, writes the used ring
 * and raises the interrupt, so a slow disk never stalls a vCPU.
 */
#ifndef VMM_DEV_VIRTIO_BLK_H
#define VMM_DEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/bus.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_BLOCK 2

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_WRITE_ZEROES_F_UNMAP 1

/* Limits the device advertises in its configuration space. */
#define VIRTIO_BLK_SEG_MAX (VIRTQUEUE_MAX_SEGS - 2) /* header and status take two */
#define VIRTIO_BLK_SIZE_MAX (1u << 20)
#define VIRTIO_BLK_MAX_DISCARD_SECTORS (1u << 22)
#define VIRTIO_BLK_DISCARD_ALIGNMENT 8 /* sectors: 4 KiB */

/* Configuration space layout (section 5.2.4), little endian like the host. */
struct virtio_blk_config {
	uint64_t capacity;
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
	uint8_t physical_block_exp;
	uint8_t alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback;
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;
	uint8_t unused1[3];
	uint32_t max_secure_erase_sectors;
	uint32_t max_secure_erase_seg;
	uint32_t secure_erase_sector_alignment;
};

/* The request header the driver puts first in every chain. */
struct virtio_blk_req_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* One range of a discard or write-zeroes request. */
struct virtio_blk_discard_segment {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

struct virtio_blk;

/*
 * Open `path` (read-only if `readonly`, with an advisory lock so two
 * workers cannot share a writable image), start the I/O thread and build
 * the device for guest memory `bus`. Returns 0 with *out set, or -errno
 * with a one-line reason in errbuf.
 */
int virtio_blk_create(const struct bus *bus, const char *path, bool readonly,
		      struct virtio_blk **out, char *errbuf, size_t errlen);

/* The device's transport: wire it, then register &virtio_mmio_ops with it. */
struct virtio_mmio *virtio_blk_mmio(struct virtio_blk *blk);

/* Wait until no request is in flight on the host. */
void virtio_blk_drain(struct virtio_blk *blk);

/*
 * Stop the I/O thread and free the device. Called by the bus teardown
 * once registered; call it directly only if registration failed.
 */
void virtio_blk_destroy(struct virtio_blk *blk);

#endif
