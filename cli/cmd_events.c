/*
 * cmd_events.c - `vmctl events [--since ID]`: follow the server's event
 * stream until it ends or vmctl is interrupted.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/vmctl.h"

#define EVENTS_LINE_MAX 1024

/* One line of the stream: passed through with --json, else made readable. */
static int events_line(const char *line, size_t len, void *cls)
{
	struct vmctl *ctl = cls;
	struct json_object *ev;
	char text[EVENTS_LINE_MAX];

	if (ctl->json) {
		fprintf(ctl->out, "%.*s\n", (int)len, line);
	} else {
		ev = json_tokener_parse(line);
		if (ev && vmctl_format_event(text, sizeof(text), ev) == 0)
			fprintf(ctl->out, "%s\n", text);
		else
			fprintf(ctl->err, "vmctl: ignoring a malformed event: %.*s\n", (int)len,
				line);
		json_object_put(ev);
	}
	/* Followers watch as things happen, so nothing waits in the stdio buffer. */
	fflush(ctl->out);
	return 0;
}

/* cmd_events - `vmctl events [--since ID]`. */
int cmd_events(struct vmctl *ctl, int argc, char **argv)
{
	const struct vmctl_command *cmd = vmctl_command_find("events");
	char path[64] = "/v1/events", errbuf[256] = "";
	long status = 0;
	char *end;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "--since")) {
		unsigned long long id = strtoull(argv[2], &end, 10);

		if (!argv[2][0] || *end || argv[2][0] == '-')
			return vmctl_usage_error(ctl, cmd, "--since takes an event number");
		snprintf(path, sizeof(path), "/v1/events?since=%llu", id);
	} else if (argc != 1) {
		return vmctl_usage_error(ctl, cmd, NULL);
	}
	ret = http_client_stream(ctl->client, path, &status, events_line, ctl, errbuf,
				 sizeof(errbuf));
	if (ret)
		return vmctl_report_transport(ctl, ret, errbuf);
	if (status < 200 || status >= 300) {
		fprintf(ctl->err, "vmctl: %s\n", errbuf[0] ? errbuf : "the server refused");
		return VMCTL_EXIT_REFUSED;
	}
	return VMCTL_EXIT_OK;
}
