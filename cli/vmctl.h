/*
 * vmctl.h - the pieces of vmctl, the command-line client of vmmd.
 *
 * vmctl.c holds main() and the global options; each subcommand is one
 * entry of the const vmctl_commands[] table (commands.c) whose handler
 * lives in a cmd_*.c file. output.c and create.c are pure formatting and
 * parsing, so the unit tests drive them without a server.
 */
#ifndef CLI_VMCTL_H
#define CLI_VMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "api/http_client.h"

/* Exit statuses; scripts rely on them, so they never change. */
enum vmctl_exit {
	VMCTL_EXIT_OK = 0,
	VMCTL_EXIT_REFUSED = 1, /* the server answered 4xx/5xx, or a local failure */
	VMCTL_EXIT_USAGE = 2,	/* bad command line */
	VMCTL_EXIT_CONNECT = 3, /* the server could not be reached */
};

#define VMCTL_DEFAULT_SOCKET "/run/vmmd/vmmd.sock"
#define VMCTL_DETACH_CHAR 0x1d /* Ctrl-] */

/* What every command handler gets: the connection and the output mode. */
struct vmctl {
	struct http_client *client;
	const char *endpoint; /* socket path or URL, for messages */
	bool unix_socket;
	bool json; /* --json: print the server's JSON */
	FILE *out;
	FILE *err;
};

struct vmctl_command {
	const char *name;
	const char *usage; /* arguments after the name */
	const char *summary;
	/* argv[0] is the command name; returns an enum vmctl_exit. */
	int (*handler)(struct vmctl *ctl, int argc, char **argv);
};

extern const struct vmctl_command vmctl_commands[];
extern const size_t vmctl_n_commands;

/* vmctl_command_find - the table entry named @name, or NULL. */
const struct vmctl_command *vmctl_command_find(const char *name);

/* vmctl_print_usage - "usage: vmctl NAME USAGE" of @cmd on @f. */
void vmctl_print_usage(FILE *f, const struct vmctl_command *cmd);

/* vmctl_usage_error - print @msg (may be NULL) and @cmd's usage on stderr; returns 2. */
int vmctl_usage_error(struct vmctl *ctl, const struct vmctl_command *cmd, const char *msg);

/*
 * vmctl_call - send @method @path with @body (NULL for none) and wait for
 * the answer. On 2xx returns 0 with the parsed body in *@response (NULL if
 * empty; the caller puts it) and the status in *@status (may be NULL).
 * Otherwise prints the one-line error and returns VMCTL_EXIT_REFUSED or
 * VMCTL_EXIT_CONNECT.
 */
int vmctl_call(struct vmctl *ctl, const char *method, const char *path, struct json_object *body,
	       struct json_object **response, long *status);

/*
 * vmctl_report_response - print the error of a non-2xx answer (@status,
 * raw @text of @len bytes) and return VMCTL_EXIT_REFUSED.
 */
int vmctl_report_response(struct vmctl *ctl, long status, const char *text, size_t len);

/* vmctl_report_transport - print "cannot connect to ...: @reason"; returns 3. */
int vmctl_report_transport(struct vmctl *ctl, int err, const char *reason);

/*
 * vmctl_vm_path - write "/v1/vms/<@name percent-encoded>@suffix" into @buf
 * (size @size); @suffix may be "". Returns 0, or -ENAMETOOLONG.
 */
int vmctl_vm_path(char *buf, size_t size, const char *name, const char *suffix);

/* output.c: formatting of server answers. */

/* vmctl_print_json - @obj pretty-printed with a trailing newline ("null" for NULL). */
void vmctl_print_json(FILE *out, struct json_object *obj);

/* vmctl_format_memory - "256M", "2G", "1.5G" for @mib into @buf (size @size). */
void vmctl_format_memory(char *buf, size_t size, int64_t mib);

/*
 * vmctl_parse_memory - parse "256", "256M", "256MiB", "2G", "2GiB" (case
 * insensitive; a bare number is MiB) into *@mib. Returns 0, or -EINVAL for
 * anything else (including 0, fractions and overflow).
 */
int vmctl_parse_memory(const char *text, int64_t *mib);

/* vmctl_print_vm_table - the NAME STATE VCPUS MEMORY RESTARTS table of the array @vms. */
void vmctl_print_vm_table(FILE *out, struct json_object *vms);

/* vmctl_print_names - the "name" of each member of array @vms, one per line. */
void vmctl_print_names(FILE *out, struct json_object *vms);

/*
 * vmctl_print_object - "key: value" lines of object @obj; nested objects
 * print as "parent.key: value", arrays of disks as "path (readonly)".
 */
void vmctl_print_object(FILE *out, struct json_object *obj);

/*
 * vmctl_format_event - one human line for event @ev ("TIME VM: PREV -> STATE
 * (reason)") into @buf (size @size), without a newline. Returns 0, or
 * -EINVAL if @ev lacks "vm" or "state".
 */
int vmctl_format_event(char *buf, size_t size, struct json_object *ev);

/* vmctl_print_host - the CPU count, the NUMA node table and the memory features of @host. */
void vmctl_print_host(FILE *out, struct json_object *host);

/* create.c */

/*
 * vmctl_parse_create - parse the arguments of `create` (@argv[0] is
 * "create") into a VM definition *@def (caller puts it), or, with --file,
 * the file name into *@file (then *@def is NULL). Returns 0, or -EINVAL
 * with a message in @err (size @err_size).
 */
int vmctl_parse_create(int argc, char **argv, struct json_object **def, const char **file,
		       char *err, size_t err_size);

/* Commands (cmd_*.c), referenced by the table in commands.c. */
int cmd_list(struct vmctl *ctl, int argc, char **argv);
int cmd_create(struct vmctl *ctl, int argc, char **argv);
int cmd_action(struct vmctl *ctl, int argc, char **argv);
int cmd_destroy(struct vmctl *ctl, int argc, char **argv);
int cmd_show(struct vmctl *ctl, int argc, char **argv);
int cmd_stats(struct vmctl *ctl, int argc, char **argv);
int cmd_console(struct vmctl *ctl, int argc, char **argv);
int cmd_events(struct vmctl *ctl, int argc, char **argv);
int cmd_edit(struct vmctl *ctl, int argc, char **argv);
int cmd_host(struct vmctl *ctl, int argc, char **argv);
int cmd_help(struct vmctl *ctl, int argc, char **argv);

#endif /* CLI_VMCTL_H */
