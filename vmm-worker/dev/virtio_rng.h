/*
 * virtio_rng.h - virtio entropy device (virtio 1.2 section 5.4), fed by
 * the host's getrandom().
 */
#ifndef VMM_DEV_VIRTIO_RNG_H
#define VMM_DEV_VIRTIO_RNG_H

#include "machine/bus.h"
#include "virtio_mmio.h"

#define VIRTIO_ID_ENTROPY 4

struct virtio_rng;

/* Build the device for guest memory `bus`. Returns NULL when out of memory. */
struct virtio_rng *virtio_rng_create(const struct bus *bus);

/* The device's transport: wire it, then register &virtio_mmio_ops with it. */
struct virtio_mmio *virtio_rng_mmio(struct virtio_rng *rng);

/*
 * Free the device. Called by the bus teardown once registered; call it
 * directly only if registration failed.
 */
void virtio_rng_destroy(struct virtio_rng *rng);

#endif
