/*
 * api_error.h - the one error vocabulary of the vmmd HTTP API.
 *
 * Every failure a server reports has a lower_snake code, one HTTP status
 * and one body shape: {"error":{"code":"vm_not_found","message":"..."}}.
 * The table mapping codes to statuses lives in api_error.c only.
 */
#ifndef API_API_ERROR_H
#define API_API_ERROR_H

#include <json-c/json.h>

enum api_error {
	API_OK = 0,
	API_ERR_BAD_REQUEST,		/* 400 bad_request */
	API_ERR_INVALID_JSON,		/* 400 invalid_json */
	API_ERR_UNAUTHORIZED,		/* 401 unauthorized */
	API_ERR_NOT_FOUND,		/* 404 not_found */
	API_ERR_VM_NOT_FOUND,		/* 404 vm_not_found */
	API_ERR_METHOD_NOT_ALLOWED,	/* 405 method_not_allowed */
	API_ERR_VM_EXISTS,		/* 409 vm_exists */
	API_ERR_VM_RUNNING,		/* 409 vm_running */
	API_ERR_VM_NOT_RUNNING,		/* 409 vm_not_running */
	API_ERR_BUSY,			/* 409 busy */
	API_ERR_BODY_TOO_LARGE,		/* 413 body_too_large */
	API_ERR_UNSUPPORTED_MEDIA_TYPE, /* 415 unsupported_media_type */
	API_ERR_INVALID_VALUE,		/* 422 invalid_value */
	API_ERR_INTERNAL,		/* 500 internal */
	API_ERR_UNAVAILABLE,		/* 503 unavailable */
	API_ERR_COUNT
};

/* api_error_status - the HTTP status of @code (500 for out-of-range codes). */
unsigned int api_error_status(enum api_error code);

/* api_error_name - the lower_snake string of @code ("internal" if unknown). */
const char *api_error_name(enum api_error code);

/* api_error_default_message - a generic English message for @code. */
const char *api_error_default_message(enum api_error code);

/*
 * api_error_from_name - the code whose string is @name.
 * Returns the code, or API_ERR_INTERNAL if @name is unknown or NULL.
 */
enum api_error api_error_from_name(const char *name);

/*
 * api_error_body - build {"error":{"code":...,"message":...}} with a
 * printf-style message. Returns a new json object the caller owns (put it),
 * or NULL on allocation failure.
 */
struct json_object *api_error_body(enum api_error code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * api_error_parse - read an error body. Sets *@code_name and *@message to
 * strings owned by @body (either may be NULL to skip). Returns 0, or
 * -EINVAL if @body does not have the error shape.
 */
int api_error_parse(struct json_object *body, const char **code_name, const char **message);

#endif /* API_API_ERROR_H */
