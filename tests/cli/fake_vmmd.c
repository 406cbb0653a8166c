/*
 * fake_vmmd.c - a stand-in server for vmctl's end-to-end tests while the
 * real vmmd does not exist yet.
 *
 * It is the real api/ layer (http_server, router, error bodies) with route
 * handlers that keep VMs in memory and flip their state the way the API
 * contract (api/openapi.yaml) says, without starting workers. It checks
 * what vmctl sends as strictly as the contract asks (unknown fields 422,
 * conflicts 409), so the tests see the real error paths.
 *
 * usage: fake_vmmd --socket PATH --log-dir DIR [--console-socket PATH]
 * Runs until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "api/http_server.h"
#include "api/json_util.h"

#define FAKE_MAX_EVENTS 256

struct fake {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct json_object *vms; /* array of VM objects, state included */
	struct json_object *events[FAKE_MAX_EVENTS];
	size_t n_events;
	const char *log_dir;
	const char *console_socket;
};

static const struct json_field fake_vm_spec[] = {
	{ "name", JSON_FIELD_STRING, JSON_FIELD_REQUIRED, 1, 64 },
	{ "vcpus", JSON_FIELD_INT, 0, 1, 8 },
	{ "memory_mib", JSON_FIELD_INT, 0, 16, 65536 },
	{ "kernel", JSON_FIELD_STRING, JSON_FIELD_REQUIRED, 1, 4096 },
	{ "bios", JSON_FIELD_STRING, JSON_FIELD_NULLABLE, 1, 4096 },
	{ "initrd", JSON_FIELD_STRING, JSON_FIELD_NULLABLE, 1, 4096 },
	{ "cmdline", JSON_FIELD_STRING, JSON_FIELD_NULLABLE, 0, 4096 },
	{ "disks", JSON_FIELD_ARRAY, 0, 0, 1 },
	{ "autostart", JSON_FIELD_BOOL, 0, 0, 0 },
	{ "restart_policy", JSON_FIELD_STRING, 0, 0, 0 },
	{ "numa_node", JSON_FIELD_INT, JSON_FIELD_NULLABLE, 0, 64 },
};

static void fake_default(struct json_object *vm, const char *key, struct json_object *value)
{
	if (!json_object_object_get_ex(vm, key, NULL))
		json_object_object_add(vm, key, value);
	else
		json_object_put(value);
}

/* A deep copy, so that the answer is serialized after the lock is dropped. */
static struct json_object *fake_copy(struct json_object *obj)
{
	struct json_object *copy = NULL;

	json_object_deep_copy(obj, &copy, NULL);
	return copy;
}

/* Index of VM @name in f->vms, or -1. Called with the lock held. */
static int fake_find(struct fake *f, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(f->vms); i++)
		if (!strcmp(json_get_string(json_object_array_get_idx(f->vms, i), "name", ""),
			    name))
			return (int)i;
	return -1;
}

/* Set @vm's state and record the event. Called with the lock held. */
static void fake_set_state(struct fake *f, struct json_object *vm, const char *state,
			   const char *reason)
{
	struct json_object *ev = json_object_new_object();
	const char *previous = json_get_string(vm, "state", "stopped");
	char stamp[32];
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_object_add(ev, "id", json_object_new_int64((int64_t)f->n_events + 1));
	json_object_object_add(ev, "vm", json_object_new_string(json_get_string(vm, "name", "")));
	json_object_object_add(ev, "state", json_object_new_string(state));
	json_object_object_add(ev, "previous", json_object_new_string(previous));
	json_object_object_add(ev, "time", json_object_new_string(stamp));
	json_object_object_add(ev, "reason", json_object_new_string(reason));
	json_object_object_add(vm, "state", json_object_new_string(state));
	if (f->n_events < FAKE_MAX_EVENTS)
		f->events[f->n_events++] = ev;
	else
		json_object_put(ev);
	pthread_cond_broadcast(&f->changed);
}

static enum api_error fake_check(struct http_response *resp, struct json_object *body)
{
	char err[256];

	if (!body)
		return http_error(resp, API_ERR_BAD_REQUEST, "a JSON body is required");
	if (json_check_object(body, fake_vm_spec, sizeof(fake_vm_spec) / sizeof(fake_vm_spec[0]),
			      err, sizeof(err)))
		return http_error(resp, API_ERR_INVALID_VALUE, "%s", err);
	return API_OK;
}

static enum api_error fake_list(const struct http_request *req, struct http_response *resp,
				void *ctx)
{
	struct fake *f = ctx;
	struct json_object *out = json_object_new_object();

	(void)req;
	pthread_mutex_lock(&f->lock);
	json_object_object_add(out, "vms", fake_copy(f->vms));
	pthread_mutex_unlock(&f->lock);
	http_response_json(resp, 200, out);
	return API_OK;
}

static enum api_error fake_create(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	struct fake *f = ctx;
	struct json_object *vm = NULL;
	enum api_error rc = fake_check(resp, req->body);

	if (rc)
		return rc;
	pthread_mutex_lock(&f->lock);
	if (fake_find(f, json_get_string(req->body, "name", "")) >= 0) {
		rc = http_error(resp, API_ERR_VM_EXISTS, "VM '%s' already exists",
				json_get_string(req->body, "name", ""));
		goto out;
	}
	json_object_deep_copy(req->body, &vm, NULL);
	fake_default(vm, "vcpus", json_object_new_int(1));
	fake_default(vm, "memory_mib", json_object_new_int(128));
	fake_default(vm, "autostart", json_object_new_boolean(false));
	fake_default(vm, "restart_policy", json_object_new_string("no"));
	json_object_object_add(vm, "state", json_object_new_string("stopped"));
	json_object_array_add(f->vms, vm);
	http_response_json(resp, 201, fake_copy(vm));
out:
	pthread_mutex_unlock(&f->lock);
	return rc;
}

/* Lock, find {name}; on success returns with the lock held and *@vm set. */
static enum api_error fake_lookup(struct fake *f, const struct http_request *req,
				  struct http_response *resp, struct json_object **vm, int *index)
{
	const char *name = http_request_capture(req, "name");
	int i;

	pthread_mutex_lock(&f->lock);
	i = fake_find(f, name);
	if (i < 0) {
		pthread_mutex_unlock(&f->lock);
		return http_error(resp, API_ERR_VM_NOT_FOUND, "no VM named '%s'", name);
	}
	*vm = json_object_array_get_idx(f->vms, (size_t)i);
	if (index)
		*index = i;
	return API_OK;
}

static bool fake_is_down(struct json_object *vm)
{
	const char *state = json_get_string(vm, "state", "");

	return !strcmp(state, "stopped") || !strcmp(state, "crashed");
}

static enum api_error fake_get(const struct http_request *req, struct http_response *resp,
			       void *ctx)
{
	struct json_object *vm;
	enum api_error rc = fake_lookup(ctx, req, resp, &vm, NULL);

	if (rc)
		return rc;
	http_response_json(resp, 200, fake_copy(vm));
	pthread_mutex_unlock(&((struct fake *)ctx)->lock);
	return API_OK;
}

static enum api_error fake_put(const struct http_request *req, struct http_response *resp,
			       void *ctx)
{
	struct fake *f = ctx;
	struct json_object *vm, *copy = NULL;
	enum api_error rc = fake_check(resp, req->body);
	int i;

	if (rc)
		return rc;
	rc = fake_lookup(f, req, resp, &vm, &i);
	if (rc)
		return rc;
	if (strcmp(json_get_string(req->body, "name", ""), http_request_capture(req, "name"))) {
		rc = http_error(resp, API_ERR_INVALID_VALUE, "name: cannot change");
	} else if (!fake_is_down(vm)) {
		rc = http_error(resp, API_ERR_VM_RUNNING, "VM '%s' is %s; stop it first",
				json_get_string(vm, "name", ""), json_get_string(vm, "state", ""));
	} else {
		json_object_deep_copy(req->body, &copy, NULL);
		json_object_object_add(copy, "state",
				       json_object_new_string(json_get_string(vm, "state", "")));
		json_object_array_put_idx(f->vms, (size_t)i, copy);
		http_response_json(resp, 200, fake_copy(copy));
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static enum api_error fake_delete(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	struct fake *f = ctx;
	struct json_object *vm;
	enum api_error rc = fake_lookup(f, req, resp, &vm, NULL);
	int i;

	if (rc)
		return rc;
	if (!fake_is_down(vm)) {
		rc = http_error(resp, API_ERR_VM_RUNNING, "VM '%s' is %s; stop it first",
				json_get_string(vm, "name", ""), json_get_string(vm, "state", ""));
	} else {
		i = fake_find(f, http_request_capture(req, "name"));
		json_object_array_del_idx(f->vms, (size_t)i, 1);
		resp->status = 204;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

/* The state machine of the actions: from which states, to which state. */
struct fake_action {
	const char *name;
	const char *from[3];
	const char *to;
	enum api_error refusal;
};

static const struct fake_action fake_actions[] = {
	{ "start", { "stopped", "crashed" }, "running", API_ERR_VM_RUNNING },
	{ "stop", { "running", "paused" }, "stopped", API_ERR_VM_NOT_RUNNING },
	{ "shutdown", { "running", "paused" }, "stopped", API_ERR_VM_NOT_RUNNING },
	{ "reboot", { "running" }, "running", API_ERR_VM_NOT_RUNNING },
	{ "pause", { "running" }, "paused", API_ERR_VM_NOT_RUNNING },
	{ "resume", { "paused" }, "running", API_ERR_VM_NOT_RUNNING },
};

static enum api_error fake_action(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	const char *verb = strrchr(req->path, '/') + 1;
	const struct fake_action *a = NULL;
	struct fake *f = ctx;
	struct json_object *vm;
	enum api_error rc;
	char log[512];
	FILE *lf;

	for (size_t i = 0; i < sizeof(fake_actions) / sizeof(fake_actions[0]); i++)
		if (!strcmp(fake_actions[i].name, verb))
			a = &fake_actions[i];
	if (!a)
		return http_error(resp, API_ERR_NOT_FOUND, "no action '%s'", verb);
	rc = fake_lookup(f, req, resp, &vm, NULL);
	if (rc)
		return rc;
	for (size_t i = 0; i < 3 && a->from[i]; i++) {
		if (strcmp(a->from[i], json_get_string(vm, "state", "")))
			continue;
		fake_set_state(f, vm, a->to, verb);
		/* A started VM "prints" to its console log, for `vmctl console`. */
		snprintf(log, sizeof(log), "%s/%s.log", f->log_dir,
			 json_get_string(vm, "name", ""));
		lf = fopen(log, "a");
		if (lf) {
			fprintf(lf, "%s: %s\n", json_get_string(vm, "name", ""), verb);
			fclose(lf);
		}
		http_response_json(resp, 200, fake_copy(vm));
		pthread_mutex_unlock(&f->lock);
		return API_OK;
	}
	rc = http_error(resp, a->refusal, "VM '%s' is %s", json_get_string(vm, "name", ""),
			json_get_string(vm, "state", ""));
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static enum api_error fake_stats(const struct http_request *req, struct http_response *resp,
				 void *ctx)
{
	struct json_object *vm, *out = json_object_new_object();
	enum api_error rc = fake_lookup(ctx, req, resp, &vm, NULL);

	if (rc) {
		json_object_put(out);
		return rc;
	}
	json_object_object_add(out, "name",
			       json_object_new_string(json_get_string(vm, "name", "")));
	json_object_object_add(out, "state",
			       json_object_new_string(json_get_string(vm, "state", "")));
	json_object_object_add(out, "instructions", json_object_new_int64(0));
	pthread_mutex_unlock(&((struct fake *)ctx)->lock);
	http_response_json(resp, 200, out);
	return API_OK;
}

static enum api_error fake_console(const struct http_request *req, struct http_response *resp,
				   void *ctx)
{
	struct fake *f = ctx;
	struct json_object *vm, *out = json_object_new_object();
	enum api_error rc = fake_lookup(f, req, resp, &vm, NULL);
	char log[512];

	if (rc) {
		json_object_put(out);
		return rc;
	}
	snprintf(log, sizeof(log), "%s/%s.log", f->log_dir, json_get_string(vm, "name", ""));
	pthread_mutex_unlock(&f->lock);
	if (f->console_socket)
		json_object_object_add(out, "socket", json_object_new_string(f->console_socket));
	else
		json_object_object_add(out, "log", json_object_new_string(log));
	http_response_json(resp, 200, out);
	return API_OK;
}

struct fake_follower {
	struct fake *f;
	size_t next;
};

static ssize_t fake_events_next(void *cls, char *buf, size_t max)
{
	struct fake_follower *ff = cls;
	struct fake *f = ff->f;
	struct timespec deadline;
	ssize_t n = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 200 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&f->lock);
	if (ff->next >= f->n_events)
		pthread_cond_timedwait(&f->changed, &f->lock, &deadline);
	if (ff->next < f->n_events) {
		const char *line =
			json_object_to_json_string_ext(f->events[ff->next], JSON_C_TO_STRING_PLAIN);

		n = snprintf(buf, max, "%s\n", line);
		if (n < 0 || (size_t)n >= max)
			n = -1;
		else
			ff->next++;
	}
	pthread_mutex_unlock(&f->lock);
	return n;
}

static enum api_error fake_events(const struct http_request *req, struct http_response *resp,
				  void *ctx)
{
	struct fake_follower *ff = calloc(1, sizeof(*ff));
	const char *since = http_request_query(req, "since");
	struct fake *f = ctx;

	if (!ff)
		return API_ERR_INTERNAL;
	ff->f = f;
	pthread_mutex_lock(&f->lock);
	ff->next = since ? strtoul(since, NULL, 10) : f->n_events;
	pthread_mutex_unlock(&f->lock);
	http_response_stream(resp, "application/x-ndjson", fake_events_next, ff, free);
	return API_OK;
}

static enum api_error fake_host(const struct http_request *req, struct http_response *resp,
				void *ctx)
{
	struct json_object *out = json_object_new_object(), *nodes = json_object_new_array();
	struct json_object *node = json_object_new_object();
	struct sysinfo si;

	(void)req;
	(void)ctx;
	sysinfo(&si);
	json_object_object_add(out, "cpus",
			       json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(node, "node", json_object_new_int(0));
	json_object_object_add(node, "total_mib",
			       json_object_new_int64((int64_t)si.totalram * si.mem_unit >> 20));
	json_object_object_add(node, "free_mib",
			       json_object_new_int64((int64_t)si.freeram * si.mem_unit >> 20));
	json_object_array_add(nodes, node);
	json_object_object_add(out, "numa_nodes", nodes);
	json_object_object_add(out, "hugepages", json_object_new_object());
	json_object_object_add(out, "ksm", json_object_new_object());
	http_response_json(resp, 200, out);
	return API_OK;
}

static const struct http_route fake_routes[] = {
	{ "GET", "/v1/vms", fake_list },
	{ "POST", "/v1/vms", fake_create },
	{ "GET", "/v1/vms/{name}", fake_get },
	{ "PUT", "/v1/vms/{name}", fake_put },
	{ "DELETE", "/v1/vms/{name}", fake_delete },
	{ "POST", "/v1/vms/{name}/start", fake_action },
	{ "POST", "/v1/vms/{name}/stop", fake_action },
	{ "POST", "/v1/vms/{name}/shutdown", fake_action },
	{ "POST", "/v1/vms/{name}/reboot", fake_action },
	{ "POST", "/v1/vms/{name}/pause", fake_action },
	{ "POST", "/v1/vms/{name}/resume", fake_action },
	{ "GET", "/v1/vms/{name}/stats", fake_stats },
	{ "GET", "/v1/vms/{name}/console", fake_console },
	{ "GET", "/v1/events", fake_events },
	{ "GET", "/v1/host", fake_host },
};

int main(int argc, char **argv)
{
	struct fake f = { .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER };
	struct http_server_config cfg = {
		.routes = fake_routes,
		.n_routes = sizeof(fake_routes) / sizeof(fake_routes[0]),
		.ctx = &f,
	};
	struct http_server *server;
	sigset_t set;
	int sig, ret;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--socket"))
			cfg.unix_path = argv[i + 1];
		else if (!strcmp(argv[i], "--log-dir"))
			f.log_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--console-socket"))
			f.console_socket = argv[i + 1];
	}
	if (!cfg.unix_path || !f.log_dir) {
		fprintf(stderr,
			"usage: fake_vmmd --socket PATH --log-dir DIR [--console-socket P]\n");
		return 2;
	}
	/* Block the signals before the server's threads start, then wait for them here. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	f.vms = json_object_new_array();
	ret = http_server_start(&cfg, &server);
	if (ret) {
		fprintf(stderr, "fake_vmmd: %s: %s\n", cfg.unix_path, strerror(-ret));
		return 1;
	}
	sigwait(&set, &sig);
	http_server_stop(server);
	json_object_put(f.vms);
	for (size_t i = 0; i < f.n_events; i++)
		json_object_put(f.events[i]);
	return 0;
}
