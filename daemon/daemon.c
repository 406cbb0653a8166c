/* SPDX-License-Identifier: MIT */
/*
 * daemon.c - the VM life cycle of vmmd: store + supervisor + events.
 *
 * The store holds, per VM, a desired and an observed state. The handlers
 * set both when they act ("stopping" while a worker is asked to go); the
 * supervisor's callbacks set the observed state when a worker exits or is
 * restarted, and read the desired state to tell a reboot (desired running)
 * from a stop. Every change appends an event row and wakes the followers.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api/http_server.h"
#include "daemon/daemon.h"
#include "daemon/events.h"
#include "daemon/routes.h"
#include "daemon/store.h"
#include "daemon/supervisor.h"

/* VMs that vmmd_recover() looks at; beyond that they are logged and left alone. */
#define VMMD_RECOVER_MAX 1024

/* vmmd_log - see daemon.h. */
void vmmd_log(const struct vmmd *d, enum config_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[CONFIG_LOG_ERROR] = "error",
		[CONFIG_LOG_WARNING] = "warning",
		[CONFIG_LOG_INFO] = "info",
		[CONFIG_LOG_DEBUG] = "debug",
	};
	char line[1024];
	va_list ap;

	if (d && level > d->config.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so that lines of concurrent threads do not mix. */
	fprintf(stderr, "vmmd: %s: %s\n", prefix[level], line);
}

static int64_t vmmd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True while the VM has (or is about to have) a worker. */
static bool vmmd_state_active(enum vm_state state)
{
	return state == VM_STATE_STARTING || state == VM_STATE_RUNNING ||
	       state == VM_STATE_PAUSED || state == VM_STATE_STOPPING;
}

static enum api_error vmmd_store_error(int ret)
{
	if (ret == -ENOENT)
		return API_ERR_VM_NOT_FOUND;
	if (ret == -ENOSPC)
		return API_ERR_UNAVAILABLE;
	return API_ERR_INTERNAL;
}

/* True while a vmmd_vm_start() of @name waits for its worker. Under d->lock. */
static bool vmmd_start_pending(const struct vmmd *d, const char *name)
{
	for (const struct vmmd_start *s = d->starts; s; s = s->next)
		if (!strcmp(s->name, name))
			return true;
	return false;
}

/*
 * The supervisor reports on a worker only after supervisor_start() handed
 * it over, which may be before the start recorded "running": wait for that
 * record, so that an exit is never overwritten by it. Under d->lock, taken
 * once (a callback's own).
 */
static void vmmd_wait_start(struct vmmd *d, const char *name)
{
	while (vmmd_start_pending(d, name))
		pthread_cond_wait(&d->start_done, &d->lock);
}

/*
 * Writes the VM's new state with an event, and wakes the followers.
 * @pid < 0 keeps the stored pid. Returns 0 or the store's -errno.
 */
static int vmmd_set_state(struct vmmd *d, const char *name, enum vm_state desired,
			  enum vm_state observed, pid_t pid, const char *reason)
{
	struct store_vm_state state;
	char err[256];
	int ret;

	ret = store_vm_get(d->store, name, NULL, &state, err, sizeof(err));
	if (ret)
		goto out;
	state.desired = desired;
	state.observed = observed;
	if (pid >= 0)
		state.pid = pid;
	ret = store_vm_set_state(d->store, name, &state, "state", reason, NULL, err, sizeof(err));
out:
	if (ret)
		vmmd_log(d, CONFIG_LOG_ERROR, "%s: cannot record state %s: %s", name,
			 vm_state_name(observed), err);
	else
		events_publish(d->events);
	return ret;
}

/* Same with started_at and restart_count, for a worker that just started. */
static int vmmd_set_started(struct vmmd *d, const char *name, pid_t pid, unsigned int restarts,
			    const char *reason)
{
	struct store_vm_state state;
	char err[256];
	int ret;

	ret = store_vm_get(d->store, name, NULL, &state, err, sizeof(err));
	if (ret)
		goto out;
	state.desired = VM_STATE_RUNNING;
	state.observed = VM_STATE_RUNNING;
	state.pid = pid;
	state.started_at_ms = vmmd_now_ms();
	state.restart_count = restarts;
	ret = store_vm_set_state(d->store, name, &state, "state", reason, NULL, err, sizeof(err));
out:
	if (ret)
		vmmd_log(d, CONFIG_LOG_ERROR, "%s: cannot record start: %s", name, err);
	else
		events_publish(d->events);
	return ret;
}

/* The supervisor reports a worker exit (watcher thread, or ours for a cancelled restart). */
static void vmmd_on_exit(void *opaque, const struct supervisor_exit_event *event)
{
	struct vmmd *d = opaque;
	struct store_vm_state state;
	enum vm_state observed;
	char reason[512];

	pthread_mutex_lock(&d->lock);
	vmmd_wait_start(d, event->name);
	if (store_vm_get(d->store, event->name, NULL, &state, NULL, 0))
		goto out;
	if (event->status < 0)
		snprintf(reason, sizeof(reason),
			 "adopted worker died without an exit status (killed by a signal?)");
	else if (event->status > 128)
		snprintf(reason, sizeof(reason), "worker killed by signal %d", event->status - 128);
	else
		snprintf(reason, sizeof(reason), "worker exited with status %d", event->status);
	if (event->will_restart) {
		size_t len = strlen(reason);

		snprintf(reason + len, sizeof(reason) - len, "; restart in %u ms", event->delay_ms);
		vmmd_set_state(d, event->name, VM_STATE_RUNNING, VM_STATE_STARTING, 0, reason);
		goto out;
	}
	if (event->requested && state.desired == VM_STATE_RUNNING) {
		char msg[512];

		/*
		 * A reboot: the stop was asked with the VM still wanted running.
		 * The start runs after our unlock, so that its wait does not hold
		 * the lock when this is the watcher's thread.
		 */
		vmmd_set_state(d, event->name, VM_STATE_RUNNING, VM_STATE_STOPPED, 0, "rebooting");
		pthread_mutex_unlock(&d->lock);
		if (vmmd_vm_start(d, event->name, msg, sizeof(msg)) != API_OK)
			vmmd_log(d, CONFIG_LOG_WARNING, "%s: reboot failed: %s", event->name, msg);
		return;
	}
	/*
	 * A guest that failed on its own crashed, and so did a worker that
	 * died unasked without saying how; one that was asked to go or
	 * powered off stopped.
	 */
	observed = event->requested || event->status == 0 ? VM_STATE_STOPPED : VM_STATE_CRASHED;
	vmmd_set_state(d, event->name, VM_STATE_STOPPED, observed, 0, reason);
out:
	pthread_mutex_unlock(&d->lock);
}

/* The supervisor restarted a worker by the VM's restart policy. */
static void vmmd_on_restart(void *opaque, const char *name, pid_t pid, unsigned restarts)
{
	struct vmmd *d = opaque;
	char reason[96];

	snprintf(reason, sizeof(reason), "restarted by policy (restart %u), worker pid %d",
		 restarts + 1, (int)pid);
	pthread_mutex_lock(&d->lock);
	vmmd_wait_start(d, name);
	vmmd_set_started(d, name, pid, restarts + 1, reason);
	pthread_mutex_unlock(&d->lock);
}

static const vm_cache_build_fn vmmd_cache_builders[VM_CACHE_VIEWS] = {
	[VM_CACHE_LIST] = route_vms_list_build,
	[VM_CACHE_METRICS_VMS] = route_metrics_vms_build,
};

static int vmmd_mkdir(const char *path, char *err, size_t err_len)
{
	if (mkdir(path, 0750) && errno != EEXIST) {
		int ret = -errno;

		snprintf(err, err_len, "cannot create %s: %s", path, strerror(errno));
		return ret;
	}
	return 0;
}

/* vmmd_open - see daemon.h. */
int vmmd_open(struct vmmd *d, char *err, size_t err_len)
{
	struct supervisor_config sup_config = {
		.state_dir = d->config.state_dir,
		.worker_path = d->config.worker_path,
		.backoff_initial_ms = d->config.restart_backoff_initial_ms,
		.backoff_max_ms = d->config.restart_backoff_max_ms,
		.backoff_reset_ms = VMMD_BACKOFF_RESET_MS,
		.start_timeout_ms = VMMD_START_TIMEOUT_MS,
		.callbacks = {
			.on_exit = vmmd_on_exit,
			.on_restart = vmmd_on_restart,
			.opaque = d,
		},
	};
	pthread_mutexattr_t attr;
	char path[4200];
	int ret;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&d->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_cond_init(&d->start_done, NULL);
	d->lock_ready = true;

	ret = vmmd_mkdir(d->config.state_dir, err, err_len);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/vms", d->config.state_dir);
	ret = vmmd_mkdir(path, err, err_len);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", d->config.state_dir, STORE_FILE_NAME);
	ret = store_open(path, &d->store, err, err_len);
	if (ret)
		return ret;
	vm_cache_init(&d->cache, d->store, vmmd_cache_builders, d);
	ret = events_create(d->store, &d->events);
	if (ret) {
		snprintf(err, err_len, "cannot create the event broadcast: %s", strerror(-ret));
		return ret;
	}
	ret = supervisor_create(&sup_config, &d->supervisor);
	if (ret)
		snprintf(err, err_len, "cannot start the supervisor: %s", strerror(-ret));
	return ret;
}

/* vmmd_serve - see daemon.h. */
int vmmd_serve(struct vmmd *d, char *err, size_t err_len)
{
	struct http_server_config http = {
		.unix_path = d->config.socket,
		.unix_mode = (unsigned int)d->config.socket_mode,
		.routes = vmmd_routes,
		.n_routes = vmmd_route_count,
		.ctx = d,
	};
	int ret;

	if (d->config.tcp_port) {
		http.tcp_address = d->config.tcp_host;
		http.tcp_port = (uint16_t)d->config.tcp_port;
		http.token_file = d->config.token_file;
	}
	ret = http_server_start(&http, &d->http);
	if (ret)
		snprintf(err, err_len, "cannot serve on %s%s%s: %s", d->config.socket,
			 d->config.tcp_port ? " and " : "", d->config.tcp_listen, strerror(-ret));
	return ret;
}

/* vmmd_close - see daemon.h. */
void vmmd_close(struct vmmd *d)
{
	/* Streams end first: they read the store and wait on the events. */
	http_server_stop(d->http);
	d->http = NULL;
	supervisor_destroy(d->supervisor);
	d->supervisor = NULL;
	events_destroy(d->events);
	d->events = NULL;
	if (d->store)
		vm_cache_fini(&d->cache);
	store_close(d->store);
	d->store = NULL;
	if (d->lock_ready) {
		pthread_cond_destroy(&d->start_done);
		pthread_mutex_destroy(&d->lock);
	}
	d->lock_ready = false;
	config_free(&d->config);
}

struct vmmd_count_ctx {
	unsigned int total, running;
};

static int vmmd_count_row(const struct store_vm_row *row, void *opaque)
{
	struct vmmd_count_ctx *ctx = opaque;

	ctx->total++;
	if (row->state.observed == VM_STATE_RUNNING || row->state.observed == VM_STATE_PAUSED)
		ctx->running++;
	return 0;
}

/* vmmd_count - see daemon.h. */
int vmmd_count(struct vmmd *d, unsigned int *total, unsigned int *running)
{
	struct vmmd_count_ctx ctx = { 0, 0 };
	int ret = store_vm_list(d->store, vmmd_count_row, &ctx, NULL, 0);

	*total = ctx.total;
	*running = ctx.running;
	return ret < 0 ? -EIO : 0;
}

/* Checks that a file the worker will open exists and is a readable regular file. */
static int vmmd_check_file(const char *field, const char *path, char *msg, size_t msg_len)
{
	struct stat st;

	if (!path)
		return 0;
	if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
		snprintf(msg, msg_len, "%s: %s: %s", field, path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(msg, msg_len, "%s: %s: not a regular file", field, path);
		return -EINVAL;
	}
	return 0;
}

static int vmmd_check_files(const struct vm_def *def, char *msg, size_t msg_len)
{
	int ret;

	ret = vmmd_check_file("kernel", def->kernel, msg, msg_len);
	if (!ret)
		ret = vmmd_check_file("bios", def->bios, msg, msg_len);
	if (!ret)
		ret = vmmd_check_file("initrd", def->initrd, msg, msg_len);
	if (!ret && def->disk_count)
		ret = vmmd_check_file("disks[0].path", def->disks[0].path, msg, msg_len);
	return ret;
}

/* vmmd_vm_json - see daemon.h. */
enum api_error vmmd_vm_json(struct vmmd *d, const char *name, struct json_object **out, char *msg,
			    size_t msg_len)
{
	struct store_vm_state state;
	struct vm_def def;
	struct json_object *obj;
	int ret;

	ret = store_vm_get(d->store, name, &def, &state, msg, msg_len);
	if (ret == -ENOENT) {
		snprintf(msg, msg_len, "no VM named '%s'", name);
		return API_ERR_VM_NOT_FOUND;
	}
	if (ret)
		return API_ERR_INTERNAL;
	obj = vm_def_to_json(&def);
	vm_def_free(&def);
	if (!obj) {
		snprintf(msg, msg_len, "out of memory");
		return API_ERR_INTERNAL;
	}
	json_object_object_add(obj, "state", json_object_new_string(vm_state_name(state.observed)));
	*out = obj;
	return API_OK;
}

/* vmmd_vm_create - see daemon.h. */
enum api_error vmmd_vm_create(struct vmmd *d, const struct vm_def *def, char *msg, size_t msg_len)
{
	enum api_error code = API_OK;
	int ret;

	if (vmmd_check_files(def, msg, msg_len))
		return API_ERR_INVALID_VALUE;
	pthread_mutex_lock(&d->lock);
	ret = store_vm_create(d->store, def, msg, msg_len);
	if (ret == -EEXIST) {
		snprintf(msg, msg_len, "a VM named '%s' exists", def->name);
		code = API_ERR_VM_EXISTS;
		goto out;
	}
	if (ret) {
		code = ret == -ENOSPC ? API_ERR_UNAVAILABLE : API_ERR_INTERNAL;
		goto out;
	}
	events_publish(d->events);
	vmmd_log(d, CONFIG_LOG_INFO, "%s: created", def->name);
out:
	pthread_mutex_unlock(&d->lock);
	/* The definition is kept even if its first start fails: the event log says why. */
	if (!code && def->autostart && vmmd_vm_start(d, def->name, msg, msg_len) != API_OK)
		vmmd_log(d, CONFIG_LOG_WARNING, "%s: autostart failed: %s", def->name, msg);
	return code;
}

/* Reads the VM's state under the lock; maps a missing VM to API_ERR_VM_NOT_FOUND. */
static enum api_error vmmd_get_state(struct vmmd *d, const char *name, struct vm_def *def,
				     struct store_vm_state *state, char *msg, size_t msg_len)
{
	int ret = store_vm_get(d->store, name, def, state, msg, msg_len);

	if (ret == -ENOENT) {
		snprintf(msg, msg_len, "no VM named '%s'", name);
		return API_ERR_VM_NOT_FOUND;
	}
	return ret ? API_ERR_INTERNAL : API_OK;
}

/* vmmd_vm_update - see daemon.h. */
enum api_error vmmd_vm_update(struct vmmd *d, const struct vm_def *def, char *msg, size_t msg_len)
{
	struct store_vm_state state;
	enum api_error code;
	int ret;

	pthread_mutex_lock(&d->lock);
	code = vmmd_get_state(d, def->name, NULL, &state, msg, msg_len);
	if (code)
		goto out;
	if (vmmd_state_active(state.observed)) {
		snprintf(msg, msg_len, "VM '%s' is %s: stop it first", def->name,
			 vm_state_name(state.observed));
		code = API_ERR_VM_RUNNING;
		goto out;
	}
	if (vmmd_check_files(def, msg, msg_len)) {
		code = API_ERR_INVALID_VALUE;
		goto out;
	}
	ret = store_vm_update(d->store, def, msg, msg_len);
	if (ret) {
		code = vmmd_store_error(ret);
		goto out;
	}
	events_publish(d->events);
out:
	pthread_mutex_unlock(&d->lock);
	return code;
}

/* Removes vms/<name>/ and the files vmmd and the supervisor keep there. */
static void vmmd_remove_vm_dir(struct vmmd *d, const char *name)
{
	static const char *const files[] = { "console.log", "worker.pid", "worker.sock",
					     "console.sock" };
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/vms/%s/%s", d->config.state_dir, name, files[i]);
		if (unlink(path) && errno != ENOENT)
			vmmd_log(d, CONFIG_LOG_WARNING, "cannot remove %s: %s", path,
				 strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/vms/%s", d->config.state_dir, name);
	if (rmdir(path) && errno != ENOENT)
		vmmd_log(d, CONFIG_LOG_WARNING, "cannot remove %s: %s", path, strerror(errno));
}

/* vmmd_vm_delete - see daemon.h. */
enum api_error vmmd_vm_delete(struct vmmd *d, const char *name, char *msg, size_t msg_len)
{
	struct store_vm_state state;
	enum api_error code;
	int ret;

	pthread_mutex_lock(&d->lock);
	code = vmmd_get_state(d, name, NULL, &state, msg, msg_len);
	if (code)
		goto out;
	if (vmmd_state_active(state.observed)) {
		snprintf(msg, msg_len, "VM '%s' is %s: stop it first", name,
			 vm_state_name(state.observed));
		code = API_ERR_VM_RUNNING;
		goto out;
	}
	ret = store_vm_delete(d->store, name, msg, msg_len);
	if (ret) {
		code = vmmd_store_error(ret);
		goto out;
	}
	events_publish(d->events);
	vmmd_remove_vm_dir(d, name);
	vmmd_log(d, CONFIG_LOG_INFO, "%s: deleted", name);
out:
	pthread_mutex_unlock(&d->lock);
	return code;
}

/* vmmd_vm_start - see daemon.h. */
enum api_error vmmd_vm_start(struct vmmd *d, const char *name, char *msg, size_t msg_len)
{
	struct vmmd_start entry = { .name = name };
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct store_vm_state state;
	struct vmmd_start **link;
	struct vm_def def;
	enum api_error code;
	char reason[600];
	int ret;

	pthread_mutex_lock(&d->lock);
	code = vmmd_get_state(d, name, &def, &state, msg, msg_len);
	if (code)
		goto unlock;
	if (vmmd_state_active(state.observed)) {
		snprintf(msg, msg_len, "VM '%s' is %s", name, vm_state_name(state.observed));
		code = API_ERR_VM_RUNNING;
		goto out;
	}
	if (vmmd_check_files(&def, msg, msg_len)) {
		code = API_ERR_INVALID_VALUE;
		goto out;
	}
	/* Recorded first, so that a vmmd killed mid-start re-adopts or marks it crashed. */
	if (vmmd_set_state(d, name, VM_STATE_RUNNING, VM_STATE_STARTING, 0, "start requested")) {
		snprintf(msg, msg_len, "cannot record the state of '%s'", name);
		code = API_ERR_INTERNAL;
		goto out;
	}
	/* "starting" and listed: other actions on it are refused while we wait unlocked. */
	entry.next = d->starts;
	d->starts = &entry;
	pthread_mutex_unlock(&d->lock);

	supervisor_spec_from_def(&def, &spec);
	ret = supervisor_start(d->supervisor, &spec, msg, msg_len);

	pthread_mutex_lock(&d->lock);
	for (link = &d->starts; *link != &entry; link = &(*link)->next)
		;
	*link = entry.next;
	if (ret) {
		if (ret == -EEXIST)
			snprintf(msg, msg_len, "VM '%s' has a worker already", name);
		snprintf(reason, sizeof(reason), "start failed: %s", msg);
		vmmd_set_state(d, name, VM_STATE_STOPPED, state.observed, 0, reason);
		code = ret == -ENOEXEC	   ? API_ERR_INVALID_VALUE
		       : ret == -EEXIST	   ? API_ERR_BUSY
		       : ret == -ETIMEDOUT ? API_ERR_UNAVAILABLE
					   : API_ERR_INTERNAL;
		vmmd_log(d, CONFIG_LOG_WARNING, "%s: %s", name, reason);
		goto done;
	}
	memset(&info, 0, sizeof(info));
	supervisor_get_info(d->supervisor, name, &info);
	snprintf(reason, sizeof(reason), "worker pid %d", (int)info.pid);
	vmmd_set_started(d, name, info.pid, 0, reason);
	vmmd_log(d, CONFIG_LOG_INFO, "%s: started, %s", name, reason);
done:
	/* The supervisor's callbacks for this VM may go on now. */
	pthread_cond_broadcast(&d->start_done);
out:
	vm_def_free(&def);
unlock:
	pthread_mutex_unlock(&d->lock);
	return code;
}

/* vmmd_vm_stop - see daemon.h. */
enum api_error vmmd_vm_stop(struct vmmd *d, const char *name, enum vmmd_stop_kind kind, char *msg,
			    size_t msg_len)
{
	unsigned int deadline_ms = d->config.shutdown_timeout_seconds * 1000u;
	bool reboot = kind == VMMD_STOP_REBOOT, start_after = false;
	struct store_vm_state state;
	enum api_error code;
	int ret;

	pthread_mutex_lock(&d->lock);
	code = vmmd_get_state(d, name, NULL, &state, msg, msg_len);
	if (code)
		goto out;
	if (vmmd_start_pending(d, name)) {
		snprintf(msg, msg_len, "VM '%s' is starting: wait until it runs", name);
		code = API_ERR_BUSY;
		goto out;
	}
	if (!vmmd_state_active(state.observed) || state.observed == VM_STATE_STOPPING) {
		snprintf(msg, msg_len, "VM '%s' is %s", name, vm_state_name(state.observed));
		code = API_ERR_VM_NOT_RUNNING;
		goto out;
	}
	/*
	 * The state is written before the request: a stop that only cancels a
	 * pending restart reports the exit on this thread before returning.
	 */
	vmmd_set_state(d, name, reboot ? VM_STATE_RUNNING : VM_STATE_STOPPED, VM_STATE_STOPPING, -1,
		       reboot			    ? "reboot requested"
		       : kind == VMMD_STOP_SHUTDOWN ? "shutdown requested"
						    : "stop requested");
	ret = supervisor_stop(d->supervisor, name,
			      kind == VMMD_STOP_NOW ? SUPERVISOR_STOP_NOW
						    : SUPERVISOR_STOP_POWEROFF,
			      deadline_ms);
	if (ret == -ESRCH) {
		/* No worker behind the stored state (it vanished unseen): it is stopped. */
		vmmd_set_state(d, name, VM_STATE_STOPPED, VM_STATE_STOPPED, 0, "no worker found");
		start_after = reboot;
	} else if (ret) {
		snprintf(msg, msg_len, "cannot stop '%s': %s", name, strerror(-ret));
		code = API_ERR_INTERNAL;
	}
out:
	pthread_mutex_unlock(&d->lock);
	/* After the unlock: the start's wait for the worker must not hold the lock. */
	if (start_after)
		code = vmmd_vm_start(d, name, msg, msg_len);
	return code;
}

/*
 * Maps a failed call to a VM's worker (supervisor_pause/resume/worker_get)
 * to the client's error, with the message in @msg.
 */
static enum api_error vmmd_worker_error(const char *name, int ret, char *msg, size_t msg_len)
{
	switch (ret) {
	case -ESRCH:
		snprintf(msg, msg_len, "VM '%s' has no worker", name);
		return API_ERR_VM_NOT_RUNNING;
	case -EBUSY:
		snprintf(msg, msg_len, "VM '%s' is changing state", name);
		return API_ERR_BUSY;
	case -EAGAIN:
		snprintf(msg, msg_len, "the machine of '%s' is starting or stopping", name);
		return API_ERR_UNAVAILABLE;
	case -ENOMEM:
		snprintf(msg, msg_len, "out of memory");
		return API_ERR_INTERNAL;
	case -EPROTO:
		snprintf(msg, msg_len, "the worker of '%s' gave an unexpected answer", name);
		return API_ERR_UNAVAILABLE;
	default:
		snprintf(msg, msg_len, "the worker of '%s' does not answer on its API: %s", name,
			 strerror(-ret));
		return API_ERR_UNAVAILABLE;
	}
}

/* Pause or resume: @from is the state required, @to the one reached. */
static enum api_error vmmd_vm_freeze(struct vmmd *d, const char *name, enum vm_state from,
				     enum vm_state to, char *msg, size_t msg_len)
{
	struct store_vm_state state;
	enum api_error code;
	int ret;

	pthread_mutex_lock(&d->lock);
	code = vmmd_get_state(d, name, NULL, &state, msg, msg_len);
	if (code)
		goto out;
	if (state.observed != from) {
		snprintf(msg, msg_len, "VM '%s' is %s, not %s", name, vm_state_name(state.observed),
			 vm_state_name(from));
		code = API_ERR_VM_NOT_RUNNING;
		goto out;
	}
	ret = to == VM_STATE_PAUSED ? supervisor_pause(d->supervisor, name)
				    : supervisor_resume(d->supervisor, name);
	if (ret) {
		code = vmmd_worker_error(name, ret, msg, msg_len);
		goto out;
	}
	vmmd_set_state(d, name, to, to, -1, to == VM_STATE_PAUSED ? "paused" : "resumed");
out:
	pthread_mutex_unlock(&d->lock);
	return code;
}

/* vmmd_vm_pause - see daemon.h. */
enum api_error vmmd_vm_pause(struct vmmd *d, const char *name, char *msg, size_t msg_len)
{
	return vmmd_vm_freeze(d, name, VM_STATE_RUNNING, VM_STATE_PAUSED, msg, msg_len);
}

/* vmmd_vm_resume - see daemon.h. */
enum api_error vmmd_vm_resume(struct vmmd *d, const char *name, char *msg, size_t msg_len)
{
	return vmmd_vm_freeze(d, name, VM_STATE_PAUSED, VM_STATE_RUNNING, msg, msg_len);
}

/* CPU seconds and resident bytes of @pid from /proc/PID/stat. Returns 0 or -errno. */
static int vmmd_proc_usage(pid_t pid, double *cpu_seconds, long long *rss_bytes)
{
	unsigned long long utime, stime;
	long long rss;
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
			 "%*d %*d %*d %*d %*d %*d %*u %*u %lld",
			 &utime, &stime, &rss) != 3)
		return -EIO;
	*cpu_seconds = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	*rss_bytes = rss * sysconf(_SC_PAGESIZE);
	return 0;
}

/* vmmd_vm_stats - see daemon.h. */
enum api_error vmmd_vm_stats(struct vmmd *d, const char *name, struct json_object **out, char *msg,
			     size_t msg_len)
{
	struct supervisor_worker_info info;
	struct store_vm_state state;
	struct json_object *obj, *worker;
	enum api_error code;
	double cpu_seconds = 0;
	long long rss_bytes = 0;
	int ret;

	code = vmmd_get_state(d, name, NULL, &state, msg, msg_len);
	if (code)
		return code;
	if (state.observed != VM_STATE_RUNNING && state.observed != VM_STATE_PAUSED) {
		snprintf(msg, msg_len, "VM '%s' is %s", name, vm_state_name(state.observed));
		return API_ERR_VM_NOT_RUNNING;
	}
	if (supervisor_get_info(d->supervisor, name, &info) || info.pid <= 0 ||
	    vmmd_proc_usage(info.pid, &cpu_seconds, &rss_bytes)) {
		snprintf(msg, msg_len, "the worker of '%s' is gone", name);
		return API_ERR_VM_NOT_RUNNING;
	}
	/* No lock: a slow worker delays this reader only. */
	ret = supervisor_worker_get(d->supervisor, name, "/v1/stats", &worker);
	if (ret)
		return vmmd_worker_error(name, ret, msg, msg_len);
	obj = json_object_new_object();
	if (!obj) {
		json_object_put(worker);
		snprintf(msg, msg_len, "out of memory");
		return API_ERR_INTERNAL;
	}
	json_object_object_add(obj, "name", json_object_new_string(name));
	json_object_object_add(obj, "state", json_object_new_string(vm_state_name(state.observed)));
	json_object_object_add(obj, "pid", json_object_new_int(info.pid));
	json_object_object_add(obj, "restarts", json_object_new_int64(info.restarts));
	json_object_object_add(obj, "adopted", json_object_new_boolean(info.adopted));
	json_object_object_add(
		obj, "uptime_seconds",
		json_object_new_double(state.started_at_ms
					       ? (vmmd_now_ms() - state.started_at_ms) / 1000.0
					       : 0.0));
	json_object_object_add(obj, "cpu_seconds", json_object_new_double(cpu_seconds));
	json_object_object_add(obj, "rss_bytes", json_object_new_int64(rss_bytes));
	json_object_object_add(obj, "worker", worker);
	*out = obj;
	return API_OK;
}

struct vmmd_recover_ctx {
	char (*names)[VM_DEF_NAME_MAX + 1];
	enum vm_state *observed;
	size_t count;
};

/* Collects the VMs first: store_vm_list callbacks must not call back into the store. */
static int vmmd_recover_row(const struct store_vm_row *row, void *opaque)
{
	struct vmmd_recover_ctx *ctx = opaque;

	if (ctx->count == VMMD_RECOVER_MAX)
		return 1;
	snprintf(ctx->names[ctx->count], sizeof(ctx->names[0]), "%s", row->name);
	ctx->observed[ctx->count] = row->state.observed;
	ctx->count++;
	return 0;
}

/* Re-adopts one VM's worker, or marks the VM crashed. */
static void vmmd_recover_vm(struct vmmd *d, const char *name, enum vm_state observed)
{
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct store_vm_state state;
	struct vm_def def;
	char reason[160];
	int ret;

	if (store_vm_get(d->store, name, &def, &state, NULL, 0))
		return;
	supervisor_spec_from_def(&def, &spec);
	ret = supervisor_adopt(d->supervisor, &spec);
	vm_def_free(&def);
	if (ret) {
		snprintf(reason, sizeof(reason), "crashed: worker gone during daemon restart%s%s",
			 ret == -ESRCH ? "" : ": ", ret == -ESRCH ? "" : strerror(-ret));
		vmmd_set_state(d, name, VM_STATE_STOPPED, VM_STATE_CRASHED, 0, reason);
		vmmd_log(d, CONFIG_LOG_WARNING, "%s: %s", name, reason);
		return;
	}
	memset(&info, 0, sizeof(info));
	supervisor_get_info(d->supervisor, name, &info);
	vmmd_log(d, CONFIG_LOG_INFO, "%s: re-adopted worker pid %d", name, (int)info.pid);
	if (observed == VM_STATE_STOPPING || state.desired == VM_STATE_STOPPED) {
		/* The previous vmmd was stopping it: finish the job. */
		vmmd_set_state(d, name, VM_STATE_STOPPED, VM_STATE_STOPPING, info.pid,
			       "re-adopted while stopping");
		supervisor_stop(d->supervisor, name, SUPERVISOR_STOP_POWEROFF,
				d->config.shutdown_timeout_seconds * 1000u);
		return;
	}
	observed = info.state == SUPERVISOR_WORKER_PAUSED ? VM_STATE_PAUSED : VM_STATE_RUNNING;
	snprintf(reason, sizeof(reason), "re-adopted worker pid %d", (int)info.pid);
	vmmd_set_state(d, name, VM_STATE_RUNNING, observed, info.pid, reason);
}

/* vmmd_recover - see daemon.h. */
int vmmd_recover(struct vmmd *d)
{
	struct vmmd_recover_ctx ctx = { 0 };
	char msg[512];
	int ret = -ENOMEM;

	ctx.names = calloc(VMMD_RECOVER_MAX, sizeof(*ctx.names));
	ctx.observed = calloc(VMMD_RECOVER_MAX, sizeof(*ctx.observed));
	if (!ctx.names || !ctx.observed)
		goto out;
	if (store_vm_list(d->store, vmmd_recover_row, &ctx, msg, sizeof(msg)) < 0) {
		vmmd_log(d, CONFIG_LOG_ERROR, "cannot list the VMs: %s", msg);
		ret = -EIO;
		goto out;
	}
	if (ctx.count == VMMD_RECOVER_MAX)
		vmmd_log(d, CONFIG_LOG_WARNING, "only the first %d VMs were recovered",
			 VMMD_RECOVER_MAX);
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < ctx.count; i++) {
		if (vmmd_state_active(ctx.observed[i]))
			vmmd_recover_vm(d, ctx.names[i], ctx.observed[i]);
	}
	for (size_t i = 0; i < ctx.count; i++) {
		struct vm_def def;
		bool autostart;

		if (ctx.observed[i] != VM_STATE_STOPPED ||
		    store_vm_get(d->store, ctx.names[i], &def, NULL, NULL, 0))
			continue;
		autostart = def.autostart;
		vm_def_free(&def);
		if (autostart && vmmd_vm_start(d, ctx.names[i], msg, sizeof(msg)) != API_OK)
			vmmd_log(d, CONFIG_LOG_WARNING, "%s: autostart failed: %s", ctx.names[i],
				 msg);
	}
	pthread_mutex_unlock(&d->lock);
	ret = 0;
out:
	free(ctx.names);
	free(ctx.observed);
	return ret;
}
