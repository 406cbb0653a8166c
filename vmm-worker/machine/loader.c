/*
 * loader.c - ELF (through libelf) and raw image loading.
 *
 * A guest image is untrusted input: every size and offset is checked
 * against the file and against guest RAM before a byte is copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "loader.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static bool loader_range_in_ram(const struct bus *bus, uint64_t addr, uint64_t len)
{
	return len == 0 || bus_ram_ptr(bus, addr, len, false) != NULL;
}

static void loader_find_htif(Elf *elf, struct loader_image *image)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB || !shdr.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			name = elf_strptr(elf, shdr.sh_link, sym.st_name);
			if (!name)
				continue;
			if (!strcmp(name, "tohost"))
				image->tohost = sym.st_value;
			else if (!strcmp(name, "fromhost"))
				image->fromhost = sym.st_value;
		}
	}
}

static int loader_load_elf(struct bus *bus, const char *path, const uint8_t *file, size_t file_size,
			   struct loader_image *image, char *errbuf, size_t errlen)
{
	Elf *elf;
	GElf_Ehdr ehdr;
	size_t phnum;
	int ret = -EINVAL;

	elf = elf_memory((char *)file, file_size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
		snprintf(errbuf, errlen, "%s: not a valid ELF file (%s)", path, elf_errmsg(-1));
		goto out;
	}
	if (ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_ident[EI_DATA] != ELFDATA2LSB ||
	    ehdr.e_machine != EM_RISCV) {
		snprintf(errbuf, errlen, "%s: not a 64-bit little-endian RISC-V ELF", path);
		goto out;
	}
	if (ehdr.e_type != ET_EXEC) {
		snprintf(errbuf, errlen, "%s: not an executable ELF (type %u)", path,
			 (unsigned)ehdr.e_type);
		goto out;
	}
	if (elf_getphdrnum(elf, &phnum) != 0) {
		snprintf(errbuf, errlen, "%s: bad program headers (%s)", path, elf_errmsg(-1));
		goto out;
	}
	image->low = UINT64_MAX;
	image->high = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			snprintf(errbuf, errlen, "%s: bad program header %zu", path, i);
			goto out;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > file_size ||
		    ph.p_filesz > file_size - ph.p_offset) {
			snprintf(errbuf, errlen,
				 "%s: truncated ELF (segment %zu beyond end of file)", path, i);
			goto out;
		}
		if (!loader_range_in_ram(bus, ph.p_paddr, ph.p_memsz)) {
			snprintf(errbuf, errlen,
				 "%s: segment %zu at 0x%llx-0x%llx is outside guest RAM "
				 "0x%llx-0x%llx",
				 path, i, (unsigned long long)ph.p_paddr,
				 (unsigned long long)(ph.p_paddr + ph.p_memsz),
				 (unsigned long long)bus->ram_base,
				 (unsigned long long)(bus->ram_base + bus->ram_size));
			goto out;
		}
		uint8_t *dst = bus_ram_ptr(bus, ph.p_paddr, ph.p_memsz, false);

		memcpy(dst, file + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < image->low)
			image->low = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > image->high)
			image->high = ph.p_paddr + ph.p_memsz;
	}
	if (image->high == 0) {
		snprintf(errbuf, errlen, "%s: ELF has no loadable segment", path);
		goto out;
	}
	image->entry = ehdr.e_entry;
	loader_find_htif(elf, image);
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	return ret;
}

int loader_load(struct bus *bus, const char *path, uint64_t raw_addr, struct loader_image *image,
		char *errbuf, size_t errlen)
{
	struct stat st;
	uint8_t *file = MAP_FAILED;
	int fd, ret;

	memset(image, 0, sizeof(*image));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file", path);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size == 0) {
		snprintf(errbuf, errlen, "%s: empty file", path);
		ret = -EINVAL;
		goto out;
	}
	file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED) {
		ret = -errno;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size >= 4 && !memcmp(file, ELFMAG, SELFMAG)) {
		if (elf_version(EV_CURRENT) == EV_NONE) {
			snprintf(errbuf, errlen, "libelf: %s", elf_errmsg(-1));
			ret = -EINVAL;
			goto out;
		}
		ret = loader_load_elf(bus, path, file, (size_t)st.st_size, image, errbuf, errlen);
		goto out;
	}
	if (!loader_range_in_ram(bus, raw_addr, (uint64_t)st.st_size)) {
		snprintf(errbuf, errlen, "%s: %lld bytes at 0x%llx do not fit in guest RAM", path,
			 (long long)st.st_size, (unsigned long long)raw_addr);
		ret = -EFBIG;
		goto out;
	}
	memcpy(bus_ram_ptr(bus, raw_addr, (uint64_t)st.st_size, false), file, (size_t)st.st_size);
	image->entry = raw_addr;
	image->low = raw_addr;
	image->high = raw_addr + (uint64_t)st.st_size;
	ret = 0;
out:
	if (file != MAP_FAILED)
		munmap(file, (size_t)st.st_size);
	close(fd);
	return ret;
}
