/*
 * test_api.c - the pure parts of api/: the error table, the router's path
 * validation and matching, and strict JSON decoding against field specs.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/api_error.h"
#include "api/http_router.h"
#include "api/json_util.h"

static enum api_error handler_none(const struct http_request *req, struct http_response *resp,
				   void *ctx)
{
	return API_OK;
}

static const struct http_route test_routes[] = {
	{ "GET", "/v1/vms", handler_none },
	{ "POST", "/v1/vms", handler_none },
	{ "GET", "/v1/vms/{name}", handler_none },
	{ "PUT", "/v1/vms/{name}", handler_none },
	{ "DELETE", "/v1/vms/{name}", handler_none },
	{ "POST", "/v1/vms/{name}/start", handler_none },
	{ "GET", "/metrics", handler_none },
};

#define N_ROUTES (sizeof(test_routes) / sizeof(test_routes[0]))

static enum api_error match(const char *method, const char *path, struct http_match *m)
{
	return http_router_match(test_routes, N_ROUTES, method, path, m);
}

static void test_error_table(void **state)
{
	struct json_object *body;
	const char *code, *message;

	assert_int_equal(api_error_status(API_ERR_VM_NOT_FOUND), 404);
	assert_int_equal(api_error_status(API_ERR_VM_RUNNING), 409);
	assert_int_equal(api_error_status(API_ERR_BODY_TOO_LARGE), 413);
	assert_int_equal(api_error_status(API_ERR_UNSUPPORTED_MEDIA_TYPE), 415);
	assert_int_equal(api_error_status(API_ERR_INVALID_VALUE), 422);
	assert_int_equal(api_error_status(API_ERR_UNAVAILABLE), 503);
	assert_int_equal(api_error_status((enum api_error)999), 500);
	assert_string_equal(api_error_name(API_ERR_INVALID_JSON), "invalid_json");
	assert_int_equal(api_error_from_name("vm_exists"), API_ERR_VM_EXISTS);
	assert_int_equal(api_error_from_name("nonsense"), API_ERR_INTERNAL);
	/* Every code round-trips through its name. */
	for (int i = 1; i < API_ERR_COUNT; i++)
		assert_int_equal(api_error_from_name(api_error_name((enum api_error)i)), i);

	body = api_error_body(API_ERR_VM_NOT_FOUND, "no VM named '%s'", "web1");
	assert_non_null(body);
	assert_int_equal(api_error_parse(body, &code, &message), 0);
	assert_string_equal(code, "vm_not_found");
	assert_string_equal(message, "no VM named 'web1'");
	assert_string_equal(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN),
			    "{\"error\":{\"code\":\"vm_not_found\","
			    "\"message\":\"no VM named 'web1'\"}}");
	json_object_put(body);

	body = json_tokener_parse("{\"error\":\"x\"}");
	assert_int_equal(api_error_parse(body, &code, &message), -EINVAL);
	json_object_put(body);
}

static void test_router_match(void **state)
{
	struct http_match m;

	assert_int_equal(match("GET", "/v1/vms", &m), API_OK);
	assert_ptr_equal(m.route, &test_routes[0]);
	assert_int_equal(match("POST", "/v1/vms", &m), API_OK);
	assert_int_equal(m.route_index, 1);
	assert_int_equal(match("POST", "/v1/vms/web1/start", &m), API_OK);
	assert_int_equal(m.route_index, 5);
	assert_string_equal(http_match_capture(&m, "name"), "web1");
	assert_null(http_match_capture(&m, "other"));
	/* Percent-escapes are decoded per segment. */
	assert_int_equal(match("GET", "/v1/vms/we%62_1.x-2", &m), API_OK);
	assert_string_equal(http_match_capture(&m, "name"), "web_1.x-2");
	/* The query is not part of the path. */
	assert_int_equal(match("GET", "/v1/vms/web1?x=1", &m), API_OK);
	assert_string_equal(http_match_capture(&m, "name"), "web1");
}

static void test_router_not_found_and_method(void **state)
{
	struct http_match m;

	assert_int_equal(match("GET", "/v1/nothing", &m), API_ERR_NOT_FOUND);
	assert_null(m.route);
	assert_int_equal(match("GET", "/v1/vms/web1/start/x", &m), API_ERR_NOT_FOUND);
	assert_int_equal(match("GET", "/", &m), API_ERR_NOT_FOUND);
	assert_int_equal(match("GET", "/v1/vms/", &m), API_ERR_NOT_FOUND);
	assert_int_equal(match("GET", "/v1//vms", &m), API_ERR_NOT_FOUND);
	assert_int_equal(match("GET", "/V1/vms", &m), API_ERR_NOT_FOUND);

	assert_int_equal(match("PATCH", "/v1/vms/web1", &m), API_ERR_METHOD_NOT_ALLOWED);
	assert_string_equal(m.allow, "GET, PUT, DELETE");
	assert_int_equal(match("GET", "/v1/vms/web1/start", &m), API_ERR_METHOD_NOT_ALLOWED);
	assert_string_equal(m.allow, "POST");
}

static void test_router_hostile_segments(void **state)
{
	char path[512];
	struct http_match m;

	assert_int_equal(match("GET", "/v1/vms/..", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/.", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/%2e%2E", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/a%00b", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/a%2Fb", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/a%zzb", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/a%4", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "/v1/vms/a%", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "v1/vms", &m), API_ERR_BAD_REQUEST);
	assert_int_equal(match("GET", "", &m), API_ERR_BAD_REQUEST);
	assert_non_null(strstr(m.message, "'/'"));

	/* 300 characters: refused before any handler could see it. */
	strcpy(path, "/v1/vms/");
	memset(path + 8, 'a', 300);
	path[308] = '\0';
	assert_int_equal(match("GET", path, &m), API_ERR_BAD_REQUEST);
	assert_non_null(strstr(m.message, "longer"));
	/* Exactly the segment limit still routes. */
	path[8 + HTTP_SEGMENT_MAX] = '\0';
	assert_int_equal(match("GET", path, &m), API_OK);
	assert_int_equal(strlen(http_match_capture(&m, "name")), HTTP_SEGMENT_MAX);
	/* Three escaped bytes per character: the decoded length is what counts. */
	path[8] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(path, "%41");
	assert_int_equal(match("GET", path, &m), API_OK);
	assert_int_equal(strlen(http_match_capture(&m, "name")), 100);
}

static void test_percent_decode(void **state)
{
	char out[8];

	assert_int_equal(http_percent_decode("a+b%20c", 7, out, sizeof(out), 1), 5);
	assert_string_equal(out, "a b c");
	assert_int_equal(http_percent_decode("a+b", 3, out, sizeof(out), 0), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(http_percent_decode("12345678", 8, out, sizeof(out), 0), -ENAMETOOLONG);
	assert_int_equal(http_percent_decode("%00", 3, out, sizeof(out), 0), -EINVAL);
	assert_int_equal(http_percent_decode("%g0", 3, out, sizeof(out), 0), -EINVAL);
}

static const struct json_field vm_spec[] = {
	{ "name", JSON_FIELD_STRING, JSON_FIELD_REQUIRED, 1, 64 },
	{ "vcpus", JSON_FIELD_INT, 0, 1, 8 },
	{ "autostart", JSON_FIELD_BOOL, 0, 0, 0 },
	{ "bios", JSON_FIELD_STRING, JSON_FIELD_NULLABLE, 0, 0 },
	{ "disks", JSON_FIELD_ARRAY, 0, 0, 1 },
	{ "ratio", JSON_FIELD_NUMBER, 0, 0, 2 },
	{ "extra", JSON_FIELD_OBJECT, 0, 0, 0 },
};

static int check(const char *text, char *err, size_t len)
{
	struct json_object *obj = json_tokener_parse(text);
	int ret;

	assert_non_null(obj);
	ret = json_check_object(obj, vm_spec, sizeof(vm_spec) / sizeof(vm_spec[0]), err, len);
	json_object_put(obj);
	return ret;
}

static void test_json_check(void **state)
{
	char err[128];

	assert_int_equal(check("{\"name\":\"web1\",\"vcpus\":8,\"autostart\":true,\"bios\":null,"
			       "\"disks\":[{}],\"ratio\":1.5,\"extra\":{}}",
			       err, sizeof(err)),
			 0);
	assert_int_equal(check("{\"name\":\"a\"}", err, sizeof(err)), 0);

	assert_int_equal(check("{\"name\":\"a\",\"colour\":1}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown field 'colour'");
	assert_int_equal(check("{\"vcpus\":1}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "missing required field 'name'");
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":9}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'vcpus' must be between 1 and 8");
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":0}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":1.5}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'vcpus' must be an integer");
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":true}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":\"2\"}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":99999999999999999999}", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(check("{\"name\":\"a\",\"vcpus\":null}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'vcpus' must not be null");
	assert_int_equal(check("{\"name\":\"\"}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("{\"name\":\"a\\u0000b\"}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'name' must not contain NUL");
	assert_int_equal(check("{\"name\":1}", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'name' must be a string");
	assert_int_equal(check("{\"name\":\"a\",\"disks\":[1,2]}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("{\"name\":\"a\",\"ratio\":2.5}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("{\"name\":\"a\",\"extra\":[]}", err, sizeof(err)), -EINVAL);
	assert_int_equal(check("[1]", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "expected a JSON object");
}

static void test_json_parse_strict(void **state)
{
	struct json_object *obj;
	char err[128];

	assert_int_equal(json_parse_strict("{\"a\":1} \n", 9, &obj, err, sizeof(err)), 0);
	assert_int_equal(json_get_int(obj, "a", -1), 1);
	assert_int_equal(json_get_int(obj, "b", -1), -1);
	assert_string_equal(json_get_string(obj, "a", "dflt"), "dflt");
	assert_true(json_get_bool(obj, "a", true));
	json_object_put(obj);

	assert_int_equal(json_parse_strict("{\"a\":1", 6, &obj, err, sizeof(err)), -EINVAL);
	assert_null(obj);
	assert_non_null(strstr(err, "end"));
	assert_int_equal(json_parse_strict("{\"a\":1}x", 8, &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(json_parse_strict("{\"a\":1}{}", 9, &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(json_parse_strict("{\"a\":1,}", 8, &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(json_parse_strict("{\"a\":'x'}", 9, &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(json_parse_strict("\"\xff\"", 3, &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(json_parse_strict("{\"a\":1}\0x", 9, &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(json_parse_strict("", 0, &obj, err, sizeof(err)), -EINVAL);

	/* Nesting past the depth limit is an error, not a deep recursion. */
	{
		char deep[200];

		memset(deep, '[', sizeof(deep));
		assert_int_equal(json_parse_strict(deep, sizeof(deep), &obj, err, sizeof(err)),
				 -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_router_match),
		cmocka_unit_test(test_router_not_found_and_method),
		cmocka_unit_test(test_router_hostile_segments),
		cmocka_unit_test(test_percent_decode),
		cmocka_unit_test(test_json_check),
		cmocka_unit_test(test_json_parse_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
