// SPDX-License-Identifier: MIT
/*
 * vmm-worker supervision: spawn, watch (pidfd + epoll), reap, restart with
 * back-off, stop with a deadline, and re-adopt after a vmmd restart. The
 * worker itself is driven through its REST API on vms/<name>/worker.sock.
 *
 * Locking: sup->lock guards the worker list and every field of every worker.
 * The watcher thread and the API threads both take it; no callback is ever
 * called with it held. Workers are looked up by name or by their id (the
 * epoll key), never kept by pointer across an unlock. Calls to a worker's
 * API are made with no lock held and with short timeouts, so that a worker
 * that does not answer delays only the caller that asked it something.
 */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api/http_client.h"

extern char **environ;

#define SUPERVISOR_NAME_MAX 64
#define SUPERVISOR_ARGV_MAX 28

/* The worker's API and serial console sockets, in vms/<name>/. */
#define SUPERVISOR_API_SOCKET "worker.sock"
#define SUPERVISOR_CONSOLE_SOCKET "console.sock"
/* vmm-worker --exit-file: how an adopted worker's exit status reaches us. */
#define SUPERVISOR_EXIT_FILE "worker.exit"
/*
 * Budgets of one call to a worker's API. The worker answers from its own
 * threads, so a healthy one replies in well under a millisecond; these only
 * bound how long a stuck one can hold up the caller.
 */
#define SUPERVISOR_API_CONNECT_MS 500
#define SUPERVISOR_API_QUERY_MS 1000  /* GET /v1/status, /v1/stats */
#define SUPERVISOR_API_ACTION_MS 3000 /* POSTs: poweroff pauses harts and fsyncs the disk */
/* The start confirmation polls /v1/status with a delay doubling between these. */
#define SUPERVISOR_POLL_MIN_MS 2
#define SUPERVISOR_POLL_MAX_MS 50

struct supervisor_worker {
	struct supervisor_worker *next;
	uint64_t id; /* epoll key; never reused */
	char name[SUPERVISOR_NAME_MAX + 1];
	/* The spec, with strings owned by the worker. */
	char *kernel, *bios, *initrd, *cmdline, *disk;
	bool disk_readonly;
	unsigned vcpus, memory_mib;
	enum vm_restart_policy policy;

	enum supervisor_worker_state state;
	bool starting; /* supervisor_start() is still checking it */
	bool adopted;  /* not our child: no exit status */
	bool stop_requested;
	pid_t pid;
	int pidfd;
	unsigned long long start_time;
	int64_t started_ms; /* when this run began, for the back-off reset */
	int64_t kill_ms;    /* STOPPING: when SIGKILL follows; 0: none */
	int64_t restart_ms; /* BACKOFF: when to restart */
	int last_status;
	unsigned backoff_ms; /* the next restart delay */
	unsigned restarts;
};

struct supervisor {
	pthread_mutex_t lock;
	struct supervisor_worker *workers;
	uint64_t next_id;
	char *state_dir;
	char *worker_path;
	struct supervisor_config config; /* its strings point at the copies above */
	int epoll_fd;
	int wake_fd; /* eventfd: recompute deadlines, or quit */
	bool quit;
	pthread_t watcher;
};

/* A callback to make once the lock is dropped. */
struct supervisor_notice {
	bool is_exit; /* else a restart */
	struct supervisor_exit_event exit;
	char name[SUPERVISOR_NAME_MAX + 1];
	pid_t pid;
	unsigned restarts;
};

void supervisor_spec_from_def(const struct vm_def *def, struct supervisor_vm_spec *spec)
{
	*spec = (struct supervisor_vm_spec){
		.name = def->name,
		.kernel = def->kernel,
		.bios = def->bios,
		.initrd = def->initrd,
		.cmdline = def->cmdline,
		.disk = def->disk_count ? def->disks[0].path : NULL,
		.disk_readonly = def->disk_count && def->disks[0].readonly,
		.vcpus = def->vcpus,
		.memory_mib = def->memory_mib,
		.restart_policy = def->restart_policy,
	};
}

static int64_t supervisor_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void supervisor_wake(struct supervisor *sup)
{
	uint64_t one = 1;

	/* A full counter already means "wake up"; nothing is lost. */
	if (write(sup->wake_fd, &one, sizeof(one)) < 0)
		return;
}

static void supervisor_notify(struct supervisor *sup, const struct supervisor_notice *notice)
{
	const struct supervisor_callbacks *cb = &sup->config.callbacks;

	if (notice->is_exit) {
		struct supervisor_exit_event event = notice->exit;

		event.name = notice->name;
		if (cb->on_exit)
			cb->on_exit(cb->opaque, &event);
	} else if (cb->on_restart) {
		cb->on_restart(cb->opaque, notice->name, notice->pid, notice->restarts);
	}
}

static bool supervisor_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > SUPERVISOR_NAME_MAX)
		return false;
	/* The name becomes a directory: no '/', no leading dot. */
	if (name[0] == '.' || name[0] == '-' || strchr(name, '/'))
		return false;
	return true;
}

static int supervisor_vm_path(const struct supervisor *sup, const char *name, const char *leaf,
			      char *buf, size_t len)
{
	int n;

	if (leaf)
		n = snprintf(buf, len, "%s/vms/%s/%s", sup->state_dir, name, leaf);
	else
		n = snprintf(buf, len, "%s/vms/%s", sup->state_dir, name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int supervisor_make_dirs(const struct supervisor *sup, const char *name)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/vms", sup->state_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (mkdir(path, 0750) && errno != EEXIST)
		return -errno;
	if (supervisor_vm_path(sup, name, NULL, path, sizeof(path)))
		return -ENAMETOOLONG;
	if (mkdir(path, 0750) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Reads the process state letter, parent pid and start time (fields 3, 4 and
 * 22 of /proc/PID/stat). The command name (field 2) may hold spaces and
 * parentheses, so the fields are counted from its last ')'.
 */
static int supervisor_read_proc_stat(pid_t pid, char *state, pid_t *ppid,
				     unsigned long long *start_time)
{
	char path[64], buf[1024];
	char *p, *end;
	ssize_t n;
	int fd, field, ret = -ESRCH;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		goto out;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		goto out;
	p += 2;
	*state = *p;
	for (field = 3; field < 22; field++) {
		if (field == 4)
			*ppid = (pid_t)strtol(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			goto out;
		p++;
	}
	errno = 0;
	*start_time = strtoull(p, &end, 10);
	if (errno || end == p)
		goto out;
	ret = 0;
out:
	close(fd);
	return ret;
}

static int supervisor_write_pidfile(const struct supervisor *sup, const char *name, pid_t pid,
				    unsigned long long start_time)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], text[64];
	int fd, len, ret = 0;

	if (supervisor_vm_path(sup, name, "worker.pid", path, sizeof(path)))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	len = snprintf(text, sizeof(text), "%d %llu\n", (int)pid, start_time);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = errno ? -errno : -EIO;
	/* Rename over the old file so a crash never leaves half a pidfile. */
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int supervisor_read_pidfile(const struct supervisor *sup, const char *name, pid_t *pid,
				   unsigned long long *start_time)
{
	char path[PATH_MAX];
	int value;
	FILE *f;
	int ret = -ESRCH;

	if (supervisor_vm_path(sup, name, "worker.pid", path, sizeof(path)))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	if (fscanf(f, "%d %llu", &value, start_time) == 2 && value > 0) {
		*pid = value;
		ret = 0;
	}
	fclose(f);
	return ret;
}

static void supervisor_remove_pidfile(const struct supervisor *sup, const char *name)
{
	char path[PATH_MAX];

	if (!supervisor_vm_path(sup, name, "worker.pid", path, sizeof(path)))
		unlink(path);
}

/*
 * Sends @method @path to VM @name's worker API within @total_ms. Returns 0
 * with the HTTP status in *status and the parsed body in *body (NULL when
 * empty or not JSON; the caller puts it) whenever the worker answered, or
 * the transport's -errno (-ECONNREFUSED: nobody listens yet or any more;
 * -ETIMEDOUT: no answer in time).
 */
static int supervisor_api_call(const struct supervisor *sup, const char *name, const char *method,
			       const char *path, long total_ms, long *status,
			       struct json_object **body)
{
	struct http_client *client;
	char sock[PATH_MAX];
	int ret;

	*body = NULL;
	ret = supervisor_vm_path(sup, name, SUPERVISOR_API_SOCKET, sock, sizeof(sock));
	if (ret)
		return ret;
	client = http_client_new_unix(sock);
	if (!client)
		return -ENOMEM;
	http_client_set_timeouts(
		client, total_ms < SUPERVISOR_API_CONNECT_MS ? total_ms : SUPERVISOR_API_CONNECT_MS,
		total_ms);
	ret = http_client_request(client, method, path, NULL, status, body, NULL, 0);
	http_client_free(client);
	return ret;
}

/* Maps a worker API answer to 0 (2xx), -EALREADY (409), -EAGAIN (503) or -EPROTO. */
static int supervisor_api_status_errno(long status)
{
	if (status >= 200 && status < 300)
		return 0;
	if (status == 409)
		return -EALREADY;
	if (status == 503)
		return -EAGAIN;
	return -EPROTO;
}

/*
 * The "state" GET /v1/status reports ("starting", "running", "paused"), in
 * @state, within @total_ms. Returns 0 or -errno as supervisor_api_call(),
 * or -EPROTO for an answer without a state.
 */
static int supervisor_api_state(const struct supervisor *sup, const char *name, long total_ms,
				char *state, size_t len)
{
	struct json_object *body, *value;
	long status;
	int ret;

	ret = supervisor_api_call(sup, name, "GET", "/v1/status", total_ms, &status, &body);
	if (ret)
		return ret;
	ret = supervisor_api_status_errno(status);
	if (!ret && !(json_object_object_get_ex(body, "state", &value) &&
		      json_object_is_type(value, json_type_string)))
		ret = -EPROTO;
	if (!ret)
		snprintf(state, len, "%s", json_object_get_string(value));
	json_object_put(body);
	return ret;
}

/* Copies the first line the worker wrote to console.log after offset. */
static void supervisor_read_first_line(const struct supervisor *sup, const char *name, off_t offset,
				       char *message, size_t len)
{
	char path[PATH_MAX];
	ssize_t n = -1;
	int fd;

	if (!message || len == 0)
		return;
	message[0] = '\0';
	if (supervisor_vm_path(sup, name, "console.log", path, sizeof(path)))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, message, len - 1, offset);
		close(fd);
	}
	message[n > 0 ? n : 0] = '\0';
	message[strcspn(message, "\n")] = '\0';
}

static void supervisor_worker_free(struct supervisor_worker *w)
{
	if (!w)
		return;
	free(w->kernel);
	free(w->bios);
	free(w->initrd);
	free(w->cmdline);
	free(w->disk);
	free(w);
}

static int supervisor_dup_opt(const char *text, char **out)
{
	*out = NULL;
	if (!text)
		return 0;
	*out = strdup(text);
	return *out ? 0 : -ENOMEM;
}

static int supervisor_worker_new(const struct supervisor_vm_spec *spec,
				 struct supervisor_worker **out)
{
	struct supervisor_worker *w;
	int ret = -EINVAL;

	if (!supervisor_name_valid(spec->name) || !spec->kernel)
		return -EINVAL;
	/* --drive splits on commas; a path with one cannot be passed. */
	if (spec->disk && strchr(spec->disk, ','))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	strcpy(w->name, spec->name);
	if (supervisor_dup_opt(spec->kernel, &w->kernel) ||
	    supervisor_dup_opt(spec->bios, &w->bios) ||
	    supervisor_dup_opt(spec->initrd, &w->initrd) ||
	    supervisor_dup_opt(spec->cmdline, &w->cmdline) ||
	    supervisor_dup_opt(spec->disk, &w->disk)) {
		ret = -ENOMEM;
		goto fail;
	}
	w->disk_readonly = spec->disk_readonly;
	w->vcpus = spec->vcpus ? spec->vcpus : 1;
	w->memory_mib = spec->memory_mib;
	w->policy = spec->restart_policy;
	w->pidfd = -1;
	*out = w;
	return 0;
fail:
	supervisor_worker_free(w);
	return ret;
}

static struct supervisor_worker *supervisor_find(struct supervisor *sup, const char *name)
{
	struct supervisor_worker *w;

	for (w = sup->workers; w; w = w->next)
		if (!strcmp(w->name, name))
			return w;
	return NULL;
}

static struct supervisor_worker *supervisor_find_id(struct supervisor *sup, uint64_t id)
{
	struct supervisor_worker *w;

	for (w = sup->workers; w; w = w->next)
		if (w->id == id)
			return w;
	return NULL;
}

static void supervisor_unlink(struct supervisor *sup, struct supervisor_worker *w)
{
	struct supervisor_worker **p;

	for (p = &sup->workers; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			return;
		}
	}
}

/* Registers the worker's pidfd with the watcher. */
static int supervisor_watch(struct supervisor *sup, struct supervisor_worker *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = w->id };

	if (epoll_ctl(sup->epoll_fd, EPOLL_CTL_ADD, w->pidfd, &ev))
		return -errno;
	return 0;
}

/*
 * Spawns the worker for w: its API on worker.sock, its serial console on
 * console.sock, console.log on stdout and stderr, /dev/null on stdin,
 * every other descriptor closed, a process group of its own, default
 * signal handling and an empty mask (the daemon's threads block signals).
 * Sets w->pid, pidfd, start_time and writes the pidfile. *log_offset gets
 * the size console.log had before the worker wrote to it.
 */
static int supervisor_spawn(struct supervisor *sup, struct supervisor_worker *w, off_t *log_offset)
{
	char log_path[PATH_MAX], api_path[PATH_MAX], console_path[PATH_MAX], exit_path[PATH_MAX];
	char mem[32], smp[16], drive[PATH_MAX + 16];
	char *argv[SUPERVISOR_ARGV_MAX];
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t mask, defaults;
	struct stat st;
	char proc_state;
	pid_t pid, ppid;
	int argc = 0, log_fd, ret;

	ret = supervisor_make_dirs(sup, w->name);
	if (ret)
		return ret;
	ret = supervisor_vm_path(sup, w->name, "console.log", log_path, sizeof(log_path));
	if (!ret)
		ret = supervisor_vm_path(sup, w->name, SUPERVISOR_API_SOCKET, api_path,
					 sizeof(api_path));
	if (!ret)
		ret = supervisor_vm_path(sup, w->name, SUPERVISOR_CONSOLE_SOCKET, console_path,
					 sizeof(console_path));
	if (!ret)
		ret = supervisor_vm_path(sup, w->name, SUPERVISOR_EXIT_FILE, exit_path,
					 sizeof(exit_path));
	if (ret)
		return ret;
	/* A stray process still listening there must not answer for the new worker. */
	unlink(api_path);
	/* Nor may the last run's status pass for this one's. */
	unlink(exit_path);
	log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (log_fd < 0)
		return -errno;
	*log_offset = fstat(log_fd, &st) ? 0 : st.st_size;

	argv[argc++] = sup->worker_path;
	argv[argc++] = "--kernel";
	argv[argc++] = w->kernel;
	if (w->bios) {
		argv[argc++] = "--bios";
		argv[argc++] = w->bios;
	}
	if (w->initrd) {
		argv[argc++] = "--initrd";
		argv[argc++] = w->initrd;
	}
	if (w->cmdline) {
		argv[argc++] = "--append";
		argv[argc++] = w->cmdline;
	}
	if (w->memory_mib) {
		snprintf(mem, sizeof(mem), "%uM", w->memory_mib);
		argv[argc++] = "--mem";
		argv[argc++] = mem;
	}
	snprintf(smp, sizeof(smp), "%u", w->vcpus);
	argv[argc++] = "--smp";
	argv[argc++] = smp;
	if (w->disk) {
		snprintf(drive, sizeof(drive), "file=%s%s", w->disk,
			 w->disk_readonly ? ",readonly" : "");
		argv[argc++] = "--drive";
		argv[argc++] = drive;
	}
	argv[argc++] = "--console";
	argv[argc++] = "none";
	argv[argc++] = "--api-socket";
	argv[argc++] = api_path;
	argv[argc++] = "--console-socket";
	argv[argc++] = console_path;
	argv[argc++] = "--exit-file";
	argv[argc++] = exit_path;
	argv[argc] = NULL;

	posix_spawn_file_actions_init(&actions);
	posix_spawnattr_init(&attr);
	sigemptyset(&mask);
	sigfillset(&defaults);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
	posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
	posix_spawn_file_actions_addclosefrom_np(&actions, 3);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &mask);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	ret = -posix_spawn(&pid, sup->worker_path, &actions, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	close(log_fd);
	if (ret)
		return ret;

	/* Our unreaped child: its pid cannot be reused before the pidfd opens. */
	w->pidfd = pidfd_open(pid, 0);
	if (w->pidfd < 0) {
		ret = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return ret;
	}
	w->pid = pid;
	w->adopted = false;
	w->stop_requested = false;
	w->kill_ms = 0;
	w->state = SUPERVISOR_WORKER_RUNNING;
	w->started_ms = supervisor_now_ms();
	/* A worker without a pidfile could not be re-adopted: refuse to run it. */
	ret = supervisor_read_proc_stat(pid, &proc_state, &ppid, &w->start_time);
	if (!ret)
		ret = supervisor_write_pidfile(sup, w->name, pid, w->start_time);
	if (ret) {
		pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
		waitpid(pid, NULL, 0);
		close(w->pidfd);
		w->pidfd = -1;
		w->pid = 0;
	}
	return ret;
}

/*
 * The status an adopted worker wrote to its exit file (and removes the
 * file), or -1 when there is none: a worker killed by a signal writes none.
 */
static int supervisor_read_exit_file(const struct supervisor *sup, const char *name)
{
	char path[PATH_MAX], text[16];
	int fd, status = -1;
	ssize_t n;

	if (supervisor_vm_path(sup, name, SUPERVISOR_EXIT_FILE, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(path);
	if (n > 0) {
		char *end;
		long value;

		text[n] = '\0';
		errno = 0;
		value = strtol(text, &end, 10);
		if (!errno && end != text && (*end == '\n' || *end == '\0') && value >= 0 &&
		    value <= 255)
			status = (int)value;
	}
	return status;
}

/* Turns a waitid() result into the status reported to on_exit. */
static int supervisor_exit_status(const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED)
		return si->si_status & 0xff;
	return 128 + si->si_status;
}

/*
 * Bookkeeping after w's process is gone: forget the pidfd, apply the restart
 * policy, and fill notice. Returns true when w was unlinked and must be freed
 * by the caller (after the callback).
 */
static bool supervisor_worker_ended(struct supervisor *sup, struct supervisor_worker *w, int status,
				    struct supervisor_notice *notice)
{
	const struct supervisor_config *cfg = &sup->config;
	bool restart = false;
	int64_t now = supervisor_now_ms();

	if (w->pidfd >= 0) {
		epoll_ctl(sup->epoll_fd, EPOLL_CTL_DEL, w->pidfd, NULL);
		close(w->pidfd);
	}
	w->pidfd = -1;
	w->pid = 0;
	w->last_status = status;
	supervisor_remove_pidfile(sup, w->name);

	if (!w->stop_requested) {
		if (w->policy == VM_RESTART_ALWAYS)
			restart = true;
		else if (w->policy == VM_RESTART_ON_FAILURE)
			restart = status != 0;
	}
	memset(notice, 0, sizeof(*notice));
	notice->is_exit = true;
	strcpy(notice->name, w->name);
	notice->exit.status = status;
	notice->exit.requested = w->stop_requested;
	notice->exit.restarts = w->restarts;
	if (!restart) {
		supervisor_unlink(sup, w);
		return true;
	}
	/* A worker that ran long enough was healthy: start the delays over. */
	if (w->backoff_ms == 0 || now - w->started_ms >= (int64_t)cfg->backoff_reset_ms)
		w->backoff_ms = cfg->backoff_initial_ms;
	notice->exit.will_restart = true;
	notice->exit.delay_ms = w->backoff_ms;
	w->restart_ms = now + w->backoff_ms;
	w->state = SUPERVISOR_WORKER_BACKOFF;
	w->backoff_ms =
		w->backoff_ms > cfg->backoff_max_ms / 2 ? cfg->backoff_max_ms : w->backoff_ms * 2;
	return false;
}

/* The watcher saw w's pidfd become readable: reap it (if ours) and report. */
static void supervisor_handle_exit(struct supervisor *sup, uint64_t id)
{
	struct supervisor_notice notice;
	struct supervisor_worker *w, *dead = NULL;
	siginfo_t si;
	int status = -1;

	pthread_mutex_lock(&sup->lock);
	w = supervisor_find_id(sup, id);
	if (!w || w->pidfd < 0 || w->starting) {
		pthread_mutex_unlock(&sup->lock);
		return;
	}
	if (!w->adopted) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PIDFD, w->pidfd, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0) {
			/* Readable yet not exited: not possible for a pidfd; ignore. */
			pthread_mutex_unlock(&sup->lock);
			return;
		}
		if (si.si_pid)
			status = supervisor_exit_status(&si);
		supervisor_read_exit_file(sup, w->name); /* only removes it: waitid knows */
	} else {
		status = supervisor_read_exit_file(sup, w->name);
	}
	if (supervisor_worker_ended(sup, w, status, &notice))
		dead = w;
	pthread_mutex_unlock(&sup->lock);
	supervisor_notify(sup, &notice);
	supervisor_worker_free(dead);
}

/*
 * Does the first due timer job (a restart or a SIGKILL) under the lock.
 * Returns true if it did one and *notice is to be delivered (when
 * *has_notice); *dead is a worker to free after that.
 */
static bool supervisor_run_one_timer(struct supervisor *sup, struct supervisor_notice *notice,
				     bool *has_notice, struct supervisor_worker **dead)
{
	struct supervisor_worker *w;
	int64_t now = supervisor_now_ms();
	off_t offset;

	*has_notice = false;
	*dead = NULL;
	for (w = sup->workers; w; w = w->next) {
		if (w->state == SUPERVISOR_WORKER_STOPPING && w->kill_ms && w->kill_ms <= now) {
			w->kill_ms = 0;
			if (w->pidfd >= 0)
				pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
			return true;
		}
		if (w->state == SUPERVISOR_WORKER_BACKOFF && w->restart_ms <= now) {
			w->restarts++;
			if (supervisor_spawn(sup, w, &offset) || supervisor_watch(sup, w)) {
				/* Reported like a worker that could not run (sh's 127). */
				if (supervisor_worker_ended(sup, w, 127, notice))
					*dead = w;
			} else {
				memset(notice, 0, sizeof(*notice));
				strcpy(notice->name, w->name);
				notice->pid = w->pid;
				notice->restarts = w->restarts;
			}
			*has_notice = true;
			return true;
		}
	}
	return false;
}

/* Milliseconds until the next timer job, or -1 for none. */
static int supervisor_next_timeout(struct supervisor *sup)
{
	struct supervisor_worker *w;
	int64_t now = supervisor_now_ms(), next = -1, at;

	for (w = sup->workers; w; w = w->next) {
		if (w->state == SUPERVISOR_WORKER_STOPPING && w->kill_ms)
			at = w->kill_ms;
		else if (w->state == SUPERVISOR_WORKER_BACKOFF)
			at = w->restart_ms;
		else
			continue;
		if (next < 0 || at < next)
			next = at;
	}
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > INT_MAX ? INT_MAX : next - now);
}

static void *supervisor_watch_loop(void *arg)
{
	struct supervisor *sup = arg;
	struct epoll_event events[16];
	struct supervisor_notice notice;
	struct supervisor_worker *dead;
	bool has_notice, did;
	uint64_t count;
	ssize_t drained;
	int i, n, timeout;

	for (;;) {
		pthread_mutex_lock(&sup->lock);
		if (sup->quit) {
			pthread_mutex_unlock(&sup->lock);
			break;
		}
		timeout = supervisor_next_timeout(sup);
		pthread_mutex_unlock(&sup->lock);

		n = epoll_wait(sup->epoll_fd, events, 16, timeout);
		for (i = 0; i < n; i++) {
			if (events[i].data.u64 == 0) {
				/* Only a wake-up: drain it (EAGAIN: already drained). */
				drained = read(sup->wake_fd, &count, sizeof(count));
				(void)drained;
				continue;
			}
			supervisor_handle_exit(sup, events[i].data.u64);
		}
		do {
			has_notice = false;
			dead = NULL;
			pthread_mutex_lock(&sup->lock);
			did = !sup->quit &&
			      supervisor_run_one_timer(sup, &notice, &has_notice, &dead);
			pthread_mutex_unlock(&sup->lock);
			if (has_notice)
				supervisor_notify(sup, &notice);
			supervisor_worker_free(dead);
		} while (did);
	}
	return NULL;
}

int supervisor_create(const struct supervisor_config *config, struct supervisor **out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
	struct supervisor *sup;
	int ret;

	if (!config->state_dir || !config->worker_path)
		return -EINVAL;
	sup = calloc(1, sizeof(*sup));
	if (!sup)
		return -ENOMEM;
	sup->epoll_fd = -1;
	sup->wake_fd = -1;
	sup->next_id = 1; /* 0 is the wake-up eventfd's key */
	sup->config = *config;
	sup->state_dir = strdup(config->state_dir);
	sup->worker_path = strdup(config->worker_path);
	if (!sup->state_dir || !sup->worker_path) {
		ret = -ENOMEM;
		goto fail;
	}
	sup->config.state_dir = sup->state_dir;
	sup->config.worker_path = sup->worker_path;
	if (sup->config.backoff_max_ms < sup->config.backoff_initial_ms)
		sup->config.backoff_max_ms = sup->config.backoff_initial_ms;
	sup->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	sup->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sup->epoll_fd < 0 || sup->wake_fd < 0 ||
	    epoll_ctl(sup->epoll_fd, EPOLL_CTL_ADD, sup->wake_fd, &ev)) {
		ret = -errno;
		goto fail;
	}
	pthread_mutex_init(&sup->lock, NULL);
	ret = -pthread_create(&sup->watcher, NULL, supervisor_watch_loop, sup);
	if (ret) {
		pthread_mutex_destroy(&sup->lock);
		goto fail;
	}
	*out = sup;
	return 0;
fail:
	if (sup->epoll_fd >= 0)
		close(sup->epoll_fd);
	if (sup->wake_fd >= 0)
		close(sup->wake_fd);
	free(sup->state_dir);
	free(sup->worker_path);
	free(sup);
	return ret;
}

void supervisor_destroy(struct supervisor *sup)
{
	struct supervisor_worker *w, *next;

	if (!sup)
		return;
	pthread_mutex_lock(&sup->lock);
	sup->quit = true;
	pthread_mutex_unlock(&sup->lock);
	supervisor_wake(sup);
	pthread_join(sup->watcher, NULL);
	for (w = sup->workers; w; w = next) {
		next = w->next;
		if (w->pidfd >= 0)
			close(w->pidfd);
		supervisor_worker_free(w);
	}
	close(sup->epoll_fd);
	close(sup->wake_fd);
	pthread_mutex_destroy(&sup->lock);
	free(sup->state_dir);
	free(sup->worker_path);
	free(sup);
}

/*
 * Whether w's process has exited; its status goes to *status. WNOWAIT: a
 * clean exit stays for the watcher to reap and report.
 */
static bool supervisor_has_exited(const struct supervisor_worker *w, int *status)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, w->pidfd, &si, WEXITED | WNOWAIT | WNOHANG) || !si.si_pid)
		return false;
	*status = supervisor_exit_status(&si);
	return true;
}

/*
 * Polls w's API until it reports the machine running (or paused), the
 * process exits, or start_timeout_ms passes. Returns 0 (running, or exited
 * with status 0), -ENOEXEC (exited non-zero: *status) or -ETIMEDOUT.
 */
static int supervisor_confirm_start(struct supervisor *sup, struct supervisor_worker *w,
				    int *status)
{
	int64_t deadline = supervisor_now_ms() + sup->config.start_timeout_ms, left;
	int delay = SUPERVISOR_POLL_MIN_MS;
	struct pollfd pfd = { .fd = w->pidfd, .events = POLLIN };
	char state[16];

	for (;;) {
		if (supervisor_has_exited(w, status))
			return *status ? -ENOEXEC : 0;
		left = deadline - supervisor_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		/* Refused or "starting": the worker has not got that far yet. */
		if (!supervisor_api_state(sup, w->name,
					  left < SUPERVISOR_API_QUERY_MS ? left
									 : SUPERVISOR_API_QUERY_MS,
					  state, sizeof(state)) &&
		    (!strcmp(state, "running") || !strcmp(state, "paused")))
			return 0;
		left = deadline - supervisor_now_ms();
		if (left > 0)
			poll(&pfd, 1, delay < left ? delay : (int)left);
		delay = delay * 2 > SUPERVISOR_POLL_MAX_MS ? SUPERVISOR_POLL_MAX_MS : delay * 2;
	}
}

int supervisor_start(struct supervisor *sup, const struct supervisor_vm_spec *spec, char *message,
		     size_t message_len)
{
	struct supervisor_worker *w;
	siginfo_t si;
	off_t offset = 0;
	int ret, status = 0;

	if (message && message_len)
		message[0] = '\0';
	ret = supervisor_worker_new(spec, &w);
	if (ret) {
		if (message && message_len)
			snprintf(message, message_len, "invalid VM name or worker options");
		return ret;
	}
	/* Entered first, as "starting", so that two starts of one VM cannot race. */
	pthread_mutex_lock(&sup->lock);
	if (supervisor_find(sup, spec->name)) {
		pthread_mutex_unlock(&sup->lock);
		supervisor_worker_free(w);
		return -EEXIST;
	}
	w->id = sup->next_id++;
	w->starting = true;
	w->next = sup->workers;
	sup->workers = w;
	pthread_mutex_unlock(&sup->lock);

	ret = supervisor_spawn(sup, w, &offset);
	if (ret) {
		if (message && message_len)
			snprintf(message, message_len, "cannot run %s: %s", sup->worker_path,
				 strerror(-ret));
		goto fail;
	}
	ret = sup->config.start_timeout_ms ? supervisor_confirm_start(sup, w, &status) : 0;
	if (ret == -ENOEXEC) {
		supervisor_read_first_line(sup, w->name, offset, message, message_len);
		if (message && message_len && !message[0])
			snprintf(message, message_len, "vmm-worker exited with status %d", status);
	} else if (ret == -ETIMEDOUT) {
		if (message && message_len)
			snprintf(message, message_len,
				 "vmm-worker did not report a running machine on its API within "
				 "%u ms; killed it",
				 sup->config.start_timeout_ms);
		pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
	}
	if (ret) {
		/* Reaped here: a failed start is not the watcher's to report. */
		waitid(P_PIDFD, w->pidfd, &si, WEXITED);
		close(w->pidfd);
		supervisor_remove_pidfile(sup, w->name);
		goto fail;
	}
	pthread_mutex_lock(&sup->lock);
	w->starting = false;
	ret = supervisor_watch(sup, w);
	if (ret) {
		/* Unwatchable means unsupervised: do not leave it running. */
		pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, w->pidfd, &si, WEXITED);
		close(w->pidfd);
		supervisor_remove_pidfile(sup, w->name);
		supervisor_unlink(sup, w);
		pthread_mutex_unlock(&sup->lock);
		supervisor_worker_free(w);
		return ret;
	}
	pthread_mutex_unlock(&sup->lock);
	return 0;
fail:
	pthread_mutex_lock(&sup->lock);
	supervisor_unlink(sup, w);
	pthread_mutex_unlock(&sup->lock);
	supervisor_worker_free(w);
	return ret;
}

/*
 * Common part of stop and kill: marks the stop as requested, or cancels a
 * pending restart (then *notice is filled and *dead must be freed after it).
 * Returns 0, 1 when a signal is still to be sent, or -errno.
 */
static int supervisor_request_stop(struct supervisor *sup, struct supervisor_worker *w,
				   unsigned deadline_ms, struct supervisor_notice *notice,
				   struct supervisor_worker **dead)
{
	int64_t kill_ms = supervisor_now_ms() + deadline_ms;

	if (w->starting)
		return -EBUSY;
	if (w->state == SUPERVISOR_WORKER_BACKOFF) {
		memset(notice, 0, sizeof(*notice));
		notice->is_exit = true;
		strcpy(notice->name, w->name);
		notice->exit.status = w->last_status;
		notice->exit.requested = true;
		notice->exit.restarts = w->restarts;
		supervisor_unlink(sup, w);
		*dead = w;
		return 0;
	}
	if (w->state == SUPERVISOR_WORKER_STOPPING) {
		/* A second, shorter deadline wins; the first signal was sent. */
		if (!w->kill_ms || kill_ms < w->kill_ms)
			w->kill_ms = kill_ms;
		return 0;
	}
	w->stop_requested = true;
	w->state = SUPERVISOR_WORKER_STOPPING;
	w->kill_ms = kill_ms;
	return 1;
}

int supervisor_stop(struct supervisor *sup, const char *name, enum supervisor_stop_mode mode,
		    unsigned deadline_ms)
{
	const char *path = mode == SUPERVISOR_STOP_NOW ? "/v1/stop" : "/v1/poweroff";
	struct supervisor_notice notice;
	struct supervisor_worker *w, *dead = NULL;
	struct json_object *body;
	long status = 0;
	uint64_t id;
	int ret;

	pthread_mutex_lock(&sup->lock);
	w = supervisor_find(sup, name);
	ret = w ? supervisor_request_stop(sup, w, deadline_ms, &notice, &dead) : -ESRCH;
	id = w ? w->id : 0;
	pthread_mutex_unlock(&sup->lock);
	if (dead) {
		supervisor_notify(sup, &notice);
		supervisor_worker_free(dead);
		return 0;
	}
	if (ret <= 0) {
		supervisor_wake(sup);
		return ret;
	}
	/* The worker answers 202 and exits by itself; the deadline still holds. */
	ret = supervisor_api_call(sup, name, "POST", path, SUPERVISOR_API_ACTION_MS, &status,
				  &body);
	json_object_put(body);
	if (!ret && status == 202) {
		supervisor_wake(sup);
		return 0;
	}
	/* No API, or its machine is being rebuilt: the worker exits on SIGTERM too (143). */
	pthread_mutex_lock(&sup->lock);
	w = supervisor_find_id(sup, id);
	if (w && w->pidfd >= 0)
		pidfd_send_signal(w->pidfd, SIGTERM, NULL, 0);
	pthread_mutex_unlock(&sup->lock);
	supervisor_wake(sup);
	return 0;
}

int supervisor_kill(struct supervisor *sup, const char *name)
{
	struct supervisor_notice notice;
	struct supervisor_worker *w, *dead = NULL;
	int ret;

	pthread_mutex_lock(&sup->lock);
	w = supervisor_find(sup, name);
	ret = w ? supervisor_request_stop(sup, w, 0, &notice, &dead) : -ESRCH;
	if (w && !dead && ret >= 0 && w->pidfd >= 0) {
		w->kill_ms = 0;
		pidfd_send_signal(w->pidfd, SIGKILL, NULL, 0);
	}
	pthread_mutex_unlock(&sup->lock);
	if (dead) {
		supervisor_notify(sup, &notice);
		supervisor_worker_free(dead);
	}
	return ret < 0 ? ret : 0;
}

/*
 * POSTs @path to a worker in state @from and records @to once the worker
 * took it. The worker's 409 means it already was in @to (a pause that
 * raced with another client, or a state from before a vmmd restart).
 */
static int supervisor_api_action(struct supervisor *sup, const char *name, const char *path,
				 enum supervisor_worker_state from, enum supervisor_worker_state to)
{
	struct supervisor_worker *w;
	struct json_object *body;
	long status = 0;
	uint64_t id = 0;
	int ret = 0;

	pthread_mutex_lock(&sup->lock);
	w = supervisor_find(sup, name);
	if (!w)
		ret = -ESRCH;
	else if (w->starting || w->state != from)
		ret = w->state == to && !w->starting ? 0 : -EBUSY;
	else
		id = w->id;
	pthread_mutex_unlock(&sup->lock);
	if (!id)
		return ret;
	ret = supervisor_api_call(sup, name, "POST", path, SUPERVISOR_API_ACTION_MS, &status,
				  &body);
	json_object_put(body);
	if (!ret)
		ret = supervisor_api_status_errno(status);
	if (ret == -EALREADY)
		ret = 0;
	if (ret)
		return ret;
	pthread_mutex_lock(&sup->lock);
	w = supervisor_find_id(sup, id);
	/* A stop that came in meanwhile wins. */
	if (w && w->state == from)
		w->state = to;
	pthread_mutex_unlock(&sup->lock);
	return 0;
}

int supervisor_pause(struct supervisor *sup, const char *name)
{
	return supervisor_api_action(sup, name, "/v1/pause", SUPERVISOR_WORKER_RUNNING,
				     SUPERVISOR_WORKER_PAUSED);
}

int supervisor_resume(struct supervisor *sup, const char *name)
{
	return supervisor_api_action(sup, name, "/v1/resume", SUPERVISOR_WORKER_PAUSED,
				     SUPERVISOR_WORKER_RUNNING);
}

int supervisor_worker_get(struct supervisor *sup, const char *name, const char *path,
			  struct json_object **out)
{
	struct supervisor_worker *w;
	struct json_object *body;
	long status = 0;
	int ret = 0;

	*out = NULL;
	pthread_mutex_lock(&sup->lock);
	w = supervisor_find(sup, name);
	if (!w)
		ret = -ESRCH;
	else if (w->starting || w->state == SUPERVISOR_WORKER_BACKOFF)
		ret = -EBUSY;
	pthread_mutex_unlock(&sup->lock);
	if (ret)
		return ret;
	ret = supervisor_api_call(sup, name, "GET", path, SUPERVISOR_API_QUERY_MS, &status, &body);
	if (ret)
		return ret;
	ret = supervisor_api_status_errno(status);
	if (ret == -EALREADY || (!ret && !json_object_is_type(body, json_type_object)))
		ret = -EPROTO;
	if (ret) {
		json_object_put(body);
		return ret;
	}
	*out = body;
	return 0;
}

/* Whether /proc/PID/exe is the same program as our worker (by base name). */
static bool supervisor_exe_matches(const struct supervisor *sup, pid_t pid)
{
	static const char deleted[] = " (deleted)";
	char path[64], exe[PATH_MAX];
	const char *want, *got;
	size_t len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	/* An upgraded package leaves the old, still running binary "(deleted)". */
	len = strlen(exe);
	if (len > sizeof(deleted) - 1 && !strcmp(exe + len - (sizeof(deleted) - 1), deleted))
		exe[len - (sizeof(deleted) - 1)] = '\0';
	want = strrchr(sup->worker_path, '/');
	want = want ? want + 1 : sup->worker_path;
	got = strrchr(exe, '/');
	got = got ? got + 1 : exe;
	return !strcmp(want, got);
}

int supervisor_adopt(struct supervisor *sup, const struct supervisor_vm_spec *spec)
{
	struct supervisor_worker *w;
	unsigned long long recorded, actual;
	char proc_state, api_state[16] = "";
	pid_t pid, ppid = 0;
	int ret;

	ret = supervisor_worker_new(spec, &w);
	if (ret)
		return ret;
	ret = supervisor_read_pidfile(sup, spec->name, &pid, &recorded);
	if (ret)
		goto fail;
	/*
	 * Open the pidfd first, then check: if the pid was reused before the
	 * open, the start time read afterwards gives it away.
	 */
	w->pidfd = pidfd_open(pid, 0);
	ret = -ESRCH;
	if (w->pidfd < 0)
		goto stale;
	if (supervisor_read_proc_stat(pid, &proc_state, &ppid, &actual) || actual != recorded ||
	    proc_state == 'Z' || !supervisor_exe_matches(sup, pid))
		goto stale;
	w->pid = pid;
	w->start_time = actual;
	/* Our own child when the same process re-creates its supervisor. */
	w->adopted = ppid != getpid();
	/* A worker that does not answer now is still ours to watch and to stop. */
	supervisor_api_state(sup, spec->name, SUPERVISOR_API_QUERY_MS, api_state,
			     sizeof(api_state));
	w->state =
		strcmp(api_state, "paused") ? SUPERVISOR_WORKER_RUNNING : SUPERVISOR_WORKER_PAUSED;
	w->started_ms = supervisor_now_ms();

	pthread_mutex_lock(&sup->lock);
	if (supervisor_find(sup, spec->name)) {
		pthread_mutex_unlock(&sup->lock);
		ret = -EEXIST;
		goto fail;
	}
	w->id = sup->next_id++;
	ret = supervisor_watch(sup, w);
	if (ret) {
		pthread_mutex_unlock(&sup->lock);
		goto fail;
	}
	w->next = sup->workers;
	sup->workers = w;
	pthread_mutex_unlock(&sup->lock);
	return 0;
stale:
	supervisor_remove_pidfile(sup, spec->name);
fail:
	if (w->pidfd >= 0)
		close(w->pidfd);
	supervisor_worker_free(w);
	return ret;
}

int supervisor_get_info(struct supervisor *sup, const char *name,
			struct supervisor_worker_info *info)
{
	struct supervisor_worker *w;
	int ret = -ESRCH;

	pthread_mutex_lock(&sup->lock);
	w = supervisor_find(sup, name);
	if (w) {
		*info = (struct supervisor_worker_info){
			.pid = w->pid,
			.start_time = w->start_time,
			.state = w->state,
			.restarts = w->restarts,
			.adopted = w->adopted,
		};
		ret = 0;
	}
	pthread_mutex_unlock(&sup->lock);
	return ret;
}
