/* SPDX-License-Identifier: MIT */
/*
 * The supervisor runs one vmm-worker process per running VM, watches it
 * through a pidfd, reaps it, restarts it by the VM's policy with back-off,
 * and re-adopts workers left running by a previous vmmd.
 *
 * Each worker runs in its own process group with stdin on /dev/null and
 * stdout+stderr appended to <state_dir>/vms/<name>/console.log, and its
 * serial console served on <state_dir>/vms/<name>/console.sock. The
 * supervisor talks to a worker only through its REST API on
 * <state_dir>/vms/<name>/worker.sock (vmm-worker --api-socket): a start is
 * confirmed by GET /v1/status, pause/resume/stop are POSTs, statistics are
 * GET /v1/stats; signals remain only as the fallback of a worker that does
 * not answer (SIGTERM) and the deadline (SIGKILL). Its pid and
 * start time (field 22 of /proc/PID/stat) go to <state_dir>/vms/<name>/worker.pid
 * so that a restarted vmmd can find it again without being fooled by pid reuse.
 * Workers deliberately outlive vmmd (no PR_SET_PDEATHSIG). A re-adopted
 * worker is not our child, so its exit status comes from the file it
 * writes as it exits (vmm-worker --exit-file <state_dir>/vms/<name>/worker.exit);
 * one killed by a signal leaves none and its status is unknown (-1).
 *
 * One mutex guards the table; a watcher thread waits on the pidfds. Callbacks
 * run on the watcher thread (or on the caller's thread for a stop that only
 * cancels a pending restart) with no supervisor lock held, so they may call
 * back into the supervisor. The daemon must not set SIGCHLD to SIG_IGN, or
 * exit statuses are lost.
 */
#ifndef VMMD_SUPERVISOR_H
#define VMMD_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vm_def.h"

struct json_object;

/* What a worker is doing, as seen by supervisor_get_info(). */
enum supervisor_worker_state {
	SUPERVISOR_WORKER_RUNNING,
	SUPERVISOR_WORKER_PAUSED,   /* its API parked the harts (POST /v1/pause) */
	SUPERVISOR_WORKER_STOPPING, /* asked to stop, SIGKILL at the deadline */
	SUPERVISOR_WORKER_BACKOFF,  /* exited, restart scheduled */
};

/*
 * The VM as the worker needs it. The supervisor copies everything it keeps;
 * the caller's strings need only live for the call.
 */
struct supervisor_vm_spec {
	const char *name;    /* already validated: [A-Za-z0-9][A-Za-z0-9._-]*, ≤ 64 */
	const char *kernel;  /* --kernel */
	const char *bios;    /* --bios, NULL: the worker's default (none) */
	const char *initrd;  /* --initrd, or NULL */
	const char *cmdline; /* --append, or NULL */
	const char *disk;    /* --drive file=..., or NULL */
	bool disk_readonly;  /* adds ",readonly" */
	unsigned vcpus;	     /* --smp */
	unsigned memory_mib; /* --mem NM */
	/* on-failure: status != 0 (or unknown) and not requested; always: not requested */
	enum vm_restart_policy restart_policy;
};

/*
 * Points spec at def's fields (borrowed: def must outlive the use of spec).
 * The first disk, if any, becomes the worker's drive.
 */
void supervisor_spec_from_def(const struct vm_def *def, struct supervisor_vm_spec *spec);

/* Reported once for every worker exit. Pointers live only for the call. */
struct supervisor_exit_event {
	const char *name;
	/*
	 * 0-255: exit status; 128+N: killed by signal N; -1: unknown (an
	 * adopted worker that died without writing its exit file).
	 */
	int status;
	bool requested;	   /* supervisor_stop()/supervisor_kill() asked for it */
	bool will_restart; /* the policy restarts it after delay_ms */
	unsigned delay_ms;
	unsigned restarts; /* restarts so far, this one not counted */
};

struct supervisor_callbacks {
	/* A worker exited (and was reaped when it was our child). */
	void (*on_exit)(void *opaque, const struct supervisor_exit_event *event);
	/* The policy restarted a worker; pid is the new worker. May be NULL. */
	void (*on_restart)(void *opaque, const char *name, pid_t pid, unsigned restarts);
	void *opaque;
};

struct supervisor_config {
	const char *state_dir;	     /* holds vms/<name>/{console.log,worker.pid} */
	const char *worker_path;     /* the vmm-worker binary */
	unsigned backoff_initial_ms; /* first restart delay, e.g. 500 */
	unsigned backoff_max_ms;     /* the doubling stops here, e.g. 30000 */
	unsigned backoff_reset_ms;   /* a run this long resets the delay, e.g. 60000 */
	/*
	 * supervisor_start() waits up to this long for the worker's API to
	 * report the machine running, e.g. 5000. 0: it returns once the worker
	 * is spawned, unconfirmed (restarts by the policy never wait).
	 */
	unsigned start_timeout_ms;
	struct supervisor_callbacks callbacks;
};

struct supervisor_worker_info {
	pid_t pid;		       /* 0 while in back-off */
	unsigned long long start_time; /* /proc/PID/stat field 22, clock ticks since boot */
	enum supervisor_worker_state state;
	unsigned restarts;
	bool adopted; /* not our child: its exit status comes from its exit file */
};

struct supervisor;

/*
 * Creates a supervisor and starts its watcher thread. Strings in config are
 * copied. Returns 0 and sets *out, or -errno.
 */
int supervisor_create(const struct supervisor_config *config, struct supervisor **out);

/*
 * Stops the watcher thread and frees the supervisor. Workers are left
 * running (a new vmmd re-adopts them); pending restarts are dropped. No other
 * supervisor call may be in progress or follow.
 */
void supervisor_destroy(struct supervisor *sup);

/*
 * Starts a worker for spec and waits until its API answers GET /v1/status
 * with the machine running, polling with a growing delay. Returns 0 once it
 * runs (or has already exited with status 0: on_exit reports that as
 * usual), -EEXIST if the VM already has a worker or a pending restart,
 * -ENOEXEC if the worker exited non-zero first (message gets the first line
 * it wrote to console.log), -ETIMEDOUT if start_timeout_ms passed first
 * (the worker is killed), or another -errno (message says why). A failed
 * start is not restarted and on_exit is not called for it.
 */
int supervisor_start(struct supervisor *sup, const struct supervisor_vm_spec *spec, char *message,
		     size_t message_len);

/* How supervisor_stop() asks the worker to go. */
enum supervisor_stop_mode {
	/* POST /v1/poweroff: harts paused, disk flushed, exit 0 (see worker_api.c). */
	SUPERVISOR_STOP_POWEROFF,
	/* POST /v1/stop: exit 0 at once, no disk flush. */
	SUPERVISOR_STOP_NOW,
};

/*
 * Asks the VM's worker to stop through its API (@mode), or with SIGTERM
 * when the API does not accept the request (no answer within a short
 * timeout, machine starting...), then SIGKILL after deadline_ms. Returns
 * once the request is sent; on_exit reports the exit with requested =
 * true. A pending restart is cancelled instead and on_exit is called
 * before this returns. Returns 0 or -ESRCH (no such worker).
 */
int supervisor_stop(struct supervisor *sup, const char *name, enum supervisor_stop_mode mode,
		    unsigned deadline_ms);

/*
 * SIGKILL to the worker at once (or cancels a pending restart). on_exit
 * reports it with requested = true. Returns 0 or -ESRCH.
 */
int supervisor_kill(struct supervisor *sup, const char *name);

/*
 * Pause/resume through the worker API (POST /v1/pause, /v1/resume): the
 * harts park at an instruction boundary; the worker keeps answering its
 * API. Returns 0 (also when the worker already was in the wanted state),
 * -ESRCH, -EBUSY (starting, stopping or in back-off), -EAGAIN (the worker
 * answered 503: its machine is being rebuilt), or the transport's -errno
 * (-ETIMEDOUT, -ECONNREFUSED...) when the worker does not answer in time.
 */
int supervisor_pause(struct supervisor *sup, const char *name);
int supervisor_resume(struct supervisor *sup, const char *name);

/*
 * Watches a worker left by a previous vmmd: reads vms/<name>/worker.pid and
 * checks that the process exists, has the recorded start time and runs a
 * vmm-worker binary; its API (the same worker.sock) tells whether it is
 * paused, and is how the adopted worker is driven from then on. Returns 0, -EEXIST (already
 * supervised), or -ESRCH when there is no such worker (the caller marks the VM crashed; the stale
 * pidfile is removed).
 */
int supervisor_adopt(struct supervisor *sup, const struct supervisor_vm_spec *spec);

/*
 * GETs @path (e.g. "/v1/stats") from the VM's worker API with a short
 * timeout. Returns 0 and the JSON object the worker answered in *@out (the
 * caller puts it), -ESRCH (no worker), -EBUSY (starting or in back-off),
 * -EAGAIN (the worker answered 503), -EPROTO (another status, or not a
 * JSON object), or the transport's -errno when it does not answer in time.
 */
int supervisor_worker_get(struct supervisor *sup, const char *name, const char *path,
			  struct json_object **out);

/* Fills *info for the VM's worker. Returns 0 or -ESRCH. */
int supervisor_get_info(struct supervisor *sup, const char *name,
			struct supervisor_worker_info *info);

#endif /* VMMD_SUPERVISOR_H */
