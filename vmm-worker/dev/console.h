/*
 * console.h - the guest's serial console on a unix stream socket
 * (--console-socket PATH): one client at a time sees what the UART
 * transmits and types into the UART's receiver.
 */
#ifndef VMM_DEV_CONSOLE_H
#define VMM_DEV_CONSOLE_H

#include <stdint.h>

struct uart16550;
struct console;

/* Guest output kept for a client that reads slowly; beyond it, bytes are dropped for it. */
#define CONSOLE_OUT_SIZE 65536

/* What a second client reads before the console closes its connection. */
#define CONSOLE_BUSY_MESSAGE "vmm-worker: console busy: another client is attached\r\n"

/*
 * Listen on @path (mode 0660; a stale socket is replaced) and start the
 * console's thread. Must be called with the termination signals blocked
 * (the thread inherits the mask). Returns 0 and the console in *@out, or
 * -errno.
 */
int console_start(const char *path, struct console **out);

/*
 * Connect @console to a freshly built machine's @uart, before the machine
 * starts: the UART's output is tapped and its receiver reads the client's
 * input. Called again after each guest reboot. Returns 0 or -errno.
 */
int console_attach(struct console *console, struct uart16550 *uart);

/*
 * Stop the thread, drop the client, remove the socket and free @console.
 * NULL is a no-op.
 */
void console_stop(struct console *console);

/* Bytes of guest output dropped for slow clients so far. */
uint64_t console_dropped(struct console *console);

#endif
