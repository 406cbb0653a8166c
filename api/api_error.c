/*
 * api_error.c - the code -> status table and the error body builder.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api_error.h"

struct api_error_entry {
	const char *name;
	unsigned int status;
	const char *message;
};

static const struct api_error_entry api_error_table[API_ERR_COUNT] = {
	[API_OK] = { "ok", 200, "ok" },
	[API_ERR_BAD_REQUEST] = { "bad_request", 400, "bad request" },
	[API_ERR_INVALID_JSON] = { "invalid_json", 400, "request body is not valid JSON" },
	[API_ERR_UNAUTHORIZED] = { "unauthorized", 401, "missing or wrong bearer token" },
	[API_ERR_NOT_FOUND] = { "not_found", 404, "no such resource" },
	[API_ERR_VM_NOT_FOUND] = { "vm_not_found", 404, "no such VM" },
	[API_ERR_METHOD_NOT_ALLOWED] = { "method_not_allowed", 405, "method not allowed" },
	[API_ERR_VM_EXISTS] = { "vm_exists", 409, "a VM with this name exists" },
	[API_ERR_VM_RUNNING] = { "vm_running", 409, "the VM is running" },
	[API_ERR_VM_NOT_RUNNING] = { "vm_not_running", 409, "the VM is not running" },
	[API_ERR_BUSY] = { "busy", 409, "another action is in progress" },
	[API_ERR_BODY_TOO_LARGE] = { "body_too_large", 413, "request body too large" },
	[API_ERR_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", 415,
					     "request body must be application/json" },
	[API_ERR_INVALID_VALUE] = { "invalid_value", 422, "invalid value" },
	[API_ERR_INTERNAL] = { "internal", 500, "internal error" },
	[API_ERR_UNAVAILABLE] = { "unavailable", 503, "service unavailable" },
};

static const struct api_error_entry *api_error_entry(enum api_error code)
{
	if ((unsigned int)code >= API_ERR_COUNT)
		return &api_error_table[API_ERR_INTERNAL];
	return &api_error_table[code];
}

/* api_error_status - see api_error.h. */
unsigned int api_error_status(enum api_error code)
{
	return api_error_entry(code)->status;
}

/* api_error_name - see api_error.h. */
const char *api_error_name(enum api_error code)
{
	return api_error_entry(code)->name;
}

/* api_error_default_message - see api_error.h. */
const char *api_error_default_message(enum api_error code)
{
	return api_error_entry(code)->message;
}

/* api_error_from_name - see api_error.h. */
enum api_error api_error_from_name(const char *name)
{
	if (!name)
		return API_ERR_INTERNAL;
	for (unsigned int i = 0; i < API_ERR_COUNT; i++)
		if (strcmp(api_error_table[i].name, name) == 0)
			return (enum api_error)i;
	return API_ERR_INTERNAL;
}

/* api_error_body - see api_error.h. */
struct json_object *api_error_body(enum api_error code, const char *fmt, ...)
{
	struct json_object *body = NULL, *error;
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	error = json_object_new_object();
	if (!error)
		goto fail;
	if (json_object_object_add(error, "code", json_object_new_string(api_error_name(code))) ||
	    json_object_object_add(error, "message", json_object_new_string(message)))
		goto fail;
	body = json_object_new_object();
	if (!body || json_object_object_add(body, "error", error))
		goto fail;
	return body;
fail:
	json_object_put(body);
	json_object_put(error);
	return NULL;
}

/* api_error_parse - see api_error.h. */
int api_error_parse(struct json_object *body, const char **code_name, const char **message)
{
	struct json_object *error, *code, *msg;

	if (!json_object_is_type(body, json_type_object) ||
	    !json_object_object_get_ex(body, "error", &error) ||
	    !json_object_is_type(error, json_type_object) ||
	    !json_object_object_get_ex(error, "code", &code) ||
	    !json_object_is_type(code, json_type_string) ||
	    !json_object_object_get_ex(error, "message", &msg) ||
	    !json_object_is_type(msg, json_type_string))
		return -EINVAL;
	if (code_name)
		*code_name = json_object_get_string(code);
	if (message)
		*message = json_object_get_string(msg);
	return 0;
}
