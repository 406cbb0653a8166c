// SPDX-License-Identifier: MIT
/* VM definitions: strict decoding, validation, encoding round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "daemon/vm_def.h"

#define FULL_DEF \
	"{\"name\":\"web1\",\"vcpus\":2,\"memory_mib\":256,\"kernel\":\"/k/Image\"," \
	"\"bios\":\"/fw/sbi.bin\",\"initrd\":\"/k/initrd\",\"cmdline\":\"console=ttyS0\"," \
	"\"disks\":[{\"path\":\"/d/root.img\",\"readonly\":true}],\"autostart\":true," \
	"\"restart_policy\":\"on-failure\",\"numa_node\":1}"

/* Decodes text and expects ret; on failure err must mention word. */
static void expect_decode(const char *text, int ret, const char *word)
{
	struct vm_def def;
	char err[256] = "";
	int got = vm_def_from_json(text, strlen(text), &def, err, sizeof(err));

	if (got != ret)
		fail_msg("%s: got %d (%s), want %d", text, got, err, ret);
	if (ret == 0) {
		vm_def_free(&def);
		return;
	}
	if (word && !strstr(err, word))
		fail_msg("%s: message '%s' does not mention '%s'", text, err, word);
}

static void test_decode_full(void **state)
{
	struct vm_def def;
	char err[256];

	assert_int_equal(vm_def_from_json(FULL_DEF, strlen(FULL_DEF), &def, err, sizeof(err)), 0);
	assert_string_equal(def.name, "web1");
	assert_int_equal(def.vcpus, 2);
	assert_int_equal(def.memory_mib, 256);
	assert_string_equal(def.kernel, "/k/Image");
	assert_string_equal(def.bios, "/fw/sbi.bin");
	assert_string_equal(def.initrd, "/k/initrd");
	assert_string_equal(def.cmdline, "console=ttyS0");
	assert_int_equal(def.disk_count, 1);
	assert_string_equal(def.disks[0].path, "/d/root.img");
	assert_true(def.disks[0].readonly);
	assert_true(def.autostart);
	assert_int_equal(def.restart_policy, VM_RESTART_ON_FAILURE);
	assert_int_equal(def.numa_node, 1);
	vm_def_free(&def);
	assert_null(def.kernel);
}

static void test_decode_defaults(void **state)
{
	const char *text = "{\"name\":\"a\",\"kernel\":\"/k\"}";
	struct vm_def def;

	assert_int_equal(vm_def_from_json(text, strlen(text), &def, NULL, 0), 0);
	assert_int_equal(def.vcpus, VM_DEF_VCPUS_DEFAULT);
	assert_int_equal(def.memory_mib, VM_DEF_MEMORY_MIB_DEFAULT);
	assert_null(def.bios);
	assert_null(def.initrd);
	assert_null(def.cmdline);
	assert_int_equal(def.disk_count, 0);
	assert_false(def.autostart);
	assert_int_equal(def.restart_policy, VM_RESTART_NO);
	assert_int_equal(def.numa_node, -1);
	vm_def_free(&def);
}

static void test_round_trip(void **state)
{
	struct vm_def def, again, copy;
	char *text, *text2;

	assert_int_equal(vm_def_from_json(FULL_DEF, strlen(FULL_DEF), &def, NULL, 0), 0);
	text = vm_def_to_json_string(&def);
	assert_non_null(text);
	assert_int_equal(vm_def_from_json(text, strlen(text), &again, NULL, 0), 0);
	assert_int_equal(vm_def_copy(&copy, &again), 0);
	text2 = vm_def_to_json_string(&copy);
	assert_string_equal(text, text2);
	/* Nulls are written explicitly, so a client sees every field. */
	free(text2);
	vm_def_free(&copy);
	copy = again;
	copy.bios = NULL;
	copy.numa_node = -1;
	text2 = vm_def_to_json_string(&copy);
	assert_non_null(strstr(text2, "\"bios\":null"));
	assert_non_null(strstr(text2, "\"numa_node\":null"));
	free(text2);
	free(text);
	vm_def_free(&again);
	vm_def_free(&def);
}

static void test_unknown_fields(void **state)
{
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"colour\":1}", -EINVAL, "colour");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/d\",\"rw\":1}]}",
		      -EINVAL, "rw");
}

static void test_wrong_types(void **state)
{
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":\"2\"}", -EINVAL, "vcpus");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":1.5}", -EINVAL, "vcpus");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":null}", -EINVAL, "vcpus");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"autostart\":1}", -EINVAL, "autostart");
	expect_decode("{\"name\":\"a\",\"kernel\":5}", -EINVAL, "kernel");
	expect_decode("{\"name\":\"a\",\"kernel\":null}", -EINVAL, "kernel");
	expect_decode("{\"name\":7,\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":{}}", -EINVAL, "disks");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[\"/d\"]}", -EINVAL, "disks");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"readonly\":true}]}", -EINVAL,
		      "disks[].path");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"restart_policy\":1}", -EINVAL,
		      "restart_policy");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"numa_node\":\"0\"}", -EINVAL,
		      "numa_node");
	expect_decode("[1,2]", -EINVAL, "object");
	expect_decode("\"web1\"", -EINVAL, "object");
}

static void test_ranges(void **state)
{
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":0}", -EINVAL, "vcpus");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":9}", -EINVAL, "vcpus");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":8}", 0, NULL);
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":-4294967295}", -EINVAL, "vcpus");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":15}", -EINVAL,
		      "memory_mib");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":65537}", -EINVAL,
		      "memory_mib");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":16}", 0, NULL);
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":99999999999999999999999}",
		      -EINVAL, "memory_mib");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"numa_node\":-1}", -EINVAL, "numa_node");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"numa_node\":null}", 0, NULL);
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"restart_policy\":\"sometimes\"}",
		      -EINVAL, "restart_policy");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/a\"},"
		      "{\"path\":\"/b\"}]}",
		      -EINVAL, "disks");
}

static void test_names(void **state)
{
	char name[301], text[400];

	expect_decode("{\"name\":\"\",\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\"a/b\",\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\"..\",\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\".hidden\",\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\"a b\",\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\"a\\u0000b\",\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"kernel\":\"/k\"}", -EINVAL, "name");
	expect_decode("{\"name\":\"Web-1.test_2\",\"kernel\":\"/k\"}", 0, NULL);

	memset(name, 'x', 300);
	name[300] = '\0';
	snprintf(text, sizeof(text), "{\"name\":\"%s\",\"kernel\":\"/k\"}", name);
	expect_decode(text, -EINVAL, "name");
	name[64] = '\0';
	snprintf(text, sizeof(text), "{\"name\":\"%s\",\"kernel\":\"/k\"}", name);
	expect_decode(text, 0, NULL);
	name[65 - 1] = 'y';
	name[65] = '\0';
	assert_false(vm_def_name_valid(name));
	assert_true(vm_def_name_valid("x"));
}

static void test_paths_and_cmdline(void **state)
{
	char *text;
	size_t len = VM_DEF_CMDLINE_MAX + 100;
	size_t prefix;

	expect_decode("{\"name\":\"a\",\"kernel\":\"k.elf\"}", -EINVAL, "kernel");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"bios\":\"fw\"}", -EINVAL, "bios");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"initrd\":\"\"}", -EINVAL, "initrd");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"d.img\"}]}",
		      -EINVAL, "path");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/d,format=raw\"}]}",
		      -EINVAL, "','");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\\u0000/x\"}", -EINVAL, "NUL");

	text = malloc(len + 100);
	assert_non_null(text);
	strcpy(text, "{\"name\":\"a\",\"kernel\":\"/k\",\"cmdline\":\"");
	prefix = strlen(text);
	memset(text + prefix, 'c', VM_DEF_CMDLINE_MAX + 1);
	strcpy(text + prefix + VM_DEF_CMDLINE_MAX + 1, "\"}");
	expect_decode(text, -EINVAL, "cmdline");
	/* Exactly at the limit is fine. */
	strcpy(text + prefix + VM_DEF_CMDLINE_MAX, "\"}");
	expect_decode(text, 0, NULL);
	free(text);
}

static void test_malformed(void **state)
{
	expect_decode("", -EBADMSG, "invalid JSON");
	expect_decode("{", -EBADMSG, "invalid JSON");
	expect_decode("{\"name\":}", -EBADMSG, "invalid JSON");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\"} trailing", -EBADMSG, "trailing");
	expect_decode("{\"name\":\"a\",\"kernel\":\"/k\"}{}", -EBADMSG, "trailing");
}

static void test_validate_struct(void **state)
{
	struct vm_def def;
	char err[128];

	vm_def_init(&def);
	assert_int_equal(vm_def_validate(&def, err, sizeof(err)), -EINVAL);
	strcpy(def.name, "ok");
	assert_int_equal(vm_def_validate(&def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kernel"));
	def.kernel = strdup("/k");
	assert_int_equal(vm_def_validate(&def, err, sizeof(err)), 0);
	def.numa_node = -2;
	assert_int_equal(vm_def_validate(&def, err, sizeof(err)), -EINVAL);
	def.numa_node = -1;
	def.disk_count = 1;
	assert_int_equal(vm_def_validate(&def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "disks"));
	def.disk_count = 0;
	vm_def_free(&def);
}

static void test_state_names(void **state)
{
	enum vm_state s = VM_STATE_STOPPED;
	enum vm_restart_policy p = VM_RESTART_NO;

	for (int i = VM_STATE_STOPPED; i <= VM_STATE_CRASHED; i++) {
		assert_int_equal(vm_state_parse(vm_state_name((enum vm_state)i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(vm_state_name(VM_STATE_RUNNING), "running");
	assert_int_equal(vm_state_parse("sleeping", &s), -EINVAL);
	assert_int_equal(vm_restart_policy_parse("always", &p), 0);
	assert_int_equal(p, VM_RESTART_ALWAYS);
	assert_string_equal(vm_restart_policy_name(VM_RESTART_ON_FAILURE), "on-failure");
	assert_int_equal(vm_restart_policy_parse("On-Failure", &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_full), cmocka_unit_test(test_decode_defaults),
		cmocka_unit_test(test_round_trip),  cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_wrong_types), cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_names),	    cmocka_unit_test(test_paths_and_cmdline),
		cmocka_unit_test(test_malformed),   cmocka_unit_test(test_validate_struct),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
