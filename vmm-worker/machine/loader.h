/*
 * loader.h - placing guest images (ELF or raw) into guest RAM.
 */
#ifndef VMM_MACHINE_LOADER_H
#define VMM_MACHINE_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct bus;

struct loader_image {
	uint64_t entry;	    /* ELF entry, or the load address of a raw image */
	uint64_t low, high; /* guest-physical extent [low, high) written */
	uint64_t tohost;    /* address of the `tohost` symbol, 0 if none */
	uint64_t fromhost;  /* address of the `fromhost` symbol, 0 if none */
};

/*
 * Load the file at `path` into guest RAM. An ELF (RISC-V, 64-bit,
 * little-endian, executable) is placed by its program headers; any other
 * file is copied raw to `raw_addr`. Every byte must land inside RAM.
 * Returns 0, or -errno with a one-line reason in errbuf.
 */
int loader_load(struct bus *bus, const char *path, uint64_t raw_addr, struct loader_image *image,
		char *errbuf, size_t errlen);

#endif
