/*
 * fuzz_api_router.c - libFuzzer target for the request path router and
 * the JSON body decoder.
 *
 * Input: "METHOD PATH\n" then the body. The path goes through
 * http_router_match() with the vmmd route table; the body through
 * json_parse_strict() and json_check_object() with the VM definition spec.
 * Whatever the input, a matched route's captures must be safe to use as
 * names: non-empty, bounded, no '/', no NUL, not "." or "..".
 *
 * Real fuzzing: tests/fuzz/run-fuzz-api (clang -fsanitize=fuzzer).
 * `make check` replays tests/fuzz/corpus-api with tests/fuzz/replay.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/http_router.h"
#include "api/json_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum api_error fuzz_handler(const struct http_request *req, struct http_response *resp,
				   void *ctx)
{
	return API_OK;
}

static const struct http_route fuzz_routes[] = {
	{ "GET", "/v1/vms", fuzz_handler },
	{ "POST", "/v1/vms", fuzz_handler },
	{ "GET", "/v1/vms/{name}", fuzz_handler },
	{ "PUT", "/v1/vms/{name}", fuzz_handler },
	{ "DELETE", "/v1/vms/{name}", fuzz_handler },
	{ "POST", "/v1/vms/{name}/start", fuzz_handler },
	{ "POST", "/v1/vms/{name}/stop", fuzz_handler },
	{ "GET", "/v1/vms/{name}/stats", fuzz_handler },
	{ "GET", "/v1/vms/{name}/disks/{disk}", fuzz_handler },
	{ "GET", "/v1/events", fuzz_handler },
	{ "GET", "/v1/host", fuzz_handler },
	{ "GET", "/metrics", fuzz_handler },
};

static const struct json_field fuzz_vm_spec[] = {
	{ "name", JSON_FIELD_STRING, JSON_FIELD_REQUIRED, 1, 64 },
	{ "vcpus", JSON_FIELD_INT, 0, 1, 8 },
	{ "memory_mib", JSON_FIELD_INT, 0, 16, 65536 },
	{ "kernel", JSON_FIELD_STRING, 0, 1, 4096 },
	{ "bios", JSON_FIELD_STRING, JSON_FIELD_NULLABLE, 1, 4096 },
	{ "cmdline", JSON_FIELD_STRING, JSON_FIELD_NULLABLE, 0, 4096 },
	{ "disks", JSON_FIELD_ARRAY, 0, 0, 1 },
	{ "autostart", JSON_FIELD_BOOL, 0, 0, 0 },
	{ "numa_node", JSON_FIELD_INT, JSON_FIELD_NULLABLE, 0, 1023 },
};

static void fuzz_check_match(const struct http_match *m)
{
	for (size_t i = 0; i < m->n_captures; i++) {
		const char *c = m->captures[i];
		size_t len = strlen(c);

		if (len == 0 || len > HTTP_SEGMENT_MAX || strchr(c, '/') || strcmp(c, ".") == 0 ||
		    strcmp(c, "..") == 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t line_len = nl ? (size_t)(nl - text) : size;
	char *line = malloc(line_len + 1);
	struct json_object *body = NULL;
	struct http_match match;
	char err[256];
	char *space;

	if (!line)
		return 0;
	memcpy(line, text, line_len);
	line[line_len] = '\0';
	space = strchr(line, ' ');
	if (space) {
		*space = '\0';
		if (http_router_match(fuzz_routes, sizeof(fuzz_routes) / sizeof(fuzz_routes[0]),
				      line, space + 1, &match) == API_OK) {
			if (!match.route)
				abort();
			fuzz_check_match(&match);
		}
	}
	if (nl && json_parse_strict(nl + 1, size - line_len - 1, &body, err, sizeof(err)) == 0) {
		if (json_check_object(body, fuzz_vm_spec,
				      sizeof(fuzz_vm_spec) / sizeof(fuzz_vm_spec[0]), err,
				      sizeof(err)) == 0 &&
		    !json_get_string(body, "name", NULL))
			abort();
		json_object_put(body);
	}
	free(line);
	return 0;
}
