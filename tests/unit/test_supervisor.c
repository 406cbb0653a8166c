// SPDX-License-Identifier: MIT
/*
 * The supervisor against real processes: vmm-worker ($VMM_WORKER) running
 * tiny bare-metal guests built here with $RISCV_CC and driven through its
 * API socket, a shell script that ignores SIGTERM and never answers (the
 * SIGKILL fallback, a start that times out), and a python3 stand-in worker
 * that answers the API but never exits (the deadline after a power-off).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "daemon/supervisor.h"

#define MAX_EVENTS 32

struct recorded_exit {
	char name[65];
	int status;
	bool requested;
	bool will_restart;
	unsigned delay_ms;
	unsigned restarts;
	int64_t at_ms;
};

struct recorder {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct recorded_exit exits[MAX_EVENTS];
	int n_exits;
	pid_t restart_pids[MAX_EVENTS];
	int n_restarts;
};

static char tmp_dir[] = "/tmp/test_supervisor.XXXXXX";
static const char *worker;
static struct recorder rec;
static int state_serial;
/* Generous: a start returns as soon as the worker's API reports it running. */
#define START_TIMEOUT_MS 20000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void record_exit(void *opaque, const struct supervisor_exit_event *event)
{
	struct recorder *r = opaque;

	pthread_mutex_lock(&r->lock);
	if (r->n_exits < MAX_EVENTS) {
		struct recorded_exit *e = &r->exits[r->n_exits++];

		snprintf(e->name, sizeof(e->name), "%s", event->name);
		e->status = event->status;
		e->requested = event->requested;
		e->will_restart = event->will_restart;
		e->delay_ms = event->delay_ms;
		e->restarts = event->restarts;
		e->at_ms = now_ms();
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void record_restart(void *opaque, const char *name, pid_t pid, unsigned restarts)
{
	struct recorder *r = opaque;

	(void)name;
	(void)restarts;
	pthread_mutex_lock(&r->lock);
	if (r->n_restarts < MAX_EVENTS)
		r->restart_pids[r->n_restarts++] = pid;
	pthread_mutex_unlock(&r->lock);
}

/* Waits until n exits were recorded; returns how many there are. */
static int wait_exits(int n, int timeout_ms)
{
	struct timespec deadline;
	int got;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&rec.lock);
	while (rec.n_exits < n &&
	       pthread_cond_timedwait(&rec.cond, &rec.lock, &deadline) != ETIMEDOUT)
		;
	got = rec.n_exits;
	pthread_mutex_unlock(&rec.lock);
	return got;
}

static void path_join(char *buf, size_t len, const char *a, const char *b)
{
	assert_true((size_t)snprintf(buf, len, "%s/%s", a, b) < len);
}

/* Builds a bare-metal guest at 0x80000000 whose _start runs body. */
static void build_guest(const char *name, const char *body)
{
	char src[256], ld[256], cmd[1024];
	const char *cc = getenv("RISCV_CC");
	FILE *f;

	snprintf(src, sizeof(src), "%s/%s.S", tmp_dir, name);
	snprintf(ld, sizeof(ld), "%s/%s.ld", tmp_dir, name);
	f = fopen(src, "w");
	assert_non_null(f);
	fprintf(f, "\t.section .text\n\t.globl _start\n_start:\n%s\n1:\tj 1b\n", body);
	fclose(f);
	f = fopen(ld, "w");
	assert_non_null(f);
	fprintf(f, "ENTRY(_start) SECTIONS { . = 0x80000000; .text : { *(.text*) } }\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "%s -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static "
		 "-Wl,--no-warn-rwx-segments -T %s -o %s/%s.elf %s",
		 cc && *cc ? cc : "riscv64-unknown-elf-gcc", ld, tmp_dir, name, src);
	assert_int_equal(system(cmd), 0);
}

static int group_setup(void **state)
{
	char path[256];
	FILE *f;

	(void)state;
	worker = getenv("VMM_WORKER");
	if (!worker || !*worker) {
		fprintf(stderr, "VMM_WORKER must point at the vmm-worker binary\n");
		return -1;
	}
	if (!mkdtemp(tmp_dir))
		return -1;
	umask(022);
	build_guest("pass",
		    "\tli t0, 0x10000000; li t1, 'h'; sb t1, 0(t0); li t1, 10; sb t1, 0(t0)\n"
		    "\tli t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)");
	build_guest("fail", "\tli t0, 0x100000; li t1, (9 << 16) | 0x3333; sw t1, 0(t0)");
	build_guest("spin", "\tnop");
	/* A "worker" that ignores SIGTERM, for the SIGKILL fallback. */
	path_join(path, sizeof(path), tmp_dir, "stubborn-worker");
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
		"#!/bin/sh\ntrap '' TERM\necho $$ >'%s/stubborn.pid'\n"
		"while :; do sleep 0.05; done\n",
		tmp_dir);
	fclose(f);
	chmod(path, 0755);
	/*
	 * A worker that answers its API like vmm-worker, accepts a power-off
	 * (202) and then neither exits nor dies of SIGTERM, which it notes in
	 * its directory's "sigterm" file.
	 */
	path_join(path, sizeof(path), tmp_dir, "deaf-worker");
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("#!/usr/bin/env python3\n"
	      "import http.server, os, signal, socketserver, sys\n"
	      "sock = sys.argv[sys.argv.index('--api-socket') + 1]\n"
	      "note = os.path.join(os.path.dirname(sock), 'sigterm')\n"
	      "signal.signal(signal.SIGTERM, lambda *a: open(note, 'w').close())\n"
	      "class H(http.server.BaseHTTPRequestHandler):\n"
	      "    def log_message(self, *a): pass\n"
	      "    def reply(self, code, body):\n"
	      "        self.send_response(code)\n"
	      "        self.send_header('Content-Type', 'application/json')\n"
	      "        self.send_header('Content-Length', str(len(body)))\n"
	      "        self.end_headers()\n"
	      "        self.wfile.write(body)\n"
	      "    def do_GET(self): self.reply(200, b'{\"state\":\"running\"}')\n"
	      "    def do_POST(self): self.reply(202, b'{\"state\":\"stopping\"}')\n"
	      "class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):\n"
	      "    daemon_threads = True\n"
	      "S(sock, H).serve_forever()\n",
	      f);
	fclose(f);
	chmod(path, 0755);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A fresh state dir, a cleared recorder and a supervisor on them. */
static struct supervisor *make_supervisor(char *state_dir, size_t len, const char *worker_path,
					  unsigned start_timeout_ms)
{
	struct supervisor_config config = {
		.worker_path = worker_path,
		.backoff_initial_ms = 40,
		.backoff_max_ms = 120,
		.backoff_reset_ms = 60000,
		.start_timeout_ms = start_timeout_ms,
		.callbacks = { .on_exit = record_exit,
			       .on_restart = record_restart,
			       .opaque = &rec },
	};
	struct supervisor *sup = NULL;

	if (state_dir[0] == '\0') {
		snprintf(state_dir, len, "%s/state%d", tmp_dir, state_serial++);
		assert_int_equal(mkdir(state_dir, 0750), 0);
	}
	config.state_dir = state_dir;
	pthread_mutex_lock(&rec.lock);
	rec.n_exits = 0;
	rec.n_restarts = 0;
	pthread_mutex_unlock(&rec.lock);
	assert_int_equal(supervisor_create(&config, &sup), 0);
	return sup;
}

static struct supervisor_vm_spec guest_spec(const char *guest, char *kernel, size_t len,
					    enum vm_restart_policy policy)
{
	snprintf(kernel, len, "%s/%s.elf", tmp_dir, guest);
	return (struct supervisor_vm_spec){
		.name = "vm1",
		.kernel = kernel,
		.vcpus = 1,
		.memory_mib = 16,
		.restart_policy = policy,
	};
}

static char read_proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static void read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
}

static void test_start_exit_zero_captures_console(void **state)
{
	char dir[256] = "", kernel[256], path[300], text[64];
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct supervisor *sup;
	struct stat st;

	(void)state;
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	spec = guest_spec("pass", kernel, sizeof(kernel), VM_RESTART_ON_FAILURE);
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	assert_string_equal(rec.exits[0].name, "vm1");
	assert_int_equal(rec.exits[0].status, 0);
	assert_false(rec.exits[0].requested);
	assert_false(rec.exits[0].will_restart);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), -ESRCH);

	snprintf(path, sizeof(path), "%s/vms/vm1/console.log", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	read_file(path, text, sizeof(text));
	assert_string_equal(text, "h\n");
	snprintf(path, sizeof(path), "%s/vms/vm1/worker.pid", dir);
	assert_int_equal(access(path, F_OK), -1);

	/* A second run appends to the same log. */
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(wait_exits(2, 10000), 2);
	snprintf(path, sizeof(path), "%s/vms/vm1/console.log", dir);
	read_file(path, text, sizeof(text));
	assert_string_equal(text, "h\nh\n");
	supervisor_destroy(sup);
}

static void test_missing_kernel_fails_start(void **state)
{
	char dir[256] = "", message[256];
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct supervisor *sup;

	(void)state;
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	spec = (struct supervisor_vm_spec){
		.name = "vm1",
		.kernel = "/nonexistent/kernel.elf",
		.restart_policy = VM_RESTART_ALWAYS,
	};
	assert_int_equal(supervisor_start(sup, &spec, message, sizeof(message)), -ENOEXEC);
	assert_non_null(strstr(message, "/nonexistent/kernel.elf"));
	assert_null(strchr(message, '\n'));
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), -ESRCH);
	/* Not restarted, not reported as an exit. */
	usleep(200 * 1000);
	assert_int_equal(wait_exits(1, 1), 0);

	/* A worker binary that does not exist is an error of its own. */
	supervisor_destroy(sup);
	sup = make_supervisor(dir, sizeof(dir), "/nonexistent/vmm-worker", 200);
	spec.kernel = "/bin/true";
	assert_int_equal(supervisor_start(sup, &spec, message, sizeof(message)), -ENOENT);
	assert_non_null(strstr(message, "/nonexistent/vmm-worker"));
	supervisor_destroy(sup);
}

static void test_failure_restarts_with_backoff(void **state)
{
	char dir[256] = "", kernel[256];
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct supervisor *sup;
	static const unsigned delays[] = { 40, 80, 120, 120 };
	int i;

	(void)state;
	/* No start check: the guest fails at once and that must be restarted. */
	sup = make_supervisor(dir, sizeof(dir), worker, 0);
	spec = guest_spec("fail", kernel, sizeof(kernel), VM_RESTART_ON_FAILURE);
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(wait_exits(4, 20000), 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(rec.exits[i].status, 9);
		assert_false(rec.exits[i].requested);
		assert_true(rec.exits[i].will_restart);
		assert_int_equal(rec.exits[i].delay_ms, delays[i]);
		assert_int_equal(rec.exits[i].restarts, i);
		if (i > 0)
			assert_true(rec.exits[i].at_ms - rec.exits[i - 1].at_ms >= delays[i - 1]);
	}
	pthread_mutex_lock(&rec.lock);
	assert_true(rec.n_restarts >= 3);
	assert_true(rec.restart_pids[0] > 0);
	pthread_mutex_unlock(&rec.lock);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_true(info.restarts >= 3);

	/* A stop ends the cycle, whether it finds a worker or a pending restart. */
	assert_int_equal(supervisor_stop(sup, "vm1", SUPERVISOR_STOP_POWEROFF, 5000), 0);
	for (i = 4; i < MAX_EVENTS; i++) {
		assert_int_equal(wait_exits(i + 1, 10000), i + 1);
		if (!rec.exits[i].will_restart)
			break;
	}
	assert_true(rec.exits[i].requested);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), -ESRCH);
	supervisor_destroy(sup);

	/* Policy "no": one failure, no restart. */
	dir[0] = '\0';
	sup = make_supervisor(dir, sizeof(dir), worker, 0);
	spec.restart_policy = VM_RESTART_NO;
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	assert_int_equal(rec.exits[0].status, 9);
	assert_false(rec.exits[0].will_restart);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), -ESRCH);
	supervisor_destroy(sup);
}

/* The "state" the worker's GET /v1/status reports, in buf. */
static void worker_state(struct supervisor *sup, const char *name, char *buf, size_t len)
{
	struct json_object *status = NULL, *value;

	assert_int_equal(supervisor_worker_get(sup, name, "/v1/status", &status), 0);
	assert_true(json_object_object_get_ex(status, "state", &value));
	snprintf(buf, len, "%s", json_object_get_string(value));
	json_object_put(status);
}

static void test_stop_spinning_guest(void **state)
{
	char dir[256] = "", kernel[256], path[300], text[64], expect[64], log[4096];
	struct json_object *stats = NULL, *harts;
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct supervisor *sup;
	int64_t t0;
	int ret;

	(void)state;
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	spec = guest_spec("spin", kernel, sizeof(kernel), VM_RESTART_ALWAYS);
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), -EEXIST);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_int_equal(info.state, SUPERVISOR_WORKER_RUNNING);
	assert_true(info.pid > 0);
	assert_false(info.adopted);
	/* Its own process group. */
	assert_int_equal(getpgid(info.pid), info.pid);
	snprintf(path, sizeof(path), "%s/vms/vm1/worker.pid", dir);
	read_file(path, text, sizeof(text));
	snprintf(expect, sizeof(expect), "%d %llu\n", (int)info.pid, info.start_time);
	assert_string_equal(text, expect);
	/* The start returned once the worker's API said so. */
	worker_state(sup, "vm1", text, sizeof(text));
	assert_string_equal(text, "running");
	assert_int_equal(supervisor_worker_get(sup, "vm1", "/v1/stats", &stats), 0);
	assert_true(json_object_object_get_ex(stats, "harts", &harts));
	assert_int_equal(json_object_array_length(harts), 1);
	json_object_put(stats);
	assert_int_equal(supervisor_worker_get(sup, "vm1", "/v1/nothing", &stats), -EPROTO);
	assert_null(stats);
	assert_int_equal(supervisor_worker_get(sup, "vm2", "/v1/stats", &stats), -ESRCH);

	/* Pause and resume park and release the harts; the process keeps running. */
	assert_int_equal(supervisor_pause(sup, "vm1"), 0);
	worker_state(sup, "vm1", text, sizeof(text));
	assert_string_equal(text, "paused");
	assert_int_not_equal(read_proc_state(info.pid), 'T');
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_int_equal(info.state, SUPERVISOR_WORKER_PAUSED);
	assert_int_equal(supervisor_pause(sup, "vm1"), 0);
	assert_int_equal(supervisor_resume(sup, "vm1"), 0);
	worker_state(sup, "vm1", text, sizeof(text));
	assert_string_equal(text, "running");
	/* Stopping a paused worker must still work: pause it again first. */
	assert_int_equal(supervisor_pause(sup, "vm1"), 0);

	t0 = now_ms();
	assert_int_equal(supervisor_stop(sup, "vm1", SUPERVISOR_STOP_POWEROFF, 20000), 0);
	ret = supervisor_pause(sup, "vm1");
	assert_true(ret == -EBUSY || ret == -ESRCH);
	assert_int_equal(wait_exits(1, 30000), 1);
	/* The worker's own exit after the power-off, not the deadline's SIGKILL. */
	assert_true(now_ms() - t0 < 20000);
	assert_int_equal(rec.exits[0].status, 0);
	assert_true(rec.exits[0].requested);
	assert_false(rec.exits[0].will_restart);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/vms/vm1/console.log", dir);
	read_file(path, log, sizeof(log));
	assert_non_null(strstr(log, "power-off through the API"));
	snprintf(path, sizeof(path), "%s/vms/vm1/worker.sock", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(supervisor_stop(sup, "vm1", SUPERVISOR_STOP_NOW, 100), -ESRCH);
	assert_int_equal(supervisor_kill(sup, "vm1"), -ESRCH);

	/* A stop "now" ends the run through /v1/stop, also with status 0. */
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(supervisor_stop(sup, "vm1", SUPERVISOR_STOP_NOW, 20000), 0);
	assert_int_equal(wait_exits(2, 30000), 2);
	assert_int_equal(rec.exits[1].status, 0);
	assert_true(rec.exits[1].requested);
	snprintf(path, sizeof(path), "%s/vms/vm1/console.log", dir);
	read_file(path, log, sizeof(log));
	assert_non_null(strstr(log, "stop through the API"));
	supervisor_destroy(sup);
}

/* A worker without an API: SIGTERM, which it ignores, then SIGKILL at the deadline. */
static void test_stop_falls_back_to_sigkill(void **state)
{
	char dir[256] = "", script[256];
	struct supervisor_vm_spec spec = {
		.name = "stubborn",
		.kernel = "/dev/null",
		.restart_policy = VM_RESTART_ALWAYS,
	};
	struct supervisor *sup;
	int64_t t0, took;

	(void)state;
	path_join(script, sizeof(script), tmp_dir, "stubborn-worker");
	/* No start confirmation: this worker never answers. */
	sup = make_supervisor(dir, sizeof(dir), script, 0);
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	/* Let the shell reach its trap. */
	usleep(100 * 1000);
	t0 = now_ms();
	assert_int_equal(supervisor_stop(sup, "stubborn", SUPERVISOR_STOP_POWEROFF, 300), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	took = now_ms() - t0;
	assert_int_equal(rec.exits[0].status, 128 + SIGKILL);
	assert_true(rec.exits[0].requested);
	assert_false(rec.exits[0].will_restart);
	assert_true(took >= 300);

	/* supervisor_kill does not wait for any deadline. */
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(supervisor_kill(sup, "stubborn"), 0);
	assert_int_equal(wait_exits(2, 10000), 2);
	assert_int_equal(rec.exits[1].status, 128 + SIGKILL);
	assert_true(rec.exits[1].requested);
	supervisor_destroy(sup);
}

/* A worker that hangs before its API answers: the start fails and the worker is killed. */
static void test_start_times_out_on_silent_worker(void **state)
{
	char dir[256] = "", script[256], path[300], text[32], message[256];
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec = {
		.name = "silent",
		.kernel = "/dev/null",
		.restart_policy = VM_RESTART_ALWAYS,
	};
	struct supervisor *sup;
	pid_t pid;

	(void)state;
	path_join(script, sizeof(script), tmp_dir, "stubborn-worker");
	path_join(path, sizeof(path), tmp_dir, "stubborn.pid");
	unlink(path);
	sup = make_supervisor(dir, sizeof(dir), script, 300);
	assert_int_equal(supervisor_start(sup, &spec, message, sizeof(message)), -ETIMEDOUT);
	assert_non_null(strstr(message, "did not report a running machine"));
	assert_int_equal(supervisor_get_info(sup, "silent", &info), -ESRCH);
	snprintf(path, sizeof(path), "%s/vms/silent/worker.pid", dir);
	assert_int_equal(access(path, F_OK), -1);
	/* Killed and reaped: the pid it wrote (if the shell got that far) is gone. */
	path_join(path, sizeof(path), tmp_dir, "stubborn.pid");
	if (access(path, F_OK) == 0) {
		read_file(path, text, sizeof(text));
		pid = (pid_t)atoi(text);
		assert_true(pid > 0);
		assert_int_equal(kill(pid, 0), -1);
	}
	/* Not restarted, not reported as an exit. */
	usleep(200 * 1000);
	assert_int_equal(wait_exits(1, 1), 0);
	supervisor_destroy(sup);
}

/*
 * A worker that accepts the power-off (202) but does not go: no SIGTERM
 * follows the accepted request, only the deadline's SIGKILL.
 */
static void test_stop_after_poweroff_request(void **state)
{
	char dir[256] = "", script[256], path[300];
	struct supervisor_vm_spec spec = {
		.name = "deaf",
		.kernel = "/dev/null",
		.restart_policy = VM_RESTART_ALWAYS,
	};
	struct supervisor *sup;
	int64_t t0, took;

	(void)state;
	if (system("python3 -c pass >/dev/null 2>&1") != 0)
		skip();
	path_join(script, sizeof(script), tmp_dir, "deaf-worker");
	sup = make_supervisor(dir, sizeof(dir), script, START_TIMEOUT_MS);
	/* Confirmed by the stand-in's GET /v1/status. */
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	t0 = now_ms();
	assert_int_equal(supervisor_stop(sup, "deaf", SUPERVISOR_STOP_POWEROFF, 300), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	took = now_ms() - t0;
	assert_int_equal(rec.exits[0].status, 128 + SIGKILL);
	assert_true(rec.exits[0].requested);
	assert_true(took >= 300);
	snprintf(path, sizeof(path), "%s/vms/deaf/sigterm", dir);
	assert_int_equal(access(path, F_OK), -1);
	supervisor_destroy(sup);
}

/*
 * Starts a spinning worker from a process that then exits, so that the
 * worker is not our child. A helper process that is a child subreaper
 * inherits it and reaps it once the test writes to (or closes) *release_fd,
 * which leaves no zombie behind when PID 1 does not reap.
 */
static void start_orphan_worker(const char *dir, const char *kernel, int *release_fd)
{
	int release[2], ready[2];
	pid_t helper;
	char byte;

	assert_int_equal(pipe(release), 0);
	assert_int_equal(pipe(ready), 0);
	helper = fork();
	assert_true(helper >= 0);
	if (helper == 0) {
		struct supervisor_config config = {
			.state_dir = dir,
			.worker_path = worker,
			.backoff_initial_ms = 40,
			.backoff_max_ms = 40,
			.start_timeout_ms = START_TIMEOUT_MS,
		};
		struct supervisor_vm_spec spec = {
			.name = "vm1",
			.kernel = kernel,
			.memory_mib = 16,
			.restart_policy = VM_RESTART_ALWAYS,
		};
		struct supervisor *sup;
		pid_t starter;

		close(release[1]);
		close(ready[0]);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1))
			_exit(1);
		starter = fork();
		if (starter == 0) {
			if (supervisor_create(&config, &sup) ||
			    supervisor_start(sup, &spec, NULL, 0))
				_exit(1);
			supervisor_destroy(sup);
			_exit(0);
		}
		byte = 'n';
		if (starter > 0 && waitpid(starter, NULL, 0) == starter)
			byte = 'y';
		if (write(ready[1], &byte, 1) != 1)
			_exit(1);
		/* Until the test is done with the worker, then reap everything. */
		while (read(release[0], &byte, 1) < 0 && errno == EINTR)
			;
		while (wait(NULL) > 0 || errno == EINTR)
			;
		_exit(0);
	}
	close(release[0]);
	close(ready[1]);
	assert_int_equal(read(ready[0], &byte, 1), 1);
	close(ready[0]);
	assert_int_equal(byte, 'y');
	*release_fd = release[1];
}

static void test_adopt_running_worker(void **state)
{
	char dir[256] = "", kernel[256], path[300], text[32];
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct supervisor *sup;
	int release_fd;
	pid_t pid;

	(void)state;
	spec = guest_spec("spin", kernel, sizeof(kernel), VM_RESTART_ON_FAILURE);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	/* Nothing to adopt yet. */
	assert_int_equal(supervisor_adopt(sup, &spec), -ESRCH);
	supervisor_destroy(sup);

	start_orphan_worker(dir, kernel, &release_fd);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	assert_int_equal(supervisor_adopt(sup, &spec), 0);
	assert_int_equal(supervisor_adopt(sup, &spec), -EEXIST);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_true(info.adopted);
	assert_int_equal(info.state, SUPERVISOR_WORKER_RUNNING);
	pid = info.pid;
	assert_int_equal(kill(pid, 0), 0);
	/* Driven through the same worker.sock as a worker of our own. */
	assert_int_equal(supervisor_pause(sup, "vm1"), 0);
	worker_state(sup, "vm1", text, sizeof(text));
	assert_string_equal(text, "paused");
	/* A vmmd restarted now sees the pause through the API. */
	supervisor_destroy(sup);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	assert_int_equal(supervisor_adopt(sup, &spec), 0);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_int_equal(info.state, SUPERVISOR_WORKER_PAUSED);

	/* Not our child: the status comes from the worker's exit file. */
	assert_int_equal(supervisor_stop(sup, "vm1", SUPERVISOR_STOP_POWEROFF, 20000), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	assert_int_equal(rec.exits[0].status, 0);
	assert_true(rec.exits[0].requested);
	assert_false(rec.exits[0].will_restart);
	snprintf(path, sizeof(path), "%s/vms/vm1/worker.pid", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/vms/vm1/worker.exit", dir);
	assert_int_equal(access(path, F_OK), -1);
	supervisor_destroy(sup);
	close(release_fd);
	wait(NULL);

	/* Killed by a signal, an adopted worker writes nothing: status unknown. */
	spec.restart_policy = VM_RESTART_NO;
	start_orphan_worker(dir, kernel, &release_fd);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	assert_int_equal(supervisor_adopt(sup, &spec), 0);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_true(info.adopted);
	assert_int_equal(kill(info.pid, SIGKILL), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	assert_int_equal(rec.exits[0].status, -1);
	assert_false(rec.exits[0].requested);
	assert_false(rec.exits[0].will_restart);
	supervisor_destroy(sup);
	close(release_fd);
	wait(NULL);
}

static void test_adopt_refuses_reused_pid(void **state)
{
	char dir[256] = "", kernel[256], path[300];
	struct supervisor_worker_info info;
	struct supervisor_vm_spec spec;
	struct supervisor *sup;
	unsigned long long start_time;
	pid_t pid;
	FILE *f;

	(void)state;
	spec = guest_spec("spin", kernel, sizeof(kernel), VM_RESTART_NO);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), 0);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	pid = info.pid;
	start_time = info.start_time;
	supervisor_destroy(sup);

	/* Same pid, another start time: a different process now. */
	snprintf(path, sizeof(path), "%s/vms/vm1/worker.pid", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%d %llu\n", (int)pid, start_time + 1);
	fclose(f);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	assert_int_equal(supervisor_adopt(sup, &spec), -ESRCH);
	assert_int_equal(access(path, F_OK), -1);

	/* The right start time, but the same pid now runs something else. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%d %llu\n", (int)pid, start_time);
	fclose(f);
	supervisor_destroy(sup);
	sup = make_supervisor(dir, sizeof(dir), "/usr/bin/not-a-vmm-worker", START_TIMEOUT_MS);
	assert_int_equal(supervisor_adopt(sup, &spec), -ESRCH);
	supervisor_destroy(sup);

	/* With the real record, our own child is adopted and reaped with its status. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%d %llu\n", (int)pid, start_time);
	fclose(f);
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	assert_int_equal(supervisor_adopt(sup, &spec), 0);
	assert_int_equal(supervisor_get_info(sup, "vm1", &info), 0);
	assert_false(info.adopted);
	assert_int_equal(supervisor_kill(sup, "vm1"), 0);
	assert_int_equal(wait_exits(1, 10000), 1);
	assert_int_equal(rec.exits[0].status, 128 + SIGKILL);
	assert_int_equal(kill(pid, 0), -1);
	supervisor_destroy(sup);
}

static void test_rejects_bad_names(void **state)
{
	char dir[256] = "", kernel[256];
	struct supervisor_vm_spec spec;
	struct supervisor *sup;
	static const char *const names[] = { "", "../x", "a/b", ".hidden", "-x" };
	size_t i;

	(void)state;
	sup = make_supervisor(dir, sizeof(dir), worker, START_TIMEOUT_MS);
	spec = guest_spec("spin", kernel, sizeof(kernel), VM_RESTART_NO);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		spec.name = names[i];
		assert_int_equal(supervisor_start(sup, &spec, NULL, 0), -EINVAL);
		assert_int_equal(supervisor_adopt(sup, &spec), -EINVAL);
	}
	spec.name = "ok";
	spec.disk = "/tmp/a,b.img";
	assert_int_equal(supervisor_start(sup, &spec, NULL, 0), -EINVAL);
	supervisor_destroy(sup);
}

static void test_spec_from_def(void **state)
{
	struct vm_def def = {
		.name = "web1",
		.vcpus = 2,
		.memory_mib = 256,
		.kernel = "/k",
		.bios = "/b",
		.cmdline = "console=ttyS0",
		.disks = { { .path = "/d.img", .readonly = true } },
		.disk_count = 1,
		.restart_policy = VM_RESTART_ALWAYS,
	};
	struct supervisor_vm_spec spec;

	(void)state;
	supervisor_spec_from_def(&def, &spec);
	assert_string_equal(spec.name, "web1");
	assert_string_equal(spec.kernel, "/k");
	assert_string_equal(spec.bios, "/b");
	assert_null(spec.initrd);
	assert_string_equal(spec.cmdline, "console=ttyS0");
	assert_string_equal(spec.disk, "/d.img");
	assert_true(spec.disk_readonly);
	assert_int_equal(spec.vcpus, 2);
	assert_int_equal(spec.memory_mib, 256);
	assert_int_equal(spec.restart_policy, VM_RESTART_ALWAYS);
	def.disk_count = 0;
	supervisor_spec_from_def(&def, &spec);
	assert_null(spec.disk);
	assert_false(spec.disk_readonly);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_exit_zero_captures_console),
		cmocka_unit_test(test_missing_kernel_fails_start),
		cmocka_unit_test(test_failure_restarts_with_backoff),
		cmocka_unit_test(test_stop_spinning_guest),
		cmocka_unit_test(test_stop_falls_back_to_sigkill),
		cmocka_unit_test(test_start_times_out_on_silent_worker),
		cmocka_unit_test(test_stop_after_poweroff_request),
		cmocka_unit_test(test_adopt_running_worker),
		cmocka_unit_test(test_adopt_refuses_reused_pid),
		cmocka_unit_test(test_rejects_bad_names),
		cmocka_unit_test(test_spec_from_def),
	};

	pthread_mutex_init(&rec.lock, NULL);
	pthread_cond_init(&rec.cond, NULL);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
