/*
 * commands.c - vmctl's command table and the request helpers every
 * command shares (one place turns server and transport failures into the
 * one-line error and the exit status).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "api/api_error.h"
#include "cli/vmctl.h"

const struct vmctl_command vmctl_commands[] = {
	{ "list", "[--names]", "list the VMs and their state", cmd_list },
	{ "create",
	  "NAME --kernel K [--bios B] [--initrd I] [--cmdline S] [--vcpus N] [--memory 256M]\n"
	  "       [--disk PATH[,readonly]] [--autostart] [--restart no|on-failure|always]\n"
	  "   or: vmctl create --file DEF.json",
	  "define a VM", cmd_create },
	{ "start", "NAME", "start a VM", cmd_action },
	{ "stop", "NAME", "stop a VM at once (kill its worker)", cmd_action },
	{ "shutdown", "NAME", "ask the guest to power off", cmd_action },
	{ "reboot", "NAME", "restart a VM", cmd_action },
	{ "pause", "NAME", "pause a VM's vCPUs", cmd_action },
	{ "resume", "NAME", "resume a paused VM", cmd_action },
	{ "destroy", "[--force] NAME", "delete a VM (--force stops it first)", cmd_destroy },
	{ "show", "NAME", "a VM's definition and state", cmd_show },
	{ "stats", "NAME", "a VM's counters", cmd_stats },
	{ "console", "NAME", "attach to a VM's serial console (Ctrl-] detaches)", cmd_console },
	{ "events", "[--since ID]", "follow state changes", cmd_events },
	{ "edit", "NAME", "edit a stopped VM's definition in $EDITOR", cmd_edit },
	{ "host", "", "the host's CPUs, NUMA nodes and free memory", cmd_host },
	{ "help", "[COMMAND]", "show help", cmd_help },
};

const size_t vmctl_n_commands = sizeof(vmctl_commands) / sizeof(vmctl_commands[0]);

/* vmctl_command_find - see vmctl.h. */
const struct vmctl_command *vmctl_command_find(const char *name)
{
	for (size_t i = 0; i < vmctl_n_commands; i++)
		if (!strcmp(vmctl_commands[i].name, name))
			return &vmctl_commands[i];
	return NULL;
}

/* vmctl_print_usage - see vmctl.h. */
void vmctl_print_usage(FILE *f, const struct vmctl_command *cmd)
{
	fprintf(f, "usage: vmctl %s%s%s\n", cmd->name, cmd->usage[0] ? " " : "", cmd->usage);
}

/* vmctl_usage_error - see vmctl.h. */
int vmctl_usage_error(struct vmctl *ctl, const struct vmctl_command *cmd, const char *msg)
{
	if (msg)
		fprintf(ctl->err, "vmctl: %s\n", msg);
	vmctl_print_usage(ctl->err, cmd);
	return VMCTL_EXIT_USAGE;
}

/* vmctl_report_response - see vmctl.h. */
int vmctl_report_response(struct vmctl *ctl, long status, const char *text, size_t len)
{
	struct json_object *body = NULL;
	const char *message = NULL;

	if (text && len)
		body = json_tokener_parse(text);
	if (api_error_parse(body, NULL, &message) == 0 && message && message[0])
		fprintf(ctl->err, "vmctl: %s\n", message);
	else
		fprintf(ctl->err, "vmctl: the server answered HTTP %ld\n", status);
	json_object_put(body);
	return VMCTL_EXIT_REFUSED;
}

/*
 * curl says only "Couldn't connect to server"; a connect() of our own
 * tells the operator whether the socket is missing or refused.
 */
static const char *vmctl_probe_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *reason = NULL;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return "socket path too long";
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return strerror(errno);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		reason = strerror(errno);
	close(fd);
	return reason;
}

/* vmctl_report_transport - see vmctl.h. */
int vmctl_report_transport(struct vmctl *ctl, int err, const char *reason)
{
	const char *probed = NULL;

	if (ctl->unix_socket && (err == -ECONNREFUSED || err == -EIO))
		probed = vmctl_probe_socket(ctl->endpoint);
	fprintf(ctl->err, "vmctl: cannot connect to %s: %s\n", ctl->endpoint,
		probed ? probed : (reason && reason[0] ? reason : strerror(-err)));
	return VMCTL_EXIT_CONNECT;
}

/* vmctl_call - see vmctl.h. */
int vmctl_call(struct vmctl *ctl, const char *method, const char *path, struct json_object *body,
	       struct json_object **response, long *status)
{
	const char *text =
		body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
	char errbuf[256] = "";
	size_t out_len = 0;
	char *out = NULL;
	long code = 0;
	int ret;

	*response = NULL;
	ret = http_client_request_raw(ctl->client, method, path, "application/json", text,
				      text ? strlen(text) : 0, &code, &out, &out_len, errbuf,
				      sizeof(errbuf));
	if (ret) {
		ret = vmctl_report_transport(ctl, ret, errbuf);
		goto out;
	}
	if (status)
		*status = code;
	if (code < 200 || code >= 300) {
		ret = vmctl_report_response(ctl, code, out, out_len);
		goto out;
	}
	if (out_len) {
		*response = json_tokener_parse(out);
		if (!*response) {
			fprintf(ctl->err, "vmctl: the server sent a body that is not JSON\n");
			ret = VMCTL_EXIT_REFUSED;
		}
	}
out:
	free(out);
	return ret;
}

/* vmctl_vm_path - see vmctl.h. */
int vmctl_vm_path(char *buf, size_t size, const char *name, const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n;

	n = (size_t)snprintf(buf, size, "/v1/vms/");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		/* Unreserved characters go as they are; everything else, '/' included, is escaped.
		 */
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
			     *p == '~';

		if (n + 4 > size)
			return -ENAMETOOLONG;
		if (plain) {
			buf[n++] = (char)*p;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	buf[n] = '\0';
	if (n + strlen(suffix) + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf + n, suffix, strlen(suffix) + 1);
	return 0;
}

/* cmd_help - `vmctl help [COMMAND]`: the command list, or one command's usage. */
int cmd_help(struct vmctl *ctl, int argc, char **argv)
{
	const struct vmctl_command *cmd;

	if (argc > 2)
		return vmctl_usage_error(ctl, vmctl_command_find("help"), "too many arguments");
	if (argc == 2) {
		cmd = vmctl_command_find(argv[1]);
		if (!cmd) {
			fprintf(ctl->err, "vmctl: unknown command '%s'\n", argv[1]);
			return VMCTL_EXIT_USAGE;
		}
		vmctl_print_usage(ctl->out, cmd);
		fprintf(ctl->out, "%s\n", cmd->summary);
		return VMCTL_EXIT_OK;
	}
	fprintf(ctl->out,
		"usage: vmctl [--socket PATH | --url http://127.0.0.1:PORT --token-file F] "
		"[--json]\n"
		"             COMMAND [ARGS...]\n"
		"       vmctl --version\n\n"
		"The socket defaults to $VMMD_SOCKET, else " VMCTL_DEFAULT_SOCKET ".\n"
		"Exit status: 0 ok, 1 refused by the server, 2 usage error, 3 no connection.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < vmctl_n_commands; i++)
		fprintf(ctl->out, "  %-10s %s\n", vmctl_commands[i].name,
			vmctl_commands[i].summary);
	return VMCTL_EXIT_OK;
}
