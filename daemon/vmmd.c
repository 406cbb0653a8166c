/* SPDX-License-Identifier: MIT */
/*
 * vmmd.c - the daemon process: options, configuration, systemd and signals.
 *
 * Start-up order matters: the store and the supervisor first, then the
 * re-adoption of the workers a previous vmmd left (so that nobody can start
 * a VM twice through the API meanwhile), then the socket, then READY=1.
 *
 * Signals arrive through a signalfd in the main thread, which otherwise only
 * sends the watchdog keep-alives and STATUS lines. SIGTERM and SIGINT end
 * vmmd but not the workers: they keep the guests running and the next vmmd
 * re-adopts them. SIGCHLD keeps its default disposition: the supervisor
 * reaps through pidfds and needs the exit statuses.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "daemon/daemon.h"

/* STATUS= is refreshed this often when there is no watchdog asking for more. */
#define VMMD_STATUS_INTERVAL_MS 5000

struct vmmd_options {
	const char *config_path;
	const char *state_dir;
	const char *socket;
	const char *worker;
	bool foreground;
};

static const char vmmd_usage[] =
	"usage: vmmd [--config FILE] [--state-dir DIR] [--socket PATH] [--worker PATH]\n"
	"            [--foreground]\n"
	"  --config FILE    INI configuration (default " CONFIG_DEFAULT_PATH " if it exists,\n"
	"                   else the built-in defaults)\n"
	"  --state-dir DIR  where vmmd.db and vms/<name>/ live (overrides [daemon] state_dir)\n"
	"  --socket PATH    the API's unix socket (overrides [daemon] socket)\n"
	"  --worker PATH    the vmm-worker binary (overrides [daemon] worker_path)\n"
	"  --foreground     stay attached to the terminal (implied under systemd)\n";

/* Returns 0, 1 for --help/--version (exit 0), or -EINVAL (exit 2). */
static int vmmd_parse_options(int argc, char **argv, struct vmmd_options *opts)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "worker", required_argument, NULL, 'w' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config_path = optarg;
			break;
		case 's':
			opts->state_dir = optarg;
			break;
		case 'S':
			opts->socket = optarg;
			break;
		case 'w':
			opts->worker = optarg;
			break;
		case 'f':
			opts->foreground = true;
			break;
		case 'h':
			fputs(vmmd_usage, stdout);
			return 1;
		case 'V':
			printf("vmmd %s\n", PACKAGE_VERSION);
			return 1;
		default:
			fputs(vmmd_usage, stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmmd: unexpected argument '%s'\n%s", argv[optind], vmmd_usage);
		return -EINVAL;
	}
	return 0;
}

/* The file, then the command line's overrides. Returns 0 or -errno (message printed). */
static int vmmd_load_config(struct config *config, const struct vmmd_options *opts)
{
	const char *path = opts->config_path;
	char err[512];
	int ret;

	if (!path && access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		path = CONFIG_DEFAULT_PATH;
	ret = config_load(config, path, err, sizeof(err));
	if (ret)
		goto fail;
	if (opts->state_dir)
		ret = config_set(config, "daemon", "state_dir", opts->state_dir, err, sizeof(err));
	if (!ret && opts->socket)
		ret = config_set(config, "daemon", "socket", opts->socket, err, sizeof(err));
	if (!ret && opts->worker)
		ret = config_set(config, "daemon", "worker_path", opts->worker, err, sizeof(err));
	if (!ret)
		ret = config_check(config, err, sizeof(err));
	if (!ret)
		return 0;
	config_free(config);
fail:
	fprintf(stderr, "vmmd: %s\n", err);
	return ret;
}

/*
 * Without --foreground and outside systemd, vmmd detaches: the parent waits
 * on a pipe until the child serves (exit 0) or fails (exit 1), so that the
 * caller still learns whether it started. Must run before any thread exists.
 * Returns the pipe's write end in the child (-1 when not detached).
 */
static int vmmd_detach(void)
{
	int fds[2];
	char status = 1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		perror("vmmd: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("vmmd: fork");
		exit(1);
	}
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(fds[0]);
	setsid();
	if (!freopen("/dev/null", "r", stdin))
		perror("vmmd: /dev/null");
	return fds[1];
}

static void vmmd_report_ready(int ready_fd, char status)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, &status, 1) != 1)
		perror("vmmd: cannot report readiness");
	close(ready_fd);
}

static void vmmd_notify_status(struct vmmd *d)
{
	unsigned int total, running;

	if (vmmd_count(d, &total, &running))
		return;
	sd_notifyf(0, "STATUS=%u VMs, %u running", total, running);
}

/* Waits for SIGTERM/SIGINT, sending keep-alives meanwhile. Returns the signal. */
static int vmmd_run(struct vmmd *d, int sfd)
{
	uint64_t watchdog_usec = 0;
	int timeout_ms = VMMD_STATUS_INTERVAL_MS;

	/* Twice per watchdog period, as sd_watchdog_enabled(3) recommends. */
	if (sd_watchdog_enabled(0, &watchdog_usec) > 0 &&
	    watchdog_usec / 2000 < (uint64_t)timeout_ms)
		timeout_ms = watchdog_usec / 2000 ? (int)(watchdog_usec / 2000) : 1;
	for (;;) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		struct signalfd_siginfo si;
		unsigned int total, running;
		int n = poll(&pfd, 1, timeout_ms);

		if (n < 0 && errno != EINTR) {
			vmmd_log(d, CONFIG_LOG_ERROR, "poll: %s", strerror(errno));
			return SIGTERM;
		}
		if (n > 0 && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				return (int)si.ssi_signo;
			continue;
		}
		/* The keep-alive proves the store answers, not just that this loop turns. */
		if (vmmd_count(d, &total, &running) == 0) {
			if (watchdog_usec)
				sd_notify(0, "WATCHDOG=1");
			sd_notifyf(0, "STATUS=%u VMs, %u running", total, running);
		}
	}
}

int main(int argc, char **argv)
{
	struct vmmd_options opts = { 0 };
	struct vmmd d = { 0 };
	char err[512];
	int ready_fd = -1, sfd = -1, status = 1, signo, ret;
	struct timespec now;
	sigset_t mask;

	ret = vmmd_parse_options(argc, argv, &opts);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (vmmd_load_config(&d.config, &opts))
		return 2;
	if (!opts.foreground && !getenv("NOTIFY_SOCKET"))
		ready_fd = vmmd_detach();

	/* Blocked before any thread starts, so that every thread inherits the mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* A client that hangs up mid-response must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "vmmd: signalfd: %s\n", strerror(errno));
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	d.start_time_seconds = (double)now.tv_sec + now.tv_nsec / 1e9;

	if (vmmd_open(&d, err, sizeof(err))) {
		vmmd_log(&d, CONFIG_LOG_ERROR, "%s", err);
		goto out;
	}
	if (vmmd_recover(&d))
		goto out;
	if (vmmd_serve(&d, err, sizeof(err))) {
		vmmd_log(&d, CONFIG_LOG_ERROR, "%s", err);
		goto out;
	}
	vmmd_log(&d, CONFIG_LOG_INFO, "serving on %s (state in %s)", d.config.socket,
		 d.config.state_dir);
	sd_notify(0, "READY=1");
	vmmd_notify_status(&d);
	vmmd_report_ready(ready_fd, 0);
	ready_fd = -1;

	signo = vmmd_run(&d, sfd);
	sd_notify(0, "STOPPING=1");
	vmmd_log(&d, CONFIG_LOG_INFO, "%s: stopping; workers keep running", strsignal(signo));
	status = 0;
out:
	vmmd_report_ready(ready_fd, 1);
	vmmd_close(&d);
	if (sfd >= 0)
		close(sfd);
	return status;
}
