/*
 * test_loader.c - ELF and raw image loading, and every way an image can
 * be bad. Images are built in memory with <elf.h> so the test needs no
 * cross toolchain.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "machine/bus.h"
#include "machine/loader.h"
#include "mem/ram.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)

struct test_elf {
	Elf64_Ehdr ehdr;
	Elf64_Phdr phdr;
	uint8_t payload[16];
};

static void test_elf_build(struct test_elf *elf, uint64_t paddr, uint64_t memsz)
{
	memset(elf, 0, sizeof(*elf));
	memcpy(elf->ehdr.e_ident, ELFMAG, SELFMAG);
	elf->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	elf->ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	elf->ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	elf->ehdr.e_type = ET_EXEC;
	elf->ehdr.e_machine = EM_RISCV;
	elf->ehdr.e_version = EV_CURRENT;
	elf->ehdr.e_entry = paddr + 4;
	elf->ehdr.e_phoff = offsetof(struct test_elf, phdr);
	elf->ehdr.e_ehsize = sizeof(Elf64_Ehdr);
	elf->ehdr.e_phentsize = sizeof(Elf64_Phdr);
	elf->ehdr.e_phnum = 1;
	elf->phdr.p_type = PT_LOAD;
	elf->phdr.p_offset = offsetof(struct test_elf, payload);
	elf->phdr.p_vaddr = paddr;
	elf->phdr.p_paddr = paddr;
	elf->phdr.p_filesz = sizeof(elf->payload);
	elf->phdr.p_memsz = memsz;
	elf->phdr.p_flags = PF_R | PF_X;
	for (unsigned i = 0; i < sizeof(elf->payload); i++)
		elf->payload[i] = (uint8_t)(0xa0 + i);
}

/* Write `len` bytes to a fresh temporary file; returns its path (static buffer). */
static const char *test_write_file(const void *data, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/vmm-test-loader-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static int setup(void **state)
{
	struct bus *bus = calloc(1, sizeof(*bus));

	assert_int_equal(ram_map(bus, RAM_BASE, RAM_SIZE), 0);
	*state = bus;
	return 0;
}

static int teardown(void **state)
{
	struct bus *bus = *state;

	ram_unmap(bus);
	free(bus);
	return 0;
}

static int test_load(struct bus *bus, const void *data, size_t len, struct loader_image *img,
		     char *err)
{
	const char *path = test_write_file(data, len);
	int ret = loader_load(bus, path, RAM_BASE, img, err, 256);

	unlink(path);
	return ret;
}

static void test_loader_elf_ok(void **state)
{
	struct bus *bus = *state;
	struct test_elf elf;
	struct loader_image img;
	char err[256];
	uint8_t *ram;

	memset(bus->ram + 0x1000, 0xee, 64);
	test_elf_build(&elf, RAM_BASE + 0x1000, 48);
	assert_int_equal(test_load(bus, &elf, sizeof(elf), &img, err), 0);
	assert_int_equal(img.entry, RAM_BASE + 0x1004);
	assert_int_equal(img.low, RAM_BASE + 0x1000);
	assert_int_equal(img.high, RAM_BASE + 0x1000 + 48);
	ram = bus->ram + 0x1000;
	assert_memory_equal(ram, elf.payload, sizeof(elf.payload));
	for (unsigned i = 16; i < 48; i++)
		assert_int_equal(ram[i], 0); /* bss zeroed */
	assert_int_equal(ram[48], 0xee);     /* nothing past memsz touched */
	assert_int_equal(img.tohost, 0);
}

static void test_loader_rejects_wrong_machine(void **state)
{
	struct test_elf elf;
	struct loader_image img;
	char err[256];

	test_elf_build(&elf, RAM_BASE, 16);
	elf.ehdr.e_machine = EM_X86_64;
	assert_int_equal(test_load(*state, &elf, sizeof(elf), &img, err), -EINVAL);
	assert_non_null(strstr(err, "RISC-V"));
}

static void test_loader_rejects_32bit(void **state)
{
	struct test_elf elf;
	struct loader_image img;
	char err[256];

	test_elf_build(&elf, RAM_BASE, 16);
	elf.ehdr.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(test_load(*state, &elf, sizeof(elf), &img, err), -EINVAL);
}

static void test_loader_rejects_truncated(void **state)
{
	struct test_elf elf;
	struct loader_image img;
	char err[256];

	test_elf_build(&elf, RAM_BASE, 16);
	/* Cut into the segment's file bytes. */
	assert_int_equal(test_load(*state, &elf, sizeof(elf) - 8, &img, err), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	/* Cut into the ELF header itself. */
	assert_int_equal(test_load(*state, &elf, 20, &img, err), -EINVAL);
}

static void test_loader_rejects_outside_ram(void **state)
{
	struct test_elf elf;
	struct loader_image img;
	char err[256];

	test_elf_build(&elf, 0x1000, 16);
	assert_int_equal(test_load(*state, &elf, sizeof(elf), &img, err), -EINVAL);
	assert_non_null(strstr(err, "outside guest RAM"));
	/* Starts in RAM, ends past it. */
	test_elf_build(&elf, RAM_BASE + RAM_SIZE - 8, 16);
	assert_int_equal(test_load(*state, &elf, sizeof(elf), &img, err), -EINVAL);
	/* memsz large enough to wrap around. */
	test_elf_build(&elf, RAM_BASE, UINT64_MAX - 4);
	assert_int_equal(test_load(*state, &elf, sizeof(elf), &img, err), -EINVAL);
}

static void test_loader_rejects_filesz_over_memsz(void **state)
{
	struct test_elf elf;
	struct loader_image img;
	char err[256];

	test_elf_build(&elf, RAM_BASE, 8);
	assert_int_equal(test_load(*state, &elf, sizeof(elf), &img, err), -EINVAL);
}

static void test_loader_raw(void **state)
{
	struct bus *bus = *state;
	static const uint8_t raw[] = { 0x13, 0x00, 0x00, 0x00, 0x6f, 0x00, 0x00, 0x00 };
	struct loader_image img;
	char err[256];

	assert_int_equal(test_load(bus, raw, sizeof(raw), &img, err), 0);
	assert_int_equal(img.entry, RAM_BASE);
	assert_memory_equal(bus->ram, raw, sizeof(raw));
}

static void test_loader_raw_too_big(void **state)
{
	struct loader_image img;
	char err[256];
	uint8_t *big = calloc(1, RAM_SIZE + 1);

	big[0] = 1;
	assert_int_equal(test_load(*state, big, RAM_SIZE + 1, &img, err), -EFBIG);
	free(big);
}

static void test_loader_missing_and_empty(void **state)
{
	struct loader_image img;
	char err[256];

	assert_int_equal(
		loader_load(*state, "/nonexistent/vmm.elf", RAM_BASE, &img, err, sizeof(err)),
		-ENOENT);
	assert_non_null(strstr(err, "/nonexistent/vmm.elf"));
	assert_int_equal(test_load(*state, "", 0, &img, err), -EINVAL);
	assert_int_equal(loader_load(*state, "/tmp", RAM_BASE, &img, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loader_elf_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_rejects_wrong_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_rejects_32bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_rejects_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_rejects_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_rejects_filesz_over_memsz, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loader_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_raw_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_missing_and_empty, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
