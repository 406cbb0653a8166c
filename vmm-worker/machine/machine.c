/*
 * machine.c - the `virt` board: RAM, devices, harts and their threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "dev/clint.h"
#include "dev/test_finisher.h"
#include "dev/uart16550.h"
#include "htif.h"
#include "loader.h"
#include "machine.h"
#include "mem/ram.h"

/* Where fw_jump-style firmware expects the next stage (QEMU virt, RV64). */
#define MACHINE_KERNEL_OFFSET 0x200000ull

/* Instructions a hart runs between checks of the exit flag. */
#define MACHINE_RUN_SLICE (1u << 16)

static uint64_t machine_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t machine_time(const struct machine *m)
{
	uint64_t origin = __atomic_load_n(&m->time_origin_ns, __ATOMIC_ACQUIRE);

	return (machine_now_ns() - origin) / 100;
}

void machine_kick_harts(struct machine *m)
{
	pthread_mutex_lock(&m->wfi_lock);
	pthread_cond_broadcast(&m->wfi_cond);
	pthread_mutex_unlock(&m->wfi_lock);
}

void machine_request_exit(struct machine *m, int status)
{
	int expected = 0;
	uint64_t one = 1;

	if (!__atomic_compare_exchange_n(&m->exit_requested, &expected, 1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	m->exit_status = status;
	for (unsigned i = 0; i < m->hart_count; i++)
		__atomic_store_n(&m->harts[i].stop_request, 1, __ATOMIC_RELEASE);
	machine_kick_harts(m);
	if (m->exit_fd >= 0 && write(m->exit_fd, &one, sizeof(one)) < 0)
		perror("vmm-worker: eventfd");
}

static int machine_add_devices(struct machine *m)
{
	int ret;

	m->clint.machine = m;
	uart16550_init(&m->uart, stdout);
	ret = bus_register(&m->bus, VIRT_TEST_BASE, VIRT_TEST_SIZE, &test_finisher_ops, m);
	if (!ret)
		ret = bus_register(&m->bus, VIRT_CLINT_BASE, VIRT_CLINT_SIZE, &clint_ops,
				   &m->clint);
	if (!ret)
		ret = bus_register(&m->bus, VIRT_UART0_BASE, VIRT_UART0_SIZE, &uart16550_ops,
				   &m->uart);
	return ret;
}

static int machine_load_images(struct machine *m, const struct machine_config *cfg, uint64_t *entry,
			       char *errbuf, size_t errlen)
{
	struct loader_image bios, kernel;
	uint64_t kernel_raw = VIRT_RAM_BASE;
	int ret;

	if (cfg->bios) {
		ret = loader_load(&m->bus, cfg->bios, VIRT_RAM_BASE, &bios, errbuf, errlen);
		if (ret)
			return ret;
		kernel_raw = VIRT_RAM_BASE + MACHINE_KERNEL_OFFSET;
	}
	ret = loader_load(&m->bus, cfg->kernel, kernel_raw, &kernel, errbuf, errlen);
	if (ret)
		return ret;
	if (cfg->bios && kernel.low < bios.high && kernel.high > bios.low) {
		snprintf(errbuf, errlen, "%s overlaps the firmware %s in guest RAM", cfg->kernel,
			 cfg->bios);
		return -EINVAL;
	}
	*entry = cfg->bios ? bios.entry : kernel.entry;
	if (kernel.tohost)
		htif_attach(m, kernel.tohost, kernel.fromhost);
	else if (cfg->bios && bios.tohost)
		htif_attach(m, bios.tohost, bios.fromhost);
	return 0;
}

int machine_init(struct machine *m, const struct machine_config *cfg, char *errbuf, size_t errlen)
{
	uint64_t entry;
	int ret;

	memset(m, 0, sizeof(*m));
	m->exit_fd = -1;
	if (cfg->smp < 1 || cfg->smp > MACHINE_MAX_HARTS) {
		snprintf(errbuf, errlen, "--smp %u: must be between 1 and %u", cfg->smp,
			 MACHINE_MAX_HARTS);
		return -EINVAL;
	}
	ret = ram_map(&m->bus, VIRT_RAM_BASE, cfg->mem_size);
	if (ret) {
		snprintf(errbuf, errlen, "cannot map %llu bytes of guest RAM: %s",
			 (unsigned long long)cfg->mem_size, strerror(-ret));
		return ret;
	}
	m->exit_fd = eventfd(0, EFD_CLOEXEC);
	m->harts = calloc(cfg->smp, sizeof(*m->harts));
	if (m->exit_fd < 0 || !m->harts) {
		snprintf(errbuf, errlen, "out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	m->hart_count = cfg->smp;
	pthread_mutex_init(&m->wfi_lock, NULL);
	pthread_cond_init(&m->wfi_cond, NULL);
	m->time_origin_ns = machine_now_ns();
	ret = machine_add_devices(m);
	if (ret) {
		snprintf(errbuf, errlen, "cannot register devices: %s", strerror(-ret));
		goto fail;
	}
	ret = machine_load_images(m, cfg, &entry, errbuf, errlen);
	if (ret)
		goto fail;
	for (unsigned i = 0; i < m->hart_count; i++) {
		struct cpu *cpu = &m->harts[i];

		cpu_init(cpu, m, i, entry);
		cpu->trace = cfg->trace;
		cpu->x[10] = i; /* a0: hart id */
		cpu->x[11] = 0; /* a1: device tree address (none yet) */
	}
	return 0;
fail:
	machine_fini(m);
	return ret;
}

static void *machine_hart_thread(void *arg)
{
	struct cpu *cpu = arg;

	while (!__atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE))
		cpu_run(cpu, MACHINE_RUN_SLICE);
	return NULL;
}

int machine_start(struct machine *m)
{
	for (unsigned i = 0; i < m->hart_count; i++) {
		int ret = pthread_create(&m->threads[i], NULL, machine_hart_thread, &m->harts[i]);

		if (ret) {
			machine_request_exit(m, 1);
			for (unsigned j = 0; j < i; j++)
				pthread_join(m->threads[j], NULL);
			return -ret;
		}
	}
	m->threads_started = true;
	return 0;
}

void machine_join(struct machine *m)
{
	if (!m->threads_started)
		return;
	for (unsigned i = 0; i < m->hart_count; i++)
		pthread_join(m->threads[i], NULL);
	m->threads_started = false;
	fflush(stdout);
}

void machine_fini(struct machine *m)
{
	for (unsigned i = 0; i < m->bus.region_count; i++) {
		const struct bus_region *r = &m->bus.regions[i];

		if (r->ops->fini)
			r->ops->fini(r->opaque);
	}
	m->bus.region_count = 0;
	if (m->harts) {
		pthread_mutex_destroy(&m->wfi_lock);
		pthread_cond_destroy(&m->wfi_cond);
	}
	free(m->harts);
	m->harts = NULL;
	if (m->exit_fd >= 0)
		close(m->exit_fd);
	m->exit_fd = -1;
	ram_unmap(&m->bus);
}
