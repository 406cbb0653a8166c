// SPDX-License-Identifier: MIT
/*
 * The sqlite state store. Statements are prepared once at open and reused;
 * one mutex serialises callers because a transaction spans several calls
 * into sqlite and two threads must not interleave inside one.
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* How long a writer waits for another connection's lock before -EBUSY. */
#define STORE_BUSY_TIMEOUT_MS 5000

void (*store_test_hook)(const char *point);

#define STORE_STATES "('stopped','starting','running','paused','stopping','crashed')"

/*
 * Migration N (index N-1) takes the schema from version N-1 to N. Append
 * new ones; never edit one that has shipped.
 */
static const char *const store_migrations[] = {
	/* 1: the initial schema. */
	"CREATE TABLE vms ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  definition TEXT NOT NULL CHECK (json_valid(definition)),"
	"  desired_state TEXT NOT NULL DEFAULT 'stopped' CHECK (desired_state IN " STORE_STATES "),"
	"  observed_state TEXT NOT NULL DEFAULT 'stopped' CHECK (observed_state IN " STORE_STATES
	"),"
	"  pid INTEGER NOT NULL DEFAULT 0,"
	"  started_at INTEGER NOT NULL DEFAULT 0,"
	"  restart_count INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	/* AUTOINCREMENT: event ids are never reused, so a client can resume. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  vm TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  from_state TEXT,"
	"  to_state TEXT,"
	"  message TEXT"
	");"
	"CREATE INDEX events_by_vm ON events (vm, id);"
	"CREATE TABLE decisions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time INTEGER NOT NULL,"
	"  vm TEXT,"
	"  kind TEXT NOT NULL,"
	"  inputs TEXT NOT NULL CHECK (json_valid(inputs)),"
	"  \"order\" TEXT NOT NULL CHECK (json_valid(\"order\")),"
	"  reason TEXT NOT NULL"
	");"
	"CREATE INDEX decisions_by_vm ON decisions (vm, id);",
};

enum store_stmt {
	STORE_BEGIN,
	STORE_COMMIT,
	STORE_ROLLBACK,
	STORE_VM_INSERT,
	STORE_VM_GET,
	STORE_VM_LIST,
	STORE_VM_COUNT,
	STORE_VM_UPDATE,
	STORE_VM_DELETE,
	STORE_VM_OBSERVED,
	STORE_VM_SET_STATE,
	STORE_EVENT_INSERT,
	STORE_EVENTS_SINCE,
	STORE_EVENTS_LAST,
	STORE_DECISION_INSERT,
	STORE_STMT_COUNT,
};

static const char *const store_sql[STORE_STMT_COUNT] = {
	/* IMMEDIATE: take the write lock up front, so no upgrade can deadlock. */
	[STORE_BEGIN] = "BEGIN IMMEDIATE",
	[STORE_COMMIT] = "COMMIT",
	[STORE_ROLLBACK] = "ROLLBACK",
	[STORE_VM_INSERT] = "INSERT INTO vms (name, definition, created_at, updated_at) "
			    "VALUES (?1, ?2, ?3, ?3)",
	[STORE_VM_GET] = "SELECT definition, desired_state, observed_state, pid, started_at, "
			 "restart_count, created_at, updated_at FROM vms WHERE name = ?1",
	[STORE_VM_LIST] = "SELECT name, definition, desired_state, observed_state, pid, "
			  "started_at, restart_count, created_at, updated_at FROM vms "
			  "ORDER BY name",
	[STORE_VM_COUNT] = "SELECT count(*) FROM vms",
	[STORE_VM_UPDATE] = "UPDATE vms SET definition = ?2, updated_at = ?3 WHERE name = ?1",
	[STORE_VM_DELETE] = "DELETE FROM vms WHERE name = ?1",
	[STORE_VM_OBSERVED] = "SELECT observed_state FROM vms WHERE name = ?1",
	[STORE_VM_SET_STATE] = "UPDATE vms SET desired_state = ?2, observed_state = ?3, pid = ?4, "
			       "started_at = ?5, restart_count = ?6, updated_at = ?7 "
			       "WHERE name = ?1",
	[STORE_EVENT_INSERT] = "INSERT INTO events (vm, time, kind, from_state, to_state, message) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STORE_EVENTS_SINCE] = "SELECT id, vm, time, kind, from_state, to_state, message "
			       "FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
	[STORE_EVENTS_LAST] = "SELECT coalesce(max(id), 0) FROM events",
	[STORE_DECISION_INSERT] = "INSERT INTO decisions (time, vm, kind, inputs, \"order\", "
				  "reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STORE_STMT_COUNT];
	pthread_mutex_t lock;
	/* Bumped after every write transaction: readers' caches compare it. */
	atomic_uint_fast64_t generation;
};

static void store_message(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void store_message(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* Maps a sqlite result code to -errno; a full disk must read as ENOSPC. */
static int store_errno(sqlite3 *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CONSTRAINT:
		return rc == SQLITE_CONSTRAINT_UNIQUE ? -EEXIST : -EINVAL;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if (db && sqlite3_system_errno(db) > 0)
			return -sqlite3_system_errno(db);
		return -EIO;
	default:
		return -EIO;
	}
}

/* Reports a failed sqlite call as "what: sqlite's message" and returns -errno. */
static int store_fail(struct store *store, int rc, const char *what, char *err, size_t err_len)
{
	int ret = store_errno(store->db, rc);

	if (ret == -ENOSPC)
		store_message(err, err_len, "%s: state database full (%s)", what,
			      sqlite3_errmsg(store->db));
	else
		store_message(err, err_len, "%s: %s", what, sqlite3_errmsg(store->db));
	return ret;
}

static int64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs a statement that returns no rows, then resets it. Returns a sqlite code. */
static int store_run(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void store_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int store_begin(struct store *store, const char *what, char *err, size_t err_len)
{
	int rc = store_run(store->stmt[STORE_BEGIN]);

	return rc ? store_fail(store, rc, what, err, err_len) : 0;
}

/*
 * Ends the transaction: COMMIT when ret is 0, else ROLLBACK. sqlite may
 * already have rolled back by itself (SQLITE_FULL does), hence the
 * autocommit test. Returns ret, or the COMMIT failure.
 */
static int store_end(struct store *store, int ret, const char *what, char *err, size_t err_len)
{
	int rc;

	/* Also after a rollback: a cache rebuilt for nothing is cheaper than a stale one. */
	atomic_fetch_add(&store->generation, 1);
	if (!ret) {
		rc = store_run(store->stmt[STORE_COMMIT]);
		if (rc == SQLITE_OK)
			return 0;
		ret = store_fail(store, rc, what, err, err_len);
	}
	if (!sqlite3_get_autocommit(store->db))
		store_run(store->stmt[STORE_ROLLBACK]);
	return ret;
}

static void store_hook(const char *point)
{
	if (store_test_hook)
		store_test_hook(point);
}

static int store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	if (!text)
		return sqlite3_bind_null(stmt, index);
	return sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

/* Appends an event row; must run inside the caller's transaction. */
static int store_event_insert(struct store *store, const char *vm, int64_t now, const char *kind,
			      const char *from, const char *to, const char *message)
{
	sqlite3_stmt *stmt = store->stmt[STORE_EVENT_INSERT];

	store_bind_text(stmt, 1, vm);
	sqlite3_bind_int64(stmt, 2, now);
	store_bind_text(stmt, 3, kind);
	store_bind_text(stmt, 4, from);
	store_bind_text(stmt, 5, to);
	store_bind_text(stmt, 6, message);
	return store_run(stmt);
}

/* Reads PRAGMA user_version into *version. Returns a sqlite code. */
static int store_user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL);

	if (rc)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Applies each missing migration in its own transaction. */
static int store_migrate(struct store *store, char *err, size_t err_len)
{
	const int latest = (int)ARRAY_SIZE(store_migrations);
	char sql[64];
	int version = 0;
	int rc;

	for (;;) {
		rc = sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc)
			return store_fail(store, rc, "begin migration", err, err_len);
		/* Read inside the transaction: another vmmd may have migrated. */
		rc = store_user_version(store->db, &version);
		if (rc)
			goto fail;
		if (version > latest) {
			sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
			store_message(err, err_len,
				      "database schema version %d is newer than this vmmd "
				      "understands (%d): upgrade vmmd",
				      version, latest);
			return -EPROTO;
		}
		if (version == latest)
			break;
		rc = sqlite3_exec(store->db, store_migrations[version], NULL, NULL, NULL);
		if (rc)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
		rc = sqlite3_exec(store->db, sql, NULL, NULL, NULL);
		if (rc)
			goto fail;
		rc = sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
		if (rc)
			goto fail;
	}
	sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
	return 0;
fail:
	snprintf(sql, sizeof(sql), "migration to schema version %d", version + 1);
	rc = store_fail(store, rc, sql, err, err_len);
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int store_journal_cb(void *opaque, int columns, char **values, char **names)
{
	bool *wal = opaque;

	*wal = columns == 1 && values[0] && strcmp(values[0], "wal") == 0;
	return 0;
}

int store_open(const char *path, struct store **out, char *err, size_t err_len)
{
	struct store *store;
	bool wal = false;
	int ret, rc;

	*out = NULL;
	store = calloc(1, sizeof(*store));
	if (!store) {
		store_message(err, err_len, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&store->lock, NULL);
	rc = sqlite3_open_v2(path, &store->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc) {
		ret = store->db ? store_errno(store->db, rc) : -ENOMEM;
		store_message(err, err_len, "%s: %s", path,
			      store->db ? sqlite3_errmsg(store->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(store->db, 1);
	sqlite3_busy_timeout(store->db, STORE_BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(store->db, "PRAGMA journal_mode = WAL", store_journal_cb, &wal, NULL);
	if (rc) {
		ret = store_fail(store, rc, path, err, err_len);
		goto fail;
	}
	if (!wal) {
		store_message(err, err_len, "%s: the file system does not support WAL mode", path);
		ret = -EIO;
		goto fail;
	}
	/*
	 * NORMAL is durable across a process crash in WAL mode; only a power
	 * loss may lose the last transactions, never consistency.
	 */
	rc = sqlite3_exec(store->db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", NULL,
			  NULL, NULL);
	if (rc) {
		ret = store_fail(store, rc, path, err, err_len);
		goto fail;
	}
	ret = store_migrate(store, err, err_len);
	if (ret)
		goto fail;
	for (int i = 0; i < STORE_STMT_COUNT; i++) {
		rc = sqlite3_prepare_v3(store->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&store->stmt[i], NULL);
		if (rc) {
			ret = store_fail(store, rc, "prepare", err, err_len);
			goto fail;
		}
	}
	*out = store;
	return 0;
fail:
	store_close(store);
	return ret;
}

void store_close(struct store *store)
{
	if (!store)
		return;
	for (int i = 0; i < STORE_STMT_COUNT; i++)
		sqlite3_finalize(store->stmt[i]);
	/* The last connection to close checkpoints the WAL into the database. */
	sqlite3_close(store->db);
	pthread_mutex_destroy(&store->lock);
	free(store);
}

int store_limit_size(struct store *store, uint64_t max_bytes, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = NULL;
	char sql[80];
	int ret = 0;
	int page_size = 4096;
	int rc;

	pthread_mutex_lock(&store->lock);
	rc = sqlite3_prepare_v2(store->db, "PRAGMA page_size", -1, &stmt, NULL);
	if (!rc && sqlite3_step(stmt) == SQLITE_ROW)
		page_size = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRIu64,
		 max_bytes / (uint64_t)page_size);
	rc = sqlite3_exec(store->db, sql, NULL, NULL, NULL);
	if (rc)
		ret = store_fail(store, rc, "limit size", err, err_len);
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_vm_create(struct store *store, const struct vm_def *def, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_VM_INSERT];
	int64_t now = store_now_ms();
	char *text = vm_def_to_json_string(def);
	int ret, rc;

	if (!text) {
		store_message(err, err_len, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_lock(&store->lock);
	ret = store_begin(store, "create", err, err_len);
	if (ret)
		goto out;
	store_bind_text(stmt, 1, def->name);
	store_bind_text(stmt, 2, text);
	sqlite3_bind_int64(stmt, 3, now);
	rc = store_run(stmt);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		store_message(err, err_len, "a VM named '%s' already exists", def->name);
		ret = -EEXIST;
		goto end;
	}
	if (rc) {
		ret = store_fail(store, rc, "create", err, err_len);
		goto end;
	}
	store_hook("vm_create");
	rc = store_event_insert(store, def->name, now, "created", NULL, "stopped", NULL);
	if (rc)
		ret = store_fail(store, rc, "create", err, err_len);
end:
	ret = store_end(store, ret, "create", err, err_len);
out:
	pthread_mutex_unlock(&store->lock);
	free(text);
	return ret;
}

/* Reads the state columns starting at column first. */
static void store_read_state(sqlite3_stmt *stmt, int first, struct store_vm_state *state)
{
	const char *desired = (const char *)sqlite3_column_text(stmt, first);
	const char *observed = (const char *)sqlite3_column_text(stmt, first + 1);

	memset(state, 0, sizeof(*state));
	/* The schema's CHECK constraints keep these parseable. */
	if (!desired || vm_state_parse(desired, &state->desired))
		state->desired = VM_STATE_STOPPED;
	if (!observed || vm_state_parse(observed, &state->observed))
		state->observed = VM_STATE_CRASHED;
	state->pid = (pid_t)sqlite3_column_int64(stmt, first + 2);
	state->started_at_ms = sqlite3_column_int64(stmt, first + 3);
	state->restart_count = (unsigned int)sqlite3_column_int64(stmt, first + 4);
	state->created_at_ms = sqlite3_column_int64(stmt, first + 5);
	state->updated_at_ms = sqlite3_column_int64(stmt, first + 6);
}

int store_vm_get(struct store *store, const char *name, struct vm_def *def,
		 struct store_vm_state *state, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_VM_GET];
	char why[256];
	int ret = 0;
	int rc;

	if (def)
		vm_def_init(def);
	pthread_mutex_lock(&store->lock);
	store_bind_text(stmt, 1, name);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		store_message(err, err_len, "no VM named '%s'", name);
		ret = -ENOENT;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ret = store_fail(store, rc, "get", err, err_len);
		goto out;
	}
	if (state)
		store_read_state(stmt, 1, state);
	if (def) {
		ret = vm_def_from_json((const char *)sqlite3_column_text(stmt, 0),
				       (size_t)sqlite3_column_bytes(stmt, 0), def, why,
				       sizeof(why));
		if (ret) {
			store_message(err, err_len, "stored definition of '%s' is invalid: %s",
				      name, why);
			ret = ret == -ENOMEM ? ret : -EIO;
		}
	}
out:
	store_done(stmt);
	pthread_mutex_unlock(&store->lock);
	return ret;
}

/* store_generation - see store.h. */
uint64_t store_generation(struct store *store)
{
	return atomic_load(&store->generation);
}

int store_vm_list(struct store *store, store_vm_fn fn, void *opaque, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_VM_LIST];
	struct store_vm_row row;
	int ret = 0;
	int rc;

	pthread_mutex_lock(&store->lock);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row.name = (const char *)sqlite3_column_text(stmt, 0);
		row.definition = (const char *)sqlite3_column_text(stmt, 1);
		store_read_state(stmt, 2, &row.state);
		ret = fn(&row, opaque);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(store, rc, "list", err, err_len);
	store_done(stmt);
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_vm_count(struct store *store, unsigned int *count, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_VM_COUNT];
	int ret = 0;
	int rc;

	pthread_mutex_lock(&store->lock);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = (unsigned int)sqlite3_column_int64(stmt, 0);
	else
		ret = store_fail(store, rc, "count", err, err_len);
	store_done(stmt);
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_vm_update(struct store *store, const struct vm_def *def, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_VM_UPDATE];
	int64_t now = store_now_ms();
	char *text = vm_def_to_json_string(def);
	int ret, rc;

	if (!text) {
		store_message(err, err_len, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_lock(&store->lock);
	ret = store_begin(store, "update", err, err_len);
	if (ret)
		goto out;
	store_bind_text(stmt, 1, def->name);
	store_bind_text(stmt, 2, text);
	sqlite3_bind_int64(stmt, 3, now);
	rc = store_run(stmt);
	if (rc) {
		ret = store_fail(store, rc, "update", err, err_len);
		goto end;
	}
	if (sqlite3_changes(store->db) == 0) {
		store_message(err, err_len, "no VM named '%s'", def->name);
		ret = -ENOENT;
		goto end;
	}
	store_hook("vm_update");
	rc = store_event_insert(store, def->name, now, "updated", NULL, NULL, NULL);
	if (rc)
		ret = store_fail(store, rc, "update", err, err_len);
end:
	ret = store_end(store, ret, "update", err, err_len);
out:
	pthread_mutex_unlock(&store->lock);
	free(text);
	return ret;
}

int store_vm_delete(struct store *store, const char *name, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_VM_DELETE];
	int64_t now = store_now_ms();
	int ret, rc;

	pthread_mutex_lock(&store->lock);
	ret = store_begin(store, "delete", err, err_len);
	if (ret)
		goto out;
	store_bind_text(stmt, 1, name);
	rc = store_run(stmt);
	if (rc) {
		ret = store_fail(store, rc, "delete", err, err_len);
		goto end;
	}
	if (sqlite3_changes(store->db) == 0) {
		store_message(err, err_len, "no VM named '%s'", name);
		ret = -ENOENT;
		goto end;
	}
	store_hook("vm_delete");
	rc = store_event_insert(store, name, now, "deleted", NULL, NULL, NULL);
	if (rc)
		ret = store_fail(store, rc, "delete", err, err_len);
end:
	ret = store_end(store, ret, "delete", err, err_len);
out:
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_vm_set_state(struct store *store, const char *name, const struct store_vm_state *state,
		       const char *kind, const char *message, int64_t *event_id, char *err,
		       size_t err_len)
{
	sqlite3_stmt *get = store->stmt[STORE_VM_OBSERVED];
	sqlite3_stmt *set = store->stmt[STORE_VM_SET_STATE];
	const char *to = vm_state_name(state->observed);
	int64_t now = store_now_ms();
	char from[16] = "";
	int ret, rc;

	pthread_mutex_lock(&store->lock);
	ret = store_begin(store, "set state", err, err_len);
	if (ret)
		goto out;
	store_bind_text(get, 1, name);
	rc = sqlite3_step(get);
	if (rc == SQLITE_ROW)
		snprintf(from, sizeof(from), "%s", (const char *)sqlite3_column_text(get, 0));
	store_done(get);
	if (rc == SQLITE_DONE) {
		store_message(err, err_len, "no VM named '%s'", name);
		ret = -ENOENT;
		goto end;
	}
	if (rc != SQLITE_ROW) {
		ret = store_fail(store, rc, "set state", err, err_len);
		goto end;
	}
	store_bind_text(set, 1, name);
	store_bind_text(set, 2, vm_state_name(state->desired));
	store_bind_text(set, 3, to);
	sqlite3_bind_int64(set, 4, state->pid);
	sqlite3_bind_int64(set, 5, state->started_at_ms);
	sqlite3_bind_int64(set, 6, state->restart_count);
	sqlite3_bind_int64(set, 7, now);
	rc = store_run(set);
	if (rc) {
		ret = store_fail(store, rc, "set state", err, err_len);
		goto end;
	}
	store_hook("vm_set_state");
	rc = store_event_insert(store, name, now, kind ? kind : "state", from, to, message);
	if (rc) {
		ret = store_fail(store, rc, "set state", err, err_len);
		goto end;
	}
	if (event_id)
		*event_id = sqlite3_last_insert_rowid(store->db);
end:
	ret = store_end(store, ret, "set state", err, err_len);
out:
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_events_since(struct store *store, int64_t after_id, unsigned int limit, store_event_fn fn,
		       void *opaque, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_EVENTS_SINCE];
	struct store_event event;
	int ret = 0;
	int rc;

	pthread_mutex_lock(&store->lock);
	sqlite3_bind_int64(stmt, 1, after_id);
	/* LIMIT -1 is sqlite's "no limit". */
	sqlite3_bind_int64(stmt, 2, limit ? (int64_t)limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		event.id = sqlite3_column_int64(stmt, 0);
		event.vm = (const char *)sqlite3_column_text(stmt, 1);
		event.time_ms = sqlite3_column_int64(stmt, 2);
		event.kind = (const char *)sqlite3_column_text(stmt, 3);
		event.from_state = (const char *)sqlite3_column_text(stmt, 4);
		event.to_state = (const char *)sqlite3_column_text(stmt, 5);
		event.message = (const char *)sqlite3_column_text(stmt, 6);
		ret = fn(&event, opaque);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(store, rc, "events", err, err_len);
	store_done(stmt);
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_events_last_id(struct store *store, int64_t *id, char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_EVENTS_LAST];
	int ret = 0;
	int rc;

	pthread_mutex_lock(&store->lock);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	else
		ret = store_fail(store, rc, "events", err, err_len);
	store_done(stmt);
	pthread_mutex_unlock(&store->lock);
	return ret;
}

int store_decision_add(struct store *store, const struct store_decision *decision, int64_t *id,
		       char *err, size_t err_len)
{
	sqlite3_stmt *stmt = store->stmt[STORE_DECISION_INSERT];
	int ret = 0;
	int rc;

	if (!decision->kind || !decision->inputs || !decision->order || !decision->reason) {
		store_message(err, err_len,
			      "decision: kind, inputs, order and reason are required");
		return -EINVAL;
	}
	pthread_mutex_lock(&store->lock);
	sqlite3_bind_int64(stmt, 1, store_now_ms());
	store_bind_text(stmt, 2, decision->vm);
	store_bind_text(stmt, 3, decision->kind);
	store_bind_text(stmt, 4, decision->inputs);
	store_bind_text(stmt, 5, decision->order);
	store_bind_text(stmt, 6, decision->reason);
	rc = store_run(stmt);
	if (rc == SQLITE_CONSTRAINT_CHECK) {
		store_message(err, err_len, "decision: inputs and order must be JSON");
		ret = -EINVAL;
	} else if (rc) {
		ret = store_fail(store, rc, "decision", err, err_len);
	} else if (id) {
		*id = sqlite3_last_insert_rowid(store->db);
	}
	pthread_mutex_unlock(&store->lock);
	return ret;
}

/* Runs a check pragma that prints "ok" or nothing when all is well. */
static int store_check_pragma(struct store *store, const char *sql, const char *ok, char *err,
			      size_t err_len)
{
	sqlite3_stmt *stmt;
	int ret = 0;
	int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL);

	if (rc)
		return store_fail(store, rc, sql, err, err_len);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 0);

		if (!ok || !text || strcmp(text, ok) != 0) {
			store_message(err, err_len, "%s: %s", sql, text ? text : "problem found");
			ret = -EIO;
		}
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(store, rc, sql, err, err_len);
	}
	sqlite3_finalize(stmt);
	return ret;
}

int store_check(struct store *store, char *err, size_t err_len)
{
	int ret;

	pthread_mutex_lock(&store->lock);
	ret = store_check_pragma(store, "PRAGMA integrity_check", "ok", err, err_len);
	if (!ret)
		ret = store_check_pragma(store, "PRAGMA foreign_key_check", NULL, err, err_len);
	pthread_mutex_unlock(&store->lock);
	return ret;
}
