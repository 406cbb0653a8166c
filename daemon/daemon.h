/* SPDX-License-Identifier: MIT */
/*
 * The daemon context: the configuration, the store, the supervisor, the
 * event broadcast and the HTTP server of one vmmd, and the VM life cycle
 * the REST handlers drive.
 *
 * State changes of VMs go through one recursive mutex (vmmd.lock), taken by
 * the handlers and by the supervisor's callbacks alike, so an action always
 * sees the result of the one before it: two concurrent starts give one
 * running VM and one 409, never two workers or a torn state. The lock is
 * recursive because the supervisor calls on_exit on the caller's thread when
 * a stop only cancels a pending restart. Reads (GET) go to the store, or to
 * the cache of serialized views (vm_cache.h) that every store write
 * invalidates.
 *
 * A start does not hold the lock while it waits for the worker's API (up to
 * VMMD_START_TIMEOUT_MS): the VM is "starting" meanwhile and listed in
 * vmmd.starts, a stop of it is refused with API_ERR_BUSY, the other actions
 * see an active VM as usual, and the supervisor's callbacks for it wait
 * until the start has recorded its outcome.
 *
 * The life-cycle functions return enum api_error (API_OK on success) with a
 * one-line message for the client, because their callers are HTTP handlers.
 */
#ifndef VMMD_DAEMON_H
#define VMMD_DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/api_error.h"
#include "daemon/config.h"
#include "daemon/vm_cache.h"
#include "daemon/vm_def.h"

struct store;
struct supervisor;
struct events;
struct http_server;
struct json_object;

/*
 * How long a start waits for the worker's API to report its machine
 * running before it gives up and kills the worker. A healthy worker gets
 * there in milliseconds; the margin is for a loaded host.
 */
#define VMMD_START_TIMEOUT_MS 5000
/* A worker that ran this long starts the restart back-off from scratch. */
#define VMMD_BACKOFF_RESET_MS 60000

/*
 * A start waiting for its worker, on the stack of vmmd_vm_start(); listed
 * in vmmd.starts under vmmd.lock while the lock is released for the wait.
 */
struct vmmd_start {
	const char *name;
	struct vmmd_start *next;
};

struct vmmd {
	struct config config; /* owned; loaded by the caller before vmmd_open */
	struct store *store;
	struct supervisor *supervisor;
	struct events *events;
	struct http_server *http;
	pthread_mutex_t lock;	   /* recursive; serialises VM state changes */
	struct vm_cache cache;	   /* GET /v1/vms and /metrics bodies; valid while store is */
	struct vmmd_start *starts; /* under lock: starts waiting for their worker */
	pthread_cond_t start_done; /* with lock: an entry left starts */
	double start_time_seconds; /* Unix time vmmd started, for /metrics */
	bool lock_ready;
};

/*
 * vmmd_open - create state_dir and state_dir/vms, open the store, the event
 * broadcast and the supervisor. @d->config must be loaded. Returns 0 or
 * -errno with the reason in @err; vmmd_close() cleans up either way.
 */
int vmmd_open(struct vmmd *d, char *err, size_t err_len);

/*
 * vmmd_recover - re-adopt the workers a previous vmmd left running (VMs whose
 * observed state is starting/running/paused/stopping), mark the ones that
 * are gone crashed, then start the stopped VMs that have autostart set.
 * Problems with single VMs are logged, not fatal. Returns 0 or -EIO if the
 * store cannot be read.
 */
int vmmd_recover(struct vmmd *d);

/*
 * vmmd_serve - start the HTTP server on the configured unix socket (and TCP
 * listener if set). Returns 0 or -errno with the reason in @err.
 */
int vmmd_serve(struct vmmd *d, char *err, size_t err_len);

/*
 * vmmd_close - stop serving (ending event streams), stop supervising
 * (workers keep running for the next vmmd) and free everything, the config
 * included. Safe on a partly opened or zeroed context.
 */
void vmmd_close(struct vmmd *d);

/* vmmd_log - a printf-style line on stderr if @level is enabled by the config. */
void vmmd_log(const struct vmmd *d, enum config_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* vmmd_count - number of VMs and of those running or paused. Returns 0 or -EIO. */
int vmmd_count(struct vmmd *d, unsigned int *total, unsigned int *running);

/*
 * vmmd_vm_json - the VM's definition plus "state" as a new JSON object in
 * *@out (the caller puts it). Returns API_OK, API_ERR_VM_NOT_FOUND or
 * API_ERR_INTERNAL, with a message in @msg.
 */
enum api_error vmmd_vm_json(struct vmmd *d, const char *name, struct json_object **out, char *msg,
			    size_t msg_len);

/*
 * vmmd_vm_create - check that @def's files exist, store it and start it if
 * autostart is set. Returns API_OK, API_ERR_VM_EXISTS, API_ERR_INVALID_VALUE
 * (a missing file, named), or API_ERR_INTERNAL/API_ERR_UNAVAILABLE (disk full).
 */
enum api_error vmmd_vm_create(struct vmmd *d, const struct vm_def *def, char *msg, size_t msg_len);

/*
 * vmmd_vm_update - replace a stopped VM's definition. Returns API_OK,
 * API_ERR_VM_NOT_FOUND, API_ERR_VM_RUNNING, API_ERR_INVALID_VALUE or
 * API_ERR_INTERNAL.
 */
enum api_error vmmd_vm_update(struct vmmd *d, const struct vm_def *def, char *msg, size_t msg_len);

/*
 * vmmd_vm_delete - delete a stopped VM and its directory under vms/.
 * Returns API_OK, API_ERR_VM_NOT_FOUND, API_ERR_VM_RUNNING or API_ERR_INTERNAL.
 */
enum api_error vmmd_vm_delete(struct vmmd *d, const char *name, char *msg, size_t msg_len);

/*
 * vmmd_vm_start - start the VM's worker and wait until its API reports the
 * machine running (the wait is without vmmd.lock unless the caller holds
 * it). Returns API_OK (the VM runs), API_ERR_VM_NOT_FOUND,
 * API_ERR_VM_RUNNING (it already has a worker), API_ERR_INVALID_VALUE (a
 * file is missing, or the worker failed at once: the message has its first
 * console line), API_ERR_UNAVAILABLE (the worker did not report running
 * within VMMD_START_TIMEOUT_MS and was killed), API_ERR_BUSY or
 * API_ERR_INTERNAL.
 */
enum api_error vmmd_vm_start(struct vmmd *d, const char *name, char *msg, size_t msg_len);

/* How vmmd_vm_stop() ends the run. */
enum vmmd_stop_kind {
	VMMD_STOP_NOW,	    /* the worker's POST /v1/stop: exit at once */
	VMMD_STOP_SHUTDOWN, /* the worker's POST /v1/poweroff: flush the disk, exit */
	VMMD_STOP_REBOOT,   /* a shutdown, then a start */
};

/*
 * vmmd_vm_stop - ask the worker to stop through its API (SIGTERM when it
 * does not answer), SIGKILL after shutdown_timeout_seconds. The VM is
 * "stopping" until the worker exits. A reboot starts it again once it has.
 * Returns API_OK, API_ERR_VM_NOT_FOUND, API_ERR_VM_NOT_RUNNING, API_ERR_BUSY
 * (a start of it is waiting for its worker) or API_ERR_INTERNAL.
 */
enum api_error vmmd_vm_stop(struct vmmd *d, const char *name, enum vmmd_stop_kind kind, char *msg,
			    size_t msg_len);

/*
 * vmmd_vm_pause / vmmd_vm_resume - park / run again the harts of a running
 * / paused VM through its worker's API. Return API_OK, API_ERR_VM_NOT_FOUND,
 * API_ERR_VM_NOT_RUNNING, API_ERR_BUSY, API_ERR_UNAVAILABLE (the worker did
 * not answer in time, or its machine is being rebuilt) or API_ERR_INTERNAL.
 */
enum api_error vmmd_vm_pause(struct vmmd *d, const char *name, char *msg, size_t msg_len);
enum api_error vmmd_vm_resume(struct vmmd *d, const char *name, char *msg, size_t msg_len);

/*
 * vmmd_vm_stats - counters of a running or paused VM as a new JSON object:
 * name, state, pid, restarts, adopted, uptime_seconds, cpu_seconds and
 * rss_bytes of the worker process, and under "worker" what the worker's
 * GET /v1/stats answered (harts, memory, devices, translator). Returns
 * API_OK, API_ERR_VM_NOT_FOUND, API_ERR_VM_NOT_RUNNING, API_ERR_UNAVAILABLE
 * (the worker did not answer in time, or its machine is being rebuilt) or
 * API_ERR_INTERNAL.
 */
enum api_error vmmd_vm_stats(struct vmmd *d, const char *name, struct json_object **out, char *msg,
			     size_t msg_len);

#endif /* VMMD_DAEMON_H */
