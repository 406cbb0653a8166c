/* SPDX-License-Identifier: MIT */
/*
 * The supervisor runs one vmm-worker process per running VM, watches it
 * through a pidfd, reaps it, restarts it by the VM's policy with back-off,
 * and re-adopts workers left running by a previous vmmd.
 *
 * Each worker runs in its own process group with stdin on /dev/null and
 * stdout+stderr appended to <state_dir>/vms/<name>/console.log. Its pid and
 * start time (field 22 of /proc/PID/stat) go to <state_dir>/vms/<name>/worker.pid
 * so that a restarted vmmd can find it again without being fooled by pid reuse.
 * Workers deliberately outlive vmmd (no PR_SET_PDEATHSIG).
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

/* What a worker is doing, as seen by supervisor_get_info(). */
enum supervisor_worker_state {
	SUPERVISOR_WORKER_RUNNING,
	SUPERVISOR_WORKER_PAUSED,   /* SIGSTOP sent to its process group */
	SUPERVISOR_WORKER_STOPPING, /* SIGTERM sent, SIGKILL at the deadline */
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
	/* 0-255: exit status; 128+N: killed by signal N; -1: unknown (adopted worker). */
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
	/*
	 * XXX: the graceful power-off request through the worker API, which does
	 * not exist yet. When set, supervisor_stop() calls it first and sends
	 * SIGTERM only if it fails; when NULL, supervisor_stop() sends SIGTERM at
	 * once (which stops the guest hard: the worker exits 143). Either way
	 * SIGKILL follows at the deadline. Called with no lock held; returns 0
	 * or -errno.
	 */
	int (*request_poweroff)(void *opaque, const char *name);
	void *opaque;
};

struct supervisor_config {
	const char *state_dir;	     /* holds vms/<name>/{console.log,worker.pid} */
	const char *worker_path;     /* the vmm-worker binary */
	unsigned backoff_initial_ms; /* first restart delay, e.g. 500 */
	unsigned backoff_max_ms;     /* the doubling stops here, e.g. 30000 */
	unsigned backoff_reset_ms;   /* a run this long resets the delay, e.g. 60000 */
	/*
	 * supervisor_start() waits up to this long for a worker that fails at
	 * once (bad kernel file...) so it can report the failure, e.g. 200.
	 */
	unsigned start_check_ms;
	struct supervisor_callbacks callbacks;
};

struct supervisor_worker_info {
	pid_t pid;		       /* 0 while in back-off */
	unsigned long long start_time; /* /proc/PID/stat field 22, clock ticks since boot */
	enum supervisor_worker_state state;
	unsigned restarts;
	bool adopted; /* not our child: its exit status will be unknown */
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
 * Starts a worker for spec. Returns 0 once it runs (it may already have
 * exited with status 0 in the meantime: on_exit reports that as usual),
 * -EEXIST if the VM already has a worker or a pending restart, -ENOEXEC if
 * the worker exited non-zero within start_check_ms (message gets the first
 * line it wrote to console.log), or another -errno (message says why).
 * A failed start is not restarted and on_exit is not called for it.
 */
int supervisor_start(struct supervisor *sup, const struct supervisor_vm_spec *spec, char *message,
		     size_t message_len);

/*
 * Asks the VM's worker to stop: the power-off hook or SIGTERM, then SIGKILL
 * after deadline_ms. Returns at once; on_exit reports the exit with
 * requested = true. A pending restart is cancelled instead and on_exit is
 * called before this returns. Returns 0 or -ESRCH (no such worker).
 */
int supervisor_stop(struct supervisor *sup, const char *name, unsigned deadline_ms);

/*
 * SIGKILL to the worker at once (or cancels a pending restart). on_exit
 * reports it with requested = true. Returns 0 or -ESRCH.
 */
int supervisor_kill(struct supervisor *sup, const char *name);

/*
 * Pause/resume by SIGSTOP/SIGCONT of the worker's process group: the guest
 * freezes as a whole, timers included, until the worker API can pause the
 * harts itself. Returns 0, -ESRCH, or -EBUSY (stopping or in back-off).
 */
int supervisor_pause(struct supervisor *sup, const char *name);
int supervisor_resume(struct supervisor *sup, const char *name);

/*
 * Watches a worker left by a previous vmmd: reads vms/<name>/worker.pid and
 * checks that the process exists, has the recorded start time and runs a
 * vmm-worker binary. Returns 0, -EEXIST (already supervised), or -ESRCH when
 * there is no such worker (the caller marks the VM crashed; the stale
 * pidfile is removed).
 */
int supervisor_adopt(struct supervisor *sup, const struct supervisor_vm_spec *spec);

/* Fills *info for the VM's worker. Returns 0 or -ESRCH. */
int supervisor_get_info(struct supervisor *sup, const char *name,
			struct supervisor_worker_info *info);

#endif /* VMMD_SUPERVISOR_H */
