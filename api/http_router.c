/*
 * http_router.c - route table matching and path segment validation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http_router.h"

struct path_split {
	size_t n;
	char seg[HTTP_MAX_SEGMENTS][HTTP_SEGMENT_MAX + 1];
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* http_percent_decode - see http_router.h. */
int http_percent_decode(const char *in, size_t len, char *out, size_t out_size, int plus_is_space)
{
	size_t o = 0;

	if (out_size == 0)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -EINVAL;
			hi = hex_value(in[i + 1]);
			lo = hex_value(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		/* A NUL would silently cut the value short in every C consumer. */
		if (c == '\0')
			return -EINVAL;
		if (o + 1 >= out_size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return (int)o;
}

/*
 * Split and decode @path. Returns API_OK, API_ERR_NOT_FOUND for shapes no
 * route can have (empty segments, too many), API_ERR_BAD_REQUEST for
 * segments that are hostile whatever the route.
 */
static enum api_error router_split_path(const char *path, struct path_split *ps, char *message,
					size_t message_size)
{
	size_t path_len;
	const char *p;

	ps->n = 0;
	path_len = strcspn(path, "?");
	if (path_len == 0 || path[0] != '/') {
		snprintf(message, message_size, "path must start with '/'");
		return API_ERR_BAD_REQUEST;
	}
	if (path_len > HTTP_PATH_MAX) {
		snprintf(message, message_size, "path longer than %d bytes", HTTP_PATH_MAX);
		return API_ERR_BAD_REQUEST;
	}
	p = path + 1;
	for (;;) {
		size_t len = strcspn(p, "/?");
		char *seg;
		int n;

		if (len == 0)
			return API_ERR_NOT_FOUND;
		if (ps->n == HTTP_MAX_SEGMENTS)
			return API_ERR_NOT_FOUND;
		seg = ps->seg[ps->n];
		n = http_percent_decode(p, len, seg, HTTP_SEGMENT_MAX + 1, 0);
		if (n == -ENAMETOOLONG) {
			snprintf(message, message_size, "path segment longer than %d bytes",
				 HTTP_SEGMENT_MAX);
			return API_ERR_BAD_REQUEST;
		}
		if (n < 0) {
			snprintf(message, message_size,
				 "path segment has a bad or NUL percent-escape");
			return API_ERR_BAD_REQUEST;
		}
		if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0 || strchr(seg, '/')) {
			snprintf(message, message_size,
				 "path segment must not be '.', '..' or contain '/'");
			return API_ERR_BAD_REQUEST;
		}
		ps->n++;
		p += len;
		if (*p != '/')
			break;
		p++;
	}
	return API_OK;
}

/*
 * Does @pattern fit the split path? Fills the captures of @match when
 * @match is not NULL.
 */
static int router_pattern_fits(const char *pattern, const struct path_split *ps,
			       struct http_match *match)
{
	const char *p = pattern;
	size_t i = 0, n_captures = 0;

	if (*p != '/')
		return 0;
	p++;
	for (;;) {
		size_t len = strcspn(p, "/");

		if (i == ps->n)
			return 0;
		if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
			size_t name_len = len - 2;

			if (n_captures == HTTP_MAX_CAPTURES || name_len >= HTTP_CAPTURE_NAME_MAX)
				return 0;
			if (match) {
				memcpy(match->capture_names[n_captures], p + 1, name_len);
				match->capture_names[n_captures][name_len] = '\0';
				strcpy(match->captures[n_captures], ps->seg[i]);
			}
			n_captures++;
		} else if (strlen(ps->seg[i]) != len || memcmp(ps->seg[i], p, len) != 0) {
			return 0;
		}
		i++;
		p += len;
		if (*p != '/')
			break;
		p++;
	}
	if (i != ps->n)
		return 0;
	if (match)
		match->n_captures = n_captures;
	return 1;
}

/* http_router_match - see http_router.h. */
enum api_error http_router_match(const struct http_route *routes, size_t n_routes,
				 const char *method, const char *path, struct http_match *match)
{
	struct path_split ps;
	size_t allow_len = 0;
	enum api_error err;
	int path_known = 0;

	memset(match, 0, sizeof(*match));
	err = router_split_path(path, &ps, match->message, sizeof(match->message));
	if (err != API_OK)
		return err;

	for (size_t r = 0; r < n_routes; r++) {
		if (!router_pattern_fits(routes[r].pattern, &ps, NULL))
			continue;
		path_known = 1;
		if (strcmp(routes[r].method, method) == 0) {
			router_pattern_fits(routes[r].pattern, &ps, match);
			match->route = &routes[r];
			match->route_index = r;
			return API_OK;
		}
		if (!strstr(match->allow, routes[r].method)) {
			int n = snprintf(match->allow + allow_len, sizeof(match->allow) - allow_len,
					 "%s%s", allow_len ? ", " : "", routes[r].method);

			if (n > 0 && (size_t)n < sizeof(match->allow) - allow_len)
				allow_len += (size_t)n;
		}
	}
	if (path_known)
		return API_ERR_METHOD_NOT_ALLOWED;
	snprintf(match->message, sizeof(match->message), "no such path");
	return API_ERR_NOT_FOUND;
}

/* http_match_capture - see http_router.h. */
const char *http_match_capture(const struct http_match *match, const char *name)
{
	for (size_t i = 0; i < match->n_captures; i++)
		if (strcmp(match->capture_names[i], name) == 0)
			return match->captures[i];
	return NULL;
}
