/*
 * output.c - how vmctl shows the server's answers to a human: tables,
 * "key: value" lines and one line per event. No I/O besides the FILE the
 * caller passes, so the unit tests check the exact text.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/json_util.h"
#include "cli/vmctl.h"

/* vmctl_print_json - see vmctl.h. */
void vmctl_print_json(FILE *out, struct json_object *obj)
{
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* vmctl_format_memory - see vmctl.h. */
void vmctl_format_memory(char *buf, size_t size, int64_t mib)
{
	if (mib >= 1024 && mib % 1024 == 0)
		snprintf(buf, size, "%" PRId64 "G", mib / 1024);
	else if (mib >= 1024 && (mib * 10) % 1024 == 0)
		snprintf(buf, size, "%.1fG", (double)mib / 1024);
	else
		snprintf(buf, size, "%" PRId64 "M", mib);
}

/* vmctl_parse_memory - see vmctl.h. */
int vmctl_parse_memory(const char *text, int64_t *mib)
{
	int64_t value = 0, scale = 1;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		value = value * 10 + (*p - '0');
		if (value > (INT64_C(1) << 40))
			return -EINVAL;
	}
	if (!*p || !strcasecmp(p, "m") || !strcasecmp(p, "mib") || !strcasecmp(p, "mb"))
		scale = 1;
	else if (!strcasecmp(p, "g") || !strcasecmp(p, "gib") || !strcasecmp(p, "gb"))
		scale = 1024;
	else
		return -EINVAL;
	if (value == 0)
		return -EINVAL;
	*mib = value * scale;
	return 0;
}

/* A member as text: strings as they are, null as "-", the rest as JSON. */
static const char *output_value(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

#define OUTPUT_COLUMNS 5

/* One table cell: padded to @width, except the last of the row which ends it. */
static void output_cell(FILE *out, int column, int width, const char *text)
{
	if (column < OUTPUT_COLUMNS - 1)
		fprintf(out, "%-*s  ", width, text);
	else
		fprintf(out, "%s\n", text);
}

/* vmctl_print_vm_table - see vmctl.h. */
void vmctl_print_vm_table(FILE *out, struct json_object *vms)
{
	static const char *const heads[OUTPUT_COLUMNS] = { "NAME", "STATE", "VCPUS", "MEMORY",
							   "RESTARTS" };
	size_t n = json_object_is_type(vms, json_type_array) ? json_object_array_length(vms) : 0;
	int width[OUTPUT_COLUMNS];
	char cells[OUTPUT_COLUMNS][80];

	/* Two passes: the first measures, the second prints. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (int c = 0; c < OUTPUT_COLUMNS; c++)
				output_cell(out, c, width[c], heads[c]);
		} else {
			for (int c = 0; c < OUTPUT_COLUMNS; c++)
				width[c] = (int)strlen(heads[c]);
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *vm = json_object_array_get_idx(vms, i);
			int64_t mib = json_get_int(vm, "memory_mib", -1);

			snprintf(cells[0], sizeof(cells[0]), "%s", output_value(vm, "name"));
			snprintf(cells[1], sizeof(cells[1]), "%s", output_value(vm, "state"));
			snprintf(cells[2], sizeof(cells[2]), "%s", output_value(vm, "vcpus"));
			if (mib >= 0)
				vmctl_format_memory(cells[3], sizeof(cells[3]), mib);
			else
				snprintf(cells[3], sizeof(cells[3]), "-");
			snprintf(cells[4], sizeof(cells[4]), "%s", output_value(vm, "restarts"));
			for (int c = 0; c < OUTPUT_COLUMNS; c++) {
				int len = (int)strlen(cells[c]);

				if (pass == 0 && len > width[c])
					width[c] = len;
				if (pass == 1)
					output_cell(out, c, width[c], cells[c]);
			}
		}
	}
}

/* vmctl_print_names - see vmctl.h. */
void vmctl_print_names(FILE *out, struct json_object *vms)
{
	size_t n = json_object_is_type(vms, json_type_array) ? json_object_array_length(vms) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *name = json_get_string(json_object_array_get_idx(vms, i), "name", NULL);

		if (name)
			fprintf(out, "%s\n", name);
	}
}

static void output_object(FILE *out, struct json_object *obj, const char *prefix)
{
	json_object_object_foreach(obj, key, v)
	{
		char name[256];

		snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", key);
		if (json_object_is_type(v, json_type_object)) {
			output_object(out, v, name);
		} else if (!strcmp(key, "disks") && json_object_is_type(v, json_type_array)) {
			size_t n = json_object_array_length(v);

			if (n == 0)
				fprintf(out, "%s: -\n", name);
			for (size_t i = 0; i < n; i++) {
				struct json_object *d = json_object_array_get_idx(v, i);

				fprintf(out, "%s: %s%s\n", name, json_get_string(d, "path", "?"),
					json_get_bool(d, "readonly", false) ? " (readonly)" : "");
			}
		} else {
			fprintf(out, "%s: %s\n", name, output_value(obj, key));
		}
	}
}

/* vmctl_print_object - see vmctl.h. */
void vmctl_print_object(FILE *out, struct json_object *obj)
{
	if (json_object_is_type(obj, json_type_object))
		output_object(out, obj, "");
}

/* vmctl_format_event - see vmctl.h. */
int vmctl_format_event(char *buf, size_t size, struct json_object *ev)
{
	const char *vm = json_get_string(ev, "vm", NULL);
	const char *state = json_get_string(ev, "state", NULL);
	const char *previous = json_get_string(ev, "previous", NULL);
	const char *time = json_get_string(ev, "time", NULL);
	const char *reason = json_get_string(ev, "reason", NULL);

	if (!vm || !state)
		return -EINVAL;
	snprintf(buf, size, "%s%s%s: %s%s%s%s%s%s", time ? time : "", time ? " " : "", vm,
		 previous ? previous : "", previous ? " -> " : "", state,
		 reason && reason[0] ? " (" : "", reason && reason[0] ? reason : "",
		 reason && reason[0] ? ")" : "");
	return 0;
}

/* vmctl_print_host - see vmctl.h. */
void vmctl_print_host(FILE *out, struct json_object *host)
{
	struct json_object *nodes, *v;
	size_t n = 0;

	fprintf(out, "cpus: %s\n", output_value(host, "cpus"));
	if (json_object_object_get_ex(host, "numa_nodes", &nodes) &&
	    json_object_is_type(nodes, json_type_array))
		n = json_object_array_length(nodes);
	fprintf(out, "%-6s %10s %10s\n", "NODE", "TOTAL", "FREE");
	for (size_t i = 0; i < n; i++) {
		struct json_object *node = json_object_array_get_idx(nodes, i);
		char total[32] = "-", free_mem[32] = "-";
		int64_t t = json_get_int(node, "total_mib", -1);
		int64_t f = json_get_int(node, "free_mib", -1);

		if (t >= 0)
			vmctl_format_memory(total, sizeof(total), t);
		if (f >= 0)
			vmctl_format_memory(free_mem, sizeof(free_mem), f);
		fprintf(out, "%-6s %10s %10s\n", output_value(node, "node"), total, free_mem);
	}
	/* hugepages and ksm are free-form objects: print them as key: value lines. */
	if (json_object_object_get_ex(host, "hugepages", &v) &&
	    json_object_is_type(v, json_type_object))
		output_object(out, v, "hugepages");
	if (json_object_object_get_ex(host, "ksm", &v) && json_object_is_type(v, json_type_object))
		output_object(out, v, "ksm");
}
