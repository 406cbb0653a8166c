// SPDX-License-Identifier: MIT
/*
 * The INI configuration: libinih splits the text into (section, key, value)
 * and config_set() checks each against one const table of keys.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* configure's $(bindir) is passed by daemon/local.mk; this covers hand builds. */
#ifndef VMMD_BINDIR
#define VMMD_BINDIR "/usr/local/bin"
#endif

const char config_default_text[] = "[daemon]\n"
				   "state_dir = /var/lib/vmmd\n"
				   "socket = /run/vmmd/vmmd.sock\n"
				   "socket_mode = 0660\n"
				   "tcp_listen =\n"
				   "token_file =\n"
				   "worker_path = " VMMD_BINDIR "/vmm-worker\n"
				   "log_level = info\n"
				   "\n"
				   "[policy]\n"
				   "interval_seconds = 10\n"
				   "\n"
				   "[supervisor]\n"
				   "restart_backoff_initial_ms = 500\n"
				   "restart_backoff_max_ms = 30000\n"
				   "shutdown_timeout_seconds = 30\n";

static const char *const config_log_level_names[] = {
	[CONFIG_LOG_ERROR] = "error",
	[CONFIG_LOG_WARNING] = "warning",
	[CONFIG_LOG_INFO] = "info",
	[CONFIG_LOG_DEBUG] = "debug",
};

enum config_type {
	CONFIG_TYPE_PATH,	   /* absolute path */
	CONFIG_TYPE_PATH_OR_EMPTY, /* absolute path or "" (off) */
	CONFIG_TYPE_MODE,	   /* octal permission bits */
	CONFIG_TYPE_LISTEN,	   /* loopback host:port or "" (off) */
	CONFIG_TYPE_LOG_LEVEL,
	CONFIG_TYPE_UINT, /* decimal in [min, max] */
};

static const struct config_key {
	const char *section;
	const char *key;
	enum config_type type;
	size_t offset;
	unsigned long min, max;
} config_keys[] = {
	{ "daemon", "state_dir", CONFIG_TYPE_PATH, offsetof(struct config, state_dir), 0, 0 },
	{ "daemon", "socket", CONFIG_TYPE_PATH, offsetof(struct config, socket), 0, 0 },
	{ "daemon", "socket_mode", CONFIG_TYPE_MODE, offsetof(struct config, socket_mode), 0,
	  0777 },
	{ "daemon", "tcp_listen", CONFIG_TYPE_LISTEN, offsetof(struct config, tcp_listen), 1,
	  65535 },
	{ "daemon", "token_file", CONFIG_TYPE_PATH_OR_EMPTY, offsetof(struct config, token_file), 0,
	  0 },
	{ "daemon", "worker_path", CONFIG_TYPE_PATH, offsetof(struct config, worker_path), 0, 0 },
	{ "daemon", "log_level", CONFIG_TYPE_LOG_LEVEL, offsetof(struct config, log_level), 0, 0 },
	{ "policy", "interval_seconds", CONFIG_TYPE_UINT,
	  offsetof(struct config, policy_interval_seconds), 1, 86400 },
	{ "supervisor", "restart_backoff_initial_ms", CONFIG_TYPE_UINT,
	  offsetof(struct config, restart_backoff_initial_ms), 1, 3600000 },
	{ "supervisor", "restart_backoff_max_ms", CONFIG_TYPE_UINT,
	  offsetof(struct config, restart_backoff_max_ms), 1, 3600000 },
	{ "supervisor", "shutdown_timeout_seconds", CONFIG_TYPE_UINT,
	  offsetof(struct config, shutdown_timeout_seconds), 1, 3600 },
};

static int config_fail(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats the message into err (if any) and returns -EINVAL. */
static int config_fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *config_log_level_name(enum config_log_level level)
{
	if ((unsigned int)level >= ARRAY_SIZE(config_log_level_names))
		return "unknown";
	return config_log_level_names[level];
}

/* Strict decimal: digits only, no sign, no junk, in range. */
static bool config_parse_uint(const char *value, int base, unsigned long min, unsigned long max,
			      unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!value[0] || value[0] == '-' || value[0] == '+' || value[0] == ' ')
		return false;
	errno = 0;
	v = strtoul(value, &end, base);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* The API must not be reachable from the network: loopback hosts only. */
static bool config_host_is_loopback(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6);
	return false;
}

/* Splits "host:port" / "[v6]:port" into a fresh host string and a port. */
static int config_parse_listen(const struct config_key *key, const char *value, char **host,
			       unsigned int *port, char *err, size_t err_len)
{
	const char *colon, *host_start = value;
	size_t host_len;
	unsigned long p;

	if (value[0] == '[') {
		const char *close = strchr(value, ']');

		if (!close || close[1] != ':')
			goto bad;
		host_start = value + 1;
		host_len = (size_t)(close - host_start);
		colon = close + 1;
	} else {
		colon = strrchr(value, ':');
		if (!colon)
			goto bad;
		host_len = (size_t)(colon - value);
	}
	if (!config_parse_uint(colon + 1, 10, key->min, key->max, &p))
		return config_fail(err, err_len, "[%s] %s: '%s': port must be %lu to %lu",
				   key->section, key->key, value, key->min, key->max);
	*host = strndup(host_start, host_len);
	if (!*host)
		return -ENOMEM;
	if (!config_host_is_loopback(*host)) {
		free(*host);
		*host = NULL;
		return config_fail(err, err_len,
				   "[%s] %s: '%s': only loopback addresses (127.0.0.0/8, ::1, "
				   "localhost) are allowed",
				   key->section, key->key, value);
	}
	*port = (unsigned int)p;
	return 0;
bad:
	return config_fail(err, err_len, "[%s] %s: '%s': expected host:port, [v6]:port or empty",
			   key->section, key->key, value);
}

/* Replaces the owned string at slot with a copy of value. */
static int config_replace(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

static int config_set_listen(struct config *config, const struct config_key *key, const char *value,
			     char *err, size_t err_len)
{
	char *host = NULL;
	unsigned int port = 0;
	int ret;

	if (value[0]) {
		ret = config_parse_listen(key, value, &host, &port, err, err_len);
		if (ret)
			return ret;
	} else {
		host = strdup("");
		if (!host)
			return -ENOMEM;
	}
	ret = config_replace(&config->tcp_listen, value);
	if (ret) {
		free(host);
		return ret;
	}
	free(config->tcp_host);
	config->tcp_host = host;
	config->tcp_port = port;
	return 0;
}

int config_set(struct config *config, const char *section, const char *name, const char *value,
	       char *err, size_t err_len)
{
	const struct config_key *key = NULL;
	bool section_known = false;
	void *field;
	unsigned long v;

	for (size_t i = 0; i < ARRAY_SIZE(config_keys); i++) {
		if (strcmp(section, config_keys[i].section) != 0)
			continue;
		section_known = true;
		if (strcmp(name, config_keys[i].key) == 0) {
			key = &config_keys[i];
			break;
		}
	}
	if (!section[0])
		return config_fail(err, err_len, "%s: key outside of any [section]", name);
	if (!section_known)
		return config_fail(err, err_len, "[%s]: unknown section", section);
	if (!key)
		return config_fail(err, err_len, "[%s] %s: unknown key", section, name);
	field = (char *)config + key->offset;
	switch (key->type) {
	case CONFIG_TYPE_PATH_OR_EMPTY:
		if (!value[0])
			return config_replace(field, value);
		/* fall through */
	case CONFIG_TYPE_PATH:
		if (value[0] != '/')
			return config_fail(err, err_len, "[%s] %s: '%s': must be an absolute path",
					   section, name, value);
		return config_replace(field, value);
	case CONFIG_TYPE_MODE:
		if (!config_parse_uint(value, 8, key->min, key->max, &v))
			return config_fail(
				err, err_len,
				"[%s] %s: '%s': must be octal permission bits (0 to 0777)", section,
				name, value);
		*(mode_t *)field = (mode_t)v;
		return 0;
	case CONFIG_TYPE_LISTEN:
		return config_set_listen(config, key, value, err, err_len);
	case CONFIG_TYPE_LOG_LEVEL:
		for (size_t i = 0; i < ARRAY_SIZE(config_log_level_names); i++) {
			if (strcmp(value, config_log_level_names[i]) == 0) {
				*(enum config_log_level *)field = (enum config_log_level)i;
				return 0;
			}
		}
		return config_fail(err, err_len,
				   "[%s] %s: '%s': must be error, warning, info or debug", section,
				   name, value);
	case CONFIG_TYPE_UINT:
		if (!config_parse_uint(value, 10, key->min, key->max, &v))
			return config_fail(err, err_len, "[%s] %s: '%s': must be %lu to %lu",
					   section, name, value, key->min, key->max);
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	}
	return config_fail(err, err_len, "[%s] %s: unhandled key type", section, name);
}

int config_check(const struct config *config, char *err, size_t err_len)
{
	if (config->tcp_listen[0] && !config->token_file[0])
		return config_fail(err, err_len,
				   "[daemon] tcp_listen: needs token_file (the bearer token for "
				   "TCP clients)");
	if (config->restart_backoff_initial_ms > config->restart_backoff_max_ms)
		return config_fail(err, err_len,
				   "[supervisor] restart_backoff_initial_ms: larger than "
				   "restart_backoff_max_ms");
	return 0;
}

void config_free(struct config *config)
{
	free(config->state_dir);
	free(config->socket);
	free(config->tcp_listen);
	free(config->tcp_host);
	free(config->token_file);
	free(config->worker_path);
	memset(config, 0, sizeof(*config));
}

/*
 * Feeds libinih line by line from a file or a string, counting lines: this
 * libinih does not pass line numbers to the handler, and we want them in
 * every message. A line too long for libinih's buffer stops the parse.
 */
struct config_source {
	FILE *file;
	const char *text;
	size_t pos;
	int line;
	bool too_long;
	bool bad_section; /* stopped at an unknown section, copied into header */
	char header[200];
};

/*
 * libinih calls the handler for keys only, so an unknown section with no
 * keys would pass unnoticed: look at section headers as they go by.
 */
static bool config_section_line_known(const char *line)
{
	size_t len;

	line += strspn(line, " \t");
	if (line[0] != '[')
		return true;
	line++;
	len = strcspn(line, "]");
	if (line[len] != ']')
		return true; /* libinih reports the syntax error */
	for (size_t i = 0; i < ARRAY_SIZE(config_keys); i++) {
		if (strlen(config_keys[i].section) == len &&
		    strncmp(line, config_keys[i].section, len) == 0)
			return true;
	}
	return false;
}

static char *config_read_line(char *str, int num, void *stream)
{
	struct config_source *src = stream;
	size_t len = 0;
	int c;

	if (num < 2)
		return NULL;
	for (;;) {
		if (src->file) {
			c = fgetc(src->file);
		} else {
			c = src->text[src->pos] ? (unsigned char)src->text[src->pos] : EOF;
			if (c != EOF)
				src->pos++;
		}
		if (c == EOF) {
			if (len == 0)
				return NULL;
			break;
		}
		if (len == (size_t)num - 1) {
			src->too_long = true;
			return NULL;
		}
		str[len++] = (char)c;
		if (c == '\n')
			break;
	}
	str[len] = '\0';
	src->line++;
	if (!config_section_line_known(str)) {
		src->bad_section = true;
		snprintf(src->header, sizeof(src->header), "%.*s", (int)strcspn(str, "\r\n"), str);
		return NULL;
	}
	return str;
}

struct config_parse {
	struct config *config;
	struct config_source *src;
	int error_line; /* line of the first failed key, 0 if none */
	int error;
	char message[512];
};

static int config_handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct config_parse *parse = user;
	char message[512];
	int ret = config_set(parse->config, section, name, value, message, sizeof(message));

	if (ret && !parse->error_line) {
		parse->error_line = parse->src->line;
		parse->error = ret;
		snprintf(parse->message, sizeof(parse->message), "%s", message);
	}
	return ret == 0;
}

/* Parses one source into config; origin names it in messages. */
static int config_parse_source(struct config *config, struct config_source *src, const char *origin,
			       char *err, size_t err_len)
{
	struct config_parse parse = { .config = config, .src = src };
	int line = ini_parse_stream(config_read_line, src, config_handle_key, &parse);

	if (src->too_long)
		return config_fail(err, err_len, "%s:%d: line longer than %d characters", origin,
				   src->line + 1, 199);
	if (src->bad_section)
		return config_fail(err, err_len, "%s:%d: unknown section %s", origin, src->line,
				   src->header + strspn(src->header, " \t"));
	if (line == 0)
		return 0;
	if (line < 0)
		return config_fail(err, err_len, "%s: cannot be parsed", origin);
	if (line == parse.error_line) {
		if (parse.error == -ENOMEM)
			return -ENOMEM;
		return config_fail(err, err_len, "%s:%d: %s", origin, line, parse.message);
	}
	return config_fail(err, err_len, "%s:%d: syntax error: expected [section] or key = value",
			   origin, line);
}

int config_load(struct config *config, const char *path, char *err, size_t err_len)
{
	struct config_source src = { .text = config_default_text };
	int ret;

	memset(config, 0, sizeof(*config));
	ret = config_parse_source(config, &src, "<built-in default>", err, err_len);
	if (ret)
		goto fail;
	if (path) {
		memset(&src, 0, sizeof(src));
		src.file = fopen(path, "re");
		if (!src.file) {
			ret = -errno;
			config_fail(err, err_len, "%s: %s", path, strerror(-ret));
			goto fail;
		}
		ret = config_parse_source(config, &src, path, err, err_len);
		fclose(src.file);
		if (ret)
			goto fail;
	}
	ret = config_check(config, err, err_len);
	if (ret)
		goto fail;
	return 0;
fail:
	config_free(config);
	return ret;
}
