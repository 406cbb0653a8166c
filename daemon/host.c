/* SPDX-License-Identifier: MIT */
/*
 * The host report of GET /v1/host; see host.h. Each source is read on each
 * call: free memory, hugepage pools and KSM counters change all the time,
 * and a request every few seconds costs a handful of small file reads.
 */
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <numa.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#define HOST_MEMINFO "/proc/meminfo"
#define HOST_THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define HOST_KSM_DIR "/sys/kernel/mm/ksm/"

/* Adds @value under @key; @value is put on failure. Returns 0 or -ENOMEM. */
static int host_add(struct json_object *obj, const char *key, struct json_object *value)
{
	if (!value)
		return -ENOMEM;
	if (json_object_object_add(obj, key, value) != 0) {
		json_object_put(value);
		return -ENOMEM;
	}
	return 0;
}

static int host_add_u64(struct json_object *obj, const char *key, uint64_t value)
{
	return host_add(obj, key, json_object_new_uint64(value));
}

/* Adds JSON null under @key: the kernel lacks that source. Returns 0 or -ENOMEM. */
static int host_add_null(struct json_object *obj, const char *key)
{
	return json_object_object_add(obj, key, NULL) ? -ENOMEM : 0;
}

/* Reads the first line of @path into @buf without its newline. Returns 0 or -errno. */
static int host_read_line(const char *path, char *buf, size_t size)
{
	FILE *file = fopen(path, "re");
	int ret = 0;

	if (!file)
		return -errno;
	if (!fgets(buf, (int)size, file))
		ret = ferror(file) ? -EIO : -ENODATA;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(file);
	return ret;
}

static int host_read_u64(const char *path, uint64_t *value)
{
	char buf[64], *end;
	int ret;

	ret = host_read_line(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*value = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/* The node's CPUs as an array of CPU numbers, or NULL on ENOMEM. */
static struct json_object *host_node_cpus(int node)
{
	struct bitmask *mask = numa_allocate_cpumask();
	struct json_object *cpus = json_object_new_array();
	unsigned int cpu;

	if (!mask || !cpus)
		goto fail;
	/* A node whose CPU list cannot be read simply shows none. */
	if (numa_node_to_cpus(node, mask) == 0) {
		for (cpu = 0; cpu < mask->size; cpu++) {
			if (!numa_bitmask_isbitset(mask, cpu))
				continue;
			if (json_object_array_add(cpus, json_object_new_int((int)cpu)) != 0)
				goto fail;
		}
	}
	numa_free_cpumask(mask);
	return cpus;
fail:
	if (mask)
		numa_free_cpumask(mask);
	json_object_put(cpus);
	return NULL;
}

/*
 * One entry per node that exists (numa_nodes_ptr): node numbers may have
 * holes, e.g. 0 and 2 on some two-socket machines.
 */
static int host_add_numa(struct json_object *report)
{
	bool available = numa_available() >= 0;
	struct json_object *nodes;
	int node, ret;

	ret = host_add(report, "numa_available", json_object_new_boolean(available));
	if (ret)
		return ret;
	nodes = json_object_new_array();
	if (!nodes)
		return -ENOMEM;
	for (node = 0; available && node <= numa_max_node(); node++) {
		struct json_object *entry;
		long long total, free_bytes = 0;

		if (!numa_bitmask_isbitset(numa_nodes_ptr, (unsigned int)node))
			continue;
		total = numa_node_size64(node, &free_bytes);
		if (total < 0)
			continue;
		entry = json_object_new_object();
		if (!entry || json_object_array_add(nodes, entry) != 0) {
			json_object_put(entry);
			ret = -ENOMEM;
			goto fail;
		}
		ret = host_add(entry, "node", json_object_new_int(node));
		if (!ret)
			ret = host_add_u64(entry, "total_mib", (uint64_t)total >> 20);
		if (!ret)
			ret = host_add_u64(entry, "free_mib", (uint64_t)free_bytes >> 20);
		if (!ret)
			ret = host_add(entry, "cpus", host_node_cpus(node));
		if (ret)
			goto fail;
	}
	return host_add(report, "numa_nodes", nodes);
fail:
	json_object_put(nodes);
	return ret;
}

/* The bracketed word of "always [madvise] never", or NULL if there is none. */
static struct json_object *host_thp_mode(void)
{
	char buf[128], *open, *close;

	if (host_read_line(HOST_THP_ENABLED, buf, sizeof(buf)) != 0)
		return NULL;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return NULL;
	*close = '\0';
	return json_object_new_string(open + 1);
}

/*
 * The default hugepage pool from /proc/meminfo. "hugepages" is null when
 * the kernel has no hugetlbfs (no Hugepagesize line).
 */
static int host_add_hugepages(struct json_object *report)
{
	uint64_t size_kib = 0, total = 0, free_pages = 0;
	struct json_object *hugepages, *thp;
	bool found = false;
	char line[256];
	FILE *meminfo;
	int ret;

	meminfo = fopen(HOST_MEMINFO, "re");
	if (meminfo) {
		while (fgets(line, sizeof(line), meminfo)) {
			if (sscanf(line, "Hugepagesize: %" SCNu64 " kB", &size_kib) == 1)
				found = true;
			sscanf(line, "HugePages_Total: %" SCNu64, &total);
			sscanf(line, "HugePages_Free: %" SCNu64, &free_pages);
		}
		fclose(meminfo);
	}
	if (!found)
		return host_add_null(report, "hugepages");

	hugepages = json_object_new_object();
	if (!hugepages)
		return -ENOMEM;
	ret = host_add_u64(hugepages, "size_kib", size_kib);
	if (!ret)
		ret = host_add_u64(hugepages, "total", total);
	if (!ret)
		ret = host_add_u64(hugepages, "free", free_pages);
	if (!ret) {
		/* No THP file (CONFIG_TRANSPARENT_HUGEPAGE=n) is null, not an error. */
		thp = host_thp_mode();
		ret = thp ? host_add(hugepages, "thp", thp) : host_add_null(hugepages, "thp");
	}
	if (ret) {
		json_object_put(hugepages);
		return ret;
	}
	return host_add(report, "hugepages", hugepages);
}

/* KSM's switch and counters; null when the kernel has no KSM (CONFIG_KSM=n). */
static int host_add_ksm(struct json_object *report)
{
	static const char *const counters[] = { "run", "pages_sharing", "pages_shared" };
	struct json_object *ksm;
	uint64_t value;
	size_t i;
	int ret = 0;

	ksm = json_object_new_object();
	if (!ksm)
		return -ENOMEM;
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s%s", HOST_KSM_DIR, counters[i]);
		if (host_read_u64(path, &value) != 0) {
			json_object_put(ksm);
			return host_add_null(report, "ksm");
		}
		ret = host_add_u64(ksm, counters[i], value);
		if (ret) {
			json_object_put(ksm);
			return ret;
		}
	}
	return host_add(report, "ksm", ksm);
}

struct json_object *host_report(char *err, size_t len)
{
	struct json_object *report;
	long cpus;
	int ret;

	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1) {
		snprintf(err, len, "cannot count the online CPUs: %s", strerror(errno));
		return NULL;
	}
	report = json_object_new_object();
	if (!report)
		goto nomem;
	ret = host_add(report, "cpus", json_object_new_int((int)cpus));
	if (!ret)
		ret = host_add_numa(report);
	if (!ret)
		ret = host_add_hugepages(report);
	if (!ret)
		ret = host_add_ksm(report);
	if (ret)
		goto nomem;
	return report;
nomem:
	json_object_put(report);
	snprintf(err, len, "out of memory building the host report");
	return NULL;
}
