/*
 * main.c - vmm-worker: runs one RISC-V virtual machine.
 *
 * Exit status: the guest's (test finisher / HTIF), 2 for bad input on the
 * command line or in the guest images, 1 for host failures, 128+N when
 * killed by signal N (or asked to end by SIGTERM, SIGINT or SIGHUP), also
 * written to --exit-file when given.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libfdt.h>

#include "config.h"
#include "dbt/dbt.h"
#include "dev/console.h"
#include "machine/machine.h"
#include "options.h"
#include "worker_api.h"

#define WORKER_EXIT_USAGE 2
#define WORKER_EXIT_HOST 1

/*
 * Wait until the guest ends the run or a termination signal arrives. The
 * signals are blocked in every thread and read here through a signalfd,
 * so no hart is ever interrupted inside guest code. Returns 128 + the
 * signal's number if one was read, else 0: a signal that arrives just as
 * the guest asks for a reboot must still end the worker.
 */
static int worker_wait(struct machine *m, int sigfd)
{
	struct pollfd fds[2] = {
		{ .fd = m->exit_fd, .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	int signalled = 0;

	while (!__atomic_load_n(&m->exit_requested, __ATOMIC_ACQUIRE)) {
		struct signalfd_siginfo si;

		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if ((fds[1].revents & POLLIN) && read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			signalled = 128 + (int)si.ssi_signo;
			machine_request_exit(m, signalled);
		}
	}
	return signalled;
}

/* --dump-dtb: write the device tree blob. Returns the exit status. */
static int worker_dump_dtb(const struct machine *m, const char *path)
{
	size_t size = fdt_totalsize(m->fdt);
	FILE *f = fopen(path, "wb");
	bool written;

	if (!f) {
		fprintf(stderr, "vmm-worker: --dump-dtb %s: %s\n", path, strerror(errno));
		return WORKER_EXIT_HOST;
	}
	written = fwrite(m->fdt, 1, size, f) == size;
	if (fclose(f) || !written) {
		fprintf(stderr, "vmm-worker: --dump-dtb %s: %s\n", path, strerror(errno));
		return WORKER_EXIT_HOST;
	}
	return 0;
}

/*
 * --exit-file: the status, as decimal text, written to a temporary file
 * renamed over PATH, so a reader finds the whole number or nothing. A
 * supervisor that adopted this worker (not its parent, no waitid) learns
 * the status from it; a worker killed by a signal leaves none.
 */
static void worker_record_exit(const char *path, int status)
{
	char tmp[4096];
	FILE *f;
	bool written;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		fprintf(stderr, "vmm-worker: --exit-file %s: name too long\n", path);
		return;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "vmm-worker: --exit-file %s: %s\n", tmp, strerror(errno));
		return;
	}
	written = fprintf(f, "%d\n", status) > 0;
	if (fclose(f) || !written || rename(tmp, path)) {
		fprintf(stderr, "vmm-worker: --exit-file %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
}

/* Runs the machine (again after each guest reboot). Returns the exit status. */
static int worker_run(const struct worker_options *opts)
{
	struct machine_config cfg;
	struct machine m;
	struct worker_api *api = NULL;
	struct console *console = NULL;
	char err[512];
	sigset_t sigs;
	bool reboot = false;
	int sigfd, signalled, ret;

	cfg = (struct machine_config){
		.kernel = opts->kernel,
		.bios = opts->bios,
		.initrd = opts->initrd,
		.append = opts->append,
		/* With a console socket, the client types instead of stdin. */
		.console_input = opts->console_input && !opts->dump_dtb && !opts->console_socket,
		.mem_size = opts->mem_size,
		.smp = opts->smp,
		.trace = opts->trace,
		.drive = opts->drive[0] ? opts->drive : NULL,
		.drive_readonly = opts->drive_readonly,
		.rng = opts->rng,
		.translate = !opts->interp,
		.code_cache_size = opts->code_cache_size,
		.ret_array = !opts->no_ret_array,
		.lockstep = opts->check_lockstep,
		.count_t3 = opts->stats,
		.perf_map = opts->perf_map,
	};
	/*
	 * Block the termination signals before any thread exists (the UART's
	 * reader starts in machine_init) so they all inherit the mask and the
	 * signals reach only the signalfd.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sigfd < 0) {
		fprintf(stderr, "vmm-worker: signalfd: %s\n", strerror(errno));
		return WORKER_EXIT_HOST;
	}
	/* After the mask: the server's threads inherit it. */
	if (opts->api_socket && !opts->dump_dtb) {
		ret = worker_api_start(opts->api_socket, &api);
		if (ret) {
			fprintf(stderr, "vmm-worker: --api-socket %s: %s\n", opts->api_socket,
				strerror(-ret));
			close(sigfd);
			return WORKER_EXIT_HOST;
		}
	}
	if (opts->console_socket && !opts->dump_dtb) {
		ret = console_start(opts->console_socket, &console);
		if (ret) {
			fprintf(stderr, "vmm-worker: --console-socket %s: %s\n",
				opts->console_socket, strerror(-ret));
			worker_api_stop(api);
			close(sigfd);
			return WORKER_EXIT_HOST;
		}
	}
	/* A guest reboot builds the machine again from the same configuration. */
	do {
		ret = machine_init(&m, &cfg, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "vmm-worker: %s\n", err);
			ret = WORKER_EXIT_USAGE;
			break;
		}
		if (opts->dump_dtb) {
			ret = worker_dump_dtb(&m, opts->dump_dtb);
			machine_fini(&m);
			break;
		}
		/* Each new machine's UART joins the one console socket. */
		ret = console ? console_attach(console, &m.uart) : 0;
		if (ret)
			fprintf(stderr, "vmm-worker: no console input: %s\n", strerror(-ret));
		if (machine_start(&m)) {
			fprintf(stderr, "vmm-worker: cannot start harts: %s\n", strerror(errno));
			machine_fini(&m);
			ret = WORKER_EXIT_HOST;
			break;
		}
		worker_api_attach(api, &m);
		signalled = worker_wait(&m, sigfd);
		machine_join(&m);
		worker_api_detach(api);
		ret = signalled ? signalled : m.exit_status;
		if (opts->stats)
			dbt_stats_print(&m, stderr);
		reboot = m.reboot_requested && !opts->no_reboot && !signalled &&
			 !worker_api_ended_run(api);
		machine_fini(&m);
	} while (reboot);
	worker_api_stop(api);
	console_stop(console);
	close(sigfd);
	return ret;
}

int main(int argc, char **argv)
{
	struct worker_options opts;
	char err[512];
	int ret;

	if (options_parse(argc, argv, &opts, err, sizeof(err))) {
		fprintf(stderr, "vmm-worker: %s\n", err);
		return WORKER_EXIT_USAGE;
	}
	if (opts.help) {
		fputs(options_usage, stdout);
		return 0;
	}
	if (opts.version) {
		printf("vmm-worker %s\n", PACKAGE_VERSION);
		return 0;
	}
	ret = worker_run(&opts);
	if (opts.exit_file)
		worker_record_exit(opts.exit_file, ret);
	return ret;
}
