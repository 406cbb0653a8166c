/*
 * worker_api.c - the per-VM REST API: status, statistics and actions.
 *
 * Handlers run on the HTTP server's connection threads. The machine they
 * act on is reached through api->machine under api->lock, which main
 * clears (worker_api_detach) before it tears the machine down, so a
 * handler never sees a machine being freed or rebuilt.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api/http_server.h"
#include "config.h"
#include "cpu/cpu.h"
#include "dbt/dbt.h"
#include "machine/machine.h"
#include "worker_api.h"

/*
 * How long worker_api_stop() lets the reply to /v1/poweroff or /v1/stop
 * reach the client before the server shuts its connections.
 */
#define WORKER_API_REPLY_GRACE_US (200 * 1000)

/* Pages whose residency one mincore() call reports (a 64 KiB vector). */
#define WORKER_API_MINCORE_CHUNK (64u * 1024)

struct worker_api {
	struct http_server *server;
	pthread_mutex_t lock;
	struct machine *machine; /* NULL while none runs (start, reboot, exit) */
	uint64_t start_ns;
	int ended_run; /* an API action ended the run; its reply may be in flight */
};

static uint64_t worker_api_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *worker_api_priv_name(enum cpu_priv priv)
{
	switch (priv) {
	case PRIV_U:
		return "U";
	case PRIV_S:
		return "S";
	case PRIV_M:
		return "M";
	}
	return "?";
}

/*
 * Bytes of guest RAM backed by host memory, from mincore() over the RAM
 * mapping: pages the guest never touched are not counted, nor are pages
 * the host swapped out. Returns the count, or -errno.
 */
static int64_t worker_api_resident_bytes(const struct machine *m)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *vec = malloc(WORKER_API_MINCORE_CHUNK);
	uint64_t pages = m->bus.ram_size / (uint64_t)page;
	int64_t resident = 0;

	if (!vec)
		return -ENOMEM;
	for (uint64_t done = 0; done < pages;) {
		uint64_t n = pages - done;

		if (n > WORKER_API_MINCORE_CHUNK)
			n = WORKER_API_MINCORE_CHUNK;
		if (mincore(m->bus.ram + done * (uint64_t)page, n * (uint64_t)page, vec)) {
			resident = -errno;
			goto out;
		}
		for (uint64_t i = 0; i < n; i++)
			resident += vec[i] & 1;
		done += n;
	}
	resident *= page;
out:
	free(vec);
	return resident;
}

/*
 * Take the lock and return the attached machine; on NULL (no machine
 * runs) the lock is released and the caller answers 503.
 */
static struct machine *worker_api_lock_machine(struct worker_api *api)
{
	pthread_mutex_lock(&api->lock);
	if (!api->machine)
		pthread_mutex_unlock(&api->lock);
	return api->machine;
}

static enum api_error worker_api_unavailable(struct http_response *resp)
{
	return http_error(resp, API_ERR_UNAVAILABLE, "the machine is starting or stopping");
}

/* GET /v1/status: {"state","harts","uptime_seconds","pid","version"}. */
static enum api_error worker_api_get_status(const struct http_request *req,
					    struct http_response *resp, void *ctx)
{
	struct worker_api *api = ctx;
	struct json_object *obj = json_object_new_object();
	const char *state = "starting";
	unsigned harts = 0;

	(void)req;
	if (!obj)
		return API_ERR_INTERNAL;
	pthread_mutex_lock(&api->lock);
	if (api->machine) {
		state = machine_is_paused(api->machine) ? "paused" : "running";
		harts = api->machine->hart_count;
	}
	pthread_mutex_unlock(&api->lock);
	json_object_object_add(obj, "state", json_object_new_string(state));
	json_object_object_add(obj, "harts", json_object_new_int((int)harts));
	json_object_object_add(
		obj, "uptime_seconds",
		json_object_new_double((double)(worker_api_now_ns() - api->start_ns) / 1e9));
	json_object_object_add(obj, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(obj, "version", json_object_new_string(PACKAGE_VERSION));
	http_response_json(resp, 200, obj);
	return API_OK;
}

/*
 * One hart's counters. Another thread runs the hart, so the reads are
 * relaxed atomic loads: each value is whole (aligned 64-bit loads), but
 * pc and instructions may come from slightly different moments unless
 * the machine is paused.
 */
static struct json_object *worker_api_hart_json(struct cpu *cpu)
{
	struct json_object *obj = json_object_new_object();
	enum cpu_priv priv = __atomic_load_n(&cpu->priv, __ATOMIC_RELAXED);

	if (!obj)
		return NULL;
	json_object_object_add(obj, "id", json_object_new_int((int)cpu->hart_id));
	json_object_object_add(
		obj, "instructions",
		json_object_new_uint64(__atomic_load_n(&cpu->csr.minstret, __ATOMIC_RELAXED)));
	json_object_object_add(obj, "priv", json_object_new_string(worker_api_priv_name(priv)));
	json_object_object_add(obj, "pc",
			       json_object_new_uint64(__atomic_load_n(&cpu->pc, __ATOMIC_RELAXED)));
	return obj;
}

/*
 * Devices: only what the board knows about them. XXX virtio-blk keeps no
 * request or byte counters yet, so its entry names the image only.
 */
static struct json_object *worker_api_devices_json(const struct machine *m)
{
	struct json_object *devices = json_object_new_object();
	struct json_object *blk;

	if (!devices || !m->blk)
		return devices;
	blk = json_object_new_object();
	if (!blk) {
		json_object_put(devices);
		return NULL;
	}
	json_object_object_add(blk, "path", json_object_new_string(m->drive));
	json_object_object_add(blk, "readonly", json_object_new_boolean(m->drive_readonly));
	json_object_object_add(devices, "virtio_blk", blk);
	return devices;
}

/* The translator's counters summed over the harts; NULL (JSON null) under the interpreter. */
static struct json_object *worker_api_translator_json(const struct machine *m)
{
	uint64_t stat[DBT_STAT_COUNT];
	struct json_object *obj;

	if (!dbt_stats_sum(m, stat))
		return NULL;
	obj = json_object_new_object();
	if (!obj)
		return NULL;
	for (unsigned i = 0; i < DBT_STAT_COUNT; i++) {
		bool counted =
			dbt_get_options(&m->harts[0])->count_t3 ||
			(i != DBT_STAT_CALLS && i != DBT_STAT_RETURNS && i != DBT_STAT_RET_HITS &&
			 i != DBT_STAT_CONFIRM_FAILS && i != DBT_STAT_BACKUPS);

		/* null: not counted unless the worker runs with --stats */
		json_object_object_add(obj, dbt_stat_names[i],
				       counted ? json_object_new_uint64(stat[i]) : NULL);
	}
	json_object_object_add(obj, "ret_array",
			       json_object_new_boolean(dbt_get_options(&m->harts[0])->ret_array));
	return obj;
}

/* GET /v1/stats: harts, memory, devices, translator (null: the interpreter runs). */
static enum api_error worker_api_get_stats(const struct http_request *req,
					   struct http_response *resp, void *ctx)
{
	struct worker_api *api = ctx;
	struct json_object *obj = NULL, *harts, *memory, *devices;
	enum api_error ret = API_ERR_INTERNAL;
	struct machine *m;
	int64_t resident;

	(void)req;
	m = worker_api_lock_machine(api);
	if (!m)
		return worker_api_unavailable(resp);
	resident = worker_api_resident_bytes(m);
	if (resident < 0) {
		ret = http_error(resp, API_ERR_INTERNAL, "mincore: %s", strerror((int)-resident));
		goto out;
	}
	obj = json_object_new_object();
	harts = json_object_new_array();
	memory = json_object_new_object();
	devices = worker_api_devices_json(m);
	if (!obj) {
		json_object_put(harts);
		json_object_put(memory);
		json_object_put(devices);
		goto out;
	}
	json_object_object_add(obj, "harts", harts);
	json_object_object_add(obj, "memory", memory);
	json_object_object_add(obj, "devices", devices);
	json_object_object_add(obj, "translator", worker_api_translator_json(m));
	if (!harts || !memory || !devices)
		goto out;
	for (unsigned i = 0; i < m->hart_count; i++) {
		struct json_object *hart = worker_api_hart_json(&m->harts[i]);

		if (!hart || json_object_array_add(harts, hart)) {
			json_object_put(hart);
			goto out;
		}
	}
	json_object_object_add(memory, "ram_bytes", json_object_new_uint64(m->bus.ram_size));
	json_object_object_add(memory, "resident_bytes", json_object_new_int64(resident));
	http_response_json(resp, 200, obj);
	obj = NULL;
	ret = API_OK;
out:
	pthread_mutex_unlock(&api->lock);
	json_object_put(obj);
	return ret;
}

/* Answer an action with {"state": @state}. */
static enum api_error worker_api_respond_state(struct http_response *resp, unsigned status,
					       const char *state)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return API_ERR_INTERNAL;
	json_object_object_add(obj, "state", json_object_new_string(state));
	http_response_json(resp, status, obj);
	return API_OK;
}

/* POST /v1/pause: every hart parks at an instruction boundary; 409 if paused. */
static enum api_error worker_api_post_pause(const struct http_request *req,
					    struct http_response *resp, void *ctx)
{
	struct worker_api *api = ctx;
	struct machine *m;
	int err;

	(void)req;
	m = worker_api_lock_machine(api);
	if (!m)
		return worker_api_unavailable(resp);
	err = machine_pause(m);
	pthread_mutex_unlock(&api->lock);
	if (err == -EALREADY)
		return http_error(resp, API_ERR_VM_NOT_RUNNING, "the machine is already paused");
	if (err)
		return worker_api_unavailable(resp);
	return worker_api_respond_state(resp, 200, "paused");
}

/* POST /v1/resume: parked harts run again; 409 if not paused. */
static enum api_error worker_api_post_resume(const struct http_request *req,
					     struct http_response *resp, void *ctx)
{
	struct worker_api *api = ctx;
	struct machine *m;
	int err;

	(void)req;
	m = worker_api_lock_machine(api);
	if (!m)
		return worker_api_unavailable(resp);
	err = machine_resume(m);
	pthread_mutex_unlock(&api->lock);
	if (err)
		return http_error(resp, API_ERR_VM_RUNNING, "the machine is not paused");
	return worker_api_respond_state(resp, 200, "running");
}

/*
 * POST /v1/poweroff: a clean host-side stop, not a guest-cooperative one.
 * XXX The virt board has no power button the guest could be told about,
 * so the guest never gets to shut down by itself. A cooperative power-off
 * needs a button device: gpio-keys (KEY_POWER) on a GPIO controller
 * described in the device tree, which Linux turns into an orderly
 * shutdown ending in an SBI system-reset call. Until then: pause the harts
 * so nothing new reaches the disk, drain and fdatasync it, and end the run
 * with status 0 (main closes the disk in machine_fini).
 */
static enum api_error worker_api_post_poweroff(const struct http_request *req,
					       struct http_response *resp, void *ctx)
{
	struct worker_api *api = ctx;
	enum api_error ret = API_OK;
	struct machine *m;
	int err;

	(void)req;
	m = worker_api_lock_machine(api);
	if (!m)
		return worker_api_unavailable(resp);
	err = machine_pause(m);
	if (err == -ECANCELED) {
		ret = worker_api_unavailable(resp);
		goto out;
	}
	err = machine_flush_disks(m);
	if (err)
		fprintf(stderr, "vmm-worker: power-off: cannot flush the disk: %s\n",
			strerror(-err));
	fprintf(stderr, "vmm-worker: power-off through the API: harts paused, disk flushed, "
			"exiting with status 0\n");
	machine_request_exit(m, 0);
	__atomic_store_n(&api->ended_run, 1, __ATOMIC_RELEASE);
	ret = worker_api_respond_state(resp, 202, "stopping");
out:
	pthread_mutex_unlock(&api->lock);
	return ret;
}

/* POST /v1/stop: end the run now, status 0, without flushing the disk first. */
static enum api_error worker_api_post_stop(const struct http_request *req,
					   struct http_response *resp, void *ctx)
{
	struct worker_api *api = ctx;
	struct machine *m;

	(void)req;
	m = worker_api_lock_machine(api);
	if (!m)
		return worker_api_unavailable(resp);
	fprintf(stderr, "vmm-worker: stop through the API: exiting with status 0\n");
	machine_request_exit(m, 0);
	__atomic_store_n(&api->ended_run, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&api->lock);
	return worker_api_respond_state(resp, 202, "stopping");
}

static const struct http_route worker_api_routes[] = {
	{ "GET", "/v1/status", worker_api_get_status },
	{ "GET", "/v1/stats", worker_api_get_stats },
	{ "POST", "/v1/pause", worker_api_post_pause },
	{ "POST", "/v1/resume", worker_api_post_resume },
	{ "POST", "/v1/poweroff", worker_api_post_poweroff },
	{ "POST", "/v1/stop", worker_api_post_stop },
};

int worker_api_start(const char *socket_path, struct worker_api **out)
{
	struct http_server_config config = {
		.unix_path = socket_path,
		.routes = worker_api_routes,
		.n_routes = sizeof(worker_api_routes) / sizeof(worker_api_routes[0]),
	};
	struct worker_api *api = calloc(1, sizeof(*api));
	int ret;

	if (!api)
		return -ENOMEM;
	pthread_mutex_init(&api->lock, NULL);
	api->start_ns = worker_api_now_ns();
	config.ctx = api;
	ret = http_server_start(&config, &api->server);
	if (ret) {
		pthread_mutex_destroy(&api->lock);
		free(api);
		return ret;
	}
	*out = api;
	return 0;
}

void worker_api_attach(struct worker_api *api, struct machine *m)
{
	if (!api)
		return;
	pthread_mutex_lock(&api->lock);
	api->machine = m;
	pthread_mutex_unlock(&api->lock);
}

void worker_api_detach(struct worker_api *api)
{
	worker_api_attach(api, NULL);
}

bool worker_api_ended_run(struct worker_api *api)
{
	return api && __atomic_load_n(&api->ended_run, __ATOMIC_ACQUIRE);
}

void worker_api_stop(struct worker_api *api)
{
	if (!api)
		return;
	/*
	 * The handler that ended the run has queued its reply, but the
	 * connection thread may not have written it yet, and stopping the
	 * server shuts every connection. XXX A bounded wait: the exact fix is
	 * for http_server_stop() to let queued replies out, as it does for
	 * streams.
	 */
	if (worker_api_ended_run(api))
		usleep(WORKER_API_REPLY_GRACE_US);
	http_server_stop(api->server);
	pthread_mutex_destroy(&api->lock);
	free(api);
}
