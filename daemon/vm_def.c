// SPDX-License-Identifier: MIT
/*
 * VM definitions: strict JSON decoding, validation and encoding.
 *
 * Decoding goes through one const table of fields, so "unknown field" is
 * simply a key the table lacks, and every error names the field it is about.
 */
#include "vm_def.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static const char *const vm_restart_policy_names[] = {
	[VM_RESTART_NO] = "no",
	[VM_RESTART_ON_FAILURE] = "on-failure",
	[VM_RESTART_ALWAYS] = "always",
};

static const char *const vm_state_names[] = {
	[VM_STATE_STOPPED] = "stopped",	  [VM_STATE_STARTING] = "starting",
	[VM_STATE_RUNNING] = "running",	  [VM_STATE_PAUSED] = "paused",
	[VM_STATE_STOPPING] = "stopping", [VM_STATE_CRASHED] = "crashed",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int vm_def_fail(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats the message into err (if any) and returns -EINVAL. */
static int vm_def_fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *vm_restart_policy_name(enum vm_restart_policy policy)
{
	if ((unsigned int)policy >= ARRAY_SIZE(vm_restart_policy_names))
		return "unknown";
	return vm_restart_policy_names[policy];
}

int vm_restart_policy_parse(const char *text, enum vm_restart_policy *policy)
{
	for (size_t i = 0; i < ARRAY_SIZE(vm_restart_policy_names); i++) {
		if (strcmp(text, vm_restart_policy_names[i]) == 0) {
			*policy = (enum vm_restart_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vm_state_name(enum vm_state state)
{
	if ((unsigned int)state >= ARRAY_SIZE(vm_state_names))
		return "unknown";
	return vm_state_names[state];
}

int vm_state_parse(const char *text, enum vm_state *state)
{
	for (size_t i = 0; i < ARRAY_SIZE(vm_state_names); i++) {
		if (strcmp(text, vm_state_names[i]) == 0) {
			*state = (enum vm_state)i;
			return 0;
		}
	}
	return -EINVAL;
}

void vm_def_init(struct vm_def *def)
{
	memset(def, 0, sizeof(*def));
	def->vcpus = VM_DEF_VCPUS_DEFAULT;
	def->memory_mib = VM_DEF_MEMORY_MIB_DEFAULT;
	def->restart_policy = VM_RESTART_NO;
	def->numa_node = -1;
}

void vm_def_free(struct vm_def *def)
{
	free(def->kernel);
	free(def->bios);
	free(def->initrd);
	free(def->cmdline);
	for (unsigned int i = 0; i < def->disk_count && i < VM_DEF_DISKS_MAX; i++)
		free(def->disks[i].path);
	vm_def_init(def);
}

/* strdup that keeps NULL as NULL; sets *failed on ENOMEM. */
static char *vm_def_strdup(const char *s, bool *failed)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		*failed = true;
	return copy;
}

int vm_def_copy(struct vm_def *dst, const struct vm_def *src)
{
	bool failed = false;

	*dst = *src;
	dst->kernel = vm_def_strdup(src->kernel, &failed);
	dst->bios = vm_def_strdup(src->bios, &failed);
	dst->initrd = vm_def_strdup(src->initrd, &failed);
	dst->cmdline = vm_def_strdup(src->cmdline, &failed);
	for (unsigned int i = 0; i < src->disk_count; i++)
		dst->disks[i].path = vm_def_strdup(src->disks[i].path, &failed);
	if (failed) {
		vm_def_free(dst);
		return -ENOMEM;
	}
	return 0;
}

bool vm_def_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > VM_DEF_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

/*
 * A host path a worker will open: absolute, bounded. Commas are refused
 * because the worker's --drive option separates its settings with them.
 */
static int vm_def_check_path(const char *field, const char *path, bool comma_ok, char *err,
			     size_t err_len)
{
	if (path[0] != '/')
		return vm_def_fail(err, err_len, "%s: must be an absolute path", field);
	if (strlen(path) > VM_DEF_PATH_MAX)
		return vm_def_fail(err, err_len, "%s: longer than %d bytes", field,
				   VM_DEF_PATH_MAX);
	if (!comma_ok && strchr(path, ','))
		return vm_def_fail(err, err_len, "%s: must not contain ','", field);
	return 0;
}

int vm_def_validate(const struct vm_def *def, char *err, size_t err_len)
{
	int ret;

	if (!vm_def_name_valid(def->name))
		return vm_def_fail(err, err_len,
				   "name: must be 1-%d characters [A-Za-z0-9][A-Za-z0-9._-]*",
				   VM_DEF_NAME_MAX);
	if (def->vcpus < VM_DEF_VCPUS_MIN || def->vcpus > VM_DEF_VCPUS_MAX)
		return vm_def_fail(err, err_len, "vcpus: must be %d to %d", VM_DEF_VCPUS_MIN,
				   VM_DEF_VCPUS_MAX);
	if (def->memory_mib < VM_DEF_MEMORY_MIB_MIN || def->memory_mib > VM_DEF_MEMORY_MIB_MAX)
		return vm_def_fail(err, err_len, "memory_mib: must be %d to %d",
				   VM_DEF_MEMORY_MIB_MIN, VM_DEF_MEMORY_MIB_MAX);
	if (!def->kernel)
		return vm_def_fail(err, err_len, "kernel: is required");
	ret = vm_def_check_path("kernel", def->kernel, true, err, err_len);
	if (!ret && def->bios)
		ret = vm_def_check_path("bios", def->bios, true, err, err_len);
	if (!ret && def->initrd)
		ret = vm_def_check_path("initrd", def->initrd, true, err, err_len);
	if (ret)
		return ret;
	if (def->cmdline && strlen(def->cmdline) > VM_DEF_CMDLINE_MAX)
		return vm_def_fail(err, err_len, "cmdline: longer than %d bytes",
				   VM_DEF_CMDLINE_MAX);
	if (def->disk_count > VM_DEF_DISKS_MAX)
		return vm_def_fail(err, err_len, "disks: at most %d disk(s)", VM_DEF_DISKS_MAX);
	for (unsigned int i = 0; i < def->disk_count; i++) {
		if (!def->disks[i].path)
			return vm_def_fail(err, err_len, "disks[%u].path: is required", i);
		ret = vm_def_check_path("disks[].path", def->disks[i].path, false, err, err_len);
		if (ret)
			return ret;
	}
	if ((unsigned int)def->restart_policy >= ARRAY_SIZE(vm_restart_policy_names))
		return vm_def_fail(err, err_len, "restart_policy: unknown policy");
	if (def->numa_node < -1 || def->numa_node > VM_DEF_NUMA_NODE_MAX)
		return vm_def_fail(err, err_len, "numa_node: must be 0 to %d or null",
				   VM_DEF_NUMA_NODE_MAX);
	return 0;
}

/*
 * Copies a JSON string into *out. JSON strings may hold NUL ("\u0000"),
 * which would silently cut a C string short: refuse them.
 */
static int vm_def_get_string(const char *field, struct json_object *val, bool nullable, char **out,
			     char *err, size_t err_len)
{
	const char *s;

	if (!val) {
		if (nullable) {
			*out = NULL;
			return 0;
		}
		return vm_def_fail(err, err_len, "%s: must not be null", field);
	}
	if (!json_object_is_type(val, json_type_string))
		return vm_def_fail(err, err_len, "%s: must be a string%s", field,
				   nullable ? " or null" : "");
	s = json_object_get_string(val);
	if (strlen(s) != (size_t)json_object_get_string_len(val))
		return vm_def_fail(err, err_len, "%s: must not contain NUL", field);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int vm_def_get_int(const char *field, struct json_object *val, long long min, long long max,
			  long long *out, char *err, size_t err_len)
{
	long long v = 0;

	if (!val || !json_object_is_type(val, json_type_int))
		return vm_def_fail(err, err_len, "%s: must be an integer", field);
	/* json-c clamps big numbers to INT64_MAX/MIN: still out of range. */
	v = json_object_get_int64(val);
	if (v < min || v > max)
		return vm_def_fail(err, err_len, "%s: must be %lld to %lld", field, min, max);
	*out = v;
	return 0;
}

static int vm_def_get_bool(const char *field, struct json_object *val, bool *out, char *err,
			   size_t err_len)
{
	if (!val || !json_object_is_type(val, json_type_boolean))
		return vm_def_fail(err, err_len, "%s: must be true or false", field);
	*out = json_object_get_boolean(val);
	return 0;
}

static int vm_def_decode_name(struct vm_def *def, struct json_object *val, char *err,
			      size_t err_len)
{
	char *name = NULL;
	int ret = vm_def_get_string("name", val, false, &name, err, err_len);

	if (ret)
		return ret;
	if (!vm_def_name_valid(name))
		ret = vm_def_fail(err, err_len,
				  "name: must be 1-%d characters [A-Za-z0-9][A-Za-z0-9._-]*",
				  VM_DEF_NAME_MAX);
	else
		strcpy(def->name, name);
	free(name);
	return ret;
}

static int vm_def_decode_vcpus(struct vm_def *def, struct json_object *val, char *err,
			       size_t err_len)
{
	long long v = 0;
	int ret =
		vm_def_get_int("vcpus", val, VM_DEF_VCPUS_MIN, VM_DEF_VCPUS_MAX, &v, err, err_len);

	if (!ret)
		def->vcpus = (unsigned int)v;
	return ret;
}

static int vm_def_decode_memory(struct vm_def *def, struct json_object *val, char *err,
				size_t err_len)
{
	long long v = 0;
	int ret = vm_def_get_int("memory_mib", val, VM_DEF_MEMORY_MIB_MIN, VM_DEF_MEMORY_MIB_MAX,
				 &v, err, err_len);

	if (!ret)
		def->memory_mib = (unsigned int)v;
	return ret;
}

static int vm_def_decode_kernel(struct vm_def *def, struct json_object *val, char *err,
				size_t err_len)
{
	return vm_def_get_string("kernel", val, false, &def->kernel, err, err_len);
}

static int vm_def_decode_bios(struct vm_def *def, struct json_object *val, char *err,
			      size_t err_len)
{
	return vm_def_get_string("bios", val, true, &def->bios, err, err_len);
}

static int vm_def_decode_initrd(struct vm_def *def, struct json_object *val, char *err,
				size_t err_len)
{
	return vm_def_get_string("initrd", val, true, &def->initrd, err, err_len);
}

static int vm_def_decode_cmdline(struct vm_def *def, struct json_object *val, char *err,
				 size_t err_len)
{
	return vm_def_get_string("cmdline", val, true, &def->cmdline, err, err_len);
}

static int vm_def_decode_disk(struct vm_disk *disk, struct json_object *obj, char *err,
			      size_t err_len)
{
	bool have_path = false;
	int ret = 0;

	if (!obj || !json_object_is_type(obj, json_type_object))
		return vm_def_fail(err, err_len, "disks[]: must be an object");
	json_object_object_foreach(obj, key, val)
	{
		if (strcmp(key, "path") == 0) {
			free(disk->path);
			disk->path = NULL;
			ret = vm_def_get_string("disks[].path", val, false, &disk->path, err,
						err_len);
			have_path = true;
		} else if (strcmp(key, "readonly") == 0) {
			ret = vm_def_get_bool("disks[].readonly", val, &disk->readonly, err,
					      err_len);
		} else {
			ret = vm_def_fail(err, err_len, "disks[].%s: unknown field", key);
		}
		if (ret)
			return ret;
	}
	if (!have_path)
		return vm_def_fail(err, err_len, "disks[].path: is required");
	return 0;
}

static int vm_def_decode_disks(struct vm_def *def, struct json_object *val, char *err,
			       size_t err_len)
{
	size_t n;
	int ret;

	if (!val || !json_object_is_type(val, json_type_array))
		return vm_def_fail(err, err_len, "disks: must be an array");
	n = json_object_array_length(val);
	if (n > VM_DEF_DISKS_MAX)
		return vm_def_fail(err, err_len, "disks: at most %d disk(s)", VM_DEF_DISKS_MAX);
	/* A repeated "disks" key replaces the earlier list. */
	for (unsigned int i = 0; i < def->disk_count; i++)
		free(def->disks[i].path);
	memset(def->disks, 0, sizeof(def->disks));
	def->disk_count = 0;
	for (size_t i = 0; i < n; i++) {
		/* Counted first so that vm_def_free frees a half-decoded disk. */
		def->disk_count++;
		ret = vm_def_decode_disk(&def->disks[i], json_object_array_get_idx(val, i), err,
					 err_len);
		if (ret)
			return ret;
	}
	return 0;
}

static int vm_def_decode_autostart(struct vm_def *def, struct json_object *val, char *err,
				   size_t err_len)
{
	return vm_def_get_bool("autostart", val, &def->autostart, err, err_len);
}

static int vm_def_decode_restart(struct vm_def *def, struct json_object *val, char *err,
				 size_t err_len)
{
	if (!val || !json_object_is_type(val, json_type_string) ||
	    vm_restart_policy_parse(json_object_get_string(val), &def->restart_policy))
		return vm_def_fail(err, err_len,
				   "restart_policy: must be \"no\", \"on-failure\" or \"always\"");
	return 0;
}

static int vm_def_decode_numa(struct vm_def *def, struct json_object *val, char *err,
			      size_t err_len)
{
	long long v = 0;
	int ret;

	if (!val) {
		def->numa_node = -1;
		return 0;
	}
	ret = vm_def_get_int("numa_node", val, 0, VM_DEF_NUMA_NODE_MAX, &v, err, err_len);
	if (!ret)
		def->numa_node = (int)v;
	return ret;
}

/* One row per JSON key; a key not in this table is an unknown field. */
static const struct vm_def_field {
	const char *name;
	int (*decode)(struct vm_def *def, struct json_object *val, char *err, size_t err_len);
} vm_def_fields[] = {
	{ "name", vm_def_decode_name },		  { "vcpus", vm_def_decode_vcpus },
	{ "memory_mib", vm_def_decode_memory },	  { "kernel", vm_def_decode_kernel },
	{ "bios", vm_def_decode_bios },		  { "initrd", vm_def_decode_initrd },
	{ "cmdline", vm_def_decode_cmdline },	  { "disks", vm_def_decode_disks },
	{ "autostart", vm_def_decode_autostart }, { "restart_policy", vm_def_decode_restart },
	{ "numa_node", vm_def_decode_numa },
};

int vm_def_decode(struct json_object *obj, struct vm_def *def, char *err, size_t err_len)
{
	int ret = 0;

	vm_def_init(def);
	if (!obj || !json_object_is_type(obj, json_type_object))
		return vm_def_fail(err, err_len, "the definition must be a JSON object");
	json_object_object_foreach(obj, key, val)
	{
		const struct vm_def_field *field = NULL;

		for (size_t i = 0; i < ARRAY_SIZE(vm_def_fields); i++) {
			if (strcmp(key, vm_def_fields[i].name) == 0) {
				field = &vm_def_fields[i];
				break;
			}
		}
		if (!field) {
			ret = vm_def_fail(err, err_len, "%s: unknown field", key);
			goto out;
		}
		/* Strings replace what a duplicate key may have set before. */
		ret = field->decode(def, val, err, err_len);
		if (ret)
			goto out;
	}
	if (!def->name[0]) {
		ret = vm_def_fail(err, err_len, "name: is required");
		goto out;
	}
	ret = vm_def_validate(def, err, err_len);
out:
	if (ret)
		vm_def_free(def);
	return ret;
}

int vm_def_from_json(const char *text, size_t len, struct vm_def *def, char *err, size_t err_len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	int ret;

	vm_def_init(def);
	if (len > (size_t)INT32_MAX)
		return vm_def_fail(err, err_len, "the definition is too large");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		/* Complete JSON text is required: no more input is coming. */
		json_object_put(obj);
		obj = NULL;
		jerr = json_tokener_error_parse_eof;
	}
	if (jerr != json_tokener_success || json_tokener_get_parse_end(tok) != len) {
		if (err && err_len)
			snprintf(err, err_len, "invalid JSON: %s",
				 jerr != json_tokener_success ? json_tokener_error_desc(jerr)
							      : "trailing data");
		ret = -EBADMSG;
		goto out;
	}
	ret = vm_def_decode(obj, def, err, err_len);
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return ret;
}

/* Adds key: string-or-null; returns -ENOMEM on failure. */
static int vm_def_add_string(struct json_object *obj, const char *key, const char *value)
{
	struct json_object *val = NULL;

	if (value) {
		val = json_object_new_string(value);
		if (!val)
			return -ENOMEM;
	}
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static int vm_def_add(struct json_object *obj, const char *key, struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *vm_def_to_json(const struct vm_def *def)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *disks;
	int ret = 0;

	if (!obj)
		return NULL;
	ret |= vm_def_add_string(obj, "name", def->name);
	ret |= vm_def_add(obj, "vcpus", json_object_new_int64(def->vcpus));
	ret |= vm_def_add(obj, "memory_mib", json_object_new_int64(def->memory_mib));
	ret |= vm_def_add_string(obj, "kernel", def->kernel);
	ret |= vm_def_add_string(obj, "bios", def->bios);
	ret |= vm_def_add_string(obj, "initrd", def->initrd);
	ret |= vm_def_add_string(obj, "cmdline", def->cmdline);
	disks = json_object_new_array();
	for (unsigned int i = 0; disks && i < def->disk_count; i++) {
		struct json_object *disk = json_object_new_object();

		if (!disk || vm_def_add_string(disk, "path", def->disks[i].path) ||
		    vm_def_add(disk, "readonly", json_object_new_boolean(def->disks[i].readonly)) ||
		    json_object_array_add(disks, disk)) {
			json_object_put(disk);
			ret = -ENOMEM;
			break;
		}
	}
	ret |= vm_def_add(obj, "disks", disks);
	ret |= vm_def_add(obj, "autostart", json_object_new_boolean(def->autostart));
	ret |= vm_def_add_string(obj, "restart_policy",
				 vm_restart_policy_name(def->restart_policy));
	/* json-c represents JSON null as a NULL object. */
	if (def->numa_node < 0)
		ret |= json_object_object_add(obj, "numa_node", NULL) ? -ENOMEM : 0;
	else
		ret |= vm_def_add(obj, "numa_node", json_object_new_int64(def->numa_node));
	if (ret) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

char *vm_def_to_json_string(const struct vm_def *def)
{
	struct json_object *obj = vm_def_to_json(def);
	char *text = NULL;

	if (obj) {
		text = strdup(json_object_to_json_string_ext(
			obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(obj);
	}
	return text;
}
