/*
 * http_server.h - the HTTP/1.1 + JSON server of vmmd and the worker.
 *
 * libmicrohttpd, one thread per connection (so event streams may block),
 * listening on a unix socket (mode 0660, no token) and optionally on
 * loopback TCP where every request must carry "Authorization: Bearer
 * <token>". Requests are routed through a const struct http_route table;
 * the server validates paths, bodies and content types before a handler
 * runs, maps enum api_error to statuses and builds the one error body.
 */
#ifndef API_HTTP_SERVER_H
#define API_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "api_error.h"
#include "http_router.h"

#define HTTP_BODY_LIMIT_DEFAULT (64 * 1024)
#define HTTP_MAX_HEADERS 8
#define HTTP_LATENCY_BUCKETS 11
#define HTTP_STATUS_SLOTS 16
#define HTTP_STREAM_HEARTBEAT_MS 15000

struct http_server;

/* The request a handler sees; everything is valid during the call only. */
struct http_request {
	const char *method;
	const char *path;		/* raw path, without the query */
	const char *route_pattern;	/* the matched http_route.pattern */
	const struct http_match *match; /* captures; see http_request_capture() */
	struct json_object *body;	/* parsed JSON body, or NULL if none */
	void *priv;			/* server internals */
};

/*
 * A stream producer: write up to @max bytes into @buf. Returns the number
 * of bytes written; 0 if nothing is ready yet (it should wait at most
 * ~250 ms before returning 0, so that the server notices a client that
 * went away or a server stop); or a negative value to end the stream.
 */
typedef ssize_t (*http_stream_fn)(void *cls, char *buf, size_t max);

struct http_header {
	char *name;
	char *value;
};

/* What a handler fills; use the http_response_*() helpers. */
struct http_response {
	unsigned int status;	  /* default 200 */
	struct json_object *json; /* owned */
	char *text;		  /* owned; used if json is NULL */
	size_t text_len;
	const char *buffer; /* borrowed; used if json and text are NULL */
	size_t buffer_len;
	void (*buffer_free)(void *cls);
	void *buffer_cls;
	char content_type[64];
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t n_headers;
	http_stream_fn stream; /* chunked response if set */
	void *stream_cls;
	void (*stream_free)(void *cls); /* called once the stream is over */
	char error_message[256];	/* set through http_error() */
};

struct http_server_config {
	const char *unix_path;	 /* socket to create; NULL for none */
	unsigned int unix_mode;	 /* its permission bits; 0 means 0660 */
	const char *tcp_address; /* e.g. "127.0.0.1"; NULL for no TCP */
	uint16_t tcp_port;	 /* 0 picks an ephemeral port */
	const char *token_file;	 /* required with TCP; first line is the token */
	size_t body_limit;	 /* 0 means HTTP_BODY_LIMIT_DEFAULT */
	/*
	 * An idle stream sends an empty line this often (0: the default,
	 * HTTP_STREAM_HEARTBEAT_MS), so that idle followers are neither timed
	 * out nor kept after they left. Clients skip empty lines.
	 */
	unsigned int stream_heartbeat_ms;
	const struct http_route *routes;
	size_t n_routes;
	void *ctx; /* passed to every handler */
};

/* Counters of one route (or of the unmatched requests, pattern "unmatched"). */
struct http_route_stats {
	const char *method; /* "*" for the unmatched entry */
	const char *pattern;
	size_t n_statuses;
	struct {
		unsigned int status;
		uint64_t count;
	} statuses[HTTP_STATUS_SLOTS];
	uint64_t buckets[HTTP_LATENCY_BUCKETS]; /* cumulative: le http_latency_bounds[i] */
	uint64_t count;				/* also the +Inf bucket */
	double sum_seconds;
};

/* Upper bounds of the latency buckets in seconds: 0.0005 ... 1. */
extern const double http_latency_bounds[HTTP_LATENCY_BUCKETS];

/*
 * http_server_start - bind the listeners of @config and start serving.
 * A stale unix socket is replaced; a live one is an error (-EADDRINUSE).
 * @config->routes must stay valid until http_server_stop(). Returns 0 and
 * the server in *@out, or -errno.
 */
int http_server_start(const struct http_server_config *config, struct http_server **out);

/*
 * http_server_stop - stop accepting, end open streams, wait for the
 * connection threads, remove the unix socket and free @server. NULL is a
 * no-op.
 */
void http_server_stop(struct http_server *server);

/*
 * http_server_bind_unix - create a listening unix stream socket (mode
 * 0660, close-on-exec) at @path the way http_server_start does: a stale
 * socket is replaced, a live one is -EADDRINUSE, another file -EEXIST.
 * Returns 0 and the descriptor in *@out_fd, or -errno. The caller
 * unlinks @path when done.
 */
int http_server_bind_unix(const char *path, int *out_fd);

/* http_server_tcp_port - the bound TCP port (useful with port 0), or 0. */
uint16_t http_server_tcp_port(const struct http_server *server);

/*
 * http_server_stats - copy the counters of each route, then one entry for
 * unmatched requests, into @out (room for @max). Returns the number of
 * entries available (n_routes + 1), which may exceed @max.
 */
size_t http_server_stats(struct http_server *server, struct http_route_stats *out, size_t max);

/* http_request_capture - decoded value of capture {@name}, or NULL. */
const char *http_request_capture(const struct http_request *req, const char *name);

/*
 * http_request_query - decoded value of query parameter @key, or NULL.
 * The string lives until the handler returns.
 */
const char *http_request_query(const struct http_request *req, const char *key);

/* http_request_header - value of request header @name, or NULL. */
const char *http_request_header(const struct http_request *req, const char *name);

/* http_response_json - respond @status with @json (ownership moves to @resp). */
void http_response_json(struct http_response *resp, unsigned int status, struct json_object *json);

/*
 * http_response_text - respond @status with a copy of @text (@len bytes)
 * as @content_type. Returns 0 or -ENOMEM.
 */
int http_response_text(struct http_response *resp, unsigned int status, const char *content_type,
		       const char *text, size_t len);

/*
 * http_response_buffer - respond @status with @len bytes at @data, sent
 * without a copy: @free_fn (may be NULL) is called with @cls exactly once,
 * when the bytes are no longer needed (also if the response is never sent).
 * For bodies that outlive the handler, e.g. a reference-counted cache entry.
 */
void http_response_buffer(struct http_response *resp, unsigned int status, const char *content_type,
			  const char *data, size_t len, void (*free_fn)(void *cls), void *cls);

/* http_response_header - add a response header (copied). Returns 0, -ENOSPC or -ENOMEM. */
int http_response_header(struct http_response *resp, const char *name, const char *value);

/*
 * http_response_stream - respond 200 with a chunked body produced by @fn.
 * @free_fn (may be NULL) is called with @cls exactly once, when the stream
 * ends for any reason (also if the response is never sent).
 */
void http_response_stream(struct http_response *resp, const char *content_type, http_stream_fn fn,
			  void *cls, void (*free_fn)(void *cls));

/*
 * http_error - attach a printf-style message to an error; returns @code so
 * that a handler can `return http_error(resp, API_ERR_VM_NOT_FOUND, ...)`.
 */
enum api_error http_error(struct http_response *resp, enum api_error code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* API_HTTP_SERVER_H */
