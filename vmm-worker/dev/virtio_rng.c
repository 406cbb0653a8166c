/*
 * virtio_rng.c - virtio entropy device: every device-writable buffer the
 * driver queues comes back filled by getrandom(). The work is done on the
 * notifying vCPU thread: the host pool never blocks once initialised.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/random.h>

#include "virtio_rng.h"

struct virtio_rng {
	struct virtio_mmio vm; /* first: the bus opaque is &rng->vm */
	struct virtqueue_elem elem;
};

static struct virtio_rng *virtio_rng_from_mmio(struct virtio_mmio *vm)
{
	return (struct virtio_rng *)((char *)vm - offsetof(struct virtio_rng, vm));
}

struct virtio_mmio *virtio_rng_mmio(struct virtio_rng *rng)
{
	return &rng->vm;
}

/* Fill one buffer; returns the bytes written (short only on a host error). */
static size_t virtio_rng_fill(uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static void virtio_rng_queue_notify(struct virtio_mmio *vm, unsigned queue)
{
	struct virtio_rng *rng = virtio_rng_from_mmio(vm);
	struct virtqueue *vq = &vm->queues[queue];
	struct virtqueue_elem *e = &rng->elem;
	bool pushed = false;
	const char *why = NULL;
	int ret;

	while ((ret = virtqueue_pop(vq, e, &why)) > 0) {
		uint64_t written = 0;

		if (e->out_count) {
			why = "device-readable buffer on the entropy queue";
			ret = -EPROTO;
			break;
		}
		for (unsigned i = 0; i < e->in_count; i++)
			written += virtio_rng_fill(e->iov[i].iov_base, e->iov[i].iov_len);
		virtqueue_push(vq, e->head, written > UINT32_MAX ? UINT32_MAX : (uint32_t)written);
		pushed = true;
	}
	if (ret < 0)
		virtio_mmio_set_needs_reset(vm, why);
	if (pushed)
		virtio_mmio_notify_used(vm, queue);
}

static void virtio_rng_fini(struct virtio_mmio *vm)
{
	virtio_rng_destroy(virtio_rng_from_mmio(vm));
}

static const struct virtio_device_ops virtio_rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_ENTROPY,
	.queue_count = 1,
	.features = 1ull << VIRTIO_F_INDIRECT_DESC,
	.queue_notify = virtio_rng_queue_notify,
	.fini = virtio_rng_fini,
};

struct virtio_rng *virtio_rng_create(const struct bus *bus)
{
	struct virtio_rng *rng = calloc(1, sizeof(*rng));

	if (!rng)
		return NULL;
	if (virtio_mmio_init(&rng->vm, &virtio_rng_ops, bus, NULL, 0)) {
		free(rng);
		return NULL;
	}
	return rng;
}

void virtio_rng_destroy(struct virtio_rng *rng)
{
	virtio_mmio_fini(&rng->vm);
	free(rng);
}
