/*
 * goldfish_rtc.c - Goldfish RTC: 64-bit nanosecond wall clock and an alarm.
 *
 * Registers are 32-bit. Reading TIME_LOW latches the high half for the
 * TIME_HIGH read that follows, so a guest reads a consistent 64-bit value;
 * writes go the other way (TIME_HIGH is staged, TIME_LOW commits), which
 * is the order Linux's rtc-goldfish uses. Writing ALARM_LOW arms the alarm;
 * a host thread, started with the first alarm, sleeps until it is due and
 * then raises the interrupt (level until CLEAR_INTERRUPT).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "machine/fdt.h"
#include "goldfish_rtc.h"
#include "plic.h"

#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04
#define RTC_ALARM_LOW 0x08
#define RTC_ALARM_HIGH 0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_CLEAR_ALARM 0x14
#define RTC_ALARM_STATUS 0x18
#define RTC_CLEAR_INTERRUPT 0x1c

static int64_t rtc_host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Guest time now. Lock held. */
static uint64_t rtc_now(const struct goldfish_rtc *rtc)
{
	return (uint64_t)(rtc_host_ns() + rtc->offset_ns);
}

/* Drive the line from irq_pending & irq_enabled. Lock held. */
static void rtc_update_irq(struct goldfish_rtc *rtc)
{
	if (rtc->plic)
		plic_set_irq(rtc->plic, rtc->irq, rtc->irq_pending && rtc->irq_enabled);
}

/* Fire the alarm if it is due. Lock held. */
static void rtc_check_alarm(struct goldfish_rtc *rtc)
{
	if (rtc->alarm_running && rtc_now(rtc) >= rtc->alarm_ns) {
		rtc->alarm_running = false;
		rtc->irq_pending = true;
		rtc_update_irq(rtc);
	}
}

static void *rtc_alarm_thread(void *arg)
{
	struct goldfish_rtc *rtc = arg;

	pthread_mutex_lock(&rtc->lock);
	while (!rtc->stopping) {
		rtc_check_alarm(rtc);
		if (rtc->alarm_running) {
			/* The condition variable waits on CLOCK_REALTIME, as the clock does. */
			int64_t host = (int64_t)rtc->alarm_ns - rtc->offset_ns;
			struct timespec until = {
				.tv_sec = host / 1000000000ll,
				.tv_nsec = host % 1000000000ll,
			};

			if (host < 0)
				until = (struct timespec){ 0 };
			pthread_cond_timedwait(&rtc->cond, &rtc->lock, &until);
		} else {
			pthread_cond_wait(&rtc->cond, &rtc->lock);
		}
	}
	pthread_mutex_unlock(&rtc->lock);
	return NULL;
}

/*
 * The alarm thread starts with the first alarm, so boards whose guest never
 * sets one pay nothing. The guest cannot be told the host is out of
 * threads: its alarm then never fires, and the log says why. Lock held.
 */
static void rtc_start_alarm_thread(struct goldfish_rtc *rtc)
{
	int err;

	if (rtc->thread_started)
		return;
	err = pthread_create(&rtc->alarm_thread, NULL, rtc_alarm_thread, rtc);
	if (err)
		fprintf(stderr, "vmm-worker: goldfish-rtc: no alarm thread: %s\n", strerror(err));
	rtc->thread_started = err == 0;
}

void goldfish_rtc_init(struct goldfish_rtc *rtc, struct plic *plic, unsigned irq,
		       uint32_t plic_phandle)
{
	memset(rtc, 0, sizeof(*rtc));
	pthread_mutex_init(&rtc->lock, NULL);
	pthread_cond_init(&rtc->cond, NULL);
	rtc->plic = plic;
	rtc->irq = irq;
	rtc->plic_phandle = plic_phandle;
}

static int rtc_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct goldfish_rtc *rtc = opaque;
	uint64_t now;

	if (size != 4 || (offset & 3))
		return -EFAULT;
	pthread_mutex_lock(&rtc->lock);
	switch (offset) {
	case RTC_TIME_LOW:
		now = rtc_now(rtc);
		rtc->time_high = (uint32_t)(now >> 32);
		*val = (uint32_t)now;
		break;
	case RTC_TIME_HIGH:
		*val = rtc->time_high;
		break;
	case RTC_ALARM_LOW:
		*val = (uint32_t)rtc->alarm_ns;
		break;
	case RTC_ALARM_HIGH:
		*val = (uint32_t)(rtc->alarm_ns >> 32);
		break;
	case RTC_IRQ_ENABLED:
		*val = rtc->irq_enabled;
		break;
	case RTC_ALARM_STATUS:
		*val = rtc->alarm_running;
		break;
	default:
		*val = 0;
		break;
	}
	pthread_mutex_unlock(&rtc->lock);
	return 0;
}

static int rtc_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct goldfish_rtc *rtc = opaque;
	uint32_t word = (uint32_t)val;

	if (size != 4 || (offset & 3))
		return -EFAULT;
	pthread_mutex_lock(&rtc->lock);
	switch (offset) {
	case RTC_TIME_LOW:
		rtc->offset_ns = (int64_t)(((uint64_t)rtc->time_high << 32) | word) - rtc_host_ns();
		break;
	case RTC_TIME_HIGH:
		rtc->time_high = word;
		break;
	case RTC_ALARM_LOW:
		rtc->alarm_ns = ((uint64_t)rtc->alarm_high << 32) | word;
		rtc->alarm_running = true;
		rtc_start_alarm_thread(rtc);
		break;
	case RTC_ALARM_HIGH:
		rtc->alarm_high = word;
		break;
	case RTC_IRQ_ENABLED:
		rtc->irq_enabled = word & 1;
		break;
	case RTC_CLEAR_ALARM:
		rtc->alarm_running = false;
		break;
	case RTC_CLEAR_INTERRUPT:
		rtc->irq_pending = false;
		break;
	default:
		break;
	}
	rtc_check_alarm(rtc);
	rtc_update_irq(rtc);
	pthread_cond_signal(&rtc->cond);
	pthread_mutex_unlock(&rtc->lock);
	return 0;
}

static void rtc_fini(void *opaque)
{
	struct goldfish_rtc *rtc = opaque;

	pthread_mutex_lock(&rtc->lock);
	rtc->stopping = true;
	pthread_cond_signal(&rtc->cond);
	pthread_mutex_unlock(&rtc->lock);
	if (rtc->thread_started)
		pthread_join(rtc->alarm_thread, NULL);
	rtc->thread_started = false;
	pthread_cond_destroy(&rtc->cond);
	pthread_mutex_destroy(&rtc->lock);
}

static int rtc_fdt_node(void *opaque, void *fdt, uint64_t base, uint64_t size)
{
	struct goldfish_rtc *rtc = opaque;
	int node;

	node = fdt_add_soc_device(fdt, "rtc", base, size, "google,goldfish-rtc");
	if (node < 0 || !rtc->plic)
		return node < 0 ? node : 0;
	return fdt_setprop_u32(fdt, node, "interrupt-parent", rtc->plic_phandle)
		       ?: fdt_setprop_u32(fdt, node, "interrupts", rtc->irq);
}

const struct mmio_ops goldfish_rtc_ops = {
	.name = "goldfish-rtc",
	.read = rtc_read,
	.write = rtc_write,
	.fini = rtc_fini,
	.fdt_node = rtc_fdt_node,
};
