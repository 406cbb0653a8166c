/*
 * options.c - command-line parsing for vmm-worker.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

const char options_usage[] =
	"usage: vmm-worker --kernel FILE [options]\n"
	"  --kernel FILE     guest program or kernel (RISC-V ELF, Linux Image or raw image)\n"
	"  --bios FILE|none  firmware (e.g. OpenSBI fw_jump.bin) at the start of RAM; the\n"
	"                    kernel then goes 2 MiB up (default: none, the kernel runs in M-mode)\n"
	"  --initrd FILE     initial ramdisk, placed high in RAM and named in /chosen\n"
	"  --mem SIZE        guest RAM, e.g. 128M, 2G; a bare number is MiB (default 128M)\n"
	"  --smp N           number of harts, 1-8 (default 1)\n"
	"  --append STR      kernel command line (/chosen/bootargs in the device tree)\n"
	"  --console stdio|none  the UART receives the worker's stdin (default) or nothing\n"
	"  --dump-dtb FILE   write the board's device tree blob to FILE and exit\n"
	"  --drive file=IMG[,readonly]  raw disk image on virtio-blk (/dev/vda)\n"
	"  --rng             a virtio-rng device fed by the host's getrandom()\n"
	"  --no-reboot       a guest reboot ends the run (status 0) instead\n"
	"  --api-socket PATH serve the worker's REST API (status, stats, pause...) there\n"
	"  --console-socket PATH  serve the serial console on a unix socket (one client;\n"
	"                    its input replaces stdin, output still goes to stdout)\n"
	"  --exit-file PATH  write the exit status there before exiting (for a supervisor\n"
	"                    that is not the worker's parent)\n"
	"  --interp          run on the reference interpreter (default: the translator)\n"
	"  --no-ret-array    translate returns without the return-address array (T3)\n"
	"  --code-cache SIZE translated code per hart, e.g. 64M (default 64M)\n"
	"  --stats           print the translator's counters on stderr at exit, and count\n"
	"                    every T3 call, return and hit (which costs time)\n"
	"  --perf-map        write /tmp/perf-PID.map, naming each translated block for perf\n"
	"  --check-lockstep  check every translated block against the interpreter; a\n"
	"                    divergence prints both states and exits with status 86\n"
	"  --trace           print every executed instruction on stderr\n"
	"  --help, --version\n";

enum {
	OPT_KERNEL = 256,
	OPT_BIOS,
	OPT_MEM,
	OPT_SMP,
	OPT_APPEND,
	OPT_INTERP,
	OPT_TRACE,
	OPT_HELP,
	OPT_VERSION,
	OPT_DRIVE,
	OPT_RNG,
	OPT_NO_REBOOT,
	OPT_INITRD,
	OPT_DUMP_DTB,
	OPT_CONSOLE,
	OPT_API_SOCKET,
	OPT_CONSOLE_SOCKET,
	OPT_EXIT_FILE,
	OPT_NO_RET_ARRAY,
	OPT_PERF_MAP,
	OPT_CODE_CACHE,
	OPT_CHECK_LOCKSTEP,
	OPT_STATS,
};

static const struct option options_table[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "bios", required_argument, NULL, OPT_BIOS },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "interp", no_argument, NULL, OPT_INTERP },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "rng", no_argument, NULL, OPT_RNG },
	{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "api-socket", required_argument, NULL, OPT_API_SOCKET },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
	{ "exit-file", required_argument, NULL, OPT_EXIT_FILE },
	{ "no-ret-array", no_argument, NULL, OPT_NO_RET_ARRAY },
	{ "code-cache", required_argument, NULL, OPT_CODE_CACHE },
	{ "check-lockstep", no_argument, NULL, OPT_CHECK_LOCKSTEP },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "perf-map", no_argument, NULL, OPT_PERF_MAP },
	{ NULL, 0, NULL, 0 },
};

int options_parse_size(const char *text, uint64_t *bytes)
{
	char *end;
	unsigned long long value;
	unsigned shift = 20;

	if (!text || !*text || *text == '-')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		return -EINVAL;
	}
	/* "M", "MB" and "MiB" all mean mebibytes, as in QEMU. */
	if (end[-1] > '9' && (!strcmp(end, "B") || !strcmp(end, "iB")))
		end += strlen(end);
	if (*end != '\0' || value > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = (uint64_t)value << shift;
	return 0;
}

static int options_parse_count(const char *text, unsigned *count)
{
	char *end;
	unsigned long value;

	if (!text || *text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || *end != '\0' || value > 1024)
		return -EINVAL;
	*count = (unsigned)value;
	return 0;
}

int options_parse_drive(const char *text, struct worker_options *opts, char *errbuf, size_t errlen)
{
	const char *p = text;
	bool have_file = false;

	if (opts->drive[0]) {
		snprintf(errbuf, errlen, "--drive: only one disk is supported");
		return -EINVAL;
	}
	while (*p) {
		size_t len = strcspn(p, ",");

		if (!strncmp(p, "file=", 5) && len > 5 && len - 5 < sizeof(opts->drive)) {
			memcpy(opts->drive, p + 5, len - 5);
			opts->drive[len - 5] = '\0';
			have_file = true;
		} else if ((len == 8 && !strncmp(p, "readonly", 8)) ||
			   (len == 11 && !strncmp(p, "readonly=on", 11))) {
			opts->drive_readonly = true;
		} else if (len == 12 && !strncmp(p, "readonly=off", 12)) {
			opts->drive_readonly = false;
		} else if ((len == 10 && !strncmp(p, "format=raw", 10)) ||
			   (len == 9 && !strncmp(p, "if=virtio", 9))) {
			/* QEMU's spelling of what this worker always does. */
		} else {
			snprintf(errbuf, errlen, "--drive %s: unknown or malformed '%.*s'", text,
				 (int)len, p);
			opts->drive[0] = '\0';
			return -EINVAL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!have_file) {
		snprintf(errbuf, errlen, "--drive %s: needs file=IMG", text);
		opts->drive[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

int options_parse(int argc, char **argv, struct worker_options *opts, char *errbuf, size_t errlen)
{
	int opt;

	*opts = (struct worker_options){
		.mem_size = OPTIONS_DEFAULT_MEM,
		.smp = 1,
		.console_input = true,
	};
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, ":", options_table, NULL)) != -1) {
		switch (opt) {
		case OPT_KERNEL:
			opts->kernel = optarg;
			break;
		case OPT_BIOS:
			opts->bios = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case OPT_MEM:
			if (options_parse_size(optarg, &opts->mem_size)) {
				snprintf(errbuf, errlen, "--mem %s: not a size (try 128M or 1G)",
					 optarg);
				return -EINVAL;
			}
			break;
		case OPT_SMP:
			if (options_parse_count(optarg, &opts->smp)) {
				snprintf(errbuf, errlen, "--smp %s: not a number of harts", optarg);
				return -EINVAL;
			}
			break;
		case OPT_APPEND:
			opts->append = optarg;
			break;
		case OPT_INTERP:
			opts->interp = true;
			break;
		case OPT_NO_RET_ARRAY:
			opts->no_ret_array = true;
			break;
		case OPT_PERF_MAP:
			opts->perf_map = true;
			break;
		case OPT_CHECK_LOCKSTEP:
			opts->check_lockstep = true;
			break;
		case OPT_STATS:
			opts->stats = true;
			break;
		case OPT_CODE_CACHE:
			if (options_parse_size(optarg, &opts->code_cache_size) ||
			    opts->code_cache_size < (1ull << 20) ||
			    opts->code_cache_size > (1ull << 31)) {
				snprintf(errbuf, errlen, "--code-cache %s: a size from 1M to 2G",
					 optarg);
				return -EINVAL;
			}
			break;
		case OPT_TRACE:
			opts->trace = true;
			break;
		case OPT_DRIVE:
			if (options_parse_drive(optarg, opts, errbuf, errlen))
				return -EINVAL;
			break;
		case OPT_RNG:
			opts->rng = true;
			break;
		case OPT_NO_REBOOT:
			opts->no_reboot = true;
			break;
		case OPT_INITRD:
			opts->initrd = optarg;
			break;
		case OPT_DUMP_DTB:
			opts->dump_dtb = optarg;
			break;
		case OPT_CONSOLE:
			if (strcmp(optarg, "stdio") && strcmp(optarg, "none")) {
				snprintf(errbuf, errlen, "--console %s: must be stdio or none",
					 optarg);
				return -EINVAL;
			}
			opts->console_input = !strcmp(optarg, "stdio");
			break;
		case OPT_API_SOCKET:
			opts->api_socket = optarg;
			break;
		case OPT_CONSOLE_SOCKET:
			opts->console_socket = optarg;
			break;
		case OPT_EXIT_FILE:
			opts->exit_file = optarg;
			break;
		case OPT_HELP:
			opts->help = true;
			return 0;
		case OPT_VERSION:
			opts->version = true;
			return 0;
		case ':':
			snprintf(errbuf, errlen, "%s needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(errbuf, errlen, "unknown option '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(errbuf, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		return -EINVAL;
	}
	/* The device tree alone needs no kernel. */
	if (!opts->kernel && !opts->dump_dtb) {
		snprintf(errbuf, errlen, "--kernel FILE is required (see --help)");
		return -EINVAL;
	}
	return 0;
}
