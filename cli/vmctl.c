/*
 * vmctl.c - main() of vmctl: the global options, the connection to vmmd
 * and the dispatch to the command table (commands.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/vmctl.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define VMCTL_TOKEN_MAX 4096

enum vmctl_option {
	OPT_SOCKET = 256,
	OPT_URL,
	OPT_TOKEN_FILE,
	OPT_JSON,
	OPT_VERSION,
	OPT_HELP,
};

static const struct option vmctl_options[] = {
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "url", required_argument, NULL, OPT_URL },
	{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* The first line of @path, without its newline; NULL after printing why. */
static char *vmctl_read_token(const char *path)
{
	char *token = NULL;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "vmctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	token = calloc(1, VMCTL_TOKEN_MAX);
	if (token && fgets(token, VMCTL_TOKEN_MAX, f))
		token[strcspn(token, "\r\n")] = '\0';
	if (!token || !token[0]) {
		fprintf(stderr, "vmctl: %s: no token in the first line\n", path);
		free(token);
		token = NULL;
	}
	fclose(f);
	return token;
}

/*
 * --json may also follow the command (`vmctl list --json`): take it out
 * of the command's arguments. Arguments after "--" are left alone.
 */
static int vmctl_take_json(int argc, char **argv, bool *json)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct vmctl ctl = { .out = stdout, .err = stderr };
	const char *socket_path = getenv("VMMD_SOCKET");
	const char *url = NULL, *token_file = NULL;
	const struct vmctl_command *cmd;
	char *token = NULL;
	int opt, ret = VMCTL_EXIT_USAGE;

	if (!socket_path || !socket_path[0])
		socket_path = VMCTL_DEFAULT_SOCKET;
	opterr = 0;
	/* "+": stop at the command name; the rest belongs to the command. */
	while ((opt = getopt_long(argc, argv, "+h", vmctl_options, NULL)) != -1) {
		switch (opt) {
		case OPT_SOCKET:
			socket_path = optarg;
			break;
		case OPT_URL:
			url = optarg;
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		case OPT_JSON:
			ctl.json = true;
			break;
		case OPT_VERSION:
			printf("vmctl %s\n", PACKAGE_VERSION);
			return VMCTL_EXIT_OK;
		case OPT_HELP:
		case 'h':
			return cmd_help(&ctl, 1, argv);
		default:
			fprintf(stderr, "vmctl: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			fprintf(stderr, "Try 'vmctl help'.\n");
			return VMCTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_help(&ctl, 1, argv);
		return VMCTL_EXIT_USAGE;
	}
	cmd = vmctl_command_find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "vmctl: unknown command '%s'; try 'vmctl help'\n", argv[optind]);
		return VMCTL_EXIT_USAGE;
	}
	if (token_file && !url) {
		fprintf(stderr, "vmctl: --token-file goes with --url\n");
		return VMCTL_EXIT_USAGE;
	}
	if (url) {
		if (strncmp(url, "http://", 7)) {
			fprintf(stderr, "vmctl: --url takes http://HOST:PORT\n");
			return VMCTL_EXIT_USAGE;
		}
		if (token_file && !(token = vmctl_read_token(token_file)))
			return VMCTL_EXIT_USAGE;
		ctl.client = http_client_new_tcp(url, token);
		ctl.endpoint = url;
	} else {
		ctl.client = http_client_new_unix(socket_path);
		ctl.endpoint = socket_path;
		ctl.unix_socket = true;
	}
	if (!ctl.client) {
		fprintf(stderr, "vmctl: out of memory\n");
		ret = VMCTL_EXIT_REFUSED;
		goto out;
	}
	argc = vmctl_take_json(argc - optind, argv + optind, &ctl.json);
	ret = cmd->handler(&ctl, argc, argv + optind);
	if (fflush(stdout) != 0 && ret == VMCTL_EXIT_OK) {
		fprintf(stderr, "vmctl: write error: %s\n", strerror(errno));
		ret = VMCTL_EXIT_REFUSED;
	}
out:
	http_client_free(ctl.client);
	if (token) {
		explicit_bzero(token, VMCTL_TOKEN_MAX);
		free(token);
	}
	return ret;
}
