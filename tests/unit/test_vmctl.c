/*
 * test_vmctl.c - vmctl's pure parts: the command table, `create` argument
 * parsing, memory sizes, path encoding and the exact human output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/json_util.h"
#include "cli/vmctl.h"

/* Capture what @fn prints for @obj. Returns a string the caller frees. */
static char *capture(void (*fn)(FILE *, struct json_object *), struct json_object *obj)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fn(f, obj);
	fclose(f);
	return text;
}

static struct json_object *parse(const char *text)
{
	struct json_object *obj = json_tokener_parse(text);

	assert_non_null(obj);
	return obj;
}

static void test_command_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < vmctl_n_commands; i++) {
		assert_non_null(vmctl_commands[i].handler);
		assert_non_null(vmctl_commands[i].usage);
		assert_ptr_equal(vmctl_command_find(vmctl_commands[i].name), &vmctl_commands[i]);
		for (size_t j = i + 1; j < vmctl_n_commands; j++)
			assert_string_not_equal(vmctl_commands[i].name, vmctl_commands[j].name);
	}
	assert_null(vmctl_command_find("frobnicate"));
	assert_null(vmctl_command_find(""));
	assert_ptr_equal(vmctl_command_find("destroy")->handler, cmd_destroy);
}

static void test_parse_memory(void **state)
{
	static const struct {
		const char *text;
		int64_t mib;
	} good[] = {
		{ "256", 256 }, { "256M", 256 },  { "256m", 256 }, { "256MiB", 256 },
		{ "2G", 2048 }, { "2gib", 2048 }, { "16MB", 16 },  { "1G", 1024 },
	};
	static const char *const bad[] = { "",	   "M",	  "0",	"0G",  "-1",
					   "1.5G", "12K", "1T", "1 G", "99999999999999999999",
					   "1GG" };
	int64_t mib;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		mib = -1;
		assert_int_equal(vmctl_parse_memory(good[i].text, &mib), 0);
		assert_int_equal(mib, good[i].mib);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vmctl_parse_memory(bad[i], &mib), -EINVAL);
}

static void test_format_memory(void **state)
{
	char buf[32];

	(void)state;
	vmctl_format_memory(buf, sizeof(buf), 256);
	assert_string_equal(buf, "256M");
	vmctl_format_memory(buf, sizeof(buf), 2048);
	assert_string_equal(buf, "2G");
	vmctl_format_memory(buf, sizeof(buf), 1536);
	assert_string_equal(buf, "1.5G");
	vmctl_format_memory(buf, sizeof(buf), 1000);
	assert_string_equal(buf, "1000M");
	vmctl_format_memory(buf, sizeof(buf), 1100);
	assert_string_equal(buf, "1100M");
}

/* Run vmctl_parse_create on a NULL-terminated argument list. */
static int parse_create(struct json_object **def, const char **file, char *err, size_t size, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, size);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return vmctl_parse_create(argc, argv, def, file, err, size);
}

static void test_parse_create_flags(void **state)
{
	struct json_object *def = NULL, *expect;
	const char *file = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_create(&def, &file, err, sizeof(err), "create", "web1", "--kernel",
				      "/k.elf", "--memory", "1G", "--vcpus", "2", "--disk",
				      "/d.img,readonly", "--autostart", "--restart", "on-failure",
				      "--cmdline", "console=ttyS0", "--bios", "/fw", "--initrd",
				      "/i", NULL),
			 0);
	assert_null(file);
	expect = parse("{\"name\":\"web1\",\"kernel\":\"/k.elf\",\"memory_mib\":1024,\"vcpus\":2,"
		       "\"disks\":[{\"path\":\"/d.img\",\"readonly\":true}],\"autostart\":true,"
		       "\"restart_policy\":\"on-failure\",\"cmdline\":\"console=ttyS0\","
		       "\"bios\":\"/fw\",\"initrd\":\"/i\"}");
	assert_true(json_object_equal(def, expect));
	json_object_put(expect);
	json_object_put(def);

	/* Options before the name, and a disk without a suffix. */
	assert_int_equal(parse_create(&def, &file, err, sizeof(err), "create", "--kernel", "/k",
				      "--disk", "/a,b", "vm2", NULL),
			 0);
	expect = parse("{\"name\":\"vm2\",\"kernel\":\"/k\","
		       "\"disks\":[{\"path\":\"/a,b\",\"readonly\":false}]}");
	assert_true(json_object_equal(def, expect));
	json_object_put(expect);
	json_object_put(def);
}

static void test_parse_create_file(void **state)
{
	struct json_object *def = NULL;
	const char *file = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(
		parse_create(&def, &file, err, sizeof(err), "create", "--file", "def.json", NULL),
		0);
	assert_null(def);
	assert_string_equal(file, "def.json");
	assert_int_equal(parse_create(&def, &file, err, sizeof(err), "create", "--file", "d.json",
				      "--kernel", "/k", NULL),
			 -EINVAL);
	assert_null(file);
	assert_non_null(strstr(err, "--file"));
	assert_int_equal(parse_create(&def, &file, err, sizeof(err), "create", "--file", "d.json",
				      "web1", NULL),
			 -EINVAL);
}

static void test_parse_create_errors(void **state)
{
	static const struct {
		const char *args[8];
		const char *message;
	} cases[] = {
		{ { "create", "web1" }, "--kernel is required" },
		{ { "create", "--kernel", "/k" }, "NAME is missing" },
		{ { "create", "a", "b", "--kernel", "/k" }, "too many arguments" },
		{ { "create", "a", "--kernel", "/k", "--memory", "lots" }, "--memory" },
		{ { "create", "a", "--kernel", "/k", "--vcpus", "two" }, "--vcpus" },
		{ { "create", "a", "--kernel", "/k", "--restart", "sometimes" }, "--restart" },
		{ { "create", "a", "--kernel", "/k", "--disk", ",readonly" }, "--disk" },
		{ { "create", "a", "--kernel", "/k", "--frobnicate" }, "unknown" },
		{ { "create", "a", "--kernel" }, "incomplete" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { 0 };
		struct json_object *def = (struct json_object *)1;
		const char *file = NULL;
		char err[256] = "";
		int argc = 0;

		while (argc < 8 && cases[i].args[argc]) {
			argv[argc] = (char *)cases[i].args[argc];
			argc++;
		}
		assert_int_equal(vmctl_parse_create(argc, argv, &def, &file, err, sizeof(err)),
				 -EINVAL);
		assert_null(def);
		if (!strstr(err, cases[i].message))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].message);
	}
}

static void test_vm_path(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(vmctl_vm_path(buf, sizeof(buf), "web-1.a_b", "/start"), 0);
	assert_string_equal(buf, "/v1/vms/web-1.a_b/start");
	/* Hostile names stay one path segment: the server rejects them by name. */
	assert_int_equal(vmctl_vm_path(buf, sizeof(buf), "../x y/?#", ""), 0);
	assert_string_equal(buf, "/v1/vms/..%2Fx%20y%2F%3F%23");
	assert_int_equal(vmctl_vm_path(buf, 16, "a-rather-long-name", ""), -ENAMETOOLONG);
	assert_int_equal(vmctl_vm_path(buf, 20, "abcdefgh", "/console"), -ENAMETOOLONG);
}

static void test_vm_table(void **state)
{
	struct json_object *vms =
		parse("[{\"name\":\"web1\",\"state\":\"running\",\"vcpus\":2,\"memory_mib\":2048,"
		      "\"restarts\":3},"
		      "{\"name\":\"a-much-longer-name\",\"state\":\"stopped\",\"vcpus\":1,"
		      "\"memory_mib\":256}]");
	struct json_object *empty = parse("[]");
	char *text;

	(void)state;
	text = capture(vmctl_print_vm_table, vms);
	assert_string_equal(text, "NAME                STATE    VCPUS  MEMORY  RESTARTS\n"
				  "web1                running  2      2G      3\n"
				  "a-much-longer-name  stopped  1      256M    -\n");
	free(text);
	text = capture(vmctl_print_vm_table, empty);
	assert_string_equal(text, "NAME  STATE  VCPUS  MEMORY  RESTARTS\n");
	free(text);
	text = capture(vmctl_print_names, vms);
	assert_string_equal(text, "web1\na-much-longer-name\n");
	free(text);
	json_object_put(vms);
	json_object_put(empty);
}

static void test_print_object(void **state)
{
	struct json_object *vm =
		parse("{\"name\":\"web1\",\"bios\":null,\"vcpus\":2,\"autostart\":false,"
		      "\"disks\":[{\"path\":\"/d\",\"readonly\":true},{\"path\":\"/e\"}],"
		      "\"counters\":{\"insns\":5,\"io\":{\"reads\":1}},\"tags\":[]}");
	struct json_object *nodisk = parse("{\"disks\":[]}");
	char *text;

	(void)state;
	text = capture(vmctl_print_object, vm);
	assert_string_equal(text, "name: web1\n"
				  "bios: -\n"
				  "vcpus: 2\n"
				  "autostart: false\n"
				  "disks: /d (readonly)\n"
				  "disks: /e\n"
				  "counters.insns: 5\n"
				  "counters.io.reads: 1\n"
				  "tags: []\n");
	free(text);
	text = capture(vmctl_print_object, nodisk);
	assert_string_equal(text, "disks: -\n");
	free(text);
	json_object_put(vm);
	json_object_put(nodisk);
}

static void test_format_event(void **state)
{
	struct json_object *full =
		parse("{\"vm\":\"web1\",\"state\":\"running\","
		      "\"previous\":\"starting\",\"time\":\"2024-01-02T03:04:05Z\","
		      "\"reason\":\"start\",\"id\":7}");
	struct json_object *bare = parse("{\"vm\":\"web1\",\"state\":\"crashed\",\"reason\":\"\"}");
	struct json_object *broken = parse("{\"state\":\"running\"}");
	char buf[256];

	(void)state;
	assert_int_equal(vmctl_format_event(buf, sizeof(buf), full), 0);
	assert_string_equal(buf, "2024-01-02T03:04:05Z web1: starting -> running (start)");
	assert_int_equal(vmctl_format_event(buf, sizeof(buf), bare), 0);
	assert_string_equal(buf, "web1: crashed");
	assert_int_equal(vmctl_format_event(buf, sizeof(buf), broken), -EINVAL);
	json_object_put(full);
	json_object_put(bare);
	json_object_put(broken);
}

static void test_print_host(void **state)
{
	struct json_object *host = parse(
		"{\"cpus\":2,\"numa_nodes\":[{\"node\":0,\"total_mib\":4096,\"free_mib\":1536},"
		"{\"node\":1}],\"hugepages\":{\"total\":0},\"ksm\":{\"run\":false}}");
	char *text;

	(void)state;
	text = capture(vmctl_print_host, host);
	assert_string_equal(text, "cpus: 2\n"
				  "NODE        TOTAL       FREE\n"
				  "0              4G       1.5G\n"
				  "1               -          -\n"
				  "hugepages.total: 0\n"
				  "ksm.run: false\n");
	free(text);
	json_object_put(host);
}

static void test_print_json(void **state)
{
	struct json_object *obj = parse("{\"kernel\":\"/a/b\"}");
	char *text;

	(void)state;
	text = capture(vmctl_print_json, obj);
	/* Pretty, with paths unescaped so that scripts and people read the same text. */
	assert_string_equal(text, "{\n  \"kernel\": \"/a/b\"\n}\n");
	free(text);
	json_object_put(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_table),
		cmocka_unit_test(test_parse_memory),
		cmocka_unit_test(test_format_memory),
		cmocka_unit_test(test_parse_create_flags),
		cmocka_unit_test(test_parse_create_file),
		cmocka_unit_test(test_parse_create_errors),
		cmocka_unit_test(test_vm_path),
		cmocka_unit_test(test_vm_table),
		cmocka_unit_test(test_print_object),
		cmocka_unit_test(test_format_event),
		cmocka_unit_test(test_print_host),
		cmocka_unit_test(test_print_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
