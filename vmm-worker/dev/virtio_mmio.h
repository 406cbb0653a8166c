/*
 * virtio_mmio.h - the virtio-mmio transport, version 2 (virtio 1.2
 * section 4.2.2), modern devices only.
 *
 * A device (blk, rng) embeds a struct virtio_mmio, fills in its
 * virtio_device_ops and registers &virtio_mmio_ops on the bus with the
 * struct virtio_mmio as opaque. The transport owns the registers, feature
 * negotiation, queue setup, interrupt status and the "needs reset" state;
 * the device only sees queue notifications and resets.
 *
 * Locking: `lock` protects the registers and the queues. MMIO accesses
 * (vCPU threads) take it; device code running elsewhere (an I/O thread)
 * takes it around virtqueue_push() and virtio_mmio_notify_used().
 */
#ifndef VMM_DEV_VIRTIO_MMIO_H
#define VMM_DEV_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "machine/bus.h"
#include "virtqueue.h"

#define VIRTIO_MMIO_SLOT_SIZE 0x1000ull
#define VIRTIO_MMIO_FIRST_IRQ 1 /* slot n raises PLIC source 1 + n */
#define VIRTIO_MMIO_MAX_QUEUES 2

#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

#define VIRTIO_MMIO_MAGIC 0x74726976u  /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x444d4d56u /* "VMMD" */

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

#define VIRTIO_INT_USED 1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

struct virtio_mmio;

/* What a device adds to the transport. */
struct virtio_device_ops {
	const char *name;
	uint32_t device_id;
	unsigned queue_count;
	/* Offered features besides VIRTIO_F_VERSION_1, which is always offered. */
	uint64_t features;
	/*
	 * The driver notified queue `queue` (called with the lock held, only
	 * while DRIVER_OK is set and the device does not need a reset).
	 */
	void (*queue_notify)(struct virtio_mmio *vm, unsigned queue);
	/* The driver reset the device (lock held). */
	void (*reset)(struct virtio_mmio *vm);
	/* Release the device at bus teardown, virtio_mmio_fini() included. */
	void (*fini)(struct virtio_mmio *vm);
};

/* How an interrupt line is driven: plic_set_irq fits through a wrapper. */
typedef void virtio_mmio_irq_fn(void *opaque, unsigned source, bool level);

struct virtio_mmio {
	const struct virtio_device_ops *ops;
	const struct bus *bus;
	pthread_mutex_t lock;

	/* Wiring, for interrupts, log lines and the device tree node. */
	uint64_t base;
	virtio_mmio_irq_fn *set_irq;
	void *irq_opaque;
	unsigned irq;

	/* Device configuration space (little endian), read-only to the driver. */
	const uint8_t *config;
	uint32_t config_size;

	uint32_t status;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	uint32_t interrupt_status;
	uint32_t config_generation;
	bool irq_level;
	struct virtqueue queues[VIRTIO_MMIO_MAX_QUEUES];
};

/* The bus callbacks; opaque is the struct virtio_mmio. */
extern const struct mmio_ops virtio_mmio_ops;

/*
 * Initialise the transport for a device. `config` (may be NULL) stays
 * owned by the device. Returns 0 or -errno.
 */
int virtio_mmio_init(struct virtio_mmio *vm, const struct virtio_device_ops *ops,
		     const struct bus *bus, const void *config, uint32_t config_size);

/*
 * Record where the device sits: its MMIO base, and its interrupt line
 * (PLIC source `irq`), driven with `set_irq(irq_opaque, irq, level)`
 * (NULL: no line).
 */
void virtio_mmio_wire(struct virtio_mmio *vm, uint64_t base, unsigned irq,
		      virtio_mmio_irq_fn *set_irq, void *irq_opaque);

/* Release what virtio_mmio_init allocated. */
void virtio_mmio_fini(struct virtio_mmio *vm);

/* Whether the driver accepted feature `bit`. */
bool virtio_mmio_has_feature(const struct virtio_mmio *vm, unsigned bit);

/*
 * Raise the used-buffer interrupt if the driver wants one for `queue`
 * (lock held).
 */
void virtio_mmio_notify_used(struct virtio_mmio *vm, unsigned queue);

/*
 * The driver broke the protocol: set DEVICE_NEEDS_RESET, raise a
 * configuration-change interrupt and log `why` once. The device processes
 * nothing until the driver resets it (lock held).
 */
void virtio_mmio_set_needs_reset(struct virtio_mmio *vm, const char *why);

/* Whether queues may be processed: DRIVER_OK and no reset pending (lock held). */
bool virtio_mmio_is_live(const struct virtio_mmio *vm);

/*
 * Add the device's node (virtio_mmio@BASE: compatible "virtio,mmio", reg,
 * interrupts, interrupt-parent = the PLIC) under /soc of an editable
 * libfdt blob that already holds the PLIC. Returns 0 or a negative libfdt
 * error.
 */
int virtio_mmio_fdt_node(void *opaque, void *fdt, uint64_t base, uint64_t size);

#endif
