/*
 * virtio_fixture.h - guest RAM fenced by inaccessible pages, and a
 * driver-side view of one split virtqueue, for the virtio unit tests.
 *
 * Any host access outside guest RAM hits a PROT_NONE page and kills the
 * test, so "never touches memory outside guest RAM" is checked even
 * without AddressSanitizer.
 */
#ifndef TESTS_UNIT_VIRTIO_FIXTURE_H
#define TESTS_UNIT_VIRTIO_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "dev/virtio_mmio.h"
#include "dev/virtqueue.h"
#include "machine/bus.h"

#define FIX_RAM_BASE 0x80000000ull
#define FIX_RAM_SIZE (1ull << 20)
#define FIX_GUARD (64ull << 10)
#define FIX_DESC (FIX_RAM_BASE + 0x0000)
#define FIX_AVAIL (FIX_RAM_BASE + 0x1000)
#define FIX_USED (FIX_RAM_BASE + 0x2000)
#define FIX_INDIRECT (FIX_RAM_BASE + 0x4000)
#define FIX_BUF (FIX_RAM_BASE + 0x10000)

struct fixture {
	struct bus bus;
	uint8_t *mapping;
	uint16_t num;
	uint16_t avail_idx;
	/* Interrupt line, driven from any thread. */
	pthread_mutex_t irq_lock;
	pthread_cond_t irq_cond;
	bool irq_level;
	unsigned irq_raises;
	pthread_t irq_thread; /* thread of the last raise */
};

static inline void *fix_ptr(struct fixture *f, uint64_t gpa)
{
	return f->bus.ram + (gpa - FIX_RAM_BASE);
}

static inline void fix_ram_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->mapping = mmap(NULL, FIX_RAM_SIZE + 2 * FIX_GUARD, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->mapping == MAP_FAILED)
		abort();
	f->bus.ram = f->mapping + FIX_GUARD;
	if (mprotect(f->bus.ram, FIX_RAM_SIZE, PROT_READ | PROT_WRITE))
		abort();
	f->bus.ram_base = FIX_RAM_BASE;
	f->bus.ram_size = FIX_RAM_SIZE;
	pthread_mutex_init(&f->irq_lock, NULL);
	pthread_cond_init(&f->irq_cond, NULL);
}

static inline void fix_ram_fini(struct fixture *f)
{
	munmap(f->mapping, FIX_RAM_SIZE + 2 * FIX_GUARD);
	pthread_mutex_destroy(&f->irq_lock);
	pthread_cond_destroy(&f->irq_cond);
}

static inline void fix_set_irq(void *opaque, unsigned source, bool level)
{
	struct fixture *f = opaque;

	pthread_mutex_lock(&f->irq_lock);
	f->irq_level = level;
	if (level) {
		f->irq_raises++;
		f->irq_thread = pthread_self();
	}
	pthread_cond_broadcast(&f->irq_cond);
	pthread_mutex_unlock(&f->irq_lock);
}

/* Write descriptor `i` of the table at `table` (guest physical). */
static inline void fix_desc_at(struct fixture *f, uint64_t table, unsigned i, uint64_t addr,
			       uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = fix_ptr(f, table + 16ull * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static inline void fix_desc(struct fixture *f, unsigned i, uint64_t addr, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	fix_desc_at(f, FIX_DESC, i, addr, len, flags, next);
}

/* Make chain `head` available (the driver's side of section 2.7.13). */
static inline void fix_avail_add(struct fixture *f, uint16_t head)
{
	uint16_t *ring = fix_ptr(f, FIX_AVAIL + 4);

	ring[f->avail_idx % f->num] = head;
	f->avail_idx++;
	__atomic_store_n((uint16_t *)fix_ptr(f, FIX_AVAIL + 2), f->avail_idx, __ATOMIC_RELEASE);
}

static inline uint16_t fix_used_idx(struct fixture *f)
{
	return __atomic_load_n((uint16_t *)fix_ptr(f, FIX_USED + 2), __ATOMIC_ACQUIRE);
}

/* Used element `i` (id and len). */
static inline void fix_used_elem(struct fixture *f, uint16_t i, uint32_t *id, uint32_t *len)
{
	uint8_t *e = fix_ptr(f, FIX_USED + 4 + 8ull * (i % f->num));

	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

/* 32-bit register access through the transport's bus callbacks. */
static inline uint32_t fix_reg_read(struct virtio_mmio *vm, uint64_t off)
{
	uint64_t v = 0;

	if (virtio_mmio_ops.read(vm, off, 4, &v))
		return 0xdeadbeef;
	return (uint32_t)v;
}

static inline void fix_reg_write(struct virtio_mmio *vm, uint64_t off, uint32_t v)
{
	virtio_mmio_ops.write(vm, off, 4, v);
}

/*
 * The Linux driver's bring-up: reset, ACK, DRIVER, accept `features`,
 * FEATURES_OK, queue 0 of size f->num, DRIVER_OK. Returns the status read
 * back.
 */
static inline uint32_t fix_driver_init(struct fixture *f, struct virtio_mmio *vm, uint64_t features)
{
	f->avail_idx = 0;
	memset(fix_ptr(f, FIX_DESC), 0, 0x3000);
	fix_reg_write(vm, VIRTIO_MMIO_STATUS, 0);
	fix_reg_write(vm, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	fix_reg_write(vm, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	fix_reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	fix_reg_write(vm, VIRTIO_MMIO_STATUS,
		      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(fix_reg_read(vm, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return fix_reg_read(vm, VIRTIO_MMIO_STATUS);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_SEL, 0);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_NUM, f->num);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)FIX_DESC);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(FIX_DESC >> 32));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)FIX_AVAIL);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(FIX_AVAIL >> 32));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)FIX_USED);
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(FIX_USED >> 32));
	fix_reg_write(vm, VIRTIO_MMIO_QUEUE_READY, 1);
	fix_reg_write(vm, VIRTIO_MMIO_STATUS,
		      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
			      VIRTIO_STATUS_DRIVER_OK);
	return fix_reg_read(vm, VIRTIO_MMIO_STATUS);
}

/*
 * Wait (up to 5 s) until the used idx reaches `idx`. The line may already
 * be high, so the wait wakes every millisecond to look at the ring too.
 * Returns true if the index got there.
 */
static inline bool fix_wait_used(struct fixture *f, uint16_t idx)
{
	for (unsigned i = 0; i < 5000 && fix_used_idx(f) != idx; i++) {
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&f->irq_lock);
		pthread_cond_timedwait(&f->irq_cond, &f->irq_lock, &deadline);
		pthread_mutex_unlock(&f->irq_lock);
	}
	return fix_used_idx(f) == idx;
}

#endif
