/*
 * test_options.c - the worker's command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

#define ARGV(...) ((char *[]){ "vmm-worker", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "vmm-worker", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(opts, err, ...) \
	options_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (opts), (err), sizeof(err))

static void test_options_defaults(void **state)
{
	struct worker_options o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "--kernel", "k.elf"), 0);
	assert_string_equal(o.kernel, "k.elf");
	assert_null(o.bios);
	assert_int_equal(o.mem_size, 128ull << 20);
	assert_int_equal(o.smp, 1);
	assert_false(o.trace);
}

static void test_options_all(void **state)
{
	struct worker_options o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "--kernel", "k", "--bios", "fw.bin", "--mem", "2G", "--smp",
			       "4", "--append", "console=ttyS0", "--trace", "--interp"),
			 0);
	assert_string_equal(o.bios, "fw.bin");
	assert_int_equal(o.mem_size, 2ull << 30);
	assert_int_equal(o.smp, 4);
	assert_string_equal(o.append, "console=ttyS0");
	assert_true(o.trace);
	assert_true(o.interp);
	/* QEMU-style single dash and --opt=value forms. */
	assert_int_equal(PARSE(&o, err, "-kernel", "k", "--mem=64M", "-bios", "none"), 0);
	assert_int_equal(o.mem_size, 64ull << 20);
	assert_null(o.bios);
}

static void test_options_sizes(void **state)
{
	uint64_t b;

	assert_int_equal(options_parse_size("512", &b), 0);
	assert_int_equal(b, 512ull << 20);
	assert_int_equal(options_parse_size("65536K", &b), 0);
	assert_int_equal(b, 64ull << 20);
	assert_int_equal(options_parse_size("1GiB", &b), 0);
	assert_int_equal(b, 1ull << 30);
	assert_int_equal(options_parse_size("256MB", &b), 0);
	assert_int_equal(b, 256ull << 20);
	assert_int_equal(options_parse_size("", &b), -EINVAL);
	assert_int_equal(options_parse_size("-1M", &b), -EINVAL);
	assert_int_equal(options_parse_size("12Q", &b), -EINVAL);
	assert_int_equal(options_parse_size("1MiBx", &b), -EINVAL);
	assert_int_equal(options_parse_size("99999999999999999999", &b), -EINVAL);
	assert_int_equal(options_parse_size("17179869184T", &b), -EINVAL);
}

static void test_options_errors(void **state)
{
	struct worker_options o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "--bogus"), -EINVAL);
	assert_non_null(strstr(err, "unknown option"));
	assert_int_equal(PARSE(&o, err, "--mem", "lots", "--kernel", "k"), -EINVAL);
	assert_non_null(strstr(err, "--mem"));
	assert_int_equal(PARSE(&o, err, "--smp", "two", "--kernel", "k"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--smp", "-1", "--kernel", "k"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--trace"), -EINVAL);
	assert_non_null(strstr(err, "--kernel"));
	assert_int_equal(PARSE(&o, err, "--kernel"), -EINVAL);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(PARSE(&o, err, "--kernel", "k", "stray"), -EINVAL);
	assert_non_null(strstr(err, "stray"));
}

static void test_options_boot(void **state)
{
	struct worker_options o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "--kernel", "Image"), 0);
	assert_true(o.console_input);
	assert_null(o.initrd);
	assert_null(o.dump_dtb);
	assert_int_equal(
		PARSE(&o, err, "--kernel", "Image", "--initrd", "rd.gz", "--console", "none"), 0);
	assert_string_equal(o.initrd, "rd.gz");
	assert_false(o.console_input);
	assert_int_equal(PARSE(&o, err, "--kernel", "k", "--console", "stdio"), 0);
	assert_true(o.console_input);
	assert_int_equal(PARSE(&o, err, "--kernel", "k", "--console", "serial"), -EINVAL);
	assert_non_null(strstr(err, "--console"));
	/* The device tree alone needs no kernel; anything else still does. */
	assert_int_equal(PARSE(&o, err, "--dump-dtb", "virt.dtb", "--smp", "2"), 0);
	assert_string_equal(o.dump_dtb, "virt.dtb");
	assert_null(o.kernel);
	assert_int_equal(PARSE(&o, err, "--initrd", "rd.gz"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_boot),   cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_all),    cmocka_unit_test(test_options_sizes),
		cmocka_unit_test(test_options_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
