/* SPDX-License-Identifier: MIT */
/*
 * GET /metrics: the Prometheus text exposition format, version 0.0.4.
 *
 * metrics_render() knows nothing of the daemon's context: the caller takes a
 * snapshot (VM list, worker stats, daemon info, http_server_stats()) into a
 * struct metrics_input and gets the text back, so the output is a pure
 * function of the input and can be tested byte for byte.
 *
 * Families (each with # HELP and # TYPE, names and units by the Prometheus
 * conventions: base units, _total for counters, _info/_build_info gauges):
 *   vmmd_build_info{version}                         gauge, always 1
 *   vmmd_start_time_seconds                          gauge, Unix time
 *   vmmd_vms{state}                                  gauge, every state, 0 included
 *   vmmd_vm_vcpus{vm}, vmmd_vm_memory_bytes{vm}      gauges
 *   vmmd_vm_state{vm,state}                          gauge, 1 for the observed state
 *   vmmd_vm_restarts_total{vm}                       counter
 *   vmmd_vm_worker_pid{vm}                           gauge, VMs with a worker only
 *   vmmd_vm_guest_instructions_total{vm}             counter, VMs with worker stats
 *   vmmd_vm_translated_blocks_total{vm}              counter, VMs with worker stats
 *   vmmd_http_requests_total{method,route,code}      counter
 *   vmmd_http_request_duration_seconds{method,route} histogram
 */
#ifndef VMMD_METRICS_H
#define VMMD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "api/http_server.h"

/* Counters a running worker reports through its own API. */
struct metrics_worker_stats {
	bool present;		     /* false: no worker, or it did not answer */
	uint64_t guest_instructions; /* retired since the worker started */
	uint64_t translated_blocks;  /* translated since the worker started */
};

/* One VM; strings are borrowed for the duration of metrics_render(). */
struct metrics_vm {
	const char *name;
	const char *state; /* observed: "stopped", "running", ... (vm_state_name) */
	unsigned int vcpus;
	uint64_t memory_bytes;
	uint64_t restarts; /* worker restarts by the supervisor */
	pid_t worker_pid;  /* 0: no worker */
	struct metrics_worker_stats stats;
};

/* Everything /metrics shows; nothing is owned. */
struct metrics_input {
	const char *version;	   /* e.g. PACKAGE_VERSION */
	double start_time_seconds; /* vmmd's start, seconds since the Unix epoch */
	const struct metrics_vm *vms;
	size_t n_vms;
	const struct http_route_stats *http; /* from http_server_stats(); may be NULL */
	size_t n_http;
};

/* The Content-Type of the text metrics_render() produces. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * metrics_render - render @in as Prometheus text. On success *@text is a
 * NUL-terminated malloc'ed string the caller frees and *@len its length.
 * Returns 0, -EINVAL (NULL name/state/version, or a NULL method/pattern in
 * the HTTP stats) or -ENOMEM; *@text is NULL on failure.
 */
int metrics_render(const struct metrics_input *in, char **text, size_t *len);

/*
 * metrics_render_vms / metrics_render_http - the two halves of
 * metrics_render()'s text, same contract: the families of the daemon and
 * its VMs (which change only with the store, so vmmd caches them), and the
 * HTTP families (rendered per request). Their concatenation, in this
 * order, is metrics_render()'s text.
 */
int metrics_render_vms(const struct metrics_input *in, char **text, size_t *len);
int metrics_render_http(const struct metrics_input *in, char **text, size_t *len);

#endif /* VMMD_METRICS_H */
