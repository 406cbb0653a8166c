/* SPDX-License-Identifier: MIT */
/*
 * host_report against the real host: every field present with the right
 * type, and the values agree with sources host.c does not read itself
 * (sysconf for the CPU count, /sys/devices/system/node/ for the node sizes,
 * /sys/kernel/mm/hugepages/ for the hugepage size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "daemon/host.h"

static struct json_object *field(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object *value = NULL;

	if (!json_object_object_get_ex(obj, key, &value))
		fail_msg("missing \"%s\" in %s", key, json_object_to_json_string(obj));
	if (!json_object_is_type(value, type))
		fail_msg("\"%s\" has the wrong type in %s", key, json_object_to_json_string(obj));
	return value;
}

static int64_t int_field(struct json_object *obj, const char *key)
{
	return json_object_get_int64(field(obj, key, json_type_int));
}

/* "Node N MemTotal: X kB" from sysfs, which libnuma reads on its own. */
static int64_t node_total_kib(int64_t node)
{
	char path[96], line[256];
	long long id, value;
	int64_t found = -1;
	FILE *meminfo;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%lld/meminfo", (long long)node);
	meminfo = fopen(path, "r");
	assert_non_null(meminfo);
	while (fgets(line, sizeof(line), meminfo))
		if (sscanf(line, "Node %lld MemTotal: %lld kB", &id, &value) == 2 && id == node)
			found = value;
	fclose(meminfo);
	return found;
}

static struct json_object *report_get(void)
{
	char err[128] = "untouched";
	struct json_object *report = host_report(err, sizeof(err));

	if (!report)
		fail_msg("host_report: %s", err);
	assert_string_equal(err, "untouched");
	return report;
}

static void test_host_cpus(void **unused)
{
	struct json_object *report = report_get();

	assert_int_equal(int_field(report, "cpus"), sysconf(_SC_NPROCESSORS_ONLN));
	assert_true(int_field(report, "cpus") >= 1);
	json_object_put(report);
}

static void test_host_numa(void **unused)
{
	struct json_object *report = report_get();
	struct json_object *nodes = field(report, "numa_nodes", json_type_array);
	bool available =
		json_object_get_boolean(field(report, "numa_available", json_type_boolean));
	size_t i, j, n = json_object_array_length(nodes), n_cpus = 0;
	int64_t last_node = -1;

	if (!available) {
		assert_int_equal(n, 0);
		print_message("no NUMA support on this host: numa_nodes is []\n");
		json_object_put(report);
		return;
	}
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		struct json_object *node = json_object_array_get_idx(nodes, i);
		struct json_object *cpus = field(node, "cpus", json_type_array);

		assert_true(int_field(node, "node") > last_node);
		last_node = int_field(node, "node");
		assert_true(int_field(node, "free_mib") <= int_field(node, "total_mib"));
		/* /proc/meminfo may be a container's view; the node's own file is not. */
		assert_int_equal(int_field(node, "total_mib"), node_total_kib(last_node) >> 10);
		for (j = 0; j < json_object_array_length(cpus); j++) {
			struct json_object *cpu = json_object_array_get_idx(cpus, j);

			assert_true(json_object_is_type(cpu, json_type_int));
			assert_in_range(json_object_get_int(cpu), 0, 65535);
		}
		n_cpus += json_object_array_length(cpus);
	}
	/* Every online CPU belongs to some node. */
	assert_true(n_cpus >= (size_t)sysconf(_SC_NPROCESSORS_ONLN));
	json_object_put(report);
}

static void test_host_hugepages(void **unused)
{
	struct json_object *report = report_get();
	struct json_object *hugepages = NULL, *thp;
	char path[128];
	int64_t size_kib;

	assert_true(json_object_object_get_ex(report, "hugepages", &hugepages));
	if (access("/sys/kernel/mm/hugepages", F_OK) != 0) {
		assert_null(hugepages);
		json_object_put(report);
		return;
	}
	assert_true(json_object_is_type(hugepages, json_type_object));
	size_kib = int_field(hugepages, "size_kib");
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lldkB",
		 (long long)size_kib);
	assert_int_equal(access(path, F_OK), 0);
	assert_true(int_field(hugepages, "free") <= int_field(hugepages, "total"));

	assert_true(json_object_object_get_ex(hugepages, "thp", &thp));
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0) {
		const char *mode =
			json_object_get_string(field(hugepages, "thp", json_type_string));

		assert_true(strcmp(mode, "always") == 0 || strcmp(mode, "madvise") == 0 ||
			    strcmp(mode, "never") == 0);
	} else {
		assert_null(thp);
	}
	json_object_put(report);
}

static void test_host_ksm(void **unused)
{
	struct json_object *report = report_get();
	struct json_object *ksm = NULL;

	assert_true(json_object_object_get_ex(report, "ksm", &ksm));
	if (access("/sys/kernel/mm/ksm/run", R_OK) != 0) {
		assert_null(ksm);
		json_object_put(report);
		return;
	}
	assert_true(json_object_is_type(ksm, json_type_object));
	/* 0 stopped, 1 running, 2 unmerging everything. */
	assert_in_range(int_field(ksm, "run"), 0, 2);
	assert_true(int_field(ksm, "pages_sharing") >= 0);
	assert_true(int_field(ksm, "pages_shared") >= 0);
	json_object_put(report);
}

/* The report is plain JSON that parses back to the same document. */
static void test_host_serialises(void **unused)
{
	struct json_object *report = report_get();
	const char *text = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN);
	struct json_object *back = json_tokener_parse(text);

	assert_non_null(back);
	assert_string_equal(json_object_to_json_string_ext(back, JSON_C_TO_STRING_PLAIN), text);
	print_message("%s\n", text);
	json_object_put(back);
	json_object_put(report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_cpus),	cmocka_unit_test(test_host_numa),
		cmocka_unit_test(test_host_hugepages),	cmocka_unit_test(test_host_ksm),
		cmocka_unit_test(test_host_serialises),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
