/* SPDX-License-Identifier: MIT */
/*
 * The /v1/events broadcast. The store's event log is the one source of
 * truth: whoever appends an event row calls events_publish(), which only
 * wakes the followers; each follower then reads the rows after its own
 * cursor from the store. So a follower that starts with ?since=ID replays
 * the log and then goes on live without a gap or a duplicate, and a slow
 * follower never makes the daemon buffer anything for it.
 *
 * Each event is one JSON line:
 *   {"id":12,"vm":"web1","kind":"state","state":"running","previous":"starting",
 *    "time":"2026-01-02T03:04:05.678Z","reason":"worker pid 4242"}
 */
#ifndef VMMD_EVENTS_H
#define VMMD_EVENTS_H

#include <stdint.h>
#include <sys/types.h>

struct store;
struct events;
struct events_follower;

/* How long events_follower_read() waits for a new event before returning 0. */
#define EVENTS_WAIT_MS 200

/*
 * Creates the broadcast over @store (borrowed: it must outlive the events).
 * Returns 0 and sets *@out, or -ENOMEM.
 */
int events_create(struct store *store, struct events **out);

/* Frees @ev. Every follower must have been freed first. NULL is fine. */
void events_destroy(struct events *ev);

/* Wakes the followers: the store has new event rows. Thread-safe. */
void events_publish(struct events *ev);

/*
 * Opens a follower that reports the events with id > @since, then live ones;
 * @since < 0 means "from now on". Returns 0 and sets *@out, -ENOMEM or -EIO.
 */
int events_follow(struct events *ev, int64_t since, struct events_follower **out);

/*
 * Writes up to @max bytes of the next JSON lines into @buf, waiting at most
 * EVENTS_WAIT_MS for one. Returns the number of bytes written, 0 if nothing
 * came, or -EIO if the store cannot be read (the stream should end).
 * Matches http_stream_fn.
 */
ssize_t events_follower_read(void *follower, char *buf, size_t max);

/* Frees a follower (matches the stream's free callback). NULL is fine. */
void events_follower_free(void *follower);

#endif /* VMMD_EVENTS_H */
