/*
 * options.h - the worker's command line, in the style of qemu-system's.
 */
#ifndef VMM_WORKER_OPTIONS_H
#define VMM_WORKER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPTIONS_DEFAULT_MEM (128ull << 20)
#define OPTIONS_PATH_MAX 4096

struct worker_options {
	const char *kernel;
	const char *bios; /* NULL for `--bios none` */
	const char *append;
	const char *initrd;   /* --initrd FILE */
	const char *dump_dtb; /* --dump-dtb FILE: write the device tree and exit */
	bool console_input;   /* --console stdio (default) | none */
	uint64_t mem_size;
	unsigned smp;
	bool trace;
	bool interp;
	bool perf_map;		  /* --perf-map: name translated blocks for perf */
	bool no_ret_array;	  /* --no-ret-array: translate returns without T3 */
	bool stats;		  /* --stats: print the translator's counters at exit */
	bool check_lockstep;	  /* --check-lockstep: every block against the interpreter */
	uint64_t code_cache_size; /* --code-cache SIZE per hart, 0 for the default */
	/* --drive file=IMG[,readonly]: a virtio-blk disk ("" for none). */
	char drive[OPTIONS_PATH_MAX];
	bool drive_readonly;
	bool rng;		    /* --rng: a virtio-rng device */
	bool no_reboot;		    /* --no-reboot: a guest reboot ends the run */
	const char *api_socket;	    /* --api-socket PATH: the worker's REST API, NULL for none */
	const char *console_socket; /* --console-socket PATH: the serial console, NULL for none */
	const char *exit_file;	    /* --exit-file PATH: the exit status is written there */
	bool help;
	bool version;
};

/*
 * Parse argv. Returns 0, or -EINVAL with a one-line message in errbuf
 * (unknown option, missing or malformed value, missing --kernel unless
 * --dump-dtb).
 */
int options_parse(int argc, char **argv, struct worker_options *opts, char *errbuf, size_t errlen);

/*
 * Parse a size such as "128M", "1G", "65536K" or "512" (MiB, as QEMU's -m).
 * Returns 0 or -EINVAL.
 */
int options_parse_size(const char *text, uint64_t *bytes);

/*
 * Parse a --drive value: "file=IMG" followed by optional ",readonly"
 * (also "readonly=on|off"), ",format=raw" and ",if=virtio" as QEMU
 * writes them. Returns 0 or -EINVAL with a one-line message in errbuf.
 */
int options_parse_drive(const char *text, struct worker_options *opts, char *errbuf, size_t errlen);

/* The --help text. */
extern const char options_usage[];

#endif
