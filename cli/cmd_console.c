/*
 * cmd_console.c - `vmctl console NAME`: attach the terminal to a VM's
 * serial console until Ctrl-] (or until the console goes away).
 *
 * The server answers {"socket": path} (the worker's console socket: bytes
 * both ways) and/or {"log": path} (the console log: followed like `tail -f`,
 * input other than Ctrl-] is dropped). The socket is preferred; the log
 * serves when there is no socket or it cannot be reached (a worker started
 * without one). On a terminal, stdin is put in raw mode so that keys reach
 * the guest as typed; every way out restores it, the fatal signals
 * included. Off a terminal the bytes are copied as they come (Ctrl-] still
 * detaches), and at the end of input the guest's output is still printed
 * until the console closes, so that a script can pipe a session in.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "api/json_util.h"
#include "cli/vmctl.h"

#define CONSOLE_PATH_MAX 512
#define CONSOLE_BUF 4096
#define CONSOLE_LOG_BACKLOG 8192 /* bytes of history shown on attach */
#define CONSOLE_LOG_POLL_MS 200

static struct termios console_saved;
static volatile sig_atomic_t console_raw;

static void console_restore(void)
{
	if (console_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &console_saved);
		console_raw = 0;
	}
}

/* A fatal signal must not leave the operator's terminal raw. */
static void console_on_signal(int sig)
{
	console_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void console_make_raw(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &console_saved) < 0)
		return;
	raw = console_saved;
	cfmakeraw(&raw);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], console_on_signal);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0)
		console_raw = 1;
}

static int console_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read what the operator typed. Returns the number of bytes to forward,
 * -1 on end of input, or sets *@detach when Ctrl-] was typed (the bytes
 * before it are still forwarded).
 */
static ssize_t console_read_input(char *buf, size_t size, bool *detach)
{
	ssize_t n = read(STDIN_FILENO, buf, size);
	char *ctrl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	ctrl = memchr(buf, VMCTL_DETACH_CHAR, (size_t)n);
	if (ctrl) {
		*detach = true;
		n = ctrl - buf;
	}
	return n;
}

/* Connect to the console socket at @path. Returns the descriptor or -errno. */
static int console_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Bytes both ways between the terminal and the connected console socket @fd (closed here). */
static int console_attach_socket(struct vmctl *ctl, int fd)
{
	struct pollfd fds[2];
	char buf[CONSOLE_BUF];
	bool detach = false;

	/* A console or stdout that goes away ends the loop with EPIPE, the terminal restored. */
	signal(SIGPIPE, SIG_IGN);
	fprintf(ctl->err, "Connected to the console (Ctrl-] to detach).\n");
	console_make_raw();
	fds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (!detach) {
		ssize_t n;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents) {
			n = console_read_input(buf, sizeof(buf), &detach);
			if (n < 0) {
				/* End of input: the guest's output is still worth reading. */
				fds[0].fd = -1;
				shutdown(fd, SHUT_WR);
			} else if (n > 0 && console_write_all(fd, buf, (size_t)n)) {
				break;
			}
		}
		if (fds[1].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || console_write_all(STDOUT_FILENO, buf, (size_t)n))
				break;
		}
	}
	console_restore();
	close(fd);
	fprintf(ctl->err, "\n%s from the console.\n", detach ? "Detached" : "Disconnected");
	return VMCTL_EXIT_OK;
}

/* Open @path positioned at most CONSOLE_LOG_BACKLOG bytes before its end, at a line start. */
static int console_open_log(const char *path, bool backlog)
{
	char c;
	off_t size;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !backlog)
		return fd;
	size = lseek(fd, 0, SEEK_END);
	if (size > CONSOLE_LOG_BACKLOG) {
		lseek(fd, size - CONSOLE_LOG_BACKLOG, SEEK_SET);
		while (read(fd, &c, 1) == 1 && c != '\n')
			;
	} else {
		lseek(fd, 0, SEEK_SET);
	}
	return fd;
}

/* Copy what was appended to @fd since the last call to stdout. Returns 0 or -errno. */
static int console_copy_log(int fd)
{
	char buf[CONSOLE_BUF];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (console_write_all(STDOUT_FILENO, buf, (size_t)n))
			return -EPIPE;
	return n < 0 ? -errno : 0;
}

/* Follow the log at @path like `tail -f` until Ctrl-]. */
static int console_follow_log(struct vmctl *ctl, const char *path)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[CONSOLE_BUF];
	bool detach = false;
	struct stat st, now;
	int fd;

	fd = console_open_log(path, true);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(ctl->err, "vmctl: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return VMCTL_EXIT_REFUSED;
	}
	fprintf(ctl->err, "Following the console log %s (read-only, Ctrl-] to detach).\n", path);
	console_make_raw();
	while (!detach) {
		if (console_copy_log(fd))
			break;
		/* A rotated or truncated log starts over from its beginning. */
		if (stat(path, &now) == 0 && (now.st_ino != st.st_ino || now.st_dev != st.st_dev)) {
			int nfd = console_open_log(path, false);

			if (nfd >= 0) {
				console_copy_log(fd);
				close(fd);
				fd = nfd;
				fstat(fd, &st);
			}
		} else if (fstat(fd, &now) == 0 && now.st_size < lseek(fd, 0, SEEK_CUR)) {
			lseek(fd, 0, SEEK_SET);
		}
		if (poll(&in, 1, CONSOLE_LOG_POLL_MS) > 0) {
			/* Input is not forwarded to a log; only Ctrl-] matters. */
			if (console_read_input(buf, sizeof(buf), &detach) < 0)
				in.fd = -1;
		}
	}
	console_restore();
	close(fd);
	fprintf(ctl->err, "\nDetached from the console.\n");
	return VMCTL_EXIT_OK;
}

/* cmd_console - `vmctl console NAME`. */
int cmd_console(struct vmctl *ctl, int argc, char **argv)
{
	struct json_object *resp = NULL;
	char path[CONSOLE_PATH_MAX];
	const char *sock, *log;
	int ret, fd = -ENOENT;

	if (argc != 2 || argv[1][0] == '-')
		return vmctl_usage_error(ctl, vmctl_command_find("console"), NULL);
	if (vmctl_vm_path(path, sizeof(path), argv[1], "/console")) {
		fprintf(ctl->err, "vmctl: name too long\n");
		return VMCTL_EXIT_USAGE;
	}
	ret = vmctl_call(ctl, "GET", path, NULL, &resp, NULL);
	if (ret)
		goto out;
	fflush(ctl->out);
	sock = json_get_string(resp, "socket", NULL);
	log = json_get_string(resp, "log", NULL);
	if (sock) {
		fd = console_connect(sock);
		if (fd < 0)
			fprintf(ctl->err, "vmctl: cannot connect to the console %s: %s%s\n", sock,
				strerror(-fd), log ? "; following the log instead" : "");
	}
	if (fd >= 0) {
		ret = console_attach_socket(ctl, fd);
	} else if (log) {
		ret = console_follow_log(ctl, log);
	} else {
		if (!sock)
			fprintf(ctl->err, "vmctl: the server named no console socket or log\n");
		ret = VMCTL_EXIT_REFUSED;
	}
out:
	json_object_put(resp);
	return ret;
}
