// SPDX-License-Identifier: MIT
/*
 * The sqlite store: CRUD, state changes with their events, decisions,
 * schema versions, a process killed mid-transaction, and a full disk
 * (simulated with PRAGMA max_page_count through store_limit_size).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "daemon/store.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_store.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, STORE_FILE_NAME);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	char path[160];

	static const char *const suffixes[] = { "", "-wal", "-shm" };

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A valid definition named name; the caller frees it. */
static void make_def(struct vm_def *def, const char *name, unsigned int memory_mib)
{
	vm_def_init(def);
	snprintf(def->name, sizeof(def->name), "%s", name);
	def->kernel = strdup("/boot/kernel.elf");
	def->memory_mib = memory_mib;
	assert_int_equal(vm_def_validate(def, NULL, 0), 0);
}

static struct store *open_store(struct fixture *f)
{
	struct store *store = NULL;
	char err[256] = "";

	if (store_open(f->path, &store, err, sizeof(err)))
		fail_msg("store_open: %s", err);
	return store;
}

static void create_vm(struct store *store, const char *name, unsigned int memory_mib)
{
	struct vm_def def;
	char err[256] = "";

	make_def(&def, name, memory_mib);
	if (store_vm_create(store, &def, err, sizeof(err)))
		fail_msg("create %s: %s", name, err);
	vm_def_free(&def);
}

/* Runs one SQL query on the file with a separate connection; returns its integer. */
static long long query_int(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long long v = -1;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void test_open_schema(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_store(f);
	char err[256];

	assert_int_equal(store_check(store, err, sizeof(err)), 0);
	store_close(store);
	assert_int_equal(query_int(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(f, "SELECT count(*) FROM sqlite_master WHERE name IN "
				      "('vms','events','decisions')"),
			 3);
	/* WAL mode is persistent in the file. */
	assert_int_equal(query_int(f, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	/* Opening again migrates nothing and works. */
	store = open_store(f);
	store_close(store);
	assert_int_equal(query_int(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}

static void test_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct store *store = NULL;
	char err[256] = "";
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), 0);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, &store, err, sizeof(err)), -EPROTO);
	assert_null(store);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "99"));
}

static void test_open_bad_path(void **state)
{
	struct store *store = NULL;
	char err[256] = "";

	assert_true(store_open("/nonexistent-dir/x/vmmd.db", &store, err, sizeof(err)) < 0);
	assert_null(store);
	assert_non_null(strstr(err, "/nonexistent-dir/x/vmmd.db"));
}

static int collect_names(const struct store_vm_row *row, void *opaque)
{
	char *names = opaque;

	strcat(names, row->name);
	strcat(names, row->state.observed == VM_STATE_STOPPED ? ":stopped " : ":? ");
	assert_non_null(strstr(row->definition, row->name));
	return 0;
}

static int stop_at_first(const struct store_vm_row *row, void *opaque)
{
	(*(int *)opaque)++;
	return 42;
}

static void test_vm_crud(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_store(f);
	struct store_vm_state st;
	struct vm_def def;
	char names[256] = "";
	char err[256] = "";
	unsigned int count = 0;
	int calls = 0;

	create_vm(store, "web2", 64);
	create_vm(store, "db", 128);
	create_vm(store, "web1", 256);

	make_def(&def, "db", 512);
	assert_int_equal(store_vm_create(store, &def, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "db"));
	vm_def_free(&def);

	assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
	assert_int_equal(count, 3);
	assert_int_equal(store_vm_list(store, collect_names, names, NULL, 0), 0);
	assert_string_equal(names, "db:stopped web1:stopped web2:stopped ");
	assert_int_equal(store_vm_list(store, stop_at_first, &calls, NULL, 0), 42);
	assert_int_equal(calls, 1);

	assert_int_equal(store_vm_get(store, "web1", &def, &st, NULL, 0), 0);
	assert_string_equal(def.name, "web1");
	assert_int_equal(def.memory_mib, 256);
	assert_string_equal(def.kernel, "/boot/kernel.elf");
	assert_int_equal(st.desired, VM_STATE_STOPPED);
	assert_int_equal(st.observed, VM_STATE_STOPPED);
	assert_int_equal(st.pid, 0);
	assert_true(st.created_at_ms > 1600000000000LL);
	assert_int_equal(st.created_at_ms, st.updated_at_ms);

	/* Update replaces the definition. */
	def.memory_mib = 1024;
	def.autostart = true;
	assert_int_equal(store_vm_update(store, &def, NULL, 0), 0);
	vm_def_free(&def);
	assert_int_equal(store_vm_get(store, "web1", &def, NULL, NULL, 0), 0);
	assert_int_equal(def.memory_mib, 1024);
	assert_true(def.autostart);
	vm_def_free(&def);
	make_def(&def, "ghost", 64);
	assert_int_equal(store_vm_update(store, &def, err, sizeof(err)), -ENOENT);
	vm_def_free(&def);

	assert_int_equal(store_vm_delete(store, "db", NULL, 0), 0);
	assert_int_equal(store_vm_delete(store, "db", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "db"));
	assert_int_equal(store_vm_get(store, "db", &def, NULL, err, sizeof(err)), -ENOENT);
	assert_int_equal(store_vm_get(store, "db", NULL, &st, NULL, 0), -ENOENT);
	assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
	assert_int_equal(count, 2);
	store_close(store);

	/* It all survives a reopen. */
	store = open_store(f);
	assert_int_equal(store_vm_get(store, "web2", NULL, &st, NULL, 0), 0);
	assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
	assert_int_equal(count, 2);
	store_close(store);
}

struct event_log {
	int count;
	char text[1024];
	int64_t last_id;
};

static int collect_events(const struct store_event *ev, void *opaque)
{
	struct event_log *log = opaque;
	size_t used = strlen(log->text);

	assert_true(ev->id > log->last_id);
	log->last_id = ev->id;
	log->count++;
	snprintf(log->text + used, sizeof(log->text) - used, "%s/%s/%s>%s/%s;", ev->vm, ev->kind,
		 ev->from_state ? ev->from_state : "-", ev->to_state ? ev->to_state : "-",
		 ev->message ? ev->message : "-");
	return 0;
}

static void test_state_and_events(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_store(f);
	struct store_vm_state st = { 0 };
	struct event_log log = { 0 };
	int64_t id = 0, last = -1, first_id;
	char err[256];

	create_vm(store, "vm1", 64);
	st.desired = VM_STATE_RUNNING;
	st.observed = VM_STATE_STARTING;
	st.pid = 4242;
	st.started_at_ms = 1234;
	st.restart_count = 3;
	assert_int_equal(store_vm_set_state(store, "vm1", &st, "state", NULL, &id, NULL, 0), 0);
	first_id = id;
	st.observed = VM_STATE_RUNNING;
	assert_int_equal(store_vm_set_state(store, "vm1", &st, NULL, "guest up", &id, NULL, 0), 0);
	assert_true(id > first_id);
	assert_int_equal(
		store_vm_set_state(store, "nope", &st, "state", NULL, NULL, err, sizeof(err)),
		-ENOENT);

	memset(&st, 0, sizeof(st));
	assert_int_equal(store_vm_get(store, "vm1", NULL, &st, NULL, 0), 0);
	assert_int_equal(st.desired, VM_STATE_RUNNING);
	assert_int_equal(st.observed, VM_STATE_RUNNING);
	assert_int_equal(st.pid, 4242);
	assert_int_equal(st.started_at_ms, 1234);
	assert_int_equal(st.restart_count, 3);

	assert_int_equal(store_vm_delete(store, "vm1", NULL, 0), 0);
	assert_int_equal(store_events_since(store, 0, 0, collect_events, &log, NULL, 0), 0);
	assert_int_equal(log.count, 4);
	assert_string_equal(log.text, "vm1/created/->stopped/-;"
				      "vm1/state/stopped>starting/-;"
				      "vm1/state/starting>running/guest up;"
				      "vm1/deleted/->-/-;");
	assert_int_equal(store_events_last_id(store, &last, NULL, 0), 0);
	assert_int_equal(last, log.last_id);

	/* Resume after an id, and a limit. */
	memset(&log, 0, sizeof(log));
	assert_int_equal(store_events_since(store, first_id, 1, collect_events, &log, NULL, 0), 0);
	assert_int_equal(log.count, 1);
	assert_string_equal(log.text, "vm1/state/starting>running/guest up;");
	memset(&log, 0, sizeof(log));
	assert_int_equal(store_events_since(store, last, 0, collect_events, &log, NULL, 0), 0);
	assert_int_equal(log.count, 0);
	store_close(store);
}

static void test_decisions(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_store(f);
	struct store_decision d = {
		.vm = "vm1",
		.kind = "migrate",
		.inputs = "{\"heat\":[1,2,3]}",
		.order = "{\"to_node\":1}",
		.reason = "node 0 is full",
	};
	char err[256];
	int64_t id = 0;

	assert_int_equal(store_decision_add(store, &d, &id, NULL, 0), 0);
	assert_true(id > 0);
	d.order = "not json";
	assert_int_equal(store_decision_add(store, &d, NULL, err, sizeof(err)), -EINVAL);
	d.order = "{}";
	d.reason = NULL;
	assert_int_equal(store_decision_add(store, &d, NULL, err, sizeof(err)), -EINVAL);
	store_close(store);
	assert_int_equal(query_int(f, "SELECT count(*) FROM decisions"), 1);
}

/* The crash tests: kill the child between the statements of one transaction. */
static const char *crash_point;

static void crash_hook(const char *point)
{
	if (strcmp(point, crash_point) == 0)
		raise(SIGKILL);
}

static void crash_child(struct fixture *f, const char *point)
{
	struct store_vm_state st = { .desired = VM_STATE_RUNNING,
				     .observed = VM_STATE_RUNNING,
				     .pid = 99 };
	struct store *store = NULL;
	struct vm_def def;

	if (store_open(f->path, &store, NULL, 0))
		_exit(2);
	crash_point = point;
	store_test_hook = crash_hook;
	if (!strcmp(point, "vm_create")) {
		make_def(&def, "new", 64);
		store_vm_create(store, &def, NULL, 0);
	} else if (!strcmp(point, "vm_update")) {
		make_def(&def, "keep", 4096);
		store_vm_update(store, &def, NULL, 0);
	} else if (!strcmp(point, "vm_delete")) {
		store_vm_delete(store, "keep", NULL, 0);
	} else {
		store_vm_set_state(store, "keep", &st, "state", NULL, NULL, NULL, 0);
	}
	/* The hook did not fire: the parent sees a normal exit and fails. */
	_exit(3);
}

static void test_crash_mid_transaction(void **state)
{
	static const char *const points[] = { "vm_create", "vm_update", "vm_delete",
					      "vm_set_state" };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		struct store *store;
		struct store_vm_state st;
		struct vm_def def;
		unsigned int count = 0;
		int64_t last_before = 0, last_after = 0;
		char err[256] = "";
		int status;
		pid_t pid;

		fixture_teardown(state);
		fixture_setup(state);
		f = *state;
		store = open_store(f);
		create_vm(store, "keep", 64);
		assert_int_equal(store_events_last_id(store, &last_before, NULL, 0), 0);
		/*
		 * The parent keeps a connection open across the crash: the
		 * child's uncommitted WAL frames must never become visible.
		 */
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			crash_child(f, points[i]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail_msg("%s: child was not killed mid-transaction (status %#x)", points[i],
				 status);
		store_close(store);

		store = open_store(f);
		if (store_check(store, err, sizeof(err)))
			fail_msg("%s: %s", points[i], err);
		assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
		assert_int_equal(count, 1);
		assert_int_equal(store_vm_get(store, "keep", &def, &st, NULL, 0), 0);
		assert_int_equal(def.memory_mib, 64);
		assert_int_equal(st.observed, VM_STATE_STOPPED);
		assert_int_equal(st.pid, 0);
		vm_def_free(&def);
		assert_int_equal(store_events_last_id(store, &last_after, NULL, 0), 0);
		assert_int_equal(last_after, last_before);
		/* The store still takes writes. */
		create_vm(store, "new", 64);
		store_close(store);
	}
	store_test_hook = NULL;
}

static int count_kind(const struct store_event *ev, void *opaque)
{
	if (!strcmp(ev->kind, "created"))
		(*(unsigned int *)opaque)++;
	return 0;
}

static void test_disk_full(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_store(f);
	struct store_vm_state st = { .desired = VM_STATE_RUNNING, .observed = VM_STATE_RUNNING };
	unsigned int created = 0, count = 0, events = 0;
	char err[256] = "";
	char name[32];
	int ret = 0;

	assert_int_equal(store_limit_size(store, 96 * 1024, NULL, 0), 0);
	for (int i = 0; i < 1000; i++) {
		struct vm_def def;

		snprintf(name, sizeof(name), "vm%d", i);
		make_def(&def, name, 64);
		def.cmdline = malloc(VM_DEF_CMDLINE_MAX + 1);
		memset(def.cmdline, 'x', VM_DEF_CMDLINE_MAX);
		def.cmdline[VM_DEF_CMDLINE_MAX] = '\0';
		ret = store_vm_create(store, &def, err, sizeof(err));
		vm_def_free(&def);
		if (ret)
			break;
		created++;
	}
	assert_int_equal(ret, -ENOSPC);
	assert_non_null(strstr(err, "full"));
	assert_true(created > 0);
	/* Nothing half-written: every VM has exactly its "created" event. */
	assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
	assert_int_equal(count, created);
	assert_int_equal(store_events_since(store, 0, 0, count_kind, &events, NULL, 0), 0);
	assert_int_equal(events, created);
	assert_int_equal(store_check(store, err, sizeof(err)), 0);
	/* Reads still work, and so do writes that fit (or fail cleanly). */
	ret = store_vm_set_state(store, "vm0", &st, "state", NULL, NULL, err, sizeof(err));
	assert_true(ret == 0 || ret == -ENOSPC);
	store_close(store);

	/* Space again: the store takes writes. */
	store = open_store(f);
	assert_int_equal(store_check(store, err, sizeof(err)), 0);
	create_vm(store, "after", 64);
	assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
	assert_int_equal(count, created + 1);
	store_close(store);
}

struct worker_arg {
	struct store *store;
	int index;
	int failures;
};

/* Creates 25 VMs and moves each to running, from one of several threads. */
static void *concurrent_worker(void *opaque)
{
	struct worker_arg *arg = opaque;
	struct store_vm_state st = { .desired = VM_STATE_RUNNING, .observed = VM_STATE_RUNNING };

	for (int i = 0; i < 25; i++) {
		struct vm_def def;
		char name[32];

		snprintf(name, sizeof(name), "t%d-%d", arg->index, i);
		vm_def_init(&def);
		snprintf(def.name, sizeof(def.name), "%s", name);
		def.kernel = strdup("/k");
		if (store_vm_create(arg->store, &def, NULL, 0) ||
		    store_vm_set_state(arg->store, name, &st, "state", NULL, NULL, NULL, 0))
			arg->failures++;
		vm_def_free(&def);
	}
	return NULL;
}

static int count_all(const struct store_event *ev, void *opaque)
{
	(*(unsigned int *)opaque)++;
	return 0;
}

/* Threads share one store: every transaction stays whole. */
static void test_concurrent(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_store(f);
	struct worker_arg args[4];
	pthread_t threads[4];
	unsigned int count = 0, events = 0;

	for (int i = 0; i < 4; i++) {
		args[i] = (struct worker_arg){ .store = store, .index = i };
		assert_int_equal(pthread_create(&threads[i], NULL, concurrent_worker, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	assert_int_equal(store_vm_count(store, &count, NULL, 0), 0);
	assert_int_equal(count, 100);
	assert_int_equal(store_events_since(store, 0, 0, count_all, &events, NULL, 0), 0);
	assert_int_equal(events, 200);
	assert_int_equal(store_check(store, NULL, 0), 0);
	store_close(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_schema, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_open_bad_path, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_vm_crud, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_state_and_events, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_decisions, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_crash_mid_transaction, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
