/* SPDX-License-Identifier: MIT */
/*
 * vmmd's REST routes: the one const table (routes.c) and the handlers it
 * names. Every handler takes the struct vmmd as its ctx. The VM handlers
 * live in routes_vms.c; events, host and metrics in routes.c.
 */
#ifndef VMMD_ROUTES_H
#define VMMD_ROUTES_H

#include <stddef.h>

#include "api/http_server.h"

extern const struct http_route vmmd_routes[];
extern const size_t vmmd_route_count;

/*
 * route_vms_list_build / route_metrics_vms_build - vm_cache_build_fn's of
 * the views VM_CACHE_LIST and VM_CACHE_METRICS_VMS; @opaque is the vmmd.
 */
int route_vms_list_build(void *opaque, char **text, size_t *len, char *err, size_t err_len);
int route_metrics_vms_build(void *opaque, char **text, size_t *len, char *err, size_t err_len);

/* GET /v1/vms: {"vms":[VM...]} by name. */
enum api_error route_vms_list(const struct http_request *req, struct http_response *resp,
			      void *ctx);
/* POST /v1/vms: 201 with the VM. */
enum api_error route_vms_create(const struct http_request *req, struct http_response *resp,
				void *ctx);
/* GET /v1/vms/{name}. */
enum api_error route_vm_get(const struct http_request *req, struct http_response *resp, void *ctx);
/* PUT /v1/vms/{name}: replace a stopped VM's definition. */
enum api_error route_vm_update(const struct http_request *req, struct http_response *resp,
			       void *ctx);
/* DELETE /v1/vms/{name}: 204. */
enum api_error route_vm_delete(const struct http_request *req, struct http_response *resp,
			       void *ctx);
/* POST /v1/vms/{name}/start|stop|shutdown|reboot|pause|resume: the VM afterwards. */
enum api_error route_vm_start(const struct http_request *req, struct http_response *resp,
			      void *ctx);
enum api_error route_vm_stop(const struct http_request *req, struct http_response *resp, void *ctx);
enum api_error route_vm_shutdown(const struct http_request *req, struct http_response *resp,
				 void *ctx);
enum api_error route_vm_reboot(const struct http_request *req, struct http_response *resp,
			       void *ctx);
enum api_error route_vm_pause(const struct http_request *req, struct http_response *resp,
			      void *ctx);
enum api_error route_vm_resume(const struct http_request *req, struct http_response *resp,
			       void *ctx);
/* GET /v1/vms/{name}/stats. */
enum api_error route_vm_stats(const struct http_request *req, struct http_response *resp,
			      void *ctx);
/* GET /v1/vms/{name}/console: {"socket": path, "log": path} of a running VM. */
enum api_error route_vm_console(const struct http_request *req, struct http_response *resp,
				void *ctx);

#endif /* VMMD_ROUTES_H */
