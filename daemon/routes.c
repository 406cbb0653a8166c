/* SPDX-License-Identifier: MIT */
/*
 * routes.c - vmmd's route table, and the handlers that are not about one
 * VM: the event stream, the host report and the metrics.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon/daemon.h"
#include "daemon/events.h"
#include "daemon/host.h"
#include "daemon/metrics.h"
#include "daemon/routes.h"
#include "daemon/store.h"
#include "daemon/vm_def.h"

/* GET /v1/events[?since=ID]: JSON lines, the events after ID (or from now), then live. */
static enum api_error route_events_follow(const struct http_request *req,
					  struct http_response *resp, void *ctx)
{
	struct vmmd *d = ctx;
	const char *since_text = http_request_query(req, "since");
	struct events_follower *follower;
	long long since = -1;
	char *end;
	int ret;

	if (since_text) {
		errno = 0;
		since = strtoll(since_text, &end, 10);
		if (!*since_text || *end || errno || since < 0 || since_text[0] == '-' ||
		    since_text[0] == '+')
			return http_error(resp, API_ERR_BAD_REQUEST,
					  "since: expected an event id (a non-negative integer)");
	}
	ret = events_follow(d->events, since, &follower);
	if (ret)
		return http_error(resp, API_ERR_INTERNAL, "cannot read the event log: %s",
				  strerror(-ret));
	http_response_stream(resp, "application/x-ndjson", events_follower_read, follower,
			     events_follower_free);
	return API_OK;
}

/* GET /v1/host. */
static enum api_error route_host_get(const struct http_request *req, struct http_response *resp,
				     void *ctx)
{
	char err[256];
	struct json_object *obj = host_report(err, sizeof(err));

	if (!obj)
		return http_error(resp, API_ERR_INTERNAL, "%s", err);
	http_response_json(resp, 200, obj);
	return API_OK;
}

struct route_metrics_ctx {
	struct metrics_vm *vms;
	size_t count, cap;
	int error;
};

/* Copies one VM into the snapshot; names are strdup'ed, states are static strings. */
static int route_metrics_row(const struct store_vm_row *row, void *opaque)
{
	struct route_metrics_ctx *ctx = opaque;
	struct metrics_vm *vm;
	struct vm_def def;

	if (ctx->count == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 16;
		struct metrics_vm *vms = realloc(ctx->vms, cap * sizeof(*vms));

		if (!vms)
			goto nomem;
		ctx->vms = vms;
		ctx->cap = cap;
	}
	if (vm_def_from_json(row->definition, strlen(row->definition), &def, NULL, 0)) {
		ctx->error = -EIO;
		return 1;
	}
	vm = &ctx->vms[ctx->count];
	memset(vm, 0, sizeof(*vm));
	vm->name = strdup(row->name);
	vm->state = vm_state_name(row->state.observed);
	vm->vcpus = def.vcpus;
	vm->memory_bytes = (uint64_t)def.memory_mib << 20;
	vm->restarts = row->state.restart_count;
	vm->worker_pid = row->state.pid;
	vm_def_free(&def);
	if (!vm->name)
		goto nomem;
	ctx->count++;
	return 0;
nomem:
	ctx->error = -ENOMEM;
	return 1;
}

/* route_metrics_vms_build - see routes.h. */
int route_metrics_vms_build(void *opaque, char **text, size_t *len, char *err, size_t err_len)
{
	struct vmmd *d = opaque;
	struct route_metrics_ctx snap = { 0 };
	struct metrics_input in = { 0 };
	int ret;

	ret = store_vm_list(d->store, route_metrics_row, &snap, err, err_len);
	if (ret < 0 || snap.error) {
		ret = snap.error ? snap.error : -EIO;
		snprintf(err, err_len, "cannot list the VMs");
		goto out;
	}
	in.version = PACKAGE_VERSION;
	in.start_time_seconds = d->start_time_seconds;
	in.vms = snap.vms;
	in.n_vms = snap.count;
	ret = metrics_render_vms(&in, text, len);
	if (ret)
		snprintf(err, err_len, "cannot render the metrics: %s", strerror(-ret));
out:
	for (size_t i = 0; i < snap.count; i++)
		free((char *)snap.vms[i].name);
	free(snap.vms);
	return ret;
}

/*
 * GET /metrics: the VMs' families from the daemon's cache (rebuilt when the
 * store changes, so they are as fresh as the store), the HTTP counters
 * rendered now.
 */
static enum api_error route_metrics_get(const struct http_request *req, struct http_response *resp,
					void *ctx)
{
	struct vmmd *d = ctx;
	struct vm_cache_text *vms = NULL;
	struct http_route_stats *http = NULL;
	struct metrics_input in = { .version = PACKAGE_VERSION };
	enum api_error code = API_OK;
	char *text = NULL, *body;
	char msg[256];
	size_t len;
	int ret;

	if (vm_cache_get(&d->cache, VM_CACHE_METRICS_VMS, &vms, msg, sizeof(msg))) {
		code = http_error(resp, API_ERR_INTERNAL, "%s", msg);
		goto out;
	}
	in.n_http = http_server_stats(d->http, NULL, 0);
	http = calloc(in.n_http, sizeof(*http));
	if (!http) {
		code = http_error(resp, API_ERR_INTERNAL, "out of memory");
		goto out;
	}
	in.n_http = http_server_stats(d->http, http, in.n_http);
	in.http = http;
	ret = metrics_render_http(&in, &text, &len);
	if (ret) {
		code = http_error(resp, API_ERR_INTERNAL, "cannot render the metrics: %s",
				  strerror(-ret));
		goto out;
	}
	body = malloc(vms->len + len);
	if (!body) {
		code = http_error(resp, API_ERR_INTERNAL, "out of memory");
		goto out;
	}
	memcpy(body, vms->text, vms->len);
	memcpy(body + vms->len, text, len);
	http_response_buffer(resp, 200, METRICS_CONTENT_TYPE, body, vms->len + len, free, body);
out:
	vm_cache_text_put(vms);
	free(text);
	free(http);
	return code;
}

const struct http_route vmmd_routes[] = {
	{ "GET", "/v1/vms", route_vms_list },
	{ "POST", "/v1/vms", route_vms_create },
	{ "GET", "/v1/vms/{name}", route_vm_get },
	{ "PUT", "/v1/vms/{name}", route_vm_update },
	{ "DELETE", "/v1/vms/{name}", route_vm_delete },
	{ "POST", "/v1/vms/{name}/start", route_vm_start },
	{ "POST", "/v1/vms/{name}/stop", route_vm_stop },
	{ "POST", "/v1/vms/{name}/shutdown", route_vm_shutdown },
	{ "POST", "/v1/vms/{name}/reboot", route_vm_reboot },
	{ "POST", "/v1/vms/{name}/pause", route_vm_pause },
	{ "POST", "/v1/vms/{name}/resume", route_vm_resume },
	{ "GET", "/v1/vms/{name}/stats", route_vm_stats },
	{ "GET", "/v1/vms/{name}/console", route_vm_console },
	{ "GET", "/v1/events", route_events_follow },
	{ "GET", "/v1/host", route_host_get },
	{ "GET", "/metrics", route_metrics_get },
};

const size_t vmmd_route_count = sizeof(vmmd_routes) / sizeof(vmmd_routes[0]);
