/* SPDX-License-Identifier: MIT */
/*
 * GET /v1/host: what this host offers VMs, read fresh on each call.
 *
 *   {"cpus": 2,
 *    "numa_available": true,
 *    "numa_nodes": [{"node": 0, "total_mib": 7962, "free_mib": 5120, "cpus": [0, 1]}],
 *    "hugepages": {"size_kib": 2048, "total": 0, "free": 0, "thp": "madvise"},
 *    "ksm": {"run": 0, "pages_sharing": 0, "pages_shared": 0}}
 *
 * NUMA comes from libnuma; "numa_nodes" is [] when the kernel has no NUMA
 * support (numa_available() < 0). Hugepages come from /proc/meminfo and
 * /sys/kernel/mm/transparent_hugepage/enabled, KSM from /sys/kernel/mm/ksm/.
 * A source the kernel does not have is null ("hugepages", "thp", "ksm"),
 * never a guessed value.
 */
#ifndef VMMD_HOST_H
#define VMMD_HOST_H

#include <stddef.h>

struct json_object;

/*
 * host_report - build the report above. Returns a new JSON object the
 * caller puts, or NULL with a one-line reason in @err (@len bytes) when the
 * online CPU count cannot be read or memory runs out.
 */
struct json_object *host_report(char *err, size_t len);

#endif /* VMMD_HOST_H */
