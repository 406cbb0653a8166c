/*
 * cmd_vm.c - the request/answer commands of vmctl: list, create, the
 * actions, destroy, show, stats and host. Each sends one request (destroy
 * --force a few) and prints the answer as text, or as JSON with --json.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/json_util.h"
#include "cli/vmctl.h"

#define VM_PATH_MAX 512
#define VM_CREATE_FILE_MAX (1024 * 1024)
#define VM_FORCE_STOP_WAIT_MS 10000

/* The one NAME argument of @argv (after argv[0]); prints the usage if absent. */
static int vm_name_arg(struct vmctl *ctl, int argc, char **argv, const char **name)
{
	const struct vmctl_command *cmd = vmctl_command_find(argv[0]);

	if (argc != 2 || argv[1][0] == '-')
		return vmctl_usage_error(ctl, cmd,
					 argc < 2   ? "NAME is missing"
					 : argc > 2 ? "too many arguments"
						    : "unknown option");
	*name = argv[1];
	return 0;
}

/* GET @name's @suffix and print it as "key: value" lines or JSON. */
static int vm_get(struct vmctl *ctl, const char *name, const char *suffix)
{
	struct json_object *resp = NULL;
	char path[VM_PATH_MAX];
	int ret;

	if (vmctl_vm_path(path, sizeof(path), name, suffix)) {
		fprintf(ctl->err, "vmctl: name too long\n");
		return VMCTL_EXIT_USAGE;
	}
	ret = vmctl_call(ctl, "GET", path, NULL, &resp, NULL);
	if (ret == 0) {
		if (ctl->json)
			vmctl_print_json(ctl->out, resp);
		else
			vmctl_print_object(ctl->out, resp);
	}
	json_object_put(resp);
	return ret;
}

/* cmd_list - `vmctl list [--names]`. */
int cmd_list(struct vmctl *ctl, int argc, char **argv)
{
	struct json_object *resp = NULL, *vms = NULL;
	bool names = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--names"))
			return vmctl_usage_error(ctl, vmctl_command_find("list"), NULL);
		names = true;
	}
	ret = vmctl_call(ctl, "GET", "/v1/vms", NULL, &resp, NULL);
	if (ret)
		goto out;
	json_object_object_get_ex(resp, "vms", &vms);
	if (names)
		vmctl_print_names(ctl->out, vms);
	else if (ctl->json)
		vmctl_print_json(ctl->out, resp);
	else
		vmctl_print_vm_table(ctl->out, vms);
out:
	json_object_put(resp);
	return ret;
}

/* Read all of @path (at most VM_CREATE_FILE_MAX bytes) into a new string. */
static char *vm_read_file(struct vmctl *ctl, const char *path, size_t *len)
{
	char *text = NULL;
	struct stat st;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(ctl->err, "vmctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > VM_CREATE_FILE_MAX) {
		fprintf(ctl->err, "vmctl: %s: not a regular file of at most 1 MiB\n", path);
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		fprintf(ctl->err, "vmctl: out of memory\n");
		goto out;
	}
	*len = 0;
	while (*len < (size_t)st.st_size &&
	       (got = read(fd, text + *len, (size_t)st.st_size - *len)) > 0)
		*len += (size_t)got;
	text[*len] = '\0';
out:
	if (fd >= 0)
		close(fd);
	return text;
}

/* Print a created/updated/acted-on VM: the JSON, or "@verb NAME (STATE)". */
static void vm_print_result(struct vmctl *ctl, struct json_object *vm, const char *verb,
			    const char *name)
{
	if (ctl->json) {
		vmctl_print_json(ctl->out, vm);
		return;
	}
	fprintf(ctl->out, "%s %s: %s\n", verb, json_get_string(vm, "name", name),
		json_get_string(vm, "state", "?"));
}

/* cmd_create - `vmctl create NAME --kernel K ...` or `vmctl create --file DEF.json`. */
int cmd_create(struct vmctl *ctl, int argc, char **argv)
{
	struct json_object *def = NULL, *resp = NULL;
	char errbuf[256] = "";
	const char *file;
	size_t len = 0, out_len = 0;
	char *text = NULL, *out = NULL;
	long status = 0;
	int ret;

	if (vmctl_parse_create(argc, argv, &def, &file, errbuf, sizeof(errbuf)))
		return vmctl_usage_error(ctl, vmctl_command_find("create"), errbuf);
	if (def) {
		ret = vmctl_call(ctl, "POST", "/v1/vms", def, &resp, NULL);
		if (ret == 0)
			vm_print_result(ctl, resp, "created", json_get_string(def, "name", "?"));
		goto out;
	}
	/* --file: the operator's JSON goes as it is; the server judges it. */
	text = vm_read_file(ctl, file, &len);
	if (!text) {
		ret = VMCTL_EXIT_REFUSED;
		goto out;
	}
	ret = http_client_request_raw(ctl->client, "POST", "/v1/vms", "application/json", text, len,
				      &status, &out, &out_len, errbuf, sizeof(errbuf));
	if (ret) {
		ret = vmctl_report_transport(ctl, ret, errbuf);
		goto out;
	}
	if (status < 200 || status >= 300) {
		ret = vmctl_report_response(ctl, status, out, out_len);
		goto out;
	}
	resp = json_tokener_parse(out);
	vm_print_result(ctl, resp, "created", "?");
	ret = 0;
out:
	free(text);
	free(out);
	json_object_put(def);
	json_object_put(resp);
	return ret;
}

/* cmd_action - `vmctl start|stop|shutdown|reboot|pause|resume NAME`. */
int cmd_action(struct vmctl *ctl, int argc, char **argv)
{
	struct json_object *resp = NULL;
	char path[VM_PATH_MAX], suffix[32];
	const char *name = NULL;
	int ret;

	ret = vm_name_arg(ctl, argc, argv, &name);
	if (ret)
		return ret;
	snprintf(suffix, sizeof(suffix), "/%s", argv[0]);
	if (vmctl_vm_path(path, sizeof(path), name, suffix)) {
		fprintf(ctl->err, "vmctl: name too long\n");
		return VMCTL_EXIT_USAGE;
	}
	ret = vmctl_call(ctl, "POST", path, NULL, &resp, NULL);
	if (ret == 0)
		vm_print_result(ctl, resp, argv[0], name);
	json_object_put(resp);
	return ret;
}

/* The VM's state, or NULL after printing why not (*@ret is the exit status). */
static char *vm_state(struct vmctl *ctl, const char *path, int *ret)
{
	struct json_object *resp = NULL;
	char *state = NULL;

	*ret = vmctl_call(ctl, "GET", path, NULL, &resp, NULL);
	if (*ret == 0) {
		state = strdup(json_get_string(resp, "state", "?"));
		if (!state) {
			fprintf(ctl->err, "vmctl: out of memory\n");
			*ret = VMCTL_EXIT_REFUSED;
		}
	}
	json_object_put(resp);
	return state;
}

static bool vm_state_is_down(const char *state)
{
	return !strcmp(state, "stopped") || !strcmp(state, "crashed");
}

/*
 * --force: stop the VM and wait until the server reports it down, since a
 * stop may answer 202 while the worker is still being reaped.
 */
static int vm_force_stop(struct vmctl *ctl, const char *name, const char *path)
{
	struct json_object *resp = NULL;
	char stop_path[VM_PATH_MAX];
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	char *state;
	int ret;

	state = vm_state(ctl, path, &ret);
	if (!state)
		return ret;
	if (vm_state_is_down(state))
		goto out;
	vmctl_vm_path(stop_path, sizeof(stop_path), name, "/stop");
	ret = vmctl_call(ctl, "POST", stop_path, NULL, &resp, NULL);
	json_object_put(resp);
	if (ret)
		goto out;
	for (int waited = 0; waited < VM_FORCE_STOP_WAIT_MS; waited += 100) {
		free(state);
		state = vm_state(ctl, path, &ret);
		if (!state)
			return ret;
		if (vm_state_is_down(state))
			goto out;
		nanosleep(&pause, NULL);
	}
	fprintf(ctl->err, "vmctl: %s is still %s after stop\n", name, state);
	ret = VMCTL_EXIT_REFUSED;
out:
	free(state);
	return ret;
}

/* cmd_destroy - `vmctl destroy [--force] NAME`: DELETE, stopping first with --force. */
int cmd_destroy(struct vmctl *ctl, int argc, char **argv)
{
	const struct vmctl_command *cmd = vmctl_command_find("destroy");
	struct json_object *resp = NULL;
	const char *name = NULL;
	char path[VM_PATH_MAX];
	bool force = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			force = true;
		else if (argv[i][0] == '-' || name)
			return vmctl_usage_error(ctl, cmd, NULL);
		else
			name = argv[i];
	}
	if (!name)
		return vmctl_usage_error(ctl, cmd, "NAME is missing");
	if (vmctl_vm_path(path, sizeof(path), name, "")) {
		fprintf(ctl->err, "vmctl: name too long\n");
		return VMCTL_EXIT_USAGE;
	}
	if (force) {
		ret = vm_force_stop(ctl, name, path);
		if (ret)
			return ret;
	}
	/* Without --force the server refuses a running VM (409) with its own message. */
	ret = vmctl_call(ctl, "DELETE", path, NULL, &resp, NULL);
	if (ret == 0 && !ctl->json)
		fprintf(ctl->out, "destroyed %s\n", name);
	json_object_put(resp);
	return ret;
}

/* cmd_show - `vmctl show NAME`. */
int cmd_show(struct vmctl *ctl, int argc, char **argv)
{
	const char *name = NULL;
	int ret = vm_name_arg(ctl, argc, argv, &name);

	return ret ? ret : vm_get(ctl, name, "");
}

/* cmd_stats - `vmctl stats NAME`. */
int cmd_stats(struct vmctl *ctl, int argc, char **argv)
{
	const char *name = NULL;
	int ret = vm_name_arg(ctl, argc, argv, &name);

	return ret ? ret : vm_get(ctl, name, "/stats");
}

/* cmd_host - `vmctl host`. */
int cmd_host(struct vmctl *ctl, int argc, char **argv)
{
	struct json_object *resp = NULL;
	int ret;

	if (argc != 1)
		return vmctl_usage_error(ctl, vmctl_command_find(argv[0]), "too many arguments");
	ret = vmctl_call(ctl, "GET", "/v1/host", NULL, &resp, NULL);
	if (ret == 0) {
		if (ctl->json)
			vmctl_print_json(ctl->out, resp);
		else
			vmctl_print_host(ctl->out, resp);
	}
	json_object_put(resp);
	return ret;
}
