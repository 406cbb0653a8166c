/* SPDX-License-Identifier: MIT */
/*
 * routes_vms.c - the /v1/vms handlers: decode and check the request, call
 * the life cycle in daemon.c, answer with the VM as it is afterwards.
 *
 * The router has already refused hostile path segments (NUL, "..", encoded
 * '/', over 128 bytes); a {name} that is not a valid VM name is refused
 * here with 400 before the store is asked anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon/daemon.h"
#include "daemon/routes.h"
#include "daemon/store.h"
#include "daemon/vm_def.h"

#define ROUTE_MSG_MAX 600

/* The {name} capture if it is a valid VM name, else NULL (and the error is set). */
static const char *route_vm_name(const struct http_request *req, struct http_response *resp)
{
	const char *name = http_request_capture(req, "name");

	if (!name || !vm_def_name_valid(name)) {
		http_error(resp, API_ERR_BAD_REQUEST,
			   "invalid VM name: 1-64 characters of [A-Za-z0-9._-], "
			   "starting with a letter or digit");
		return NULL;
	}
	return name;
}

/* Answers @status with the VM's current JSON. */
static enum api_error route_vm_reply(struct vmmd *d, const char *name, unsigned int status,
				     struct http_response *resp)
{
	struct json_object *obj = NULL;
	char msg[ROUTE_MSG_MAX];
	enum api_error code;

	code = vmmd_vm_json(d, name, &obj, msg, sizeof(msg));
	if (code)
		return http_error(resp, code, "%s", msg);
	http_response_json(resp, status, obj);
	return API_OK;
}

/* Decodes the body as a VM definition; on failure the error is set in @resp. */
static enum api_error route_decode_def(const struct http_request *req, struct http_response *resp,
				       struct vm_def *def)
{
	char msg[ROUTE_MSG_MAX];
	int ret;

	if (!req->body)
		return http_error(resp, API_ERR_BAD_REQUEST, "a JSON VM definition is required");
	ret = vm_def_decode(req->body, def, msg, sizeof(msg));
	if (ret == -ENOMEM)
		return http_error(resp, API_ERR_INTERNAL, "out of memory");
	if (ret)
		return http_error(resp, API_ERR_INVALID_VALUE, "%s", msg);
	return API_OK;
}

struct route_list_ctx {
	struct json_object *array;
	int error;
};

static int route_list_row(const struct store_vm_row *row, void *opaque)
{
	struct route_list_ctx *ctx = opaque;
	struct json_object *vm = json_tokener_parse(row->definition);

	if (!vm || !json_object_is_type(vm, json_type_object)) {
		json_object_put(vm);
		ctx->error = -EIO;
		return 1;
	}
	json_object_object_add(vm, "state",
			       json_object_new_string(vm_state_name(row->state.observed)));
	json_object_array_add(ctx->array, vm);
	return 0;
}

/* route_vms_list_build - see routes.h. */
int route_vms_list_build(void *opaque, char **text, size_t *len, char *err, size_t err_len)
{
	struct vmmd *d = opaque;
	struct route_list_ctx list = { .array = json_object_new_array() };
	struct json_object *obj = json_object_new_object();
	const char *json;
	char msg[ROUTE_MSG_MAX];
	int ret = -ENOMEM;

	if (!list.array || !obj) {
		snprintf(err, err_len, "out of memory");
		goto out;
	}
	json_object_object_add(obj, "vms", list.array);
	ret = store_vm_list(d->store, route_list_row, &list, msg, sizeof(msg));
	if (ret < 0 || list.error) {
		snprintf(err, err_len, "%s", list.error ? "a stored definition is not JSON" : msg);
		ret = -EIO;
		goto out;
	}
	json = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	*text = json ? strdup(json) : NULL;
	ret = *text ? 0 : -ENOMEM;
	if (ret)
		snprintf(err, err_len, "out of memory");
	else
		*len = strlen(*text);
out:
	if (obj)
		json_object_put(obj);
	else
		json_object_put(list.array);
	return ret;
}

/* route_vms_list - see routes.h. The body comes from the daemon's cache (vm_cache.h). */
enum api_error route_vms_list(const struct http_request *req, struct http_response *resp, void *ctx)
{
	struct vmmd *d = ctx;
	struct vm_cache_text *list;
	char msg[ROUTE_MSG_MAX];

	if (vm_cache_get(&d->cache, VM_CACHE_LIST, &list, msg, sizeof(msg)))
		return http_error(resp, API_ERR_INTERNAL, "cannot list the VMs: %s", msg);
	http_response_buffer(resp, 200, "application/json", list->text, list->len,
			     vm_cache_text_put, list);
	return API_OK;
}

/* route_vms_create - see routes.h. */
enum api_error route_vms_create(const struct http_request *req, struct http_response *resp,
				void *ctx)
{
	struct vmmd *d = ctx;
	char msg[ROUTE_MSG_MAX];
	enum api_error code;
	struct vm_def def;

	code = route_decode_def(req, resp, &def);
	if (code)
		return code;
	code = vmmd_vm_create(d, &def, msg, sizeof(msg));
	if (code)
		http_error(resp, code, "%s", msg);
	else
		code = route_vm_reply(d, def.name, 201, resp);
	vm_def_free(&def);
	return code;
}

/* route_vm_get - see routes.h. */
enum api_error route_vm_get(const struct http_request *req, struct http_response *resp, void *ctx)
{
	const char *name = route_vm_name(req, resp);

	if (!name)
		return API_ERR_BAD_REQUEST;
	return route_vm_reply(ctx, name, 200, resp);
}

/* route_vm_update - see routes.h. */
enum api_error route_vm_update(const struct http_request *req, struct http_response *resp,
			       void *ctx)
{
	const char *name = route_vm_name(req, resp);
	struct vmmd *d = ctx;
	char msg[ROUTE_MSG_MAX];
	enum api_error code;
	struct vm_def def;

	if (!name)
		return API_ERR_BAD_REQUEST;
	code = route_decode_def(req, resp, &def);
	if (code)
		return code;
	if (strcmp(def.name, name)) {
		code = http_error(resp, API_ERR_INVALID_VALUE,
				  "name: '%s' differs from the VM's name '%s' (a VM cannot be "
				  "renamed)",
				  def.name, name);
		goto out;
	}
	code = vmmd_vm_update(d, &def, msg, sizeof(msg));
	if (code)
		http_error(resp, code, "%s", msg);
	else
		code = route_vm_reply(d, name, 200, resp);
out:
	vm_def_free(&def);
	return code;
}

/* route_vm_delete - see routes.h. */
enum api_error route_vm_delete(const struct http_request *req, struct http_response *resp,
			       void *ctx)
{
	const char *name = route_vm_name(req, resp);
	char msg[ROUTE_MSG_MAX];
	enum api_error code;

	if (!name)
		return API_ERR_BAD_REQUEST;
	code = vmmd_vm_delete(ctx, name, msg, sizeof(msg));
	if (code)
		return http_error(resp, code, "%s", msg);
	resp->status = 204;
	return API_OK;
}

/* The actions, in the order of enum route_action. */
enum route_action {
	ROUTE_ACTION_START,
	ROUTE_ACTION_STOP,
	ROUTE_ACTION_SHUTDOWN,
	ROUTE_ACTION_REBOOT,
	ROUTE_ACTION_PAUSE,
	ROUTE_ACTION_RESUME,
};

/*
 * Runs one action and answers with the VM: 200 when the action is done,
 * 202 when the worker is still on its way out ("stopping").
 */
static enum api_error route_vm_action(const struct http_request *req, struct http_response *resp,
				      struct vmmd *d, enum route_action action)
{
	const char *name = route_vm_name(req, resp);
	char msg[ROUTE_MSG_MAX];
	enum api_error code;
	unsigned int status = 200;

	if (!name)
		return API_ERR_BAD_REQUEST;
	switch (action) {
	case ROUTE_ACTION_START:
		code = vmmd_vm_start(d, name, msg, sizeof(msg));
		break;
	case ROUTE_ACTION_STOP:
		code = vmmd_vm_stop(d, name, VMMD_STOP_NOW, msg, sizeof(msg));
		status = 202;
		break;
	case ROUTE_ACTION_SHUTDOWN:
		code = vmmd_vm_stop(d, name, VMMD_STOP_SHUTDOWN, msg, sizeof(msg));
		status = 202;
		break;
	case ROUTE_ACTION_REBOOT:
		code = vmmd_vm_stop(d, name, VMMD_STOP_REBOOT, msg, sizeof(msg));
		status = 202;
		break;
	case ROUTE_ACTION_PAUSE:
		code = vmmd_vm_pause(d, name, msg, sizeof(msg));
		break;
	case ROUTE_ACTION_RESUME:
	default:
		code = vmmd_vm_resume(d, name, msg, sizeof(msg));
		break;
	}
	if (code)
		return http_error(resp, code, "%s", msg);
	return route_vm_reply(d, name, status, resp);
}

/* route_vm_start - see routes.h. */
enum api_error route_vm_start(const struct http_request *req, struct http_response *resp, void *ctx)
{
	return route_vm_action(req, resp, ctx, ROUTE_ACTION_START);
}

/*
 * route_vm_stop - see routes.h. The worker's POST /v1/stop: the run ends at
 * once, without a disk flush; SIGTERM if the worker does not take it, SIGKILL
 * at the configured deadline.
 */
enum api_error route_vm_stop(const struct http_request *req, struct http_response *resp, void *ctx)
{
	return route_vm_action(req, resp, ctx, ROUTE_ACTION_STOP);
}

/*
 * route_vm_shutdown - see routes.h. The worker's POST /v1/poweroff: harts
 * paused, disk flushed, exit 0. XXX The guest itself is not asked: the board
 * has no power button it could see (see worker_api.c). SIGTERM if the worker
 * does not take it, SIGKILL at the configured deadline.
 */
enum api_error route_vm_shutdown(const struct http_request *req, struct http_response *resp,
				 void *ctx)
{
	return route_vm_action(req, resp, ctx, ROUTE_ACTION_SHUTDOWN);
}

/* route_vm_reboot - see routes.h. */
enum api_error route_vm_reboot(const struct http_request *req, struct http_response *resp,
			       void *ctx)
{
	return route_vm_action(req, resp, ctx, ROUTE_ACTION_REBOOT);
}

/* route_vm_pause - see routes.h. */
enum api_error route_vm_pause(const struct http_request *req, struct http_response *resp, void *ctx)
{
	return route_vm_action(req, resp, ctx, ROUTE_ACTION_PAUSE);
}

/* route_vm_resume - see routes.h. */
enum api_error route_vm_resume(const struct http_request *req, struct http_response *resp,
			       void *ctx)
{
	return route_vm_action(req, resp, ctx, ROUTE_ACTION_RESUME);
}

/* route_vm_stats - see routes.h. */
enum api_error route_vm_stats(const struct http_request *req, struct http_response *resp, void *ctx)
{
	const char *name = route_vm_name(req, resp);
	struct json_object *obj = NULL;
	char msg[ROUTE_MSG_MAX];
	enum api_error code;

	if (!name)
		return API_ERR_BAD_REQUEST;
	code = vmmd_vm_stats(ctx, name, &obj, msg, sizeof(msg));
	if (code)
		return http_error(resp, code, "%s", msg);
	http_response_json(resp, 200, obj);
	return API_OK;
}

/*
 * route_vm_console - see routes.h. The worker serves the serial console on
 * console.sock (the supervisor passes --console-socket) and its output also
 * goes to console.log; both paths are answered, for a running or paused VM
 * only (the socket exists only while the worker runs).
 */
enum api_error route_vm_console(const struct http_request *req, struct http_response *resp,
				void *ctx)
{
	const char *name = route_vm_name(req, resp);
	struct store_vm_state state;
	struct vmmd *d = ctx;
	struct json_object *obj;
	char msg[ROUTE_MSG_MAX];
	char path[4200];
	int ret;

	if (!name)
		return API_ERR_BAD_REQUEST;
	ret = store_vm_get(d->store, name, NULL, &state, msg, sizeof(msg));
	if (ret == -ENOENT)
		return http_error(resp, API_ERR_VM_NOT_FOUND, "no VM named '%s'", name);
	if (ret)
		return http_error(resp, API_ERR_INTERNAL, "%s", msg);
	if (state.observed != VM_STATE_RUNNING && state.observed != VM_STATE_PAUSED)
		return http_error(resp, API_ERR_VM_NOT_RUNNING, "VM '%s' is %s", name,
				  vm_state_name(state.observed));
	obj = json_object_new_object();
	if (!obj)
		return http_error(resp, API_ERR_INTERNAL, "out of memory");
	snprintf(path, sizeof(path), "%s/vms/%s/console.sock", d->config.state_dir, name);
	json_object_object_add(obj, "socket", json_object_new_string(path));
	snprintf(path, sizeof(path), "%s/vms/%s/console.log", d->config.state_dir, name);
	json_object_object_add(obj, "log", json_object_new_string(path));
	http_response_json(resp, 200, obj);
	return API_OK;
}
