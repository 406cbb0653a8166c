/* SPDX-License-Identifier: MIT */
/*
 * vmmd's configuration: an INI file (/etc/vmmd/vmmd.conf) over an embedded
 * default text parsed the same way, so vmmd runs with no file at all; the
 * command line overrides both through config_set(). Every key is described
 * once in a const table in config.c: its section, type and range.
 *
 *   [daemon]     state_dir, socket, socket_mode, tcp_listen, token_file,
 *                worker_path, log_level
 *   [policy]     interval_seconds
 *   [supervisor] restart_backoff_initial_ms, restart_backoff_max_ms,
 *                shutdown_timeout_seconds
 *
 * Lines are limited to 199 characters (libinih's line buffer).
 */
#ifndef VMMD_CONFIG_H
#define VMMD_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

/* Where vmmd looks when no --config is given (the caller decides). */
#define CONFIG_DEFAULT_PATH "/etc/vmmd/vmmd.conf"

enum config_log_level {
	CONFIG_LOG_ERROR,
	CONFIG_LOG_WARNING,
	CONFIG_LOG_INFO,
	CONFIG_LOG_DEBUG,
};

/* Strings are owned (heap) and never NULL after config_load; "" means off/unset. */
struct config {
	/* [daemon] */
	char *state_dir;       /* absolute; holds vmmd.db and vms/<name>/ */
	char *socket;	       /* absolute path of the API's unix socket */
	mode_t socket_mode;    /* e.g. 0660 */
	char *tcp_listen;      /* "127.0.0.1:8080" / "[::1]:8080" / "localhost:8080", "" = off */
	char *tcp_host;	       /* tcp_listen's host part without brackets, "" if off */
	unsigned int tcp_port; /* tcp_listen's port, 0 if off */
	char *token_file;      /* absolute, "" = none; required when tcp_listen is set */
	char *worker_path;     /* absolute path of vmm-worker */
	enum config_log_level log_level;
	/* [policy] */
	unsigned int policy_interval_seconds;
	/* [supervisor] */
	unsigned int restart_backoff_initial_ms;
	unsigned int restart_backoff_max_ms;
	unsigned int shutdown_timeout_seconds;
};

/* The embedded default configuration, in the file's own syntax. */
extern const char config_default_text[];

/*
 * Fills *config from the embedded default, then from the file at path if
 * path is not NULL (a missing file is an error then). On failure, err gets
 * one line: "path:line: [section] key: what is wrong" and *config is left
 * freed. Returns 0, -ENOENT/-EACCES (cannot open: errno), -EINVAL (bad
 * syntax, unknown section or key, bad value) or -ENOMEM.
 */
int config_load(struct config *config, const char *path, char *err, size_t err_len);

/*
 * Sets one key as if read from a file (the command line's --state-dir and
 * --socket use it), with the same checks. Returns 0, -EINVAL with
 * "[section] key: ..." in err, or -ENOMEM.
 */
int config_set(struct config *config, const char *section, const char *key, const char *value,
	       char *err, size_t err_len);

/*
 * Cross-key checks after all overrides (tcp_listen needs a token_file,
 * backoff initial <= max). Returns 0 or -EINVAL with a message. config_load
 * calls it; call it again after config_set.
 */
int config_check(const struct config *config, char *err, size_t err_len);

/* Frees the strings of *config. Safe to call twice. */
void config_free(struct config *config);

/* "error", "warning", "info", "debug". */
const char *config_log_level_name(enum config_log_level level);

#endif /* VMMD_CONFIG_H */
