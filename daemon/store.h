/* SPDX-License-Identifier: MIT */
/*
 * vmmd's persistent state: one sqlite database, <state_dir>/vmmd.db, in WAL
 * mode. It holds the VM definitions with their desired and observed state,
 * an append-only event log, and the policy decisions with their inputs.
 *
 * Every change that takes more than one statement runs in one transaction,
 * so a vmmd killed at any point leaves either all of it or none of it. The
 * schema version lives in PRAGMA user_version; store_open applies the
 * missing migrations in order, each in its own transaction, and refuses a
 * database written by a newer vmmd.
 *
 * Timestamps are milliseconds since the Unix epoch (CLOCK_REALTIME).
 * All functions are thread-safe: one mutex serialises them. Functions that
 * fail write a one-line reason into err (err may be NULL).
 */
#ifndef VMMD_STORE_H
#define VMMD_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vm_def.h"

#define STORE_FILE_NAME "vmmd.db"
/* The schema this code writes; store_open migrates older databases up to it. */
#define STORE_SCHEMA_VERSION 1

struct store;

/* The runtime state of one VM, beside its definition. */
struct store_vm_state {
	enum vm_state desired;
	enum vm_state observed;
	pid_t pid;	       /* the worker, 0 if none */
	int64_t started_at_ms; /* when the current/last worker started, 0 if never */
	unsigned int restart_count;
	int64_t created_at_ms; /* read-only: set by store_vm_create */
	int64_t updated_at_ms; /* read-only: set by every change */
};

/* One VM as store_vm_list reports it. Pointers live only for the callback. */
struct store_vm_row {
	const char *name;
	const char *definition; /* the definition as compact JSON text */
	struct store_vm_state state;
};

/* One event row. Pointers live only for the callback. */
struct store_event {
	int64_t id; /* increasing; resume a stream with store_events_since(id) */
	const char *vm;
	int64_t time_ms;
	const char *kind;	/* "created", "deleted", "updated", "state", ... */
	const char *from_state; /* observed state before, NULL if none */
	const char *to_state;	/* observed state after, NULL if none */
	const char *message;	/* may be NULL */
};

/* A policy decision (the table later issues fill). */
struct store_decision {
	const char *vm;	    /* may be NULL for host-wide decisions */
	const char *kind;   /* e.g. "migrate", "promote_huge" */
	const char *inputs; /* JSON text: what the policy saw */
	const char *order;  /* JSON text: what it ordered */
	const char *reason; /* one line for an operator */
};

/*
 * Return 0 to go on, anything else to stop the iteration; store_vm_list and
 * store_events_since then return that value. They run with the store's lock
 * held: they must not call back into the store.
 */
typedef int (*store_vm_fn)(const struct store_vm_row *row, void *opaque);
typedef int (*store_event_fn)(const struct store_event *event, void *opaque);

/*
 * Called between the statements of store transactions with the name of the
 * point ("vm_create", "vm_delete", "vm_update", "vm_set_state"). NULL in
 * production; the crash tests set it to kill the process mid-transaction.
 */
extern void (*store_test_hook)(const char *point);

/*
 * Opens (creating if needed) the database at path and migrates it to
 * STORE_SCHEMA_VERSION. Returns 0 and sets *out; -EPROTO if the database is
 * newer than this code; -ENOSPC if the disk is full; -EIO or another -errno
 * otherwise.
 */
int store_open(const char *path, struct store **out, char *err, size_t err_len);

/* Closes the database (checkpointing the WAL) and frees *store. NULL is fine. */
void store_close(struct store *store);

/*
 * Caps the database at max_bytes (rounded down to whole pages), as if the
 * disk were that small: writes beyond it fail with -ENOSPC. Used by the tests
 * to simulate a full disk. Returns 0 or -EIO.
 */
int store_limit_size(struct store *store, uint64_t max_bytes, char *err, size_t err_len);

/*
 * Adds a VM (state: desired and observed stopped) and a "created" event, in
 * one transaction. def must be valid (vm_def_validate). Returns 0, -EEXIST if
 * the name is taken, -ENOSPC, -ENOMEM or -EIO.
 */
int store_vm_create(struct store *store, const struct vm_def *def, char *err, size_t err_len);

/*
 * Reads one VM. def (initialised here, caller frees with vm_def_free) and
 * state may each be NULL. Returns 0, -ENOENT, or -EIO (also for a stored
 * definition that no longer decodes).
 */
int store_vm_get(struct store *store, const char *name, struct vm_def *def,
		 struct store_vm_state *state, char *err, size_t err_len);

/*
 * A number that changes whenever a VM is created, updated, deleted or
 * changes state (it is bumped before the write commits). A copy of the VMs
 * read after taking generation G is at least as new as G: a cache tagged
 * with G is current while store_generation() still returns G.
 */
uint64_t store_generation(struct store *store);

/* Calls fn for every VM in name order. Returns 0, fn's nonzero value, or -EIO. */
int store_vm_list(struct store *store, store_vm_fn fn, void *opaque, char *err, size_t err_len);

/* Number of VMs into *count. Returns 0 or -EIO. */
int store_vm_count(struct store *store, unsigned int *count, char *err, size_t err_len);

/*
 * Replaces the definition of the VM named def->name and logs an "updated"
 * event. The caller checks that the VM is stopped. Returns 0, -ENOENT,
 * -ENOSPC or -EIO.
 */
int store_vm_update(struct store *store, const struct vm_def *def, char *err, size_t err_len);

/*
 * Deletes a VM and logs a "deleted" event. Returns 0, -ENOENT, -ENOSPC or -EIO.
 */
int store_vm_delete(struct store *store, const char *name, char *err, size_t err_len);

/*
 * Sets the VM's desired/observed state, pid, started_at_ms and restart_count
 * from *state (created/updated times are ignored), and appends an event of
 * kind (e.g. "state") from the old to the new observed state with message
 * (may be NULL), in one transaction. *event_id (may be NULL) receives the
 * event's id. Returns 0, -ENOENT, -ENOSPC or -EIO.
 */
int store_vm_set_state(struct store *store, const char *name, const struct store_vm_state *state,
		       const char *kind, const char *message, int64_t *event_id, char *err,
		       size_t err_len);

/*
 * Calls fn for up to limit events with id > after_id, oldest first (limit 0:
 * no limit). Returns 0, fn's nonzero value, or -EIO.
 */
int store_events_since(struct store *store, int64_t after_id, unsigned int limit, store_event_fn fn,
		       void *opaque, char *err, size_t err_len);

/* Id of the newest event into *id (0 if none). Returns 0 or -EIO. */
int store_events_last_id(struct store *store, int64_t *id, char *err, size_t err_len);

/*
 * Appends a policy decision, stamped with the current time. inputs and order
 * must be JSON text (checked by sqlite's json_valid). *id may be NULL.
 * Returns 0, -EINVAL (not JSON), -ENOSPC or -EIO.
 */
int store_decision_add(struct store *store, const struct store_decision *decision, int64_t *id,
		       char *err, size_t err_len);

/*
 * Runs PRAGMA integrity_check and foreign_key_check. Returns 0 if both are
 * clean, -EIO with the first problem in err otherwise.
 */
int store_check(struct store *store, char *err, size_t err_len);

#endif /* VMMD_STORE_H */
