/*
 * machine.h - the `virt` board: memory map, harts, devices, and how a run
 * ends.
 */
#ifndef VMM_MACHINE_MACHINE_H
#define VMM_MACHINE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include "bus.h"

#include "dev/clint.h"
#include "dev/goldfish_rtc.h"
#include "dev/plic.h"
#include "dev/uart16550.h"

struct cpu;
struct virtio_blk;

/* The QEMU `virt` memory map, which the guest images expect. */
#define VIRT_TEST_BASE 0x100000ull
#define VIRT_TEST_SIZE 0x1000ull
#define VIRT_RTC_BASE 0x101000ull
#define VIRT_RTC_IRQ 11
#define VIRT_CLINT_BASE 0x2000000ull
#define VIRT_CLINT_SIZE 0x10000ull
#define VIRT_PLIC_BASE 0xc000000ull
#define VIRT_PLIC_SIZE PLIC_SIZE
#define VIRT_UART0_BASE 0x10000000ull
#define VIRT_UART0_SIZE 0x100ull
#define VIRT_UART0_IRQ 10
#define VIRT_VIRTIO_BASE 0x10001000ull
#define VIRT_VIRTIO_COUNT 8 /* slots of 0x1000, slot n on PLIC source 1 + n */
#define VIRT_RAM_BASE 0x80000000ull

#define MACHINE_MAX_HARTS 8

/*
 * Values of cpu->stop_request: the run ends (it overrides a pause), or the
 * hart parks at the next instruction boundary until machine_resume().
 */
#define MACHINE_STOP_EXIT 1
#define MACHINE_STOP_PAUSE 2

struct machine {
	struct bus bus;
	struct cpu *harts;
	unsigned hart_count;
	struct clint clint;
	struct uart16550 uart;
	struct plic plic;
	struct goldfish_rtc rtc;
	bool console_input; /* feed the worker's stdin to the UART once started */

	/* The device tree (malloc'ed, packed) and where the guest finds it. */
	void *fdt;
	uint64_t fdt_addr;
	pthread_t threads[MACHINE_MAX_HARTS];
	bool threads_started;

	/* HTIF: guest-physical address of the ELF's `tohost` (0 if none). */
	uint64_t tohost_addr, fromhost_addr;

	/* Host CLOCK_MONOTONIC (ns) at which guest mtime was 0; mtime is 10 MHz. */
	uint64_t time_origin_ns;

	/*
	 * Harts sleeping in wfi wait on wfi_cond (with a timeout for their
	 * next timer deadline); machine_kick_harts() broadcasts it.
	 */
	pthread_mutex_t wfi_lock;
	pthread_cond_t wfi_cond;

	/* Set once by whatever ends the run (finisher, HTIF, signal). */
	int exit_requested;
	int exit_status;
	bool reboot_requested; /* the run ended because the guest asked to reboot */
	int exit_fd;	       /* eventfd, readable once exit was requested */

	/* Pause (worker API), under wfi_lock: parked harts wait on wfi_cond. */
	bool paused;
	unsigned harts_parked;

	/* The --drive disk (NULL for none) and its image, for machine_flush_disks(). */
	struct virtio_blk *blk;
	const char *drive; /* points into the machine_config's owner */
	bool drive_readonly;
};

/* What the board is built from (the worker's options). */
struct machine_config {
	const char *kernel; /* NULL only to build the device tree (--dump-dtb) */
	const char *bios;   /* NULL: none; the kernel starts at its entry in M-mode */
	const char *initrd; /* NULL: none */
	const char *append; /* /chosen/bootargs, NULL: none */
	bool console_input; /* the UART receives the worker's stdin */
	uint64_t mem_size;
	unsigned smp;
	bool trace;
	const char *drive; /* raw image for virtio-blk, NULL for none */
	bool drive_readonly;
	bool rng; /* add a virtio-rng device */
	/* The translator (dbt/); false runs the interpreter (--interp). */
	bool translate;
	uint64_t code_cache_size; /* per hart, 0 for the default */
	bool ret_array;		  /* T3 (--no-ret-array turns it off) */
	bool lockstep;		  /* --check-lockstep */
	bool count_t3;		  /* --stats: count every T3 call, return and hit */
	bool perf_map;		  /* --perf-map */
};

/*
 * Build the board: RAM, devices, harts; load the images; build the device
 * tree and put it at the top of RAM, with the initrd under it and, with
 * firmware, OpenSBI's fw_dynamic_info. Every hart starts at the firmware
 * entry (the kernel's without firmware) with a0 = hart id, a1 = device
 * tree, a2 = fw_dynamic_info (0 without firmware). On failure
 * returns -errno with a one-line reason in errbuf and leaves nothing
 * allocated.
 */
int machine_init(struct machine *m, const struct machine_config *cfg, char *errbuf, size_t errlen);

/* Start one host thread per hart. Returns 0 or -errno. */
int machine_start(struct machine *m);

/* Wait for every hart thread to stop (after machine_request_exit). */
void machine_join(struct machine *m);

/* Release everything machine_init allocated. */
void machine_fini(struct machine *m);

/*
 * Ask every hart to stop and record the worker's exit status. The first
 * request wins; later ones are ignored. Thread safe.
 */
void machine_request_exit(struct machine *m, int status);

/*
 * The guest asked for a reset (syscon-reboot, SBI system reset): end this
 * run like machine_request_exit(m, 0) and let the caller build the
 * machine again.
 */
void machine_request_reboot(struct machine *m);

/* Guest mtime now: 10 MHz ticks of the host monotonic clock. */
uint64_t machine_time(const struct machine *m);

/* Wake harts sleeping in wfi (an interrupt line changed, or exit). */
void machine_kick_harts(struct machine *m);

/*
 * Stop every started hart at an instruction boundary and wait until all
 * are parked. Returns 0, -EALREADY if already paused, or -ECANCELED if the
 * run is ending (the harts are leaving instead). Thread safe.
 */
int machine_pause(struct machine *m);

/* Let parked harts run again. Returns 0, or -EALREADY if not paused. Thread safe. */
int machine_resume(struct machine *m);

/* Whether the harts are paused (a snapshot). Thread safe. */
bool machine_is_paused(struct machine *m);

/*
 * Wait for the disk's requests in flight, then fdatasync its image so
 * what the guest wrote is on stable storage. Returns 0 or -errno.
 */
int machine_flush_disks(struct machine *m);

#endif
