/*
 * virtqueue.h - split virtqueues (virtio 1.2 section 2.7), device side.
 *
 * The rings live in guest RAM, which the guest may rewrite at any moment:
 * every field is read once into host memory, every buffer is checked to
 * lie wholly in guest RAM before a host pointer to it is handed out, and a
 * malformed ring is reported (never acted on) so the transport can put the
 * device into the "needs reset" state.
 *
 * A virtqueue has no lock of its own: the owning device serialises
 * virtqueue_pop() and virtqueue_push() calls.
 */
#ifndef VMM_DEV_VIRTQUEUE_H
#define VMM_DEV_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "machine/bus.h"

/* Largest queue a device offers (QueueNumMax). */
#define VIRTQUEUE_MAX_SIZE 256
/* Most buffers in one descriptor chain, indirect table included. */
#define VIRTQUEUE_MAX_SEGS 128

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTQ_DESC_SIZE 16

struct virtqueue {
	const struct bus *bus;
	/* Set by the driver through the transport while the queue is not ready. */
	uint64_t desc_addr, avail_addr, used_addr;
	uint16_t num;
	bool ready;
	bool indirect; /* VIRTIO_F_INDIRECT_DESC negotiated */

	/* Validated host views of the rings (set by virtqueue_enable). */
	uint8_t *desc, *avail, *used;
	uint16_t last_avail; /* next avail ring slot the device consumes */
	uint16_t used_idx;   /* the device's copy of used->idx */
};

/*
 * One descriptor chain: `out_count` device-readable buffers followed by
 * `in_count` device-writable ones, each a host pointer into guest RAM.
 */
struct virtqueue_elem {
	uint16_t head;
	unsigned out_count, in_count;
	uint64_t out_len, in_len;
	struct iovec iov[VIRTQUEUE_MAX_SEGS];
};

/* Forget all state; the queue is not ready. */
void virtqueue_reset(struct virtqueue *vq, const struct bus *bus);

/*
 * Check the driver's ring addresses and size (in RAM, aligned, size a
 * power of two up to VIRTQUEUE_MAX_SIZE) and mark the queue ready.
 * Returns 0, or -EINVAL with a reason in *why.
 */
int virtqueue_enable(struct virtqueue *vq, const char **why);

/*
 * Take the next available chain. Returns 1 with *elem filled, 0 when the
 * ring is empty, or -EPROTO with a reason in *why when the driver broke
 * the ring (index out of range, loop, buffer outside RAM, readable after
 * writable, chain too long, bad indirect table, avail idx jump).
 */
int virtqueue_pop(struct virtqueue *vq, struct virtqueue_elem *elem, const char **why);

/*
 * Return chain `head` to the driver with `len` bytes written by the
 * device. The used element is visible before the new used idx.
 */
void virtqueue_push(struct virtqueue *vq, uint16_t head, uint32_t len);

/* Whether the driver wants an interrupt for used buffers (avail flags). */
bool virtqueue_wants_interrupt(const struct virtqueue *vq);

/*
 * Copy up to `len` bytes into the chain's device-writable buffers, from
 * byte `offset` of that area on. Returns the number of bytes copied.
 */
uint64_t virtqueue_elem_write(struct virtqueue_elem *elem, uint64_t offset, const void *src,
			      uint64_t len);

/*
 * Copy up to `len` bytes out of the chain's device-readable buffers, from
 * byte `offset` of that area on. Returns the number of bytes copied.
 */
uint64_t virtqueue_elem_read(const struct virtqueue_elem *elem, uint64_t offset, void *dst,
			     uint64_t len);

#endif
