/* SPDX-License-Identifier: MIT */
/*
 * events.c - wake /v1/events followers when the store's event log grows.
 *
 * A generation counter under a mutex + condition variable is all the state
 * shared between threads: a follower remembers the generation it last saw,
 * reads the store, and sleeps only while the generation has not moved. The
 * generation is read *before* the store, so an event appended between the
 * read and the wait still wakes it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "daemon/events.h"
#include "daemon/store.h"

/* Events fetched from the store per refill of a follower's buffer. */
#define EVENTS_BATCH 64

struct events {
	struct store *store;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t generation;
};

struct events_follower {
	struct events *events;
	int64_t cursor; /* id of the last event put into pending */
	char *pending;	/* formatted lines not yet sent */
	size_t len, off, cap;
};

/* events_create - see events.h. */
int events_create(struct store *store, struct events **out)
{
	struct events *ev = calloc(1, sizeof(*ev));
	pthread_condattr_t attr;

	if (!ev)
		return -ENOMEM;
	ev->store = store;
	pthread_mutex_init(&ev->lock, NULL);
	/* Timed waits on the monotonic clock: a wall-clock step must not stall them. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ev->cond, &attr);
	pthread_condattr_destroy(&attr);
	*out = ev;
	return 0;
}

/* events_destroy - see events.h. */
void events_destroy(struct events *ev)
{
	if (!ev)
		return;
	pthread_cond_destroy(&ev->cond);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

/* events_publish - see events.h. */
void events_publish(struct events *ev)
{
	if (!ev)
		return;
	pthread_mutex_lock(&ev->lock);
	ev->generation++;
	pthread_cond_broadcast(&ev->cond);
	pthread_mutex_unlock(&ev->lock);
}

/* events_follow - see events.h. */
int events_follow(struct events *ev, int64_t since, struct events_follower **out)
{
	struct events_follower *f = calloc(1, sizeof(*f));
	int ret;

	if (!f)
		return -ENOMEM;
	f->events = ev;
	f->cursor = since;
	if (since < 0) {
		ret = store_events_last_id(ev->store, &f->cursor, NULL, 0);
		if (ret) {
			free(f);
			return ret;
		}
	}
	*out = f;
	return 0;
}

static void events_format_time(int64_t time_ms, char *buf, size_t len)
{
	time_t seconds = (time_t)(time_ms / 1000);
	struct tm tm;
	char date[32];

	gmtime_r(&seconds, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", date, (int)(time_ms % 1000));
}

static int events_append(struct events_follower *f, const char *text, size_t len)
{
	if (f->len + len + 1 > f->cap) {
		size_t cap = (f->len + len + 1) * 2;
		char *p = realloc(f->pending, cap);

		if (!p)
			return -ENOMEM;
		f->pending = p;
		f->cap = cap;
	}
	memcpy(f->pending + f->len, text, len);
	f->pending[f->len + len] = '\n';
	f->len += len + 1;
	return 0;
}

/* Store callback: one event row becomes one JSON line in the follower's buffer. */
static int events_format_row(const struct store_event *event, void *opaque)
{
	struct events_follower *f = opaque;
	struct json_object *obj = json_object_new_object();
	const char *state;
	char time_text[48];
	size_t len;
	const char *text;
	int ret = -ENOMEM;

	if (!obj)
		return -ENOMEM;
	/*
	 * "updated" and "deleted" rows carry no state: the API only allows them
	 * on a stopped VM, which is what they report.
	 */
	state = event->to_state ? event->to_state
				: (event->from_state ? event->from_state : "stopped");
	events_format_time(event->time_ms, time_text, sizeof(time_text));
	json_object_object_add(obj, "id", json_object_new_int64(event->id));
	json_object_object_add(obj, "vm", json_object_new_string(event->vm));
	json_object_object_add(obj, "kind", json_object_new_string(event->kind));
	json_object_object_add(obj, "state", json_object_new_string(state));
	if (event->from_state)
		json_object_object_add(obj, "previous", json_object_new_string(event->from_state));
	json_object_object_add(obj, "time", json_object_new_string(time_text));
	if (event->message)
		json_object_object_add(obj, "reason", json_object_new_string(event->message));
	text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
	if (text && events_append(f, text, len) == 0) {
		f->cursor = event->id;
		ret = 0;
	}
	json_object_put(obj);
	return ret;
}

/* Refills the buffer from the store. Returns 0 or -EIO/-ENOMEM. */
static int events_refill(struct events_follower *f)
{
	int ret;

	f->len = 0;
	f->off = 0;
	ret = store_events_since(f->events->store, f->cursor, EVENTS_BATCH, events_format_row, f,
				 NULL, 0);
	/* A row that did not fit is fetched again next time: the cursor stayed. */
	if (ret == -ENOMEM && f->len)
		ret = 0;
	return ret < 0 ? ret : 0;
}

static void events_wait(struct events *ev, uint64_t seen)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += EVENTS_WAIT_MS * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&ev->lock);
	while (ev->generation == seen) {
		if (pthread_cond_timedwait(&ev->cond, &ev->lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&ev->lock);
}

/* events_follower_read - see events.h. */
ssize_t events_follower_read(void *follower, char *buf, size_t max)
{
	struct events_follower *f = follower;
	uint64_t seen;
	size_t n;

	if (f->off == f->len) {
		pthread_mutex_lock(&f->events->lock);
		seen = f->events->generation;
		pthread_mutex_unlock(&f->events->lock);
		if (events_refill(f))
			return -EIO;
		if (f->len == 0) {
			events_wait(f->events, seen);
			if (events_refill(f))
				return -EIO;
		}
	}
	n = f->len - f->off;
	if (n > max)
		n = max;
	if (n == 0)
		return 0;
	memcpy(buf, f->pending + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

/* events_follower_free - see events.h. */
void events_follower_free(void *follower)
{
	struct events_follower *f = follower;

	if (!f)
		return;
	free(f->pending);
	free(f);
}
