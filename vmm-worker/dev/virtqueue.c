/*
 * virtqueue.c - split virtqueue processing for every virtio device.
 */
#include <errno.h>
#include <string.h>

#include "virtqueue.h"

/* Offsets inside the driver (avail) and device (used) areas. */
#define VIRTQ_AVAIL_FLAGS 0
#define VIRTQ_AVAIL_IDX 2
#define VIRTQ_AVAIL_RING 4
#define VIRTQ_USED_IDX 2
#define VIRTQ_USED_RING 4
#define VIRTQ_USED_ELEM_SIZE 8

struct virtqueue_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

void virtqueue_reset(struct virtqueue *vq, const struct bus *bus)
{
	*vq = (struct virtqueue){ .bus = bus };
}

int virtqueue_enable(struct virtqueue *vq, const char **why)
{
	uint64_t num = vq->num;

	if (!num || num > VIRTQUEUE_MAX_SIZE || (num & (num - 1))) {
		*why = "queue size is not a power of two up to QueueNumMax";
		return -EINVAL;
	}
	/* Alignments of section 2.7: the rings are then read with aligned loads. */
	if ((vq->desc_addr & 15) || (vq->avail_addr & 1) || (vq->used_addr & 3)) {
		*why = "ring address misaligned";
		return -EINVAL;
	}
	vq->desc = bus_ram_ptr(vq->bus, vq->desc_addr, num * VIRTQ_DESC_SIZE, false);
	/* The trailing used_event/avail_event words are included though unused. */
	vq->avail = bus_ram_ptr(vq->bus, vq->avail_addr, VIRTQ_AVAIL_RING + 2 * num + 2, false);
	vq->used = bus_ram_ptr(vq->bus, vq->used_addr,
			       VIRTQ_USED_RING + VIRTQ_USED_ELEM_SIZE * num + 2, true);
	if (!vq->desc || !vq->avail || !vq->used) {
		*why = "ring outside guest RAM";
		return -EINVAL;
	}
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->ready = true;
	return 0;
}

static uint16_t virtqueue_load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

/* Descriptors are copied once: the guest may change them behind our back. */
static void virtqueue_read_desc(const uint8_t *table, uint16_t index, struct virtqueue_desc *d)
{
	memcpy(d, table + (uint64_t)index * VIRTQ_DESC_SIZE, sizeof(*d));
}

static int virtqueue_walk(struct virtqueue *vq, uint16_t head, struct virtqueue_elem *elem,
			  const char **why)
{
	const uint8_t *table = vq->desc;
	unsigned table_size = vq->num, steps = 0;
	bool in_indirect = false;
	uint16_t index = head;
	struct virtqueue_desc d;

	for (;;) {
		unsigned count = elem->out_count + elem->in_count;
		bool write;
		void *p;

		/* A chain visits each descriptor of its table at most once. */
		if (++steps > table_size) {
			*why = "descriptor chain loops";
			return -EPROTO;
		}
		virtqueue_read_desc(table, index, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect) {
				*why = "indirect descriptor not negotiated";
				return -EPROTO;
			}
			if (in_indirect || count || (d.flags & VIRTQ_DESC_F_NEXT)) {
				*why = "indirect descriptor nested, chained or not at the head";
				return -EPROTO;
			}
			if (!d.len || d.len % VIRTQ_DESC_SIZE ||
			    d.len / VIRTQ_DESC_SIZE > VIRTQUEUE_MAX_SEGS) {
				*why = "indirect table length invalid";
				return -EPROTO;
			}
			table = bus_ram_ptr(vq->bus, d.addr, d.len, false);
			if (!table) {
				*why = "indirect table outside guest RAM";
				return -EPROTO;
			}
			table_size = d.len / VIRTQ_DESC_SIZE;
			in_indirect = true;
			steps = 0;
			index = 0;
			continue;
		}
		if (count == VIRTQUEUE_MAX_SEGS) {
			*why = "descriptor chain too long";
			return -EPROTO;
		}
		write = d.flags & VIRTQ_DESC_F_WRITE;
		if (!write && elem->in_count) {
			*why = "device-readable buffer after a device-writable one";
			return -EPROTO;
		}
		p = bus_ram_ptr(vq->bus, d.addr, d.len, write);
		if (!p) {
			*why = "buffer outside guest RAM";
			return -EPROTO;
		}
		elem->iov[count] = (struct iovec){ .iov_base = p, .iov_len = d.len };
		/* the device will write here: translated code in it must go */
		if (write && vq->bus->device_write)
			vq->bus->device_write(vq->bus, d.addr, d.len);
		if (write) {
			elem->in_count++;
			elem->in_len += d.len;
		} else {
			elem->out_count++;
			elem->out_len += d.len;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		index = d.next;
		if (index >= table_size) {
			*why = "descriptor index out of range";
			return -EPROTO;
		}
	}
}

int virtqueue_pop(struct virtqueue *vq, struct virtqueue_elem *elem, const char **why)
{
	uint16_t avail_idx, head;
	int ret;

	if (!vq->ready)
		return 0;
	/* Acquire: the ring entry and descriptors are read after the index. */
	avail_idx = __atomic_load_n((uint16_t *)(vq->avail + VIRTQ_AVAIL_IDX), __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		*why = "avail idx moved by more than the queue size";
		return -EPROTO;
	}
	head = virtqueue_load16(vq->avail + VIRTQ_AVAIL_RING +
				2 * (uint64_t)(vq->last_avail & (vq->num - 1)));
	if (head >= vq->num) {
		*why = "avail ring head out of range";
		return -EPROTO;
	}
	elem->head = head;
	elem->out_count = elem->in_count = 0;
	elem->out_len = elem->in_len = 0;
	ret = virtqueue_walk(vq, head, elem, why);
	if (ret)
		return ret;
	vq->last_avail++;
	return 1;
}

void virtqueue_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	uint8_t *slot = vq->used + VIRTQ_USED_RING +
			VIRTQ_USED_ELEM_SIZE * (uint64_t)(vq->used_idx & (vq->num - 1));
	uint32_t id = head;

	memcpy(slot, &id, 4);
	memcpy(slot + 4, &len, 4);
	vq->used_idx++;
	/* Release: the driver that sees the new idx sees the element. */
	__atomic_store_n((uint16_t *)(vq->used + VIRTQ_USED_IDX), vq->used_idx, __ATOMIC_RELEASE);
}

bool virtqueue_wants_interrupt(const struct virtqueue *vq)
{
	/*
	 * The used idx store must be globally visible before the flags are
	 * read, or a driver that re-enables interrupts and then checks the
	 * used ring could miss both the entry and the interrupt.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(virtqueue_load16(vq->avail + VIRTQ_AVAIL_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

uint64_t virtqueue_elem_write(struct virtqueue_elem *elem, uint64_t offset, const void *src,
			      uint64_t len)
{
	const uint8_t *from = src;
	uint64_t done = 0;

	for (unsigned i = elem->out_count; i < elem->out_count + elem->in_count && done < len;
	     i++) {
		uint64_t n = elem->iov[i].iov_len;

		if (offset >= n) {
			offset -= n;
			continue;
		}
		n -= offset;
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)elem->iov[i].iov_base + offset, from + done, n);
		done += n;
		offset = 0;
	}
	return done;
}

uint64_t virtqueue_elem_read(const struct virtqueue_elem *elem, uint64_t offset, void *dst,
			     uint64_t len)
{
	uint8_t *to = dst;
	uint64_t done = 0;

	for (unsigned i = 0; i < elem->out_count && done < len; i++) {
		uint64_t n = elem->iov[i].iov_len;

		if (offset >= n) {
			offset -= n;
			continue;
		}
		n -= offset;
		if (n > len - done)
			n = len - done;
		memcpy(to + done, (const uint8_t *)elem->iov[i].iov_base + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}
