/*
 * test_api_server.c - the real HTTP server on a temp unix socket (and on
 * loopback TCP with a token), driven by the real client and by raw socket
 * writes: routing, hostile paths, bodies, content types, auth, streams,
 * metrics and socket file handling.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/api_error.h"
#include "api/http_client.h"
#include "api/http_server.h"

#define BODY_LIMIT 1024
#define TOKEN "s3cret-token"

struct fixture {
	char dir[64];
	char sock[128];
	char token_file[128];
	struct http_server *server;
	struct http_client *client;
};

static struct fixture fx;
static atomic_int handler_calls;
static atomic_int stream_freed;

static enum api_error handle_ping(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	struct json_object *obj = json_object_new_object();

	atomic_fetch_add(&handler_calls, 1);
	json_object_object_add(obj, "pong", json_object_new_boolean(1));
	json_object_object_add(obj, "ctx", json_object_new_string(ctx));
	http_response_json(resp, 200, obj);
	return API_OK;
}

static enum api_error handle_echo(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	struct json_object *obj = json_object_new_object();

	atomic_fetch_add(&handler_calls, 1);
	json_object_object_add(obj, "body", json_object_get(req->body));
	http_response_json(resp, 201, obj);
	return API_OK;
}

static enum api_error handle_vm_get(const struct http_request *req, struct http_response *resp,
				    void *ctx)
{
	const char *name = http_request_capture(req, "name");
	const char *q = http_request_query(req, "x");
	struct json_object *obj;

	atomic_fetch_add(&handler_calls, 1);
	if (strcmp(name, "missing") == 0)
		return http_error(resp, API_ERR_VM_NOT_FOUND, "no VM named '%s'", name);
	if (strcmp(name, "plain") == 0)
		return API_ERR_VM_RUNNING;
	obj = json_object_new_object();
	json_object_object_add(obj, "name", json_object_new_string(name));
	json_object_object_add(obj, "pattern", json_object_new_string(req->route_pattern));
	if (q)
		json_object_object_add(obj, "x", json_object_new_string(q));
	http_response_json(resp, 200, obj);
	http_response_header(resp, "X-Test", "yes");
	return API_OK;
}

static enum api_error handle_vm_delete(const struct http_request *req, struct http_response *resp,
				       void *ctx)
{
	atomic_fetch_add(&handler_calls, 1);
	resp->status = 204;
	return API_OK;
}

static enum api_error handle_text(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	static const char text[] = "# HELP x y\nx 1\n";

	atomic_fetch_add(&handler_calls, 1);
	return http_response_text(resp, 200, "text/plain; version=0.0.4", text, sizeof(text) - 1)
		       ? API_ERR_INTERNAL
		       : API_OK;
}

struct event_source {
	int sent;
	int limit; /* lines before going quiet; the stream never ends by itself */
};

static ssize_t event_produce(void *cls, char *buf, size_t max)
{
	struct event_source *src = cls;

	if (src->sent < src->limit) {
		int n = snprintf(buf, max, "{\"n\":%d}\n", src->sent);

		src->sent++;
		return n;
	}
	usleep(50 * 1000);
	return 0;
}

static void event_free(void *cls)
{
	free(cls);
	atomic_fetch_add(&stream_freed, 1);
}

static enum api_error handle_events(const struct http_request *req, struct http_response *resp,
				    void *ctx)
{
	struct event_source *src = calloc(1, sizeof(*src));

	atomic_fetch_add(&handler_calls, 1);
	if (!src)
		return API_ERR_INTERNAL;
	src->limit = 3;
	http_response_stream(resp, "application/x-ndjson", event_produce, src, event_free);
	return API_OK;
}

static const struct http_route test_routes[] = {
	{ "GET", "/v1/ping", handle_ping },
	{ "POST", "/v1/echo", handle_echo },
	{ "PUT", "/v1/echo", handle_echo },
	{ "GET", "/v1/vms/{name}", handle_vm_get },
	{ "DELETE", "/v1/vms/{name}", handle_vm_delete },
	{ "GET", "/metrics", handle_text },
	{ "GET", "/v1/events", handle_events },
};

#define N_ROUTES (sizeof(test_routes) / sizeof(test_routes[0]))

static int fixture_start(struct fixture *f, int with_tcp, struct http_server **out)
{
	struct http_server_config cfg = {
		.unix_path = f->sock,
		.tcp_address = with_tcp ? "127.0.0.1" : NULL,
		.tcp_port = 0,
		.token_file = f->token_file,
		.body_limit = BODY_LIMIT,
		.stream_heartbeat_ms = 200,
		.routes = test_routes,
		.n_routes = N_ROUTES,
		.ctx = "the-ctx",
	};

	return http_server_start(&cfg, out);
}

static int group_setup(void **state)
{
	FILE *tf;

	snprintf(fx.dir, sizeof(fx.dir), "/tmp/test_api_XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(fx.sock, sizeof(fx.sock), "%s/api.sock", fx.dir);
	snprintf(fx.token_file, sizeof(fx.token_file), "%s/token", fx.dir);
	tf = fopen(fx.token_file, "w");
	if (!tf)
		return -1;
	fputs(TOKEN "\n", tf);
	fclose(tf);
	if (fixture_start(&fx, 1, &fx.server))
		return -1;
	fx.client = http_client_new_unix(fx.sock);
	return fx.client ? 0 : -1;
}

static int group_teardown(void **state)
{
	http_client_free(fx.client);
	http_server_stop(fx.server);
	unlink(fx.token_file);
	rmdir(fx.dir);
	return 0;
}

/* One request over a fresh unix connection; returns the whole response. */
static char *raw_request(const void *req, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	size_t got = 0, cap = 65536;
	char *buf = calloc(1, cap);
	int fd;

	assert_non_null(buf);
	strcpy(sa.sun_path, fx.sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* The server may answer and close before all of a huge body is written. */
	(void)!send(fd, req, len, MSG_NOSIGNAL);
	for (;;) {
		ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == cap - 1)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return buf;
}

/* Send @req and read until @needle shows up (1) or 3 s pass (0); then hang up. */
static int raw_wait_for(const char *req, const char *needle)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_usec = 100 * 1000 };
	char buf[8192];
	size_t got = 0;
	int fd, found = 0;

	strcpy(sa.sun_path, fx.sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	for (int i = 0; i < 30 && !found; i++) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);

		if (n > 0)
			got += (size_t)n;
		buf[got] = '\0';
		found = strstr(buf, needle) != NULL;
		if (n == 0 || got == sizeof(buf) - 1)
			break;
	}
	close(fd);
	return found;
}

static int raw_status(const char *response)
{
	int status = 0;

	if (sscanf(response, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	return status;
}

static void assert_error_code(const char *response, const char *code)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "{\"error\":{\"code\":\"%s\",\"message\":", code);
	assert_non_null(strstr(response, needle));
}

static void test_client_get(void **state)
{
	struct json_object *resp;
	long status;

	assert_int_equal(
		http_client_request(fx.client, "GET", "/v1/ping", NULL, &status, &resp, NULL, 0),
		0);
	assert_int_equal(status, 200);
	assert_non_null(resp);
	assert_string_equal(json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN),
			    "{\"pong\":true,\"ctx\":\"the-ctx\"}");
	json_object_put(resp);
}

static void test_client_captures_query_errors(void **state)
{
	struct json_object *resp;
	const char *code, *message;
	long status;

	assert_int_equal(http_client_request(fx.client, "GET", "/v1/vms/web-1.a?x=a%20b+c", NULL,
					     &status, &resp, NULL, 0),
			 0);
	assert_int_equal(status, 200);
	assert_string_equal(json_object_get_string(json_object_object_get(resp, "name")),
			    "web-1.a");
	assert_string_equal(json_object_get_string(json_object_object_get(resp, "x")), "a b c");
	assert_string_equal(json_object_get_string(json_object_object_get(resp, "pattern")),
			    "/v1/vms/{name}");
	json_object_put(resp);

	assert_int_equal(http_client_request(fx.client, "GET", "/v1/vms/missing", NULL, &status,
					     &resp, NULL, 0),
			 0);
	assert_int_equal(status, 404);
	assert_int_equal(api_error_parse(resp, &code, &message), 0);
	assert_string_equal(code, "vm_not_found");
	assert_string_equal(message, "no VM named 'missing'");
	json_object_put(resp);

	/* A bare code gets the table's default message. */
	assert_int_equal(http_client_request(fx.client, "GET", "/v1/vms/plain", NULL, &status,
					     &resp, NULL, 0),
			 0);
	assert_int_equal(status, 409);
	assert_int_equal(api_error_parse(resp, &code, &message), 0);
	assert_string_equal(code, "vm_running");
	assert_string_equal(message, api_error_default_message(API_ERR_VM_RUNNING));
	json_object_put(resp);

	assert_int_equal(http_client_request(fx.client, "DELETE", "/v1/vms/web1", NULL, &status,
					     &resp, NULL, 0),
			 0);
	assert_int_equal(status, 204);
	assert_null(resp);
}

static void test_client_post_json(void **state)
{
	struct json_object *body = json_tokener_parse("{\"a\":[1,2,{\"b\":null}]}");
	struct json_object *resp;
	long status;

	assert_int_equal(
		http_client_request(fx.client, "POST", "/v1/echo", body, &status, &resp, NULL, 0),
		0);
	assert_int_equal(status, 201);
	assert_string_equal(json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN),
			    "{\"body\":{\"a\":[1,2,{\"b\":null}]}}");
	json_object_put(resp);
	json_object_put(body);

	/* No body at all: the handler sees NULL. */
	assert_int_equal(
		http_client_request(fx.client, "POST", "/v1/echo", NULL, &status, &resp, NULL, 0),
		0);
	assert_int_equal(status, 201);
	assert_string_equal(json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN),
			    "{\"body\":null}");
	json_object_put(resp);
}

static void test_client_raw_text(void **state)
{
	char *out;
	size_t len;
	long status;

	assert_int_equal(http_client_request_raw(fx.client, "GET", "/metrics", NULL, NULL, 0,
						 &status, &out, &len, NULL, 0),
			 0);
	assert_int_equal(status, 200);
	assert_string_equal(out, "# HELP x y\nx 1\n");
	assert_int_equal(len, strlen(out));
	free(out);
}

static void test_not_found_and_method(void **state)
{
	int before = atomic_load(&handler_calls);
	char *r;

	r = raw_request("GET /v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 56);
	assert_int_equal(raw_status(r), 404);
	assert_error_code(r, "not_found");
	assert_non_null(strstr(r, "Content-Type: application/json"));
	free(r);

	r = raw_request("PATCH /v1/vms/web1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 59);
	assert_int_equal(raw_status(r), 405);
	assert_error_code(r, "method_not_allowed");
	assert_non_null(strstr(r, "Allow: GET, DELETE\r\n"));
	free(r);

	r = raw_request("GET /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 53);
	assert_int_equal(raw_status(r), 405);
	assert_non_null(strstr(r, "Allow: POST, PUT\r\n"));
	free(r);
	assert_int_equal(atomic_load(&handler_calls), before);
}

static void test_hostile_captures(void **state)
{
	static const char *const paths[] = {
		"/v1/vms/..",	 "/v1/vms/%2e%2e", "/v1/vms/a%00b", "/v1/vms/%00",
		"/v1/vms/a%2fb", "/v1/vms/a%zz",   "/v1/vms/%",
	};
	int before = atomic_load(&handler_calls);
	char req[1024], name[301];
	char *r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int n = snprintf(req, sizeof(req),
				 "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
				 paths[i]);

		r = raw_request(req, (size_t)n);
		assert_int_equal(raw_status(r), 400);
		assert_error_code(r, "bad_request");
		free(r);
	}
	memset(name, 'a', 300);
	name[300] = '\0';
	snprintf(req, sizeof(req),
		 "GET /v1/vms/%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", name);
	r = raw_request(req, strlen(req));
	assert_int_equal(raw_status(r), 400);
	assert_non_null(strstr(r, "longer than"));
	free(r);

	/* An empty segment is a path no route has. */
	r = raw_request("GET /v1/vms/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 53);
	assert_int_equal(raw_status(r), 404);
	free(r);
	assert_int_equal(atomic_load(&handler_calls), before);
}

static void test_malformed_http(void **state)
{
	static const char *const requests[] = {
		"GARBAGE\r\n\r\n",
		"GET /v1/ping HTTP/1.1\r\nHost: x\r\nNo colon here\r\nConnection: close\r\n\r\n",
		"GET /v1/ping HTTP/1.1\r\nContent-Length: -5\r\nHost: x\r\n\r\n",
		"POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		"Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
	};
	int before = atomic_load(&handler_calls);

	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		char *r = raw_request(requests[i], strlen(requests[i]));
		int status = raw_status(r);

		/* Either a 400 or a closed connection; never a handler call. */
		assert_true(status == 400 || status == -1);
		free(r);
	}
	assert_int_equal(atomic_load(&handler_calls), before);
	/* The server still serves afterwards. */
	test_client_get(state);
}

static char *post_raw(const char *content_type, const char *body)
{
	char req[4096];
	int n = snprintf(req, sizeof(req),
			 "POST /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
			 "%s%s%sContent-Length: %zu\r\n\r\n%s",
			 content_type ? "Content-Type: " : "", content_type ? content_type : "",
			 content_type ? "\r\n" : "", strlen(body), body);

	return raw_request(req, (size_t)n);
}

static void test_bodies(void **state)
{
	int before = atomic_load(&handler_calls);
	char *r;

	r = post_raw("application/json", "{\"a\":");
	assert_int_equal(raw_status(r), 400);
	assert_error_code(r, "invalid_json");
	free(r);
	r = post_raw("application/json", "{\"a\":1} trailing");
	assert_int_equal(raw_status(r), 400);
	assert_error_code(r, "invalid_json");
	free(r);
	r = post_raw("text/plain", "{\"a\":1}");
	assert_int_equal(raw_status(r), 415);
	assert_error_code(r, "unsupported_media_type");
	free(r);
	r = post_raw(NULL, "{\"a\":1}");
	assert_int_equal(raw_status(r), 415);
	free(r);
	r = post_raw("application/jsonx", "{\"a\":1}");
	assert_int_equal(raw_status(r), 415);
	free(r);
	assert_int_equal(atomic_load(&handler_calls), before);

	r = post_raw("Application/JSON; charset=utf-8", "{\"a\":1}");
	assert_int_equal(raw_status(r), 201);
	assert_non_null(strstr(r, "{\"body\":{\"a\":1}}"));
	free(r);
	assert_int_equal(atomic_load(&handler_calls), before + 1);
}

static void test_body_too_large(void **state)
{
	int before = atomic_load(&handler_calls);
	size_t big = 1 << 20;
	char *req = malloc(big + 512), *r;
	int n;

	assert_non_null(req);
	/* Announced by Content-Length: refused before the body is read. */
	n = snprintf(req, 512,
		     "POST /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
		     big);
	memset(req + n, ' ', big);
	r = raw_request(req, (size_t)n + big);
	assert_int_equal(raw_status(r), 413);
	assert_error_code(r, "body_too_large");
	free(r);

	/* Exactly one byte over the limit. */
	n = snprintf(req, 512,
		     "POST /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		     BODY_LIMIT + 1);
	memset(req + n, ' ', BODY_LIMIT + 1);
	r = raw_request(req, (size_t)n + BODY_LIMIT + 1);
	assert_int_equal(raw_status(r), 413);
	free(r);

	/* Chunked, so the size is only known while reading. */
	n = snprintf(req, 512,
		     "POST /v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 3; i++) {
		n += snprintf(req + n, 16, "%x\r\n", BODY_LIMIT);
		memset(req + n, ' ', BODY_LIMIT);
		n += BODY_LIMIT;
		n += snprintf(req + n, 8, "\r\n");
	}
	n += snprintf(req + n, 8, "0\r\n\r\n");
	r = raw_request(req, (size_t)n);
	assert_int_equal(raw_status(r), 413);
	assert_error_code(r, "body_too_large");
	free(r);
	free(req);
	assert_int_equal(atomic_load(&handler_calls), before);

	/* At the limit is fine. */
	{
		char body[BODY_LIMIT + 1];
		struct json_object *resp;
		long status;
		char *out;
		size_t len;

		memset(body, ' ', BODY_LIMIT);
		memcpy(body + BODY_LIMIT - 2, "{}", 2);
		assert_int_equal(http_client_request_raw(fx.client, "PUT", "/v1/echo",
							 "application/json", body, BODY_LIMIT,
							 &status, &out, &len, NULL, 0),
				 0);
		assert_int_equal(status, 201);
		resp = json_tokener_parse(out);
		assert_non_null(json_object_object_get(resp, "body"));
		json_object_put(resp);
		free(out);
	}
}

static void test_tcp_token(void **state)
{
	struct http_client *none, *wrong, *right;
	uint16_t port = http_server_tcp_port(fx.server);
	struct json_object *resp;
	const char *code;
	char url[64];
	long status;

	assert_true(port != 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	none = http_client_new_tcp(url, NULL);
	wrong = http_client_new_tcp(url, "s3cret-tokeX");
	right = http_client_new_tcp(url, TOKEN);
	assert_non_null(none);
	assert_non_null(wrong);
	assert_non_null(right);

	assert_int_equal(
		http_client_request(none, "GET", "/v1/ping", NULL, &status, &resp, NULL, 0), 0);
	assert_int_equal(status, 401);
	assert_int_equal(api_error_parse(resp, &code, NULL), 0);
	assert_string_equal(code, "unauthorized");
	json_object_put(resp);

	assert_int_equal(
		http_client_request(wrong, "GET", "/v1/ping", NULL, &status, &resp, NULL, 0), 0);
	assert_int_equal(status, 401);
	json_object_put(resp);
	/* Auth comes before routing: an unknown path does not leak as 404. */
	assert_int_equal(http_client_request(wrong, "GET", "/nope", NULL, &status, &resp, NULL, 0),
			 0);
	assert_int_equal(status, 401);
	json_object_put(resp);

	assert_int_equal(
		http_client_request(right, "GET", "/v1/ping", NULL, &status, &resp, NULL, 0), 0);
	assert_int_equal(status, 200);
	json_object_put(resp);

	http_client_free(none);
	http_client_free(wrong);
	http_client_free(right);
}

struct line_log {
	int lines;
	int stop_after;
	char last[64];
};

static int collect_line(const char *line, size_t len, void *cls)
{
	struct line_log *log = cls;

	snprintf(log->last, sizeof(log->last), "%.*s", (int)len, line);
	log->lines++;
	return log->stop_after && log->lines >= log->stop_after;
}

static void wait_for_stream_freed(int expected)
{
	for (int i = 0; i < 100 && atomic_load(&stream_freed) < expected; i++)
		usleep(20 * 1000);
	assert_int_equal(atomic_load(&stream_freed), expected);
}

static void test_stream_client_leaves(void **state)
{
	struct line_log log = { .stop_after = 3 };
	int freed = atomic_load(&stream_freed);
	char err[128];
	long status;

	assert_int_equal(http_client_stream(fx.client, "/v1/events", &status, collect_line, &log,
					    err, sizeof(err)),
			 0);
	assert_int_equal(status, 200);
	assert_int_equal(log.lines, 3);
	assert_string_equal(log.last, "{\"n\":2}");
	/* The server notices the client went away and frees the producer. */
	wait_for_stream_freed(freed + 1);

	/* A stream request that fails reports the server's message. */
	assert_int_equal(http_client_stream(fx.client, "/v1/nothing", &status, collect_line, &log,
					    err, sizeof(err)),
			 0);
	assert_int_equal(status, 404);
	assert_string_equal(err, "no such path");
	assert_int_equal(log.lines, 3);
}

static void test_stream_heartbeat(void **state)
{
	int freed = atomic_load(&stream_freed);

	/* After the three events, the idle stream sends one-byte chunks "\n". */
	assert_true(raw_wait_for("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n",
				 "{\"n\":2}\n\r\n1\r\n\n\r\n"));
	wait_for_stream_freed(freed + 1);
}

struct stream_thread {
	struct http_client *client;
	struct line_log log;
	long status;
	int ret;
};

static void *stream_thread_main(void *arg)
{
	struct stream_thread *t = arg;

	t->ret = http_client_stream(t->client, "/v1/events", &t->status, collect_line, &t->log,
				    NULL, 0);
	return NULL;
}

static void test_stream_server_stops(void **state)
{
	struct fixture f2 = { 0 };
	struct stream_thread t = { 0 };
	struct http_server *server;
	int freed = atomic_load(&stream_freed);
	pthread_t thread;

	snprintf(f2.sock, sizeof(f2.sock), "%s/second.sock", fx.dir);
	assert_int_equal(fixture_start(&f2, 0, &server), 0);
	t.client = http_client_new_unix(f2.sock);
	assert_non_null(t.client);
	assert_int_equal(pthread_create(&thread, NULL, stream_thread_main, &t), 0);
	for (int i = 0; i < 100 && t.log.lines < 3; i++)
		usleep(20 * 1000);
	/* Stopping ends the open stream cleanly instead of hanging on it. */
	http_server_stop(server);
	pthread_join(thread, NULL);
	assert_int_equal(t.ret, 0);
	assert_int_equal(t.status, 200);
	assert_int_equal(t.log.lines, 3);
	assert_int_equal(atomic_load(&stream_freed), freed + 1);
	assert_int_equal(access(f2.sock, F_OK), -1);
	http_client_free(t.client);
}

static void test_socket_file(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct http_server *server;
	struct fixture f2 = { 0 };
	struct stat sb;
	int fd;
	FILE *file;

	assert_int_equal(stat(fx.sock, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0660);

	/* A live socket is not taken over. */
	memcpy(f2.sock, fx.sock, sizeof(f2.sock));
	assert_int_equal(fixture_start(&f2, 0, &server), -EADDRINUSE);
	test_client_get(state);

	/* A stale one (nobody listening) is replaced. */
	snprintf(f2.sock, sizeof(f2.sock), "%s/stale.sock", fx.dir);
	strcpy(sa.sun_path, f2.sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(fixture_start(&f2, 0, &server), 0);
	http_server_stop(server);
	assert_int_equal(access(f2.sock, F_OK), -1);

	/* Never delete something that is not a socket. */
	file = fopen(f2.sock, "w");
	assert_non_null(file);
	fclose(file);
	assert_int_equal(fixture_start(&f2, 0, &server), -EEXIST);
	assert_int_equal(unlink(f2.sock), 0);

	/* TCP without a token file is refused. */
	snprintf(f2.token_file, sizeof(f2.token_file), "%s/no-such-token", fx.dir);
	assert_int_equal(fixture_start(&f2, 1, &server), -ENOENT);
}

static void test_client_transport_errors(void **state)
{
	struct http_client *c;
	struct json_object *resp;
	char err[128] = "";
	char path[160];
	long status;

	snprintf(path, sizeof(path), "%s/nobody.sock", fx.dir);
	c = http_client_new_unix(path);
	assert_non_null(c);
	assert_true(http_client_request(c, "GET", "/v1/ping", NULL, &status, &resp, err,
					sizeof(err)) < 0);
	assert_int_equal(status, 0);
	assert_null(resp);
	assert_true(err[0] != '\0');
	http_client_free(c);
}

static const struct http_route_stats *find_stats(const struct http_route_stats *s, size_t n,
						 const char *method, const char *pattern)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].method, method) == 0 && strcmp(s[i].pattern, pattern) == 0)
			return &s[i];
	return NULL;
}

static uint64_t status_count(const struct http_route_stats *s, unsigned int status)
{
	for (size_t i = 0; i < s->n_statuses; i++)
		if (s->statuses[i].status == status)
			return s->statuses[i].count;
	return 0;
}

static void test_metrics(void **state)
{
	struct http_route_stats stats[N_ROUTES + 1];
	const struct http_route_stats *ping, *vm, *unmatched;
	uint64_t pings;
	size_t n;

	n = http_server_stats(fx.server, stats, N_ROUTES + 1);
	assert_int_equal(n, N_ROUTES + 1);
	ping = find_stats(stats, n, "GET", "/v1/ping");
	assert_non_null(ping);
	pings = status_count(ping, 200);
	assert_true(pings >= 1);
	test_client_get(state);
	test_client_get(state);
	n = http_server_stats(fx.server, stats, N_ROUTES + 1);
	ping = find_stats(stats, n, "GET", "/v1/ping");
	assert_int_equal(status_count(ping, 200), pings + 2);

	vm = find_stats(stats, n, "GET", "/v1/vms/{name}");
	assert_true(status_count(vm, 404) >= 1);
	assert_true(status_count(vm, 409) >= 1);
	unmatched = find_stats(stats, n, "*", "unmatched");
	assert_non_null(unmatched);
	assert_true(status_count(unmatched, 404) >= 1);
	assert_true(status_count(unmatched, 405) >= 1);
	assert_true(status_count(unmatched, 400) >= 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t total = 0;

		for (size_t b = 1; b < HTTP_LATENCY_BUCKETS; b++)
			assert_true(stats[i].buckets[b] >= stats[i].buckets[b - 1]);
		for (size_t s = 0; s < stats[i].n_statuses; s++)
			total += stats[i].statuses[s].count;
		assert_int_equal(total, stats[i].count);
		assert_true(stats[i].buckets[HTTP_LATENCY_BUCKETS - 1] <= stats[i].count);
		assert_true(stats[i].sum_seconds >= 0);
	}
	assert_true(ping->count >= 3);
	assert_true(ping->buckets[HTTP_LATENCY_BUCKETS - 1] >= 1);
	assert_true(http_latency_bounds[0] == 0.0005);
	assert_true(http_latency_bounds[HTTP_LATENCY_BUCKETS - 1] == 1.0);
	/* A short buffer still reports how many entries exist. */
	assert_int_equal(http_server_stats(fx.server, stats, 2), N_ROUTES + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_get),
		cmocka_unit_test(test_client_captures_query_errors),
		cmocka_unit_test(test_client_post_json),
		cmocka_unit_test(test_client_raw_text),
		cmocka_unit_test(test_not_found_and_method),
		cmocka_unit_test(test_hostile_captures),
		cmocka_unit_test(test_malformed_http),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_tcp_token),
		cmocka_unit_test(test_stream_client_leaves),
		cmocka_unit_test(test_stream_heartbeat),
		cmocka_unit_test(test_stream_server_stops),
		cmocka_unit_test(test_socket_file),
		cmocka_unit_test(test_client_transport_errors),
		cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
