/*
 * virtio_mmio.c - virtio-mmio transport version 2: registers, feature
 * negotiation, queue setup, interrupts and the "needs reset" state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "machine/fdt.h"
#include "virtio_mmio.h"

int virtio_mmio_init(struct virtio_mmio *vm, const struct virtio_device_ops *ops,
		     const struct bus *bus, const void *config, uint32_t config_size)
{
	int ret;

	if (ops->queue_count > VIRTIO_MMIO_MAX_QUEUES)
		return -EINVAL;
	memset(vm, 0, sizeof(*vm));
	ret = pthread_mutex_init(&vm->lock, NULL);
	if (ret)
		return -ret;
	vm->ops = ops;
	vm->bus = bus;
	vm->config = config;
	vm->config_size = config_size;
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtqueue_reset(&vm->queues[i], bus);
	return 0;
}

void virtio_mmio_wire(struct virtio_mmio *vm, uint64_t base, unsigned irq,
		      virtio_mmio_irq_fn *set_irq, void *irq_opaque)
{
	vm->base = base;
	vm->irq = irq;
	vm->set_irq = set_irq;
	vm->irq_opaque = irq_opaque;
}

void virtio_mmio_fini(struct virtio_mmio *vm)
{
	pthread_mutex_destroy(&vm->lock);
}

static uint64_t virtio_mmio_offered(const struct virtio_mmio *vm)
{
	return vm->ops->features | (1ull << VIRTIO_F_VERSION_1);
}

bool virtio_mmio_has_feature(const struct virtio_mmio *vm, unsigned bit)
{
	return bit < 64 && (vm->driver_features >> bit) & 1;
}

bool virtio_mmio_is_live(const struct virtio_mmio *vm)
{
	return (vm->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

/* The line is level-triggered: high while any interrupt status bit is set. */
static void virtio_mmio_update_irq(struct virtio_mmio *vm)
{
	bool level = vm->interrupt_status != 0;

	if (level == vm->irq_level)
		return;
	vm->irq_level = level;
	if (vm->set_irq)
		vm->set_irq(vm->irq_opaque, vm->irq, level);
}

void virtio_mmio_notify_used(struct virtio_mmio *vm, unsigned queue)
{
	if (!virtqueue_wants_interrupt(&vm->queues[queue]))
		return;
	vm->interrupt_status |= VIRTIO_INT_USED;
	virtio_mmio_update_irq(vm);
}

void virtio_mmio_set_needs_reset(struct virtio_mmio *vm, const char *why)
{
	if (vm->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	fprintf(stderr, "vmm-worker: %s at 0x%" PRIx64 ": %s; device needs reset\n", vm->ops->name,
		vm->base, why);
	vm->status |= VIRTIO_STATUS_NEEDS_RESET;
	vm->interrupt_status |= VIRTIO_INT_CONFIG;
	virtio_mmio_update_irq(vm);
}

static void virtio_mmio_reset_locked(struct virtio_mmio *vm)
{
	/*
	 * Not live any more, so no new request starts; then the device, which
	 * may wait for requests that still use the rings.
	 */
	vm->status = 0;
	if (vm->ops->reset)
		vm->ops->reset(vm);
	vm->device_features_sel = vm->driver_features_sel = vm->queue_sel = 0;
	vm->driver_features = 0;
	vm->interrupt_status = 0;
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtqueue_reset(&vm->queues[i], vm->bus);
	virtio_mmio_update_irq(vm);
}

static struct virtqueue *virtio_mmio_selected(struct virtio_mmio *vm)
{
	return vm->queue_sel < vm->ops->queue_count ? &vm->queues[vm->queue_sel] : NULL;
}

static uint32_t virtio_mmio_read_reg(struct virtio_mmio *vm, uint64_t offset)
{
	struct virtqueue *vq = virtio_mmio_selected(vm);
	uint64_t features = virtio_mmio_offered(vm);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return vm->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (vm->device_features_sel > 1)
			return 0;
		return (uint32_t)(features >> (32 * vm->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? VIRTQUEUE_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_NUM:
		return vq ? vq->num : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return vm->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return vm->status;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return vq ? (uint32_t)vq->desc_addr : 0;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return vq ? (uint32_t)(vq->desc_addr >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		return vq ? (uint32_t)vq->avail_addr : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return vq ? (uint32_t)(vq->avail_addr >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		return vq ? (uint32_t)vq->used_addr : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return vq ? (uint32_t)(vq->used_addr >> 32) : 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* No shared memory regions: the spec's "does not exist" value. */
		return 0xffffffffu;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vm->config_generation;
	default:
		return 0;
	}
}

/*
 * FEATURES_OK sticks only if the driver accepted a subset of what is
 * offered, VERSION_1 included: a legacy driver must not drive this device.
 */
static uint32_t virtio_mmio_check_features(struct virtio_mmio *vm, uint32_t status)
{
	uint64_t accepted = vm->driver_features;

	if (!(status & VIRTIO_STATUS_FEATURES_OK) || (vm->status & VIRTIO_STATUS_FEATURES_OK))
		return status;
	if ((accepted & ~virtio_mmio_offered(vm)) || !(accepted >> VIRTIO_F_VERSION_1 & 1))
		return status & ~VIRTIO_STATUS_FEATURES_OK;
	return status;
}

static void virtio_mmio_write_status(struct virtio_mmio *vm, uint32_t val)
{
	if (!val) {
		virtio_mmio_reset_locked(vm);
		return;
	}
	val = virtio_mmio_check_features(vm, val & 0xff);
	/* DEVICE_NEEDS_RESET belongs to the device: only a reset clears it. */
	vm->status = (val & ~VIRTIO_STATUS_NEEDS_RESET) | (vm->status & VIRTIO_STATUS_NEEDS_RESET);
}

static void virtio_mmio_write_queue_ready(struct virtio_mmio *vm, struct virtqueue *vq,
					  uint32_t val)
{
	const char *why = NULL;

	if (!(val & 1)) {
		virtqueue_reset(vq, vm->bus);
		return;
	}
	if (vq->ready)
		return;
	vq->indirect = virtio_mmio_has_feature(vm, VIRTIO_F_INDIRECT_DESC);
	if (virtqueue_enable(vq, &why))
		virtio_mmio_set_needs_reset(vm, why);
}

/* Update the low or high half of a ring address; ignored while the queue runs. */
static void virtio_mmio_set_half(const struct virtqueue *vq, uint64_t *addr, bool high,
				 uint32_t val)
{
	if (vq->ready)
		return;
	if (high)
		*addr = (*addr & 0xffffffffull) | (uint64_t)val << 32;
	else
		*addr = (*addr & ~0xffffffffull) | val;
}

static void virtio_mmio_write_reg(struct virtio_mmio *vm, uint64_t offset, uint32_t val)
{
	struct virtqueue *vq = virtio_mmio_selected(vm);

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vm->device_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (vm->status & VIRTIO_STATUS_FEATURES_OK || vm->driver_features_sel > 1)
			break;
		if (vm->driver_features_sel)
			vm->driver_features = (vm->driver_features & 0xffffffffull) | (uint64_t)val
											      << 32;
		else
			vm->driver_features = (vm->driver_features & ~0xffffffffull) | val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vm->driver_features_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vm->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = val > 0xffff ? 0 : (uint16_t)val;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (vq)
			virtio_mmio_write_queue_ready(vm, vq, val);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (val < vm->ops->queue_count && vm->queues[val].ready && virtio_mmio_is_live(vm))
			vm->ops->queue_notify(vm, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		vm->interrupt_status &= ~val;
		virtio_mmio_update_irq(vm);
		break;
	case VIRTIO_MMIO_STATUS:
		virtio_mmio_write_status(vm, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (vq)
			virtio_mmio_set_half(vq, &vq->desc_addr,
					     offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (vq)
			virtio_mmio_set_half(vq, &vq->avail_addr,
					     offset == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (vq)
			virtio_mmio_set_half(vq, &vq->used_addr,
					     offset == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val);
		break;
	default:
		/* Read-only and reserved registers ignore writes. */
		break;
	}
}

static int virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct virtio_mmio *vm = opaque;

	if (offset >= VIRTIO_MMIO_CONFIG) {
		uint64_t off = offset - VIRTIO_MMIO_CONFIG, v = 0;

		/* Outside the device's config space reads as zero. */
		if (off < vm->config_size && size <= vm->config_size - off) {
			pthread_mutex_lock(&vm->lock);
			memcpy(&v, vm->config + off, size);
			pthread_mutex_unlock(&vm->lock);
		}
		*val = v;
		return 0;
	}
	/* Registers are 32 bits wide and accessed as such (section 4.2.2.2). */
	if (size != 4 || (offset & 3))
		return -EFAULT;
	pthread_mutex_lock(&vm->lock);
	*val = virtio_mmio_read_reg(vm, offset);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

static int virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct virtio_mmio *vm = opaque;

	/* The config spaces of blk and rng have no writable field. */
	if (offset >= VIRTIO_MMIO_CONFIG)
		return 0;
	if (size != 4 || (offset & 3))
		return -EFAULT;
	pthread_mutex_lock(&vm->lock);
	virtio_mmio_write_reg(vm, offset, (uint32_t)val);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

static void virtio_mmio_bus_reset(void *opaque)
{
	struct virtio_mmio *vm = opaque;

	pthread_mutex_lock(&vm->lock);
	virtio_mmio_reset_locked(vm);
	pthread_mutex_unlock(&vm->lock);
}

static void virtio_mmio_bus_fini(void *opaque)
{
	struct virtio_mmio *vm = opaque;

	vm->ops->fini(vm);
}

int virtio_mmio_fdt_node(void *opaque, void *fdt, uint64_t base, uint64_t size)
{
	const struct virtio_mmio *vm = opaque;
	int node, plic, ret;
	uint32_t phandle;

	plic = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	if (plic < 0)
		return plic;
	phandle = fdt_get_phandle(fdt, plic);
	node = fdt_add_soc_device(fdt, "virtio_mmio", base, size, "virtio,mmio");
	if (node < 0)
		return node;
	ret = fdt_setprop_u32(fdt, node, "interrupts", vm->irq);
	if (!ret)
		ret = fdt_setprop_u32(fdt, node, "interrupt-parent", phandle);
	return ret;
}

const struct mmio_ops virtio_mmio_ops = {
	.name = "virtio-mmio",
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
	.reset = virtio_mmio_bus_reset,
	.fini = virtio_mmio_bus_fini,
	.fdt_node = virtio_mmio_fdt_node,
};
