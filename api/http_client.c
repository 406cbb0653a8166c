/*
 * http_client.c - libcurl requests over a unix socket or loopback TCP.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "api_error.h"
#include "http_client.h"

struct http_client {
	char *socket_path; /* NULL for TCP */
	char *base_url;	   /* "http://localhost" for unix sockets */
	char *auth_header; /* "Authorization: Bearer ..." or NULL */
	long connect_ms;
	long total_ms;
};

struct client_buffer {
	char *data;
	size_t len;
	size_t cap;
	int overflow;
};

struct client_stream {
	CURL *curl;
	http_line_fn fn;
	void *cls;
	struct client_buffer line; /* partial line, or the error body */
	int stopped;
	int is_error;
};

static pthread_once_t client_curl_once = PTHREAD_ONCE_INIT;
static CURLcode client_curl_status;

static void client_curl_init(void)
{
	client_curl_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static struct http_client *client_new(void)
{
	struct http_client *c;

	pthread_once(&client_curl_once, client_curl_init);
	if (client_curl_status != CURLE_OK)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->connect_ms = 2000;
	c->total_ms = 30000;
	return c;
}

/* http_client_new_unix - see http_client.h. */
struct http_client *http_client_new_unix(const char *socket_path)
{
	struct http_client *c = client_new();

	if (!c)
		return NULL;
	c->socket_path = strdup(socket_path);
	c->base_url = strdup("http://localhost");
	if (!c->socket_path || !c->base_url) {
		http_client_free(c);
		return NULL;
	}
	return c;
}

/* http_client_new_tcp - see http_client.h. */
struct http_client *http_client_new_tcp(const char *base_url, const char *token)
{
	struct http_client *c = client_new();

	if (!c)
		return NULL;
	c->base_url = strdup(base_url);
	if (!c->base_url ||
	    (token && asprintf(&c->auth_header, "Authorization: Bearer %s", token) < 0)) {
		c->auth_header = NULL;
		http_client_free(c);
		return NULL;
	}
	return c;
}

/* http_client_set_timeouts - see http_client.h. */
void http_client_set_timeouts(struct http_client *client, long connect_ms, long total_ms)
{
	client->connect_ms = connect_ms;
	client->total_ms = total_ms;
}

/* http_client_free - see http_client.h. */
void http_client_free(struct http_client *client)
{
	if (!client)
		return;
	free(client->socket_path);
	free(client->base_url);
	if (client->auth_header)
		explicit_bzero(client->auth_header, strlen(client->auth_header));
	free(client->auth_header);
	free(client);
}

static int client_buffer_add(struct client_buffer *b, const char *data, size_t len)
{
	if (len > HTTP_CLIENT_RESPONSE_MAX - b->len) {
		b->overflow = 1;
		return -E2BIG;
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + len + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

static size_t client_write_buffer(char *data, size_t size, size_t nmemb, void *cls)
{
	if (client_buffer_add(cls, data, size * nmemb))
		return 0;
	return size * nmemb;
}

static void client_set_error(char *errbuf, size_t errlen, const char *fmt, const char *detail)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, fmt, detail);
}

static int client_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	case CURLE_WRITE_ERROR:
		return -E2BIG;
	default:
		return -EIO;
	}
}

/* Common options; returns the header list to free after the transfer. */
static struct curl_slist *client_setup(struct http_client *c, CURL *curl, const char *method,
				       const char *path, const char *content_type, char *url,
				       size_t url_size, int *failed)
{
	struct curl_slist *headers = NULL, *h;
	char ct[128];

	*failed = 0;
	snprintf(url, url_size, "%s%s", c->base_url, path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (c->socket_path)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
	/* Expect: 100-continue would only add a round trip on a local socket. */
	h = curl_slist_append(headers, "Expect:");
	if (h)
		headers = h;
	if (content_type) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
		h = curl_slist_append(headers, ct);
		if (h)
			headers = h;
		else
			*failed = 1;
	}
	if (c->auth_header) {
		h = curl_slist_append(headers, c->auth_header);
		if (h)
			headers = h;
		else
			*failed = 1;
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	return headers;
}

/* http_client_request_raw - see http_client.h. */
int http_client_request_raw(struct http_client *client, const char *method, const char *path,
			    const char *content_type, const char *body, size_t body_len,
			    long *status, char **out, size_t *out_len, char *errbuf, size_t errlen)
{
	struct client_buffer buf = { 0 };
	struct curl_slist *headers = NULL;
	char url[2300];
	CURLcode rc;
	CURL *curl;
	int failed, ret = 0;

	*status = 0;
	*out = NULL;
	*out_len = 0;
	if (strlen(path) > 2048) {
		client_set_error(errbuf, errlen, "%s", "path too long");
		return -ENAMETOOLONG;
	}
	curl = curl_easy_init();
	if (!curl) {
		client_set_error(errbuf, errlen, "%s", "curl_easy_init failed");
		return -ENOMEM;
	}
	headers = client_setup(client, curl, method, path, body ? content_type : NULL, url,
			       sizeof(url), &failed);
	if (failed) {
		ret = -ENOMEM;
		client_set_error(errbuf, errlen, "%s", "out of memory");
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, client->total_ms);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, client_write_buffer);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		ret = buf.overflow ? -E2BIG : client_errno(rc);
		client_set_error(errbuf, errlen, "%s",
				 buf.overflow ? "response too large" : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	if (!buf.data) {
		buf.data = strdup("");
		if (!buf.data) {
			ret = -ENOMEM;
			goto out;
		}
	}
	*out = buf.data;
	*out_len = buf.len;
	buf.data = NULL;
out:
	free(buf.data);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return ret;
}

/* http_client_request - see http_client.h. */
int http_client_request(struct http_client *client, const char *method, const char *path,
			struct json_object *body, long *status, struct json_object **response,
			char *errbuf, size_t errlen)
{
	const char *text =
		body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
	char *out = NULL;
	size_t out_len;
	int ret;

	*response = NULL;
	ret = http_client_request_raw(client, method, path, "application/json", text,
				      text ? strlen(text) : 0, status, &out, &out_len, errbuf,
				      errlen);
	if (ret)
		return ret;
	if (out_len > 0)
		*response = json_tokener_parse(out);
	free(out);
	return 0;
}

static int client_stream_emit(struct client_stream *cs)
{
	char *data = cs->line.data;
	size_t start = 0;

	for (size_t i = 0; i < cs->line.len; i++) {
		if (data[i] != '\n')
			continue;
		if (i > start && !cs->stopped && cs->fn(data + start, i - start, cs->cls))
			cs->stopped = 1;
		start = i + 1;
	}
	memmove(data, data + start, cs->line.len - start);
	cs->line.len -= start;
	data[cs->line.len] = '\0';
	return cs->stopped;
}

static size_t client_write_stream(char *data, size_t size, size_t nmemb, void *cls)
{
	struct client_stream *cs = cls;
	size_t len = size * nmemb;
	long code = 0;

	curl_easy_getinfo(cs->curl, CURLINFO_RESPONSE_CODE, &code);
	cs->is_error = code < 200 || code >= 300;
	if (client_buffer_add(&cs->line, data, len))
		return 0;
	if (!cs->is_error && client_stream_emit(cs))
		return 0;
	return len;
}

/* http_client_stream - see http_client.h. */
int http_client_stream(struct http_client *client, const char *path, long *status, http_line_fn fn,
		       void *cls, char *errbuf, size_t errlen)
{
	struct client_stream cs = { .fn = fn, .cls = cls };
	struct curl_slist *headers = NULL;
	char url[2300];
	CURLcode rc;
	int failed, ret = 0;

	*status = 0;
	if (strlen(path) > 2048) {
		client_set_error(errbuf, errlen, "%s", "path too long");
		return -ENAMETOOLONG;
	}
	cs.curl = curl_easy_init();
	if (!cs.curl)
		return -ENOMEM;
	headers = client_setup(client, cs.curl, "GET", path, NULL, url, sizeof(url), &failed);
	if (failed) {
		ret = -ENOMEM;
		goto out;
	}
	curl_easy_setopt(cs.curl, CURLOPT_WRITEFUNCTION, client_write_stream);
	curl_easy_setopt(cs.curl, CURLOPT_WRITEDATA, &cs);
	rc = curl_easy_perform(cs.curl);
	/* A write error after the callback asked to stop is the normal way out. */
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && cs.stopped)) {
		ret = client_errno(rc);
		client_set_error(errbuf, errlen, "%s", curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(cs.curl, CURLINFO_RESPONSE_CODE, status);
	if (cs.is_error) {
		struct json_object *body = cs.line.data ? json_tokener_parse(cs.line.data) : NULL;
		const char *message = NULL;

		if (api_error_parse(body, NULL, &message) == 0)
			client_set_error(errbuf, errlen, "%s", message);
		else
			client_set_error(errbuf, errlen, "%s", "request failed");
		json_object_put(body);
	} else if (cs.line.len && !cs.stopped) {
		/* The last line may lack its newline. */
		fn(cs.line.data, cs.line.len, cls);
	}
out:
	free(cs.line.data);
	curl_slist_free_all(headers);
	curl_easy_cleanup(cs.curl);
	return ret;
}
