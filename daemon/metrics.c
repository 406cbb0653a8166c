/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text exposition (0.0.4) of vmmd's state; see metrics.h.
 *
 * The text goes to an open_memstream() buffer; write errors are checked
 * once at the end through ferror(), since a memstream only fails on ENOMEM.
 * Every family is written whole (HELP, TYPE, then all its samples) because
 * the format requires a family's samples to be contiguous.
 */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_def.h"

/* The observed states in the order vmmd_vms and vmmd_vm_state list them. */
static const enum vm_state metrics_states[] = {
	VM_STATE_STOPPED, VM_STATE_STARTING, VM_STATE_RUNNING,
	VM_STATE_PAUSED,  VM_STATE_STOPPING, VM_STATE_CRASHED,
};

#define METRICS_N_STATES (sizeof(metrics_states) / sizeof(metrics_states[0]))

/*
 * A per-VM family with the single label "vm". has() says whether a VM has a
 * sample at all (worker-only values are left out rather than reported as 0,
 * which would read as a counter reset).
 */
struct metrics_vm_family {
	const char *name;
	const char *type;
	const char *help;
	bool (*has)(const struct metrics_vm *vm);
	uint64_t (*value)(const struct metrics_vm *vm);
};

static bool vm_always(const struct metrics_vm *vm)
{
	return true;
}

static bool vm_has_worker(const struct metrics_vm *vm)
{
	return vm->worker_pid > 0;
}

static bool vm_has_stats(const struct metrics_vm *vm)
{
	return vm->stats.present;
}

static uint64_t vm_vcpus(const struct metrics_vm *vm)
{
	return vm->vcpus;
}

static uint64_t vm_memory_bytes(const struct metrics_vm *vm)
{
	return vm->memory_bytes;
}

static uint64_t vm_restarts(const struct metrics_vm *vm)
{
	return vm->restarts;
}

static uint64_t vm_worker_pid(const struct metrics_vm *vm)
{
	return (uint64_t)vm->worker_pid;
}

static uint64_t vm_guest_instructions(const struct metrics_vm *vm)
{
	return vm->stats.guest_instructions;
}

static uint64_t vm_translated_blocks(const struct metrics_vm *vm)
{
	return vm->stats.translated_blocks;
}

static const struct metrics_vm_family metrics_vm_families_config[] = {
	{ "vmmd_vm_vcpus", "gauge", "Virtual CPUs of the VM's definition.", vm_always, vm_vcpus },
	{ "vmmd_vm_memory_bytes", "gauge", "Guest memory of the VM's definition in bytes.",
	  vm_always, vm_memory_bytes },
};

static const struct metrics_vm_family metrics_vm_families_runtime[] = {
	{ "vmmd_vm_restarts_total", "counter",
	  "Times the supervisor restarted the VM's worker after it died.", vm_always, vm_restarts },
	{ "vmmd_vm_worker_pid", "gauge", "Process ID of the VM's vmm-worker (VMs with a worker).",
	  vm_has_worker, vm_worker_pid },
	{ "vmmd_vm_guest_instructions_total", "counter",
	  "Guest instructions retired since the worker started.", vm_has_stats,
	  vm_guest_instructions },
	{ "vmmd_vm_translated_blocks_total", "counter",
	  "Guest code blocks translated since the worker started.", vm_has_stats,
	  vm_translated_blocks },
};

/* Label values escape backslash, double quote and line feed (format 0.0.4). */
static void put_label_value(FILE *out, const char *value)
{
	const char *p;

	/* Names and routes rarely need escaping: one fputs instead of a fputc per byte. */
	if (!strpbrk(value, "\\\"\n")) {
		fputs(value, out);
		return;
	}
	for (p = value; *p; p++) {
		switch (*p) {
		case '\\':
			fputs("\\\\", out);
			break;
		case '"':
			fputs("\\\"", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		default:
			fputc(*p, out);
		}
	}
}

/*
 * Shortest text that reads back as the same double, so that sums keep their
 * precision without printing 0.10000000000000001 for 0.1.
 */
static void put_double(FILE *out, double value)
{
	char buf[32];

	if (isnan(value)) {
		fputs("NaN", out);
		return;
	}
	if (isinf(value)) {
		fputs(value > 0 ? "+Inf" : "-Inf", out);
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", value);
	if (strtod(buf, NULL) != value)
		snprintf(buf, sizeof(buf), "%.17g", value);
	fputs(buf, out);
}

static void put_header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_daemon(FILE *out, const struct metrics_input *in)
{
	put_header(out, "vmmd_build_info", "gauge", "vmmd's version; the value is always 1.");
	fputs("vmmd_build_info{version=\"", out);
	put_label_value(out, in->version);
	fputs("\"} 1\n", out);

	put_header(out, "vmmd_start_time_seconds", "gauge",
		   "Start time of vmmd since the Unix epoch in seconds.");
	fputs("vmmd_start_time_seconds ", out);
	put_double(out, in->start_time_seconds);
	fputc('\n', out);
}

static void put_vm_counts(FILE *out, const struct metrics_input *in)
{
	size_t i, s;

	put_header(out, "vmmd_vms", "gauge", "Defined VMs by observed state.");
	for (s = 0; s < METRICS_N_STATES; s++) {
		const char *state = vm_state_name(metrics_states[s]);
		uint64_t count = 0;

		for (i = 0; i < in->n_vms; i++)
			if (strcmp(in->vms[i].state, state) == 0)
				count++;
		fprintf(out, "vmmd_vms{state=\"%s\"} %" PRIu64 "\n", state, count);
	}
}

static void put_vm_families(FILE *out, const struct metrics_input *in,
			    const struct metrics_vm_family *families, size_t n_families)
{
	size_t f, i;

	for (f = 0; f < n_families; f++) {
		const struct metrics_vm_family *family = &families[f];

		put_header(out, family->name, family->type, family->help);
		for (i = 0; i < in->n_vms; i++) {
			const struct metrics_vm *vm = &in->vms[i];

			if (!family->has(vm))
				continue;
			fprintf(out, "%s{vm=\"", family->name);
			put_label_value(out, vm->name);
			fprintf(out, "\"} %" PRIu64 "\n", family->value(vm));
		}
	}
}

/*
 * One sample per VM and known state, 1 for the observed one: the usual
 * Prometheus encoding of an enum, so that queries need no regex on values.
 * A state vmmd does not know (a newer worker?) still gets its sample.
 */
static void put_vm_states(FILE *out, const struct metrics_input *in)
{
	size_t i, s;

	put_header(out, "vmmd_vm_state", "gauge",
		   "Observed state of the VM: 1 for the current one.");
	for (i = 0; i < in->n_vms; i++) {
		const struct metrics_vm *vm = &in->vms[i];
		bool known = false;

		for (s = 0; s < METRICS_N_STATES; s++) {
			const char *state = vm_state_name(metrics_states[s]);
			int current = strcmp(vm->state, state) == 0;

			known |= current;
			fputs("vmmd_vm_state{vm=\"", out);
			put_label_value(out, vm->name);
			fprintf(out, "\",state=\"%s\"} %d\n", state, current);
		}
		if (!known) {
			fputs("vmmd_vm_state{vm=\"", out);
			put_label_value(out, vm->name);
			fputs("\",state=\"", out);
			put_label_value(out, vm->state);
			fputs("\"} 1\n", out);
		}
	}
}

static void put_route_labels(FILE *out, const struct http_route_stats *route)
{
	fputs("method=\"", out);
	put_label_value(out, route->method);
	fputs("\",route=\"", out);
	put_label_value(out, route->pattern);
	fputc('"', out);
}

static void put_http(FILE *out, const struct metrics_input *in)
{
	size_t r, i;

	put_header(out, "vmmd_http_requests_total", "counter",
		   "API requests by method, route pattern and status code.");
	for (r = 0; r < in->n_http; r++) {
		const struct http_route_stats *route = &in->http[r];

		for (i = 0; i < route->n_statuses && i < HTTP_STATUS_SLOTS; i++) {
			fputs("vmmd_http_requests_total{", out);
			put_route_labels(out, route);
			fprintf(out, ",code=\"%u\"} %" PRIu64 "\n", route->statuses[i].status,
				route->statuses[i].count);
		}
	}

	put_header(out, "vmmd_http_request_duration_seconds", "histogram",
		   "Time from an API request's arrival to its response in seconds.");
	for (r = 0; r < in->n_http; r++) {
		const struct http_route_stats *route = &in->http[r];

		for (i = 0; i < HTTP_LATENCY_BUCKETS; i++) {
			fputs("vmmd_http_request_duration_seconds_bucket{", out);
			put_route_labels(out, route);
			fputs(",le=\"", out);
			put_double(out, http_latency_bounds[i]);
			fprintf(out, "\"} %" PRIu64 "\n", route->buckets[i]);
		}
		fputs("vmmd_http_request_duration_seconds_bucket{", out);
		put_route_labels(out, route);
		fprintf(out, ",le=\"+Inf\"} %" PRIu64 "\n", route->count);
		fputs("vmmd_http_request_duration_seconds_sum{", out);
		put_route_labels(out, route);
		fputs("} ", out);
		put_double(out, route->sum_seconds);
		fputs("\nvmmd_http_request_duration_seconds_count{", out);
		put_route_labels(out, route);
		fprintf(out, "} %" PRIu64 "\n", route->count);
	}
}

static int metrics_check_input(const struct metrics_input *in)
{
	size_t i;

	if (!in->version || (in->n_vms && !in->vms) || (in->n_http && !in->http))
		return -EINVAL;
	for (i = 0; i < in->n_vms; i++)
		if (!in->vms[i].name || !in->vms[i].state)
			return -EINVAL;
	for (i = 0; i < in->n_http; i++)
		if (!in->http[i].method || !in->http[i].pattern)
			return -EINVAL;
	return 0;
}

/* Which families render_parts() writes. */
enum metrics_parts {
	METRICS_PART_VMS = 1,  /* vmmd_build_info through the per-VM families */
	METRICS_PART_HTTP = 2, /* the API's request counters and latencies */
};

static int render_parts(const struct metrics_input *in, unsigned int parts, char **text,
			size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out;
	int ret;

	*text = NULL;
	*len = 0;
	ret = metrics_check_input(in);
	if (ret)
		return ret;
	out = open_memstream(&buf, &size);
	if (!out)
		return -ENOMEM;

	if (parts & METRICS_PART_VMS) {
		put_daemon(out, in);
		put_vm_counts(out, in);
		put_vm_families(out, in, metrics_vm_families_config,
				sizeof(metrics_vm_families_config) /
					sizeof(metrics_vm_families_config[0]));
		put_vm_states(out, in);
		put_vm_families(out, in, metrics_vm_families_runtime,
				sizeof(metrics_vm_families_runtime) /
					sizeof(metrics_vm_families_runtime[0]));
	}
	if (parts & METRICS_PART_HTTP)
		put_http(out, in);

	ret = ferror(out) ? -ENOMEM : 0;
	if (fclose(out) != 0)
		ret = -ENOMEM;
	if (ret) {
		free(buf);
		return ret;
	}
	*text = buf;
	*len = size;
	return 0;
}

/* metrics_render - see metrics.h. */
int metrics_render(const struct metrics_input *in, char **text, size_t *len)
{
	return render_parts(in, METRICS_PART_VMS | METRICS_PART_HTTP, text, len);
}

/* metrics_render_vms - see metrics.h. */
int metrics_render_vms(const struct metrics_input *in, char **text, size_t *len)
{
	return render_parts(in, METRICS_PART_VMS, text, len);
}

/* metrics_render_http - see metrics.h. */
int metrics_render_http(const struct metrics_input *in, char **text, size_t *len)
{
	return render_parts(in, METRICS_PART_HTTP, text, len);
}
