/*
 * console.c - the serial console socket.
 *
 * One thread polls the listening socket, the client and an eventfd. Guest
 * output reaches it through the UART's tap: the hart appends to a ring
 * under a lock of its own and never waits for the client; a client that
 * reads too slowly loses what does not fit in the ring (the worker's
 * stdout, and so console.log, still gets every byte). Client input goes
 * into a pipe that the UART's receive thread reads: the pipe and the
 * UART's buffer hold what the guest has not read yet, and while they are
 * full the thread stops reading the client, whose writes then block in
 * the kernel instead of bytes being lost.
 *
 * One client at a time: a second connection reads CONSOLE_BUSY_MESSAGE
 * and is closed, the attached session is not disturbed. A client that
 * shuts down its writing side (end of its input) still receives output
 * until it closes.
 *
 * The console outlives the machine: a guest reboot builds a new UART,
 * and console_attach connects it to the same socket and pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/http_server.h"
#include "console.h"
#include "uart16550.h"

#define CONSOLE_IN_SIZE 4096

struct console {
	char *path;
	int listen_fd, client_fd, wake_fd;
	int input[2]; /* pipe: this thread writes, the UART's receive thread reads */
	pthread_t thread;

	/* The hart's tap and the thread share the ring and the flags below. */
	pthread_mutex_t lock;
	uint8_t out[CONSOLE_OUT_SIZE];
	size_t out_head, out_count;
	bool attached; /* a client is connected: keep output for it */
	bool stopping;
	uint64_t dropped;

	/* The thread's own: input read from the client, not yet in the pipe. */
	uint8_t in[CONSOLE_IN_SIZE];
	size_t in_off, in_len;
	bool client_eof;
};

static void console_wake(struct console *c)
{
	uint64_t one = 1;

	/* Only fails when the counter would overflow: it is then readable anyway. */
	if (write(c->wake_fd, &one, sizeof(one)) < 0)
		return;
}

/* The UART's tap, on a hart's thread with the UART's lock held. */
static void console_tap(void *opaque, uint8_t byte)
{
	struct console *c = opaque;
	bool wake = false;

	pthread_mutex_lock(&c->lock);
	if (c->attached) {
		if (c->out_count == CONSOLE_OUT_SIZE) {
			c->dropped++;
		} else {
			wake = c->out_count ==
			       0; /* the thread sleeps only when the ring is empty */
			c->out[(c->out_head + c->out_count) % CONSOLE_OUT_SIZE] = byte;
			c->out_count++;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (wake)
		console_wake(c);
}

static void console_disconnect(struct console *c)
{
	close(c->client_fd);
	c->client_fd = -1;
	pthread_mutex_lock(&c->lock);
	c->attached = false;
	c->out_head = c->out_count = 0;
	pthread_mutex_unlock(&c->lock);
}

static void console_accept(struct console *c)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (c->client_fd >= 0) {
		/* Best effort: a fresh socket's buffer takes the line. */
		send(fd, CONSOLE_BUSY_MESSAGE, strlen(CONSOLE_BUSY_MESSAGE),
		     MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	c->client_fd = fd;
	c->client_eof = false;
	pthread_mutex_lock(&c->lock);
	c->attached = true;
	pthread_mutex_unlock(&c->lock);
}

/* Send what the ring holds, as much as the socket takes. Returns 0 or -errno. */
static int console_flush(struct console *c)
{
	for (;;) {
		size_t head, len;
		ssize_t n;

		pthread_mutex_lock(&c->lock);
		head = c->out_head;
		len = c->out_count;
		pthread_mutex_unlock(&c->lock);
		if (!len)
			return 0;
		if (len > CONSOLE_OUT_SIZE - head)
			len = CONSOLE_OUT_SIZE - head;
		/* The tap only writes past head + count: this slice stays put unlocked. */
		n = send(c->client_fd, c->out + head, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
		pthread_mutex_lock(&c->lock);
		c->out_head = (c->out_head + (size_t)n) % CONSOLE_OUT_SIZE;
		c->out_count -= (size_t)n;
		pthread_mutex_unlock(&c->lock);
	}
}

/* Move pending client input into the pipe, as much as it takes. */
static void console_feed(struct console *c)
{
	while (c->in_off < c->in_len) {
		ssize_t n = write(c->input[1], c->in + c->in_off, c->in_len - c->in_off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->in_off = c->in_len; /* cannot happen: we hold both ends */
			break;
		}
		c->in_off += (size_t)n;
	}
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
}

/* The client is readable or hung up. Returns 0, or -errno to disconnect it. */
static int console_read_client(struct console *c, short revents)
{
	ssize_t n = read(c->client_fd, c->in, sizeof(c->in));

	if (n > 0) {
		c->in_off = 0;
		c->in_len = (size_t)n;
		console_feed(c);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		return -errno;
	c->client_eof = true;
	return (revents & (POLLHUP | POLLERR)) ? -ECONNRESET : 0;
}

static void *console_thread(void *arg)
{
	struct console *c = arg;

	for (;;) {
		struct pollfd fds[4];
		bool has_out;
		uint64_t count;

		pthread_mutex_lock(&c->lock);
		if (c->stopping) {
			pthread_mutex_unlock(&c->lock);
			break;
		}
		has_out = c->out_count > 0;
		pthread_mutex_unlock(&c->lock);
		fds[0] = (struct pollfd){ .fd = c->wake_fd, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
		/*
		 * While input waits for the pipe, a hung-up client would wake
		 * us at once, again and again: leave it out unless output waits.
		 */
		fds[2] = (struct pollfd){
			.fd = c->in_len && !has_out ? -1 : c->client_fd,
			.events = (short)((c->in_len || c->client_eof ? 0 : POLLIN) |
					  (has_out ? POLLOUT : 0)),
		};
		fds[3] = (struct pollfd){ .fd = c->in_len ? c->input[1] : -1, .events = POLLOUT };
		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((fds[0].revents & POLLIN) && read(c->wake_fd, &count, sizeof(count)) < 0 &&
		    errno != EAGAIN)
			break;
		if (fds[3].revents)
			console_feed(c);
		if (c->client_fd >= 0 && fds[2].revents) {
			int err = 0;

			if (fds[2].revents & POLLOUT)
				err = console_flush(c);
			if (!err && !c->in_len && (fds[2].revents & (POLLIN | POLLHUP | POLLERR)))
				err = console_read_client(c, fds[2].revents);
			else if (!err && c->client_eof && (fds[2].revents & (POLLHUP | POLLERR)))
				err = -ECONNRESET;
			if (err)
				console_disconnect(c);
		}
		/* After the client's events: a new one is not mistaken for the old one. */
		if (fds[1].revents & POLLIN)
			console_accept(c);
	}
	return NULL;
}

int console_start(const char *path, struct console **out)
{
	struct console *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->listen_fd = c->client_fd = c->wake_fd = c->input[0] = c->input[1] = -1;
	pthread_mutex_init(&c->lock, NULL);
	c->path = strdup(path);
	if (!c->path) {
		ret = -ENOMEM;
		goto fail;
	}
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->wake_fd < 0 || pipe2(c->input, O_CLOEXEC) < 0 ||
	    fcntl(c->input[1], F_SETFL, O_NONBLOCK) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = http_server_bind_unix(path, &c->listen_fd);
	if (ret) {
		c->listen_fd = -1;
		goto fail;
	}
	if (fcntl(c->listen_fd, F_SETFL, O_NONBLOCK) < 0) {
		ret = -errno;
		unlink(path);
		goto fail;
	}
	ret = -pthread_create(&c->thread, NULL, console_thread, c);
	if (ret) {
		unlink(path);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	for (int i = 0; i < 2; i++)
		if (c->input[i] >= 0)
			close(c->input[i]);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	pthread_mutex_destroy(&c->lock);
	free(c->path);
	free(c);
	return ret;
}

int console_attach(struct console *console, struct uart16550 *uart)
{
	uart16550_set_tap(uart, console_tap, console);
	return uart16550_start_input(uart, console->input[0]);
}

uint64_t console_dropped(struct console *console)
{
	uint64_t dropped;

	pthread_mutex_lock(&console->lock);
	dropped = console->dropped;
	pthread_mutex_unlock(&console->lock);
	return dropped;
}

/* Whether output waits for the client. */
static bool console_pending(struct console *c)
{
	bool pending;

	pthread_mutex_lock(&c->lock);
	pending = c->out_count > 0;
	pthread_mutex_unlock(&c->lock);
	return pending;
}

void console_stop(struct console *console)
{
	if (!console)
		return;
	pthread_mutex_lock(&console->lock);
	console->stopping = true;
	pthread_mutex_unlock(&console->lock);
	console_wake(console);
	pthread_join(console->thread, NULL);
	/*
	 * What the guest printed last (a power-off message) still reaches a
	 * client that reads (up to a second; 100 ms without progress ends
	 * it): the thread stops as soon as asked, output pending or not.
	 */
	for (int i = 0; i < 10 && console->client_fd >= 0 && console_pending(console); i++) {
		struct pollfd p = { .fd = console->client_fd, .events = POLLOUT };

		if (poll(&p, 1, 100) <= 0 || !(p.revents & POLLOUT) || console_flush(console))
			break;
	}
	if (console->client_fd >= 0)
		close(console->client_fd);
	close(console->listen_fd);
	unlink(console->path);
	close(console->wake_fd);
	close(console->input[0]);
	close(console->input[1]);
	pthread_mutex_destroy(&console->lock);
	free(console->path);
	free(console);
}
