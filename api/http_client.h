/*
 * http_client.h - the client side of the vmmd API (vmctl, vmmd -> worker).
 *
 * libcurl over a unix socket, or over TCP with a bearer token. Requests
 * and responses are JSON; error bodies are returned like any other body so
 * the caller can print the server's message (see api_error_parse()).
 */
#ifndef API_HTTP_CLIENT_H
#define API_HTTP_CLIENT_H

#include <stddef.h>

#include <json-c/json.h>

struct http_client;

/* Responses bigger than this are refused (the client is not a downloader). */
#define HTTP_CLIENT_RESPONSE_MAX (16u * 1024 * 1024)

/*
 * http_client_new_unix - a client for the server on unix socket
 * @socket_path. Returns NULL on allocation failure.
 */
struct http_client *http_client_new_unix(const char *socket_path);

/*
 * http_client_new_tcp - a client for "http://HOST:PORT" (@base_url, no
 * trailing slash) sending "Authorization: Bearer @token" (NULL for none).
 * Returns NULL on allocation failure.
 */
struct http_client *http_client_new_tcp(const char *base_url, const char *token);

/*
 * http_client_set_timeouts - connect timeout and whole-request timeout in
 * milliseconds (0 = none; streams ignore @total_ms). Defaults: 2000, 30000.
 */
void http_client_set_timeouts(struct http_client *client, long connect_ms, long total_ms);

/* http_client_free - free @client; NULL is a no-op. */
void http_client_free(struct http_client *client);

/*
 * http_client_request - send @method @path (e.g. "/v1/vms/web1") with
 * @body (NULL for none) as application/json. On success *@status is the
 * HTTP status and *@response the parsed JSON body (NULL if empty or not
 * JSON; the caller puts it). Returns 0 whenever a response arrived (any
 * status), or -errno on a transport failure with a message in @errbuf
 * (size @errlen; may be NULL).
 */
int http_client_request(struct http_client *client, const char *method, const char *path,
			struct json_object *body, long *status, struct json_object **response,
			char *errbuf, size_t errlen);

/*
 * http_client_request_raw - like http_client_request() with a raw @body of
 * @body_len bytes sent as @content_type (NULL body for none), returning the
 * raw response in *@out (NUL-terminated, caller frees) of *@out_len bytes.
 */
int http_client_request_raw(struct http_client *client, const char *method, const char *path,
			    const char *content_type, const char *body, size_t body_len,
			    long *status, char **out, size_t *out_len, char *errbuf, size_t errlen);

/*
 * Called for each line of a streamed response (without the newline; empty
 * lines are skipped). Return 0 to continue, nonzero to stop following.
 */
typedef int (*http_line_fn)(const char *line, size_t len, void *cls);

/*
 * http_client_stream - GET @path and call @fn per line of a 2xx response
 * until the server ends the stream or @fn returns nonzero. For other
 * statuses nothing is passed to @fn and the server's error message is
 * copied to @errbuf. Returns 0 with *@status set, or -errno on transport
 * failure.
 */
int http_client_stream(struct http_client *client, const char *path, long *status, http_line_fn fn,
		       void *cls, char *errbuf, size_t errlen);

#endif /* API_HTTP_CLIENT_H */
