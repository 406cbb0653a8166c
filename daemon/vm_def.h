/* SPDX-License-Identifier: MIT */
/*
 * A VM definition: what POST /v1/vms takes, what the store keeps and what the
 * supervisor starts. Decoding is strict (unknown fields, wrong types and out
 * of range values are rejected with a message that names the field) because
 * a definition that was accepted once is trusted everywhere after.
 *
 * JSON shape (all keys are always written; see vm_def_decode for defaults):
 *   {"name": "web1", "vcpus": 1, "memory_mib": 128, "kernel": "/abs",
 *    "bios": "/abs" | null, "initrd": "/abs" | null, "cmdline": "..." | null,
 *    "disks": [{"path": "/abs", "readonly": false}], "autostart": false,
 *    "restart_policy": "no" | "on-failure" | "always", "numa_node": 0 | null}
 */
#ifndef VMMD_VM_DEF_H
#define VMMD_VM_DEF_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

#define VM_DEF_NAME_MAX 64
#define VM_DEF_VCPUS_MIN 1
#define VM_DEF_VCPUS_MAX 8
#define VM_DEF_MEMORY_MIB_MIN 16
#define VM_DEF_MEMORY_MIB_MAX 65536
#define VM_DEF_CMDLINE_MAX 4096
#define VM_DEF_PATH_MAX 4095
#define VM_DEF_DISKS_MAX 1
#define VM_DEF_NUMA_NODE_MAX 1023
/* Defaults for keys a client leaves out. */
#define VM_DEF_VCPUS_DEFAULT 1
#define VM_DEF_MEMORY_MIB_DEFAULT 128

enum vm_restart_policy {
	VM_RESTART_NO,
	VM_RESTART_ON_FAILURE,
	VM_RESTART_ALWAYS,
};

/* The states of a VM, desired and observed alike. */
enum vm_state {
	VM_STATE_STOPPED,
	VM_STATE_STARTING,
	VM_STATE_RUNNING,
	VM_STATE_PAUSED,
	VM_STATE_STOPPING,
	VM_STATE_CRASHED,
};

struct vm_disk {
	char *path; /* absolute, owned */
	bool readonly;
};

/* Strings are owned by the struct (heap); NULL means JSON null / not set. */
struct vm_def {
	char name[VM_DEF_NAME_MAX + 1];
	unsigned int vcpus;
	unsigned int memory_mib;
	char *kernel; /* never NULL in a valid definition */
	char *bios;
	char *initrd;
	char *cmdline;
	struct vm_disk disks[VM_DEF_DISKS_MAX];
	unsigned int disk_count;
	bool autostart;
	enum vm_restart_policy restart_policy;
	int numa_node; /* -1: not pinned */
};

/* Sets *def to the defaults with no name and no kernel (not yet valid). */
void vm_def_init(struct vm_def *def);

/* Frees the strings *def owns and re-initialises it. Safe on an inited def. */
void vm_def_free(struct vm_def *def);

/* Deep copy into *dst (which is overwritten, not freed). Returns 0 or -ENOMEM. */
int vm_def_copy(struct vm_def *dst, const struct vm_def *src);

/* True if name is 1-64 chars of [A-Za-z0-9][A-Za-z0-9._-]*. */
bool vm_def_name_valid(const char *name);

/*
 * Checks every field of *def against the ranges above. Returns 0, or -EINVAL
 * with a message naming the field in err (err may be NULL).
 */
int vm_def_validate(const struct vm_def *def, char *err, size_t err_len);

/*
 * Decodes and validates a definition from a parsed JSON object into *def
 * (initialised here; the caller frees it with vm_def_free on success; on
 * failure nothing is left to free). Missing keys take the defaults; "name"
 * and "kernel" are required. Returns 0 or -EINVAL (unknown field, wrong type,
 * bad value: err names the field) or -ENOMEM.
 */
int vm_def_decode(struct json_object *obj, struct vm_def *def, char *err, size_t err_len);

/*
 * Same from JSON text of len bytes (need not be NUL-terminated). Returns 0,
 * -EBADMSG for text that is not JSON (HTTP 400 invalid_json), -EINVAL for a
 * bad definition (HTTP 422 invalid_value), or -ENOMEM.
 */
int vm_def_from_json(const char *text, size_t len, struct vm_def *def, char *err, size_t err_len);

/* Encodes *def as a new JSON object (caller puts it), or NULL on ENOMEM. */
struct json_object *vm_def_to_json(const struct vm_def *def);

/*
 * Encodes *def as compact JSON text in a malloc'ed string the caller frees,
 * or NULL on ENOMEM.
 */
char *vm_def_to_json_string(const struct vm_def *def);

/* "no", "on-failure", "always"; parse returns 0 or -EINVAL. */
const char *vm_restart_policy_name(enum vm_restart_policy policy);
int vm_restart_policy_parse(const char *text, enum vm_restart_policy *policy);

/* "stopped", "starting", "running", "paused", "stopping", "crashed". */
const char *vm_state_name(enum vm_state state);
int vm_state_parse(const char *text, enum vm_state *state);

#endif /* VMMD_VM_DEF_H */
