/*
 * http_server.c - libmicrohttpd glue: listeners, auth, bodies, dispatch,
 * error bodies, streams and per-route metrics.
 *
 * One MHD daemon per listener, each in thread-per-connection mode: a
 * handler or a stream producer may block without stalling other clients,
 * and at the request rates of one host's VM manager threads are cheap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http_server.h"
#include "json_util.h"

#define HTTP_TOKEN_MAX 256
/* A body is drained past the limit before the 413, but not forever. */
#define HTTP_DISCARD_FACTOR 16
/* How long stop waits for open streams to finish (producers return within ~250 ms). */
#define HTTP_STOP_WAIT_MS 2000

const double http_latency_bounds[HTTP_LATENCY_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
};

struct route_counters {
	size_t n_statuses;
	unsigned int status[HTTP_STATUS_SLOTS];
	uint64_t status_count[HTTP_STATUS_SLOTS];
	uint64_t buckets[HTTP_LATENCY_BUCKETS]; /* not cumulative here */
	uint64_t count;
	double sum_seconds;
};

struct http_listener {
	struct http_server *server;
	struct MHD_Daemon *mhd;
	int need_token;
};

struct http_server {
	const struct http_route *routes;
	size_t n_routes;
	void *ctx;
	size_t body_limit;
	unsigned int heartbeat_ms;
	char *unix_path;
	char token[HTTP_TOKEN_MAX];
	size_t token_len;
	uint16_t tcp_port;
	struct http_listener unix_listener;
	struct http_listener tcp_listener;
	atomic_int stopping;
	atomic_int open_streams;
	pthread_mutex_t stats_lock;
	struct route_counters *counters; /* n_routes + 1 (unmatched) */
};

/* Per-request state, MHD's *con_cls; freed by server_completed(). */
struct request_state {
	struct timespec start;
	struct http_match match;
	int responded;
	int too_large;
	char *body;
	size_t body_len;
	size_t body_cap;
	size_t discarded;
	char **decoded; /* query values handed out to the handler */
	size_t n_decoded;
};

struct request_priv {
	struct MHD_Connection *conn;
	struct request_state *state;
};

struct stream_state {
	struct http_server *server;
	int fd;
	http_stream_fn fn;
	void *cls;
	void (*free_fn)(void *cls);
	struct timespec last_sent;
};

static void http_response_release(struct http_response *resp)
{
	json_object_put(resp->json);
	resp->json = NULL;
	free(resp->text);
	resp->text = NULL;
	for (size_t i = 0; i < resp->n_headers; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	resp->n_headers = 0;
	if (resp->buffer && resp->buffer_free)
		resp->buffer_free(resp->buffer_cls);
	resp->buffer = NULL;
	if (resp->stream && resp->stream_free)
		resp->stream_free(resp->stream_cls);
	resp->stream = NULL;
}

static double elapsed_seconds(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static void server_record(struct http_server *s, const struct request_state *st,
			  unsigned int status)
{
	size_t idx = st->match.route ? st->match.route_index : s->n_routes;
	struct route_counters *c = &s->counters[idx];
	double seconds = elapsed_seconds(&st->start);
	size_t i;

	pthread_mutex_lock(&s->stats_lock);
	for (i = 0; i < c->n_statuses; i++)
		if (c->status[i] == status)
			break;
	if (i == c->n_statuses && i < HTTP_STATUS_SLOTS) {
		c->status[i] = status;
		c->n_statuses++;
	}
	/* More distinct statuses than slots: the rarest tail goes uncounted by status. */
	if (i < HTTP_STATUS_SLOTS)
		c->status_count[i]++;
	for (i = 0; i < HTTP_LATENCY_BUCKETS; i++) {
		if (seconds <= http_latency_bounds[i]) {
			c->buckets[i]++;
			break;
		}
	}
	c->count++;
	c->sum_seconds += seconds;
	pthread_mutex_unlock(&s->stats_lock);
}

static int stream_peer_closed(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n == 0)
		return 1;
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return 1;
	return 0;
}

static ssize_t server_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_state *ss = cls;
	ssize_t n;

	if (atomic_load(&ss->server->stopping))
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = ss->fn(ss->cls, buf, max);
	if (n > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ss->last_sent);
		return n > (ssize_t)max ? (ssize_t)max : n;
	}
	if (n < 0 || atomic_load(&ss->server->stopping))
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* Nothing to send: a client that hung up would otherwise hold the thread. */
	if (ss->fd >= 0 && stream_peer_closed(ss->fd))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (max > 0 && elapsed_seconds(&ss->last_sent) * 1000.0 >= ss->server->heartbeat_ms) {
		clock_gettime(CLOCK_MONOTONIC, &ss->last_sent);
		buf[0] = '\n';
		return 1;
	}
	return 0;
}

static void server_stream_free(void *cls)
{
	struct stream_state *ss = cls;

	if (ss->free_fn)
		ss->free_fn(ss->cls);
	atomic_fetch_sub(&ss->server->open_streams, 1);
	free(ss);
}

static struct MHD_Response *server_build_stream(struct http_server *s, struct MHD_Connection *conn,
						struct http_response *resp)
{
	const union MHD_ConnectionInfo *info;
	struct stream_state *ss = calloc(1, sizeof(*ss));
	struct MHD_Response *mr;

	if (!ss)
		return NULL;
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	ss->server = s;
	ss->fd = info ? info->connect_fd : -1;
	ss->fn = resp->stream;
	ss->cls = resp->stream_cls;
	ss->free_fn = resp->stream_free;
	clock_gettime(CLOCK_MONOTONIC, &ss->last_sent);
	mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, server_stream_read, ss,
					       server_stream_free);
	if (!mr) {
		free(ss);
		return NULL;
	}
	/* The stream state owns the producer now. */
	resp->stream = NULL;
	atomic_fetch_add(&s->open_streams, 1);
	return mr;
}

/* Send @resp (consuming it) and count it. */
static enum MHD_Result server_queue(struct http_server *s, struct MHD_Connection *conn,
				    struct request_state *st, struct http_response *resp)
{
	struct MHD_Response *mr = NULL;
	const char *content_type = resp->content_type[0] ? resp->content_type : NULL;
	unsigned int status = resp->status ? resp->status : 200;
	enum MHD_Result ret = MHD_NO;

	if (resp->stream) {
		mr = server_build_stream(s, conn, resp);
	} else if (resp->json) {
		const char *text =
			json_object_to_json_string_ext(resp->json, JSON_C_TO_STRING_PLAIN);

		mr = MHD_create_response_from_buffer(strlen(text), (void *)text,
						     MHD_RESPMEM_MUST_COPY);
		if (!content_type)
			content_type = "application/json";
	} else if (resp->text) {
		mr = MHD_create_response_from_buffer(resp->text_len, resp->text,
						     MHD_RESPMEM_MUST_COPY);
	} else if (resp->buffer) {
		mr = MHD_create_response_from_buffer_with_free_callback_cls(
			resp->buffer_len, (void *)resp->buffer, resp->buffer_free,
			resp->buffer_cls);
		/* MHD owns the release now, also if queueing fails. */
		if (mr)
			resp->buffer = NULL;
	} else {
		mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!mr)
		goto out;
	if (content_type)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	for (size_t i = 0; i < resp->n_headers; i++)
		MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
	ret = MHD_queue_response(conn, status, mr);
	MHD_destroy_response(mr);
	if (ret == MHD_YES) {
		st->responded = 1;
		server_record(s, st, status);
	}
out:
	http_response_release(resp);
	return ret;
}

static enum MHD_Result server_queue_error(struct http_server *s, struct MHD_Connection *conn,
					  struct request_state *st, enum api_error code,
					  const char *message)
{
	struct http_response resp;

	memset(&resp, 0, sizeof(resp));
	resp.status = api_error_status(code);
	resp.json = api_error_body(code, "%s",
				   message && *message ? message : api_error_default_message(code));
	if (!resp.json)
		return MHD_NO;
	if (code == API_ERR_METHOD_NOT_ALLOWED && st->match.allow[0])
		http_response_header(&resp, MHD_HTTP_HEADER_ALLOW, st->match.allow);
	if (code == API_ERR_UNAUTHORIZED)
		http_response_header(&resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	return server_queue(s, conn, st, &resp);
}

/* Compare in time independent of where the strings differ. */
static int server_token_ok(const struct http_server *s, struct MHD_Connection *conn)
{
	const char *auth =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *given;
	size_t given_len;
	unsigned char diff;

	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	given = auth + 7;
	given_len = strlen(given);
	diff = given_len != s->token_len;
	for (size_t i = 0; i < given_len; i++)
		diff |= (unsigned char)(given[i] ^ s->token[i % s->token_len]);
	return diff == 0;
}

static int server_content_type_json(struct MHD_Connection *conn)
{
	const char *ct =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	static const char json_type[] = "application/json";
	size_t n = sizeof(json_type) - 1;

	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, json_type, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t';
}

static int server_body_append(struct http_server *s, struct request_state *st, const char *data,
			      size_t len)
{
	if (st->too_large || len > s->body_limit - st->body_len) {
		st->too_large = 1;
		st->discarded += len;
		return st->discarded / HTTP_DISCARD_FACTOR > s->body_limit ? -E2BIG : 0;
	}
	if (st->body_len + len + 1 > st->body_cap) {
		size_t cap = st->body_cap ? st->body_cap : 1024;
		char *body;

		while (cap < st->body_len + len + 1)
			cap *= 2;
		body = realloc(st->body, cap);
		if (!body)
			return -ENOMEM;
		st->body = body;
		st->body_cap = cap;
	}
	memcpy(st->body + st->body_len, data, len);
	st->body_len += len;
	st->body[st->body_len] = '\0';
	return 0;
}

/* The whole request is in: check the body, run the handler, respond. */
static enum MHD_Result server_dispatch(struct http_server *s, struct MHD_Connection *conn,
				       struct request_state *st, const char *url,
				       const char *method)
{
	struct request_priv priv = { .conn = conn, .state = st };
	struct http_request req = {
		.method = method,
		.path = url,
		.route_pattern = st->match.route->pattern,
		.match = &st->match,
		.priv = &priv,
	};
	struct http_response resp;
	char err[200];
	enum api_error code;

	if (st->too_large) {
		snprintf(err, sizeof(err), "request body exceeds %zu bytes", s->body_limit);
		return server_queue_error(s, conn, st, API_ERR_BODY_TOO_LARGE, err);
	}
	if (st->body_len > 0) {
		if (!server_content_type_json(conn))
			return server_queue_error(s, conn, st, API_ERR_UNSUPPORTED_MEDIA_TYPE,
						  "request body must be application/json");
		if (json_parse_strict(st->body, st->body_len, &req.body, err, sizeof(err)))
			return server_queue_error(s, conn, st, API_ERR_INVALID_JSON, err);
	}

	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	code = st->match.route->handler(&req, &resp, s->ctx);
	json_object_put(req.body);
	if (code != API_OK) {
		char message[sizeof(resp.error_message)];

		memcpy(message, resp.error_message, sizeof(message));
		http_response_release(&resp);
		return server_queue_error(s, conn, st, code, message);
	}
	return server_queue(s, conn, st, &resp);
}

static enum MHD_Result server_access(void *cls, struct MHD_Connection *conn, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **con_cls)
{
	struct http_listener *l = cls;
	struct http_server *s = l->server;
	struct request_state *st = *con_cls;
	enum api_error code;

	if (!st) {
		const char *length;

		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &st->start);
		*con_cls = st;
		/* Refuse early: no body is read for a request that cannot succeed. */
		if (l->need_token && !server_token_ok(s, conn))
			return server_queue_error(s, conn, st, API_ERR_UNAUTHORIZED, NULL);
		code = http_router_match(s->routes, s->n_routes, method, url, &st->match);
		if (code != API_OK)
			return server_queue_error(s, conn, st, code, st->match.message);
		/*
		 * A body somewhat over the limit is drained and then refused, so the
		 * client finishes sending and reads its 413; answering at once would
		 * close the connection under a client that is still writing, and it
		 * would see a reset instead. Only a hopeless length is refused early.
		 */
		length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) / HTTP_DISCARD_FACTOR > s->body_limit) {
			char err[96];

			snprintf(err, sizeof(err), "request body exceeds %zu bytes", s->body_limit);
			return server_queue_error(s, conn, st, API_ERR_BODY_TOO_LARGE, err);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t len = *upload_data_size;

		*upload_data_size = 0;
		if (st->responded)
			return MHD_YES;
		if (server_body_append(s, st, upload_data, len))
			return MHD_NO;
		return MHD_YES;
	}
	if (st->responded)
		return MHD_YES;
	return server_dispatch(s, conn, st, url, method);
}

static void server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			     enum MHD_RequestTerminationCode toe)
{
	struct request_state *st = *con_cls;

	if (!st)
		return;
	for (size_t i = 0; i < st->n_decoded; i++)
		free(st->decoded[i]);
	free(st->decoded);
	free(st->body);
	free(st);
	*con_cls = NULL;
}

/* Leave the URL raw: the router decodes per segment and can refuse %00 and %2F. */
static size_t server_unescape(void *cls, struct MHD_Connection *conn, char *uri)
{
	return strlen(uri);
}

static int server_read_token(struct http_server *s, const char *path)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(s->token, sizeof(s->token), f)) {
		ret = -EINVAL;
		goto out;
	}
	s->token_len = strcspn(s->token, "\r\n");
	while (s->token_len &&
	       (s->token[s->token_len - 1] == ' ' || s->token[s->token_len - 1] == '\t'))
		s->token_len--;
	s->token[s->token_len] = '\0';
	if (s->token_len == 0)
		ret = -EINVAL;
out:
	fclose(f);
	return ret;
}

static int server_bind_unix(const char *path, unsigned int mode, int *out_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat sb;
	int fd, probe, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE) {
			ret = -errno;
			goto fail;
		}
		/* A socket someone still listens on is in use; only a dead one is stale. */
		if (lstat(path, &sb) < 0 || !S_ISSOCK(sb.st_mode)) {
			ret = -EEXIST;
			goto fail;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			ret = -EADDRINUSE;
			goto fail;
		}
		if (probe >= 0)
			close(probe);
		if (unlink(path) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			ret = -errno;
			goto fail;
		}
	}
	/* Before listen(): nobody can connect while the mode is still the umask's. */
	if (chmod(path, mode ? mode : 0660) < 0 || listen(fd, 128) < 0) {
		ret = -errno;
		unlink(path);
		goto fail;
	}
	*out_fd = fd;
	return 0;
fail:
	close(fd);
	return ret;
}

int http_server_bind_unix(const char *path, int *out_fd)
{
	return server_bind_unix(path, 0660, out_fd);
}

static int server_bind_tcp(const char *address, uint16_t port, int *out_fd, uint16_t *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	socklen_t len = sizeof(sa);
	int fd, one = 1, ret;

	if (inet_pton(AF_INET, address, &sa.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	*bound = ntohs(sa.sin_port);
	*out_fd = fd;
	return 0;
}

static int server_listen(struct http_server *s, struct http_listener *l, int fd, int need_token)
{
	l->server = s;
	l->need_token = need_token;
	/* poll(), not select(): each connection thread waits on its one socket every request. */
	l->mhd = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0,
		NULL, NULL, server_access, l, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_NOTIFY_COMPLETED, server_completed, l, MHD_OPTION_UNESCAPE_CALLBACK,
		server_unescape, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512, MHD_OPTION_END);
	if (!l->mhd) {
		close(fd);
		return -EIO;
	}
	return 0;
}

/* http_server_start - see http_server.h. */
int http_server_start(const struct http_server_config *config, struct http_server **out)
{
	struct http_server *s;
	int fd = -1, ret;

	*out = NULL;
	if (!config->routes || (!config->unix_path && !config->tcp_address))
		return -EINVAL;
	if (config->tcp_address && !config->token_file)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->routes = config->routes;
	s->n_routes = config->n_routes;
	s->ctx = config->ctx;
	s->body_limit = config->body_limit ? config->body_limit : HTTP_BODY_LIMIT_DEFAULT;
	s->heartbeat_ms = config->stream_heartbeat_ms ? config->stream_heartbeat_ms
						      : HTTP_STREAM_HEARTBEAT_MS;
	pthread_mutex_init(&s->stats_lock, NULL);
	s->counters = calloc(s->n_routes + 1, sizeof(*s->counters));
	if (!s->counters) {
		ret = -ENOMEM;
		goto fail;
	}
	if (config->tcp_address) {
		ret = server_read_token(s, config->token_file);
		if (ret)
			goto fail;
		ret = server_bind_tcp(config->tcp_address, config->tcp_port, &fd, &s->tcp_port);
		if (ret)
			goto fail;
		ret = server_listen(s, &s->tcp_listener, fd, 1);
		if (ret)
			goto fail;
	}
	if (config->unix_path) {
		s->unix_path = strdup(config->unix_path);
		if (!s->unix_path) {
			ret = -ENOMEM;
			goto fail;
		}
		ret = server_bind_unix(s->unix_path, config->unix_mode, &fd);
		if (ret) {
			free(s->unix_path);
			s->unix_path = NULL;
			goto fail;
		}
		ret = server_listen(s, &s->unix_listener, fd, 0);
		if (ret)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	http_server_stop(s);
	return ret;
}

/* http_server_stop - see http_server.h. */
void http_server_stop(struct http_server *server)
{
	if (!server)
		return;
	atomic_store(&server->stopping, 1);
	/*
	 * Let open streams send their last chunk before MHD shuts the sockets,
	 * so that a following client sees a clean end and not a cut transfer.
	 */
	for (int i = 0; i < HTTP_STOP_WAIT_MS / 10 && atomic_load(&server->open_streams); i++)
		usleep(10 * 1000);
	if (server->tcp_listener.mhd)
		MHD_stop_daemon(server->tcp_listener.mhd);
	if (server->unix_listener.mhd)
		MHD_stop_daemon(server->unix_listener.mhd);
	if (server->unix_path) {
		unlink(server->unix_path);
		free(server->unix_path);
	}
	explicit_bzero(server->token, sizeof(server->token));
	pthread_mutex_destroy(&server->stats_lock);
	free(server->counters);
	free(server);
}

/* http_server_tcp_port - see http_server.h. */
uint16_t http_server_tcp_port(const struct http_server *server)
{
	return server->tcp_port;
}

/* http_server_stats - see http_server.h. */
size_t http_server_stats(struct http_server *server, struct http_route_stats *out, size_t max)
{
	size_t n = server->n_routes + 1;

	pthread_mutex_lock(&server->stats_lock);
	for (size_t r = 0; r < n && r < max; r++) {
		const struct route_counters *c = &server->counters[r];
		struct http_route_stats *o = &out[r];
		uint64_t cumulative = 0;

		memset(o, 0, sizeof(*o));
		if (r < server->n_routes) {
			o->method = server->routes[r].method;
			o->pattern = server->routes[r].pattern;
		} else {
			o->method = "*";
			o->pattern = "unmatched";
		}
		o->n_statuses = c->n_statuses;
		for (size_t i = 0; i < c->n_statuses; i++) {
			o->statuses[i].status = c->status[i];
			o->statuses[i].count = c->status_count[i];
		}
		for (size_t i = 0; i < HTTP_LATENCY_BUCKETS; i++) {
			cumulative += c->buckets[i];
			o->buckets[i] = cumulative;
		}
		o->count = c->count;
		o->sum_seconds = c->sum_seconds;
	}
	pthread_mutex_unlock(&server->stats_lock);
	return n;
}

/* http_request_capture - see http_server.h. */
const char *http_request_capture(const struct http_request *req, const char *name)
{
	return http_match_capture(req->match, name);
}

/* http_request_query - see http_server.h. */
const char *http_request_query(const struct http_request *req, const char *key)
{
	struct request_priv *priv = req->priv;
	struct request_state *st = priv->state;
	const char *raw = MHD_lookup_connection_value(priv->conn, MHD_GET_ARGUMENT_KIND, key);
	char **decoded;
	char *value;
	size_t len;

	if (!raw)
		return NULL;
	len = strlen(raw);
	value = malloc(len + 1);
	if (!value)
		return NULL;
	if (http_percent_decode(raw, len, value, len + 1, 1) < 0)
		goto fail;
	decoded = realloc(st->decoded, (st->n_decoded + 1) * sizeof(*decoded));
	if (!decoded)
		goto fail;
	st->decoded = decoded;
	st->decoded[st->n_decoded++] = value;
	return value;
fail:
	free(value);
	return NULL;
}

/* http_request_header - see http_server.h. */
const char *http_request_header(const struct http_request *req, const char *name)
{
	struct request_priv *priv = req->priv;

	return MHD_lookup_connection_value(priv->conn, MHD_HEADER_KIND, name);
}

/* http_response_json - see http_server.h. */
void http_response_json(struct http_response *resp, unsigned int status, struct json_object *json)
{
	json_object_put(resp->json);
	resp->status = status;
	resp->json = json;
}

/* http_response_text - see http_server.h. */
int http_response_text(struct http_response *resp, unsigned int status, const char *content_type,
		       const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	free(resp->text);
	resp->text = copy;
	resp->text_len = len;
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", content_type);
	return 0;
}

/* http_response_buffer - see http_server.h. */
void http_response_buffer(struct http_response *resp, unsigned int status, const char *content_type,
			  const char *data, size_t len, void (*free_fn)(void *cls), void *cls)
{
	if (resp->buffer && resp->buffer_free)
		resp->buffer_free(resp->buffer_cls);
	resp->status = status;
	resp->buffer = data;
	resp->buffer_len = len;
	resp->buffer_free = free_fn;
	resp->buffer_cls = cls;
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", content_type);
}

/* http_response_header - see http_server.h. */
int http_response_header(struct http_response *resp, const char *name, const char *value)
{
	struct http_header *h;

	if (resp->n_headers == HTTP_MAX_HEADERS)
		return -ENOSPC;
	h = &resp->headers[resp->n_headers];
	h->name = strdup(name);
	h->value = strdup(value);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		return -ENOMEM;
	}
	resp->n_headers++;
	return 0;
}

/* http_response_stream - see http_server.h. */
void http_response_stream(struct http_response *resp, const char *content_type, http_stream_fn fn,
			  void *cls, void (*free_fn)(void *cls))
{
	resp->status = 200;
	resp->stream = fn;
	resp->stream_cls = cls;
	resp->stream_free = free_fn;
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", content_type);
}

/* http_error - see http_server.h. */
enum api_error http_error(struct http_response *resp, enum api_error code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(resp->error_message, sizeof(resp->error_message), fmt, ap);
	va_end(ap);
	return code;
}
