/*
 * create.c - the options of `vmctl create` turned into a VM definition.
 *
 * Only what the operator typed goes into the JSON: the server fills the
 * defaults and is the one judge of ranges and paths, so its 422 message is
 * what the operator sees. The client checks only what it must convert
 * (numbers, memory sizes, the disk suffix).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/vmctl.h"

enum create_option {
	CREATE_KERNEL = 256,
	CREATE_BIOS,
	CREATE_INITRD,
	CREATE_CMDLINE,
	CREATE_VCPUS,
	CREATE_MEMORY,
	CREATE_DISK,
	CREATE_AUTOSTART,
	CREATE_RESTART,
	CREATE_FILE,
};

static const struct option create_options[] = {
	{ "kernel", required_argument, NULL, CREATE_KERNEL },
	{ "bios", required_argument, NULL, CREATE_BIOS },
	{ "initrd", required_argument, NULL, CREATE_INITRD },
	{ "cmdline", required_argument, NULL, CREATE_CMDLINE },
	{ "vcpus", required_argument, NULL, CREATE_VCPUS },
	{ "memory", required_argument, NULL, CREATE_MEMORY },
	{ "disk", required_argument, NULL, CREATE_DISK },
	{ "autostart", no_argument, NULL, CREATE_AUTOSTART },
	{ "restart", required_argument, NULL, CREATE_RESTART },
	{ "file", required_argument, NULL, CREATE_FILE },
	{ NULL, 0, NULL, 0 },
};

/* "PATH" or "PATH,readonly" -> {"path": ..., "readonly": ...}. */
static struct json_object *create_parse_disk(const char *arg)
{
	const char *comma = strrchr(arg, ',');
	struct json_object *disk;
	size_t len = strlen(arg);
	bool readonly = false;

	if (comma && !strcmp(comma + 1, "readonly")) {
		readonly = true;
		len = (size_t)(comma - arg);
	}
	if (len == 0)
		return NULL;
	disk = json_object_new_object();
	if (!disk)
		return NULL;
	json_object_object_add(disk, "path", json_object_new_string_len(arg, (int)len));
	json_object_object_add(disk, "readonly", json_object_new_boolean(readonly));
	return disk;
}

/* vmctl_parse_create - see vmctl.h. */
int vmctl_parse_create(int argc, char **argv, struct json_object **def, const char **file,
		       char *err, size_t err_size)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *disks = NULL;
	bool have_kernel = false, have_fields = false;
	int opt, ret = -EINVAL;
	int64_t mib;

	*def = NULL;
	*file = NULL;
	if (!obj) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	/* A placeholder keeps "name" first in the JSON; it gets its value below. */
	json_object_object_add(obj, "name", NULL);
	/* optind = 0 makes getopt start over, so the unit tests can call this repeatedly. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", create_options, NULL)) != -1) {
		const char *key = NULL;
		char *end;
		long n;

		if (opt != CREATE_FILE)
			have_fields = true;
		switch (opt) {
		case CREATE_KERNEL:
			have_kernel = true;
			key = "kernel";
			break;
		case CREATE_BIOS:
			key = "bios";
			break;
		case CREATE_INITRD:
			key = "initrd";
			break;
		case CREATE_CMDLINE:
			key = "cmdline";
			break;
		case CREATE_VCPUS:
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 0 || n > INT_MAX) {
				snprintf(err, err_size, "--vcpus: '%s' is not a number", optarg);
				goto out;
			}
			json_object_object_add(obj, "vcpus", json_object_new_int((int)n));
			break;
		case CREATE_MEMORY:
			if (vmctl_parse_memory(optarg, &mib)) {
				snprintf(err, err_size,
					 "--memory: '%s' is not a size such as 256M or 2G", optarg);
				goto out;
			}
			json_object_object_add(obj, "memory_mib", json_object_new_int64(mib));
			break;
		case CREATE_DISK: {
			struct json_object *disk = create_parse_disk(optarg);

			if (!disk) {
				snprintf(err, err_size, "--disk: expected PATH[,readonly]");
				goto out;
			}
			if (!disks) {
				disks = json_object_new_array();
				json_object_object_add(obj, "disks", disks);
			}
			json_object_array_add(disks, disk);
			break;
		}
		case CREATE_AUTOSTART:
			json_object_object_add(obj, "autostart", json_object_new_boolean(true));
			break;
		case CREATE_RESTART:
			if (strcmp(optarg, "no") && strcmp(optarg, "on-failure") &&
			    strcmp(optarg, "always")) {
				snprintf(err, err_size,
					 "--restart: expected no, on-failure or always, not '%s'",
					 optarg);
				goto out;
			}
			json_object_object_add(obj, "restart_policy",
					       json_object_new_string(optarg));
			break;
		case CREATE_FILE:
			*file = optarg;
			break;
		default:
			snprintf(err, err_size, "create: unknown or incomplete option '%s'",
				 argv[optind - 1]);
			goto out;
		}
		if (key)
			json_object_object_add(obj, key, json_object_new_string(optarg));
	}
	if (*file) {
		if (have_fields || optind < argc) {
			snprintf(err, err_size,
				 "create: --file takes no NAME and no other options");
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (optind + 1 != argc) {
		snprintf(err, err_size,
			 optind >= argc ? "create: NAME is missing" : "create: too many arguments");
		goto out;
	}
	if (!have_kernel) {
		snprintf(err, err_size, "create: --kernel is required");
		goto out;
	}
	json_object_object_add(obj, "name", json_object_new_string(argv[optind]));
	*def = obj;
	obj = NULL;
	ret = 0;
out:
	json_object_put(obj);
	if (ret)
		*file = NULL;
	return ret;
}
