/*
 * goldfish_rtc.h - the Goldfish real-time clock of QEMU's virt board
 * (0x101000, PLIC source 11): host wall-clock time in nanoseconds since
 * the epoch, and one alarm.
 */
#ifndef VMM_DEV_GOLDFISH_RTC_H
#define VMM_DEV_GOLDFISH_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include <pthread.h>

#include "machine/bus.h"

struct plic;

#define GOLDFISH_RTC_SIZE 0x1000ull

struct goldfish_rtc {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* wakes the alarm thread when the alarm changes */
	pthread_t alarm_thread;
	bool thread_started, stopping;

	int64_t offset_ns;   /* guest time minus host CLOCK_REALTIME */
	uint32_t time_high;  /* latched by a TIME_LOW read, staged for a write */
	uint32_t alarm_high; /* staged by ALARM_HIGH, used by ALARM_LOW */
	uint64_t alarm_ns;   /* guest time of the armed alarm */
	bool alarm_running;
	bool irq_enabled, irq_pending;

	struct plic *plic; /* NULL: no interrupt line */
	unsigned irq;
	uint32_t plic_phandle; /* for the device tree node */
};

extern const struct mmio_ops goldfish_rtc_ops;

/*
 * Reset the clock to host time, its interrupt wired to `irq` of `plic`
 * (whose device tree phandle is plic_phandle; plic may be NULL).
 */
void goldfish_rtc_init(struct goldfish_rtc *rtc, struct plic *plic, unsigned irq,
		       uint32_t plic_phandle);

#endif
