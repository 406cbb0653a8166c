/*
 * cmd_edit.c - `vmctl edit NAME`: GET the definition, let the operator
 * edit it in $EDITOR, PUT it back. When the server (or the JSON parser)
 * refuses the result, the file is kept and its path printed so the work
 * is not lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/json_util.h"
#include "cli/vmctl.h"

#define EDIT_PATH_MAX 512
#define EDIT_FILE_MAX (1024 * 1024)

/* Fields of a GET answer that are observations, not definition: PUT refuses them. */
static const char *const edit_observed_fields[] = { "state", "restarts" };

/* Run $EDITOR (default vi) on @path through the shell, so "EDITOR='code -w'" works. */
static int edit_run_editor(struct vmctl *ctl, const char *path)
{
	const char *editor = getenv("VISUAL");
	int status;
	pid_t pid;

	if (!editor || !editor[0])
		editor = getenv("EDITOR");
	if (!editor || !editor[0])
		editor = "vi";
	fflush(ctl->out);
	pid = fork();
	if (pid < 0) {
		fprintf(ctl->err, "vmctl: fork: %s\n", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(ctl->err, "vmctl: the editor (%s) failed\n", editor);
		return -ECANCELED;
	}
	return 0;
}

static char *edit_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *text;

	if (!f)
		return NULL;
	text = malloc(EDIT_FILE_MAX + 1);
	if (text) {
		*len = fread(text, 1, EDIT_FILE_MAX, f);
		text[*len] = '\0';
	}
	fclose(f);
	return text;
}

/* cmd_edit - `vmctl edit NAME`. */
int cmd_edit(struct vmctl *ctl, int argc, char **argv)
{
	struct json_object *def = NULL, *edited = NULL, *resp = NULL;
	char path[EDIT_PATH_MAX], tmp[] = "/tmp/vmctl-edit-XXXXXX.json", err[256];
	char *before = NULL, *after = NULL;
	const char *state;
	size_t before_len = 0, after_len = 0;
	bool keep = false;
	FILE *f;
	int fd, ret;

	if (argc != 2 || argv[1][0] == '-')
		return vmctl_usage_error(ctl, vmctl_command_find("edit"), NULL);
	if (vmctl_vm_path(path, sizeof(path), argv[1], "")) {
		fprintf(ctl->err, "vmctl: name too long\n");
		return VMCTL_EXIT_USAGE;
	}
	ret = vmctl_call(ctl, "GET", path, NULL, &def, NULL);
	if (ret)
		goto out;
	/* The server only updates stopped VMs: say so before the operator edits in vain. */
	state = json_get_string(def, "state", "stopped");
	if (strcmp(state, "stopped") && strcmp(state, "crashed")) {
		fprintf(ctl->err, "vmctl: %s is %s; stop it before editing\n", argv[1], state);
		ret = VMCTL_EXIT_REFUSED;
		goto out;
	}
	for (size_t i = 0; i < sizeof(edit_observed_fields) / sizeof(edit_observed_fields[0]); i++)
		json_object_object_del(def, edit_observed_fields[i]);

	ret = VMCTL_EXIT_REFUSED;
	fd = mkstemps(tmp, 5);
	if (fd < 0) {
		fprintf(ctl->err, "vmctl: cannot create a temporary file: %s\n", strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		fprintf(ctl->err, "vmctl: %s: %s\n", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	vmctl_print_json(f, def);
	if (fclose(f) != 0) {
		fprintf(ctl->err, "vmctl: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	before = edit_read(tmp, &before_len);
	keep = true;
	if (edit_run_editor(ctl, tmp))
		goto out;
	after = edit_read(tmp, &after_len);
	if (!before || !after) {
		fprintf(ctl->err, "vmctl: %s: cannot read it back\n", tmp);
		goto out;
	}
	if (before_len == after_len && !memcmp(before, after, before_len)) {
		fprintf(ctl->err, "vmctl: no changes\n");
		keep = false;
		ret = VMCTL_EXIT_OK;
		goto out;
	}
	if (json_parse_strict(after, after_len, &edited, err, sizeof(err))) {
		fprintf(ctl->err, "vmctl: %s: %s\n", tmp, err);
		goto out;
	}
	ret = vmctl_call(ctl, "PUT", path, edited, &resp, NULL);
	if (ret)
		goto out;
	keep = false;
	if (ctl->json)
		vmctl_print_json(ctl->out, resp);
	else
		fprintf(ctl->out, "updated %s\n", argv[1]);
out:
	if (keep)
		fprintf(ctl->err, "vmctl: your changes are in %s\n", tmp);
	else if (before)
		unlink(tmp);
	free(before);
	free(after);
	json_object_put(def);
	json_object_put(edited);
	json_object_put(resp);
	return ret;
}
