/*
 * http_router.h - match a request path against a const route table.
 *
 * Patterns are literal segments and {captures}: "/v1/vms/{name}/start".
 * The router percent-decodes each path segment itself and rejects the
 * hostile ones (NUL, "." and "..", encoded '/', over-long, bad escapes)
 * before any handler sees them. Pure code, no I/O: the fuzz target and the
 * unit tests drive it directly.
 */
#ifndef API_HTTP_ROUTER_H
#define API_HTTP_ROUTER_H

#include <stddef.h>

#include "api_error.h"

#define HTTP_MAX_CAPTURES 4
#define HTTP_MAX_SEGMENTS 16
#define HTTP_SEGMENT_MAX 128 /* decoded bytes; VM names stop at 64 */
#define HTTP_PATH_MAX 2048   /* raw bytes */
#define HTTP_CAPTURE_NAME_MAX 32

struct http_request;
struct http_response;

/*
 * A handler fills @resp and returns API_OK, or returns an error code (use
 * http_error() to attach a message); the server builds the error body.
 * @ctx is http_server_config.ctx.
 */
typedef enum api_error (*http_handler_fn)(const struct http_request *req,
					  struct http_response *resp, void *ctx);

struct http_route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/v1/vms/{name}/start" */
	http_handler_fn handler;
};

struct http_match {
	const struct http_route *route; /* NULL unless API_OK */
	size_t route_index;
	size_t n_captures;
	char capture_names[HTTP_MAX_CAPTURES][HTTP_CAPTURE_NAME_MAX];
	char captures[HTTP_MAX_CAPTURES][HTTP_SEGMENT_MAX + 1];
	char allow[128];   /* for 405: "GET, PUT, DELETE" */
	char message[160]; /* why the path was refused */
};

/*
 * http_router_match - find the route for @method and the raw (undecoded)
 * @path among @routes. Fills @match. Returns API_OK, API_ERR_NOT_FOUND,
 * API_ERR_METHOD_NOT_ALLOWED (match->allow lists the methods) or
 * API_ERR_BAD_REQUEST (match->message says why).
 */
enum api_error http_router_match(const struct http_route *routes, size_t n_routes,
				 const char *method, const char *path, struct http_match *match);

/* http_match_capture - the decoded value of capture @name, or NULL. */
const char *http_match_capture(const struct http_match *match, const char *name);

/*
 * http_percent_decode - decode %XX escapes (and '+' as space if
 * @plus_is_space) from @in[0..@len) into @out (size @out_size, always
 * NUL-terminated). Returns the decoded length, -EINVAL for a bad escape or
 * a decoded NUL, -ENAMETOOLONG if it does not fit.
 */
int http_percent_decode(const char *in, size_t len, char *out, size_t out_size, int plus_is_space);

#endif /* API_HTTP_ROUTER_H */
