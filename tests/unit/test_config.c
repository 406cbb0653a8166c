// SPDX-License-Identifier: MIT
/* The INI configuration: defaults, overrides, the example file, bad input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/config.h"

#ifndef VMMD_SRCDIR
#define VMMD_SRCDIR "."
#endif
#ifndef VMMD_BINDIR
#define VMMD_BINDIR "/usr/local/bin"
#endif

static char conf_path[64];

/* Writes text to a fresh temporary file (its path in conf_path). */
static void write_conf(const char *text)
{
	int fd;

	strcpy(conf_path, "/tmp/test_config.XXXXXX");
	fd = mkstemp(conf_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Loads text as a file and expects failure with all of the words in the message. */
static void expect_error(const char *text, int line, const char *word)
{
	struct config config;
	char err[512] = "";
	char where[96];
	int ret;

	write_conf(text);
	ret = config_load(&config, conf_path, err, sizeof(err));
	unlink(conf_path);
	if (ret != -EINVAL)
		fail_msg("'%s': got %d (%s), want -EINVAL", text, ret, err);
	snprintf(where, sizeof(where), "%s:%d: ", conf_path, line);
	if (line && strncmp(err, where, strlen(where)) != 0)
		fail_msg("'%s': message '%s' does not start with '%s'", text, err, where);
	if (!strstr(err, word))
		fail_msg("'%s': message '%s' does not mention '%s'", text, err, word);
	assert_null(strchr(err, '\n'));
}

static void assert_defaults(const struct config *c)
{
	assert_string_equal(c->state_dir, "/var/lib/vmmd");
	assert_string_equal(c->socket, "/run/vmmd/vmmd.sock");
	assert_int_equal(c->socket_mode, 0660);
	assert_string_equal(c->tcp_listen, "");
	assert_string_equal(c->tcp_host, "");
	assert_int_equal(c->tcp_port, 0);
	assert_string_equal(c->token_file, "");
	assert_string_equal(c->worker_path, VMMD_BINDIR "/vmm-worker");
	assert_int_equal(c->log_level, CONFIG_LOG_INFO);
	assert_int_equal(c->policy_interval_seconds, 10);
	assert_int_equal(c->restart_backoff_initial_ms, 500);
	assert_int_equal(c->restart_backoff_max_ms, 30000);
	assert_int_equal(c->shutdown_timeout_seconds, 30);
}

static void test_defaults(void **state)
{
	struct config config;
	char err[256] = "";

	assert_int_equal(config_load(&config, NULL, err, sizeof(err)), 0);
	assert_defaults(&config);
	assert_string_equal(config_log_level_name(config.log_level), "info");
	config_free(&config);
	config_free(&config);
}

/* The shipped example must say exactly what the built-in default does. */
static void test_example_file(void **state)
{
	struct config config;
	char err[512] = "";

	if (config_load(&config, VMMD_SRCDIR "/etc/vmmd.conf", err, sizeof(err)))
		fail_msg("%s", err);
	assert_defaults(&config);
	config_free(&config);
}

static void test_file_overrides(void **state)
{
	struct config config;
	char err[512] = "";

	write_conf("# comment\n"
		   "[daemon]\n"
		   "state_dir = /tmp/vmmd-state ; inline comment\n"
		   "socket_mode = 0600\n"
		   "tcp_listen = [::1]:8443\n"
		   "token_file = /etc/vmmd/token\n"
		   "log_level = debug\n"
		   "[supervisor]\n"
		   "restart_backoff_initial_ms = 100\n"
		   "[policy]\n"
		   "interval_seconds=60\n");
	assert_int_equal(config_load(&config, conf_path, err, sizeof(err)), 0);
	unlink(conf_path);
	assert_string_equal(config.state_dir, "/tmp/vmmd-state");
	assert_string_equal(config.socket, "/run/vmmd/vmmd.sock");
	assert_int_equal(config.socket_mode, 0600);
	assert_string_equal(config.tcp_listen, "[::1]:8443");
	assert_string_equal(config.tcp_host, "::1");
	assert_int_equal(config.tcp_port, 8443);
	assert_string_equal(config.token_file, "/etc/vmmd/token");
	assert_int_equal(config.log_level, CONFIG_LOG_DEBUG);
	assert_int_equal(config.restart_backoff_initial_ms, 100);
	assert_int_equal(config.restart_backoff_max_ms, 30000);
	assert_int_equal(config.policy_interval_seconds, 60);

	/* The command line goes over both. */
	assert_int_equal(config_set(&config, "daemon", "state_dir", "/tmp/other", err, sizeof(err)),
			 0);
	assert_int_equal(
		config_set(&config, "daemon", "socket", "/tmp/other/s.sock", err, sizeof(err)), 0);
	assert_string_equal(config.state_dir, "/tmp/other");
	assert_string_equal(config.socket, "/tmp/other/s.sock");
	assert_int_equal(config_set(&config, "daemon", "socket", "relative.sock", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "socket"));
	assert_string_equal(config.socket, "/tmp/other/s.sock");
	assert_int_equal(config_set(&config, "daemon", "tcp_listen", "", err, sizeof(err)), 0);
	assert_int_equal(config.tcp_port, 0);
	assert_int_equal(
		config_set(&config, "daemon", "tcp_listen", "localhost:80", err, sizeof(err)), 0);
	assert_string_equal(config.tcp_host, "localhost");
	assert_int_equal(
		config_set(&config, "daemon", "tcp_listen", "127.1.2.3:65535", err, sizeof(err)),
		0);
	assert_int_equal(config.tcp_port, 65535);
	assert_int_equal(config_check(&config, err, sizeof(err)), 0);
	assert_int_equal(config_set(&config, "daemon", "token_file", "", err, sizeof(err)), 0);
	assert_int_equal(config_check(&config, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "token_file"));
	config_free(&config);
}

static void test_bad_files(void **state)
{
	expect_error("[daemon]\nsocket = /a\n[network]\nport = 1\n", 3, "[network]");
	expect_error("[daemon]\n[bogus]\n", 2, "[bogus]");
	expect_error("[daemon]\nsocket = /a\nsockets = /b\n", 3, "sockets");
	expect_error("\nstate_dir = /x\n", 2, "outside");
	expect_error("[daemon]\nstate_dir = var/lib\n", 2, "state_dir");
	expect_error("[daemon]\nsocket_mode = 0888\n", 2, "socket_mode");
	expect_error("[daemon]\nsocket_mode = 01777\n", 2, "socket_mode");
	expect_error("[daemon]\nlog_level = loud\n", 2, "log_level");
	expect_error("[daemon]\ntcp_listen = 0.0.0.0:8080\ntoken_file = /t\n", 2, "loopback");
	expect_error("[daemon]\ntcp_listen = 192.168.1.1:8080\ntoken_file = /t\n", 2, "tcp_listen");
	expect_error("[daemon]\ntcp_listen = 127.0.0.1:0\ntoken_file = /t\n", 2, "port");
	expect_error("[daemon]\ntcp_listen = 127.0.0.1:70000\ntoken_file = /t\n", 2, "port");
	expect_error("[daemon]\ntcp_listen = 127.0.0.1\ntoken_file = /t\n", 2, "tcp_listen");
	expect_error("[daemon]\ntcp_listen = 127.0.0.1:8080\n", 0, "token_file");
	expect_error("[policy]\ninterval_seconds = 0\n", 2, "interval_seconds");
	expect_error("[policy]\ninterval_seconds = -5\n", 2, "interval_seconds");
	expect_error("[policy]\ninterval_seconds = 10s\n", 2, "interval_seconds");
	expect_error("[policy]\ninterval_seconds = 99999999999999999999\n", 2, "interval");
	expect_error("[supervisor]\nrestart_backoff_initial_ms = 60000\n", 0,
		     "restart_backoff_initial_ms");
	expect_error("[daemon]\nthis line has no equals sign\n", 2, "syntax");
	expect_error("[daemon\nsocket = /a\n", 1, "syntax");
	/* The first error is reported even when later lines are bad too. */
	expect_error("[policy]\ninterval_seconds = x\n[nope\n", 2, "interval_seconds");
}

static void test_long_line(void **state)
{
	char text[400];

	snprintf(text, sizeof(text), "[daemon]\nstate_dir = /%0300d\n", 0);
	expect_error(text, 2, "longer");
}

static void test_missing_file(void **state)
{
	struct config config;
	char err[256] = "";

	assert_int_equal(config_load(&config, "/nonexistent/vmmd.conf", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/vmmd.conf"));
	assert_null(config.state_dir);
	assert_int_equal(config_load(&config, "/nonexistent/vmmd.conf", NULL, 0), -ENOENT);
}

static void test_set_errors(void **state)
{
	struct config config;
	char err[256] = "";

	assert_int_equal(config_load(&config, NULL, NULL, 0), 0);
	assert_int_equal(config_set(&config, "daemon", "nope", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "[daemon] nope: unknown key");
	assert_int_equal(config_set(&config, "extra", "a", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "[extra]: unknown section");
	assert_int_equal(config_set(&config, "supervisor", "shutdown_timeout_seconds", "3601", err,
				    sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "1 to 3600"));
	assert_int_equal(config.shutdown_timeout_seconds, 30);
	config_free(&config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),       cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_file_overrides), cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_long_line),      cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_set_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
