// SPDX-License-Identifier: MIT
/*
 * The cached views of all VMs (daemon/vm_cache.c) through a real vmmd
 * context without its HTTP server: GET /v1/vms's body and the per-VM part
 * of /metrics follow every create, update, delete and state change, and a
 * start that waits for its worker leaves the daemon's lock free meanwhile.
 *
 * The worker is a shell script that blocks on a FIFO until the test writes
 * to it, then exits 3: the start is in progress exactly as long as the test
 * wants, with no sleeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "daemon/daemon.h"
#include "daemon/store.h"
#include "daemon/vm_cache.h"

struct fixture {
	char dir[64];
	char path[256];
	char kernel[256];
	char fifo[256];
	struct vmmd d;
};

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void fixture_set(struct fixture *f, const char *key, const char *value)
{
	char err[256] = "";

	if (config_set(&f->d.config, "daemon", key, value, err, sizeof(err)))
		fail_msg("config_set %s: %s", key, err);
}

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char script[512], err[256] = "";

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_vm_cache.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->kernel, sizeof(f->kernel), "%s/kernel.elf", f->dir);
	write_file(f->kernel, "not run\n", 0644);
	snprintf(f->fifo, sizeof(f->fifo), "%s/release", f->dir);
	if (mkfifo(f->fifo, 0600))
		return -1;
	/* A worker that never answers on its API and exits 3 once released. */
	snprintf(f->path, sizeof(f->path), "%s/worker.sh", f->dir);
	snprintf(script, sizeof(script), "#!/bin/sh\nread line < '%s'\nexit 3\n", f->fifo);
	write_file(f->path, script, 0755);

	if (config_load(&f->d.config, NULL, err, sizeof(err)))
		fail_msg("config_load: %s", err);
	fixture_set(f, "worker_path", f->path);
	snprintf(script, sizeof(script), "%s/state", f->dir);
	fixture_set(f, "state_dir", script);
	snprintf(script, sizeof(script), "%s/vmmd.sock", f->dir);
	fixture_set(f, "socket", script);
	if (vmmd_open(&f->d, err, sizeof(err)))
		fail_msg("vmmd_open: %s", err);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	vmmd_close(&f->d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void create_vm(struct fixture *f, const char *name, unsigned int memory_mib)
{
	struct vm_def def;
	char msg[512] = "";

	vm_def_init(&def);
	snprintf(def.name, sizeof(def.name), "%s", name);
	def.kernel = strdup(f->kernel);
	def.memory_mib = memory_mib;
	if (vmmd_vm_create(&f->d, &def, msg, sizeof(msg)) != API_OK)
		fail_msg("create %s: %s", name, msg);
	vm_def_free(&def);
}

/* The cached GET /v1/vms body, parsed; the caller puts it. */
static struct json_object *list_vms(struct fixture *f)
{
	struct vm_cache_text *text;
	struct json_object *obj, *vms;
	char err[256] = "";

	if (vm_cache_get(&f->d.cache, VM_CACHE_LIST, &text, err, sizeof(err)))
		fail_msg("vm_cache_get: %s", err);
	assert_int_equal(strlen(text->text), text->len);
	obj = json_tokener_parse(text->text);
	vm_cache_text_put(text);
	assert_non_null(obj);
	assert_true(json_object_object_get_ex(obj, "vms", &vms));
	assert_true(json_object_is_type(vms, json_type_array));
	return obj;
}

/* The listed VM @name's string field @key, copied into @out; "" if the VM is not listed. */
static void list_field(struct fixture *f, const char *name, const char *key, char *out,
		       size_t out_len)
{
	struct json_object *obj = list_vms(f), *vms, *vm, *field;

	out[0] = '\0';
	json_object_object_get_ex(obj, "vms", &vms);
	for (size_t i = 0; i < json_object_array_length(vms); i++) {
		vm = json_object_array_get_idx(vms, i);
		if (json_object_object_get_ex(vm, "name", &field) &&
		    !strcmp(json_object_get_string(field), name) &&
		    json_object_object_get_ex(vm, key, &field))
			snprintf(out, out_len, "%s", json_object_get_string(field));
	}
	json_object_put(obj);
}

static size_t list_count(struct fixture *f)
{
	struct json_object *obj = list_vms(f), *vms;
	size_t n;

	json_object_object_get_ex(obj, "vms", &vms);
	n = json_object_array_length(vms);
	json_object_put(obj);
	return n;
}

/* Whether the cached metrics text of the VMs holds @line. */
static bool metrics_has(struct fixture *f, const char *line)
{
	struct vm_cache_text *text;
	char err[256] = "";
	bool found;

	if (vm_cache_get(&f->d.cache, VM_CACHE_METRICS_VMS, &text, err, sizeof(err)))
		fail_msg("vm_cache_get: %s", err);
	found = strstr(text->text, line) != NULL;
	vm_cache_text_put(text);
	return found;
}

static void set_observed(struct fixture *f, const char *name, enum vm_state observed)
{
	struct store_vm_state state;
	char err[256] = "";

	assert_int_equal(store_vm_get(f->d.store, name, NULL, &state, err, sizeof(err)), 0);
	state.observed = observed;
	if (store_vm_set_state(f->d.store, name, &state, "state", "test", NULL, err, sizeof(err)))
		fail_msg("set state: %s", err);
}

static void test_list_follows_writes(void **state)
{
	struct fixture *f = *state;
	struct vm_cache_text *a, *b;
	struct vm_def def;
	char value[64], msg[512] = "";

	assert_int_equal(list_count(f), 0);

	/* Nothing written in between: the same text, not a rebuilt copy. */
	assert_int_equal(vm_cache_get(&f->d.cache, VM_CACHE_LIST, &a, msg, sizeof(msg)), 0);
	assert_int_equal(vm_cache_get(&f->d.cache, VM_CACHE_LIST, &b, msg, sizeof(msg)), 0);
	assert_ptr_equal(a, b);
	vm_cache_text_put(b);

	create_vm(f, "alpha", 32);
	create_vm(f, "beta", 64);
	assert_int_equal(list_count(f), 2);
	/* The text handed out before lives on unchanged: responses in flight keep theirs. */
	assert_string_equal(a->text, "{\"vms\":[]}");
	vm_cache_text_put(a);
	list_field(f, "alpha", "state", value, sizeof(value));
	assert_string_equal(value, "stopped");
	assert_true(metrics_has(f, "vmmd_vm_memory_bytes{vm=\"beta\"} 67108864\n"));

	assert_int_equal(vmmd_vm_delete(&f->d, "alpha", msg, sizeof(msg)), API_OK);
	assert_int_equal(list_count(f), 1);
	list_field(f, "alpha", "state", value, sizeof(value));
	assert_string_equal(value, "");
	assert_false(metrics_has(f, "vm=\"alpha\""));

	/* A state change as the supervisor's callbacks write it. */
	set_observed(f, "beta", VM_STATE_CRASHED);
	list_field(f, "beta", "state", value, sizeof(value));
	assert_string_equal(value, "crashed");
	assert_true(metrics_has(f, "vmmd_vm_state{vm=\"beta\",state=\"crashed\"} 1\n"));

	vm_def_init(&def);
	snprintf(def.name, sizeof(def.name), "beta");
	def.kernel = strdup(f->kernel);
	def.memory_mib = 128;
	assert_int_equal(vmmd_vm_update(&f->d, &def, msg, sizeof(msg)), API_OK);
	vm_def_free(&def);
	assert_true(metrics_has(f, "vmmd_vm_memory_bytes{vm=\"beta\"} 134217728\n"));
	list_field(f, "beta", "kernel", value, sizeof(value));
	assert_string_equal(value, f->kernel);
}

struct start_thread {
	struct fixture *f;
	enum api_error code;
	char msg[512];
	atomic_bool done;
};

static void *start_main(void *opaque)
{
	struct start_thread *t = opaque;

	t->code = vmmd_vm_start(&t->f->d, "slow", t->msg, sizeof(t->msg));
	atomic_store(&t->done, true);
	return NULL;
}

static void test_start_waits_unlocked(void **state)
{
	struct fixture *f = *state;
	struct start_thread t = { .f = f };
	char value[64], msg[512] = "";
	pthread_t thread;
	int fd;

	create_vm(f, "slow", 32);
	assert_int_equal(pthread_create(&thread, NULL, start_main, &t), 0);
	/* The worker waits for the FIFO: the start is pending until we write to it. */
	for (;;) {
		list_field(f, "slow", "state", value, sizeof(value));
		if (!strcmp(value, "starting"))
			break;
		if (atomic_load(&t.done))
			fail_msg("the start ended before it was seen starting: %s", t.msg);
		usleep(1000);
	}
	assert_int_equal(vmmd_vm_stop(&f->d, "slow", VMMD_STOP_NOW, msg, sizeof(msg)),
			 API_ERR_BUSY);
	assert_int_equal(vmmd_vm_start(&f->d, "slow", msg, sizeof(msg)), API_ERR_VM_RUNNING);
	assert_int_equal(vmmd_vm_delete(&f->d, "slow", msg, sizeof(msg)), API_ERR_VM_RUNNING);
	/*
	 * A write to another VM takes the daemon's lock: with the lock held by
	 * the start it would return only after the start gave up (5 s).
	 */
	create_vm(f, "other", 32);
	assert_false(atomic_load(&t.done));
	assert_int_equal(list_count(f), 2);

	fd = open(f->fifo, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
	assert_int_equal(pthread_join(thread, NULL), 0);
	/* The worker exited 3 before it ever answered: a failed start. */
	assert_int_equal(t.code, API_ERR_INVALID_VALUE);
	list_field(f, "slow", "state", value, sizeof(value));
	assert_string_equal(value, "stopped");
	assert_int_equal(vmmd_vm_delete(&f->d, "slow", msg, sizeof(msg)), API_OK);
	assert_int_equal(list_count(f), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_follows_writes, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_start_waits_unlocked, fixture_setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
