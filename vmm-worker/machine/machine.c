/*
 * machine.c - the `virt` board: RAM, devices, harts and their threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "cpu/cpu.h"
#include "dbt/dbt.h"
#include "dev/clint.h"
#include "dev/test_finisher.h"
#include "dev/uart16550.h"
#include "dev/plic.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_rng.h"
#include "fdt.h"
#include "htif.h"
#include "loader.h"
#include "machine.h"
#include "mem/ram.h"

/* Where fw_jump-style firmware expects the next stage (QEMU virt, RV64). */
#define MACHINE_KERNEL_OFFSET 0x200000ull

/*
 * The device tree goes as high as possible, 2 MiB aligned, below the end
 * of RAM or 3 GiB, whichever is lower, so a 32-bit kernel could reach it
 * (QEMU's rule); the initrd goes right below it.
 */
#define MACHINE_FDT_ALIGN 0x200000ull
#define MACHINE_FDT_LIMIT 0xc0000000ull
#define MACHINE_PAGE 0x1000ull

/* OpenSBI's struct fw_dynamic_info, version 2: six little-endian unsigned longs. */
#define FW_DYNAMIC_INFO_MAGIC 0x4942534full
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1

/* The Linux RISC-V Image header: text_offset at 8, "RSC\x05" at 56. */
#define IMAGE_HEADER_SIZE 64
#define IMAGE_TEXT_OFFSET 8
#define IMAGE_MAGIC2_OFFSET 56

/* Where the boot images and data landed in guest RAM. */
struct machine_boot {
	uint64_t entry;	      /* where every hart starts */
	uint64_t next_addr;   /* the kernel's entry, for fw_dynamic */
	uint64_t images_high; /* end of the highest byte the images wrote */
	uint64_t initrd_start, initrd_end;
	uint64_t dynamic_info; /* fw_dynamic_info address, 0 without a bios */
};

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
	/* translated code only looks at its budget word: make it come back */
	for (unsigned i = 0; i < m->hart_count; i++)
		dbt_kick(&m->harts[i]);
	pthread_mutex_lock(&m->wfi_lock);
	pthread_cond_broadcast(&m->wfi_cond);
	pthread_mutex_unlock(&m->wfi_lock);
}

/* End the run; the first request wins and decides status and reboot. */
static void machine_request_end(struct machine *m, int status, bool reboot)
{
	int expected = 0;
	uint64_t one = 1;

	if (!__atomic_compare_exchange_n(&m->exit_requested, &expected, 1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	m->exit_status = status;
	m->reboot_requested = reboot;
	for (unsigned i = 0; i < m->hart_count; i++)
		__atomic_store_n(&m->harts[i].stop_request, MACHINE_STOP_EXIT, __ATOMIC_RELEASE);
	machine_kick_harts(m);
	if (m->exit_fd >= 0 && write(m->exit_fd, &one, sizeof(one)) < 0)
		perror("vmm-worker: eventfd");
}

void machine_request_exit(struct machine *m, int status)
{
	machine_request_end(m, status, false);
}

void machine_request_reboot(struct machine *m)
{
	machine_request_end(m, 0, true);
}

static int machine_add_devices(struct machine *m)
{
	int ret;

	m->clint.machine = m;
	ret = plic_init(&m->plic, m->harts, m->hart_count);
	if (ret)
		return ret;
	uart16550_init(&m->uart, stdout);
	uart16550_connect_irq(&m->uart, &m->plic, VIRT_UART0_IRQ, FDT_PLIC_PHANDLE);
	goldfish_rtc_init(&m->rtc, &m->plic, VIRT_RTC_IRQ, FDT_PLIC_PHANDLE);
	/*
	 * machine_fini tears devices down in reverse: the PLIC, which the
	 * UART's and RTC's threads drive, is registered before them.
	 */
	ret = bus_register(&m->bus, VIRT_TEST_BASE, VIRT_TEST_SIZE, &test_finisher_ops, m);
	if (!ret)
		ret = bus_register(&m->bus, VIRT_CLINT_BASE, VIRT_CLINT_SIZE, &clint_ops,
				   &m->clint);
	if (!ret)
		ret = bus_register(&m->bus, VIRT_PLIC_BASE, VIRT_PLIC_SIZE, &plic_ops, &m->plic);
	if (!ret)
		ret = bus_register(&m->bus, VIRT_UART0_BASE, VIRT_UART0_SIZE, &uart16550_ops,
				   &m->uart);
	if (!ret)
		ret = bus_register(&m->bus, VIRT_RTC_BASE, GOLDFISH_RTC_SIZE, &goldfish_rtc_ops,
				   &m->rtc);
	return ret;
}

static void machine_virtio_set_irq(void *opaque, unsigned source, bool level)
{
	plic_set_irq(opaque, source, level);
}

/*
 * Put a virtio device in virtio-mmio slot `slot`, its line on PLIC source
 * 1 + slot (the PLIC is registered on the bus before the virtio devices).
 */
static int machine_attach_virtio(struct machine *m, struct virtio_mmio *vm, unsigned slot)
{
	uint64_t base = VIRT_VIRTIO_BASE + slot * VIRTIO_MMIO_SLOT_SIZE;
	struct plic *plic = NULL;

	for (unsigned i = 0; i < m->bus.region_count; i++)
		if (m->bus.regions[i].ops == &plic_ops)
			plic = m->bus.regions[i].opaque;
	virtio_mmio_wire(vm, base, VIRTIO_MMIO_FIRST_IRQ + slot,
			 plic ? machine_virtio_set_irq : NULL, plic);
	return bus_register(&m->bus, base, VIRTIO_MMIO_SLOT_SIZE, &virtio_mmio_ops, vm);
}

/* virtio-blk (--drive) in slot 0, virtio-rng (--rng) in the next one. */
static int machine_add_virtio(struct machine *m, const struct machine_config *cfg, char *errbuf,
			      size_t errlen)
{
	unsigned slot = 0;
	int ret;

	if (cfg->drive) {
		struct virtio_blk *blk;

		ret = virtio_blk_create(&m->bus, cfg->drive, cfg->drive_readonly, &blk, errbuf,
					errlen);
		if (ret)
			return ret;
		ret = machine_attach_virtio(m, virtio_blk_mmio(blk), slot++);
		if (ret) {
			virtio_blk_destroy(blk);
			snprintf(errbuf, errlen, "cannot register virtio-blk: %s", strerror(-ret));
			return ret;
		}
		m->blk = blk;
		m->drive = cfg->drive;
		m->drive_readonly = cfg->drive_readonly;
	}
	if (cfg->rng) {
		struct virtio_rng *rng = virtio_rng_create(&m->bus);

		if (!rng) {
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
		ret = machine_attach_virtio(m, virtio_rng_mmio(rng), slot++);
		if (ret) {
			virtio_rng_destroy(rng);
			snprintf(errbuf, errlen, "cannot register virtio-rng: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * The load address the header of a Linux Image asks for (RAM base +
 * text_offset), or false if `path` is not a RISC-V Linux Image.
 */
static bool machine_image_load_addr(const char *path, uint64_t *addr)
{
	uint8_t head[IMAGE_HEADER_SIZE];
	uint64_t text_offset = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool image;

	if (fd < 0)
		return false;
	image = pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
		!memcmp(head + IMAGE_MAGIC2_OFFSET, "RSC\x05", 4);
	close(fd);
	if (!image)
		return false;
	for (int i = 7; i >= 0; i--)
		text_offset = (text_offset << 8) | head[IMAGE_TEXT_OFFSET + i];
	*addr = VIRT_RAM_BASE + text_offset;
	return true;
}

static int machine_load_images(struct machine *m, const struct machine_config *cfg,
			       struct machine_boot *boot, char *errbuf, size_t errlen)
{
	struct loader_image bios = { 0 }, kernel = { 0 };
	uint64_t kernel_raw = VIRT_RAM_BASE;
	int ret;

	if (cfg->bios) {
		ret = loader_load(&m->bus, cfg->bios, VIRT_RAM_BASE, &bios, errbuf, errlen);
		if (ret)
			return ret;
		kernel_raw = VIRT_RAM_BASE + MACHINE_KERNEL_OFFSET;
		if (cfg->kernel)
			machine_image_load_addr(cfg->kernel, &kernel_raw);
	}
	if (cfg->kernel) {
		ret = loader_load(&m->bus, cfg->kernel, kernel_raw, &kernel, errbuf, errlen);
		if (ret)
			return ret;
	} else {
		kernel.entry = kernel_raw;
	}
	if (cfg->bios && kernel.low < bios.high && kernel.high > bios.low) {
		snprintf(errbuf, errlen, "%s overlaps the firmware %s in guest RAM", cfg->kernel,
			 cfg->bios);
		return -EINVAL;
	}
	boot->entry = cfg->bios ? bios.entry : kernel.entry;
	boot->next_addr = kernel.entry;
	boot->images_high = bios.high > kernel.high ? bios.high : kernel.high;
	if (kernel.tohost)
		htif_attach(m, kernel.tohost, kernel.fromhost);
	else if (cfg->bios && bios.tohost)
		htif_attach(m, bios.tohost, bios.fromhost);
	return 0;
}

/* Copy the file at `path` (`size` bytes) to guest-physical `addr`. Returns 0 or -errno. */
static int machine_load_raw(struct machine *m, const char *path, uint64_t addr, uint64_t size,
			    char *errbuf, size_t errlen)
{
	uint8_t *dst = bus_ram_ptr(&m->bus, addr, size, true);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t done = 0;
	int ret = 0;

	if (fd < 0 || !dst) {
		ret = fd < 0 ? -errno : -EINVAL;
		snprintf(errbuf, errlen, "%s: %s", path, fd < 0 ? strerror(errno) : "not in RAM");
		goto out;
	}
	while (done < size) {
		ssize_t n = read(fd, dst + done, size - done);

		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			snprintf(errbuf, errlen, "%s: %s", path,
				 n < 0 ? strerror(errno) : "file shrank while loading");
			goto out;
		}
		done += (uint64_t)n;
	}
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Lay out the top of RAM: the device tree at the highest aligned address
 * (fdt_addr), the fw_dynamic_info page under it when there is firmware,
 * and the initrd under that. Everything must stay above the images.
 */
static int machine_place_boot_data(struct machine *m, const struct machine_config *cfg,
				   struct machine_boot *boot, char *errbuf, size_t errlen)
{
	uint64_t ram_end = VIRT_RAM_BASE + cfg->mem_size;
	uint64_t top = ram_end < MACHINE_FDT_LIMIT ? ram_end : MACHINE_FDT_LIMIT;
	uint64_t low = boot->images_high > VIRT_RAM_BASE ? boot->images_high : VIRT_RAM_BASE;
	uint64_t below;
	struct stat st;

	if (top < low + FDT_MAX_SIZE) {
		snprintf(errbuf, errlen, "no room for the device tree in guest RAM (--mem)");
		return -EINVAL;
	}
	m->fdt_addr = (top - FDT_MAX_SIZE) & ~(MACHINE_FDT_ALIGN - 1);
	if (m->fdt_addr < low)
		m->fdt_addr = (top - FDT_MAX_SIZE) & ~(MACHINE_PAGE - 1);
	below = m->fdt_addr;
	if (cfg->bios) {
		if (below < low + MACHINE_PAGE) {
			snprintf(errbuf, errlen, "no room for the boot data in guest RAM (--mem)");
			return -EINVAL;
		}
		below -= MACHINE_PAGE;
		boot->dynamic_info = below;
	}
	if (!cfg->initrd)
		return 0;
	if (stat(cfg->initrd, &st)) {
		snprintf(errbuf, errlen, "%s: %s", cfg->initrd, strerror(errno));
		return -errno;
	}
	if ((uint64_t)st.st_size > below - low) {
		snprintf(errbuf, errlen,
			 "%s: %llu bytes do not fit in guest RAM below the device tree",
			 cfg->initrd, (unsigned long long)st.st_size);
		return -EFBIG;
	}
	boot->initrd_start = (below - (uint64_t)st.st_size) & ~(MACHINE_PAGE - 1);
	if (boot->initrd_start < low)
		boot->initrd_start = low;
	boot->initrd_end = boot->initrd_start + (uint64_t)st.st_size;
	return machine_load_raw(m, cfg->initrd, boot->initrd_start, (uint64_t)st.st_size, errbuf,
				errlen);
}

/* Build the device tree and copy it and fw_dynamic_info into guest RAM. */
static int machine_write_boot_data(struct machine *m, const struct machine_config *cfg,
				   const struct machine_boot *boot, char *errbuf, size_t errlen)
{
	struct fdt_board board = {
		.hart_count = m->hart_count,
		.ram_base = VIRT_RAM_BASE,
		.ram_size = cfg->mem_size,
		.bootargs = cfg->append,
		.initrd_start = boot->initrd_start,
		.initrd_end = boot->initrd_end,
	};
	uint8_t *dst;
	int ret;

	ret = fdt_build(&m->bus, &board, &m->fdt);
	if (ret) {
		snprintf(errbuf, errlen, "cannot build the device tree: %s", strerror(-ret));
		return ret;
	}
	dst = bus_ram_ptr(&m->bus, m->fdt_addr, fdt_totalsize(m->fdt), true);
	if (!dst) {
		snprintf(errbuf, errlen, "no room for the device tree in guest RAM (--mem)");
		return -EINVAL;
	}
	memcpy(dst, m->fdt, fdt_totalsize(m->fdt));
	if (boot->dynamic_info) {
		uint64_t info[6] = {
			FW_DYNAMIC_INFO_MAGIC,
			FW_DYNAMIC_INFO_VERSION,
			boot->next_addr,
			FW_DYNAMIC_INFO_NEXT_MODE_S,
			0, /* options */
			0, /* boot hart: hart 0 boots, as QEMU says */
		};

		dst = bus_ram_ptr(&m->bus, boot->dynamic_info, sizeof(info), true);
		for (unsigned i = 0; dst && i < 6; i++)
			for (unsigned b = 0; b < 8; b++)
				dst[8 * i + b] = (uint8_t)(info[i] >> (8 * b));
	}
	return 0;
}

/* Device DMA into RAM: drop what the harts translated there (bus device_write). */
static void machine_device_write(const struct bus *bus, uint64_t paddr, uint64_t len)
{
	/* the bus is the machine's: the devices just hold it const */
	struct machine *m = (struct machine *)((uintptr_t)bus - offsetof(struct machine, bus));

	if (len)
		dbt_note_code_write(m, NULL, paddr, len);
}

/* One translator per hart, sharing the code-page map that stores check. */
static int machine_add_translators(struct machine *m, const struct machine_config *cfg,
				   char *errbuf, size_t errlen)
{
	struct dbt_options opts = {
		.code_cache_size =
			cfg->code_cache_size ? cfg->code_cache_size : DBT_CODE_CACHE_DEFAULT,
		.ret_array = cfg->ret_array,
		.lockstep = cfg->lockstep,
		.count_t3 = cfg->count_t3,
		.perf_map = cfg->perf_map,
	};
	int ret;

	if (!cfg->translate || cfg->trace)
		return 0;
	m->bus.code_pages = calloc(m->bus.ram_size >> MMU_PAGE_SHIFT, sizeof(uint32_t));
	m->bus.code_lines = calloc(m->bus.ram_size >> MMU_PAGE_SHIFT, sizeof(uint64_t));
	if (!m->bus.code_pages || !m->bus.code_lines) {
		snprintf(errbuf, errlen, "cannot allocate the translator's page map");
		return -ENOMEM;
	}
	m->bus.device_write = machine_device_write;
	for (unsigned i = 0; i < m->hart_count; i++) {
		ret = dbt_create(&m->harts[i], &opts);
		if (ret) {
			snprintf(errbuf, errlen, "cannot start the translator: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int machine_init(struct machine *m, const struct machine_config *cfg, char *errbuf, size_t errlen)
{
	struct machine_boot boot = { 0 };
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
	ret = machine_add_virtio(m, cfg, errbuf, errlen);
	if (ret)
		goto fail;
	m->console_input = cfg->console_input;
	ret = machine_load_images(m, cfg, &boot, errbuf, errlen);
	if (!ret)
		ret = machine_place_boot_data(m, cfg, &boot, errbuf, errlen);
	if (!ret)
		ret = machine_write_boot_data(m, cfg, &boot, errbuf, errlen);
	if (ret)
		goto fail;
	/* Every hart starts at the entry, as OpenSBI and QEMU's reset vector expect. */
	for (unsigned i = 0; i < m->hart_count; i++) {
		struct cpu *cpu = &m->harts[i];

		cpu_init(cpu, m, i, boot.entry);
		cpu->trace = cfg->trace;
		cpu->x[10] = i;			/* a0: hart id */
		cpu->x[11] = m->fdt_addr;	/* a1: device tree */
		cpu->x[12] = boot.dynamic_info; /* a2: fw_dynamic_info (0: no firmware) */
	}
	ret = machine_add_translators(m, cfg, errbuf, errlen);
	if (ret)
		goto fail;
	return 0;
fail:
	machine_fini(m);
	return ret;
}

/*
 * A paused hart waits here, between two slices, so cpu_run() needs no
 * knowledge of pausing. The stop_request checks are under wfi_lock, where
 * machine_resume() and the exit path's kick broadcast, so no wake-up is
 * lost.
 */
static void machine_hart_park(struct machine *m, struct cpu *cpu)
{
	pthread_mutex_lock(&m->wfi_lock);
	m->harts_parked++;
	pthread_cond_broadcast(&m->wfi_cond);
	while (__atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE) == MACHINE_STOP_PAUSE)
		pthread_cond_wait(&m->wfi_cond, &m->wfi_lock);
	m->harts_parked--;
	pthread_mutex_unlock(&m->wfi_lock);
}

static void *machine_hart_thread(void *arg)
{
	struct cpu *cpu = arg;

	for (;;) {
		int stop = __atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE);

		if (stop == MACHINE_STOP_PAUSE)
			machine_hart_park(cpu->machine, cpu);
		else if (stop)
			break;
		else
			cpu_run(cpu, MACHINE_RUN_SLICE);
	}
	return NULL;
}

int machine_pause(struct machine *m)
{
	int ret = 0;

	pthread_mutex_lock(&m->wfi_lock);
	if (m->paused) {
		ret = -EALREADY;
		goto out;
	}
	/* A compare-and-swap, so that a pause never hides an exit request. */
	for (unsigned i = 0; i < m->hart_count; i++) {
		int running = 0;

		__atomic_compare_exchange_n(&m->harts[i].stop_request, &running, MACHINE_STOP_PAUSE,
					    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	m->paused = true;
	/* Harts in wfi see the stop request once woken. */
	pthread_cond_broadcast(&m->wfi_cond);
	while (m->threads_started && m->harts_parked < m->hart_count &&
	       !__atomic_load_n(&m->exit_requested, __ATOMIC_ACQUIRE))
		pthread_cond_wait(&m->wfi_cond, &m->wfi_lock);
	if (__atomic_load_n(&m->exit_requested, __ATOMIC_ACQUIRE))
		ret = -ECANCELED;
out:
	pthread_mutex_unlock(&m->wfi_lock);
	return ret;
}

int machine_resume(struct machine *m)
{
	int ret = 0;

	pthread_mutex_lock(&m->wfi_lock);
	if (!m->paused) {
		ret = -EALREADY;
		goto out;
	}
	for (unsigned i = 0; i < m->hart_count; i++) {
		int paused = MACHINE_STOP_PAUSE;

		__atomic_compare_exchange_n(&m->harts[i].stop_request, &paused, 0, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	m->paused = false;
	pthread_cond_broadcast(&m->wfi_cond);
out:
	pthread_mutex_unlock(&m->wfi_lock);
	return ret;
}

bool machine_is_paused(struct machine *m)
{
	bool paused;

	pthread_mutex_lock(&m->wfi_lock);
	paused = m->paused;
	pthread_mutex_unlock(&m->wfi_lock);
	return paused;
}

int machine_flush_disks(struct machine *m)
{
	int fd, ret = 0;

	if (!m->blk)
		return 0;
	virtio_blk_drain(m->blk);
	if (m->drive_readonly)
		return 0;
	/*
	 * The device's descriptor is private to it; fdatasync flushes the
	 * file's data whichever descriptor names it.
	 */
	fd = open(m->drive, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fdatasync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

int machine_start(struct machine *m)
{
	int err;

	/* Without console input the guest just never receives a byte. */
	if (m->console_input) {
		err = uart16550_start_input(&m->uart, STDIN_FILENO);
		if (err)
			fprintf(stderr, "vmm-worker: no console input: %s\n", strerror(-err));
	}
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
	for (unsigned i = 0; m->harts && i < m->hart_count; i++)
		dbt_destroy(&m->harts[i]);
	free(m->bus.code_pages);
	m->bus.code_pages = NULL;
	free(m->bus.code_lines);
	m->bus.code_lines = NULL;
	/* In reverse: devices go before what they drive (the PLIC). */
	for (unsigned i = m->bus.region_count; i-- > 0;) {
		const struct bus_region *r = &m->bus.regions[i];

		if (r->ops->fini)
			r->ops->fini(r->opaque);
	}
	m->bus.region_count = 0;
	free(m->fdt);
	m->fdt = NULL;
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
