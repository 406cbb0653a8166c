/*
 * worker_api.h - the per-VM REST API of vmm-worker, on its own unix socket.
 *
 * vmmd talks to a worker only through it: GET /v1/status, GET /v1/stats,
 * POST /v1/pause, /v1/resume, /v1/poweroff and /v1/stop (JSON, the error
 * body of api/api_error.h). The server outlives the machine it serves: a
 * guest reboot builds a new machine, which main attaches once its harts run.
 */
#ifndef VMM_WORKER_API_H
#define VMM_WORKER_API_H

#include <stdbool.h>

struct machine;
struct worker_api;

/*
 * worker_api_start - serve the API on the unix socket @socket_path (mode
 * 0660; a stale socket is replaced). Call it with the termination signals
 * already blocked, so the server's threads inherit the mask. Returns 0
 * and the API in *@out, or -errno.
 */
int worker_api_start(const char *socket_path, struct worker_api **out);

/*
 * worker_api_attach - serve @m, whose harts have started, until
 * worker_api_detach(). Until then status says "starting" and the actions
 * answer 503. @api may be NULL (no API).
 */
void worker_api_attach(struct worker_api *api, struct machine *m);

/*
 * worker_api_detach - stop using the machine, waiting for the handlers
 * that use it; call it before machine_fini(). @api may be NULL.
 */
void worker_api_detach(struct worker_api *api);

/*
 * worker_api_ended_run - whether /v1/poweroff or /v1/stop ended the run,
 * so that a guest reboot racing with it does not start the machine again.
 * False for a NULL @api.
 */
bool worker_api_ended_run(struct worker_api *api);

/*
 * worker_api_stop - stop serving, remove the socket and free @api. NULL
 * is a no-op.
 */
void worker_api_stop(struct worker_api *api);

#endif
