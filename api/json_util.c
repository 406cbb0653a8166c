/*
 * json_util.c - field-spec checks and strict parsing over json-c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_util.h"

/* Deep enough for any VM definition, shallow enough to bound recursion. */
#define JSON_PARSE_DEPTH 32

static const char *const json_field_type_names[] = {
	[JSON_FIELD_STRING] = "a string", [JSON_FIELD_INT] = "an integer",
	[JSON_FIELD_BOOL] = "a boolean",  [JSON_FIELD_NUMBER] = "a number",
	[JSON_FIELD_ARRAY] = "an array",  [JSON_FIELD_OBJECT] = "an object",
};

static int json_field_type_ok(struct json_object *value, enum json_field_type type)
{
	switch (type) {
	case JSON_FIELD_STRING:
		return json_object_is_type(value, json_type_string);
	case JSON_FIELD_INT:
		return json_object_is_type(value, json_type_int);
	case JSON_FIELD_BOOL:
		return json_object_is_type(value, json_type_boolean);
	case JSON_FIELD_NUMBER:
		return json_object_is_type(value, json_type_int) ||
		       json_object_is_type(value, json_type_double);
	case JSON_FIELD_ARRAY:
		return json_object_is_type(value, json_type_array);
	case JSON_FIELD_OBJECT:
		return json_object_is_type(value, json_type_object);
	}
	return 0;
}

static int json_check_field(struct json_object *value, const struct json_field *f, char *err,
			    size_t err_size)
{
	int ranged = f->min != 0 || f->max != 0;

	if (!value) {
		if (f->flags & JSON_FIELD_NULLABLE)
			return 0;
		snprintf(err, err_size, "field '%s' must not be null", f->name);
		return -EINVAL;
	}
	if (!json_field_type_ok(value, f->type)) {
		snprintf(err, err_size, "field '%s' must be %s", f->name,
			 json_field_type_names[f->type]);
		return -EINVAL;
	}
	switch (f->type) {
	case JSON_FIELD_STRING: {
		size_t len = (size_t)json_object_get_string_len(value);

		if (strlen(json_object_get_string(value)) != len) {
			snprintf(err, err_size, "field '%s' must not contain NUL", f->name);
			return -EINVAL;
		}
		if (ranged && ((int64_t)len < f->min || (int64_t)len > f->max)) {
			snprintf(err, err_size,
				 "field '%s' must be %" PRId64 " to %" PRId64 " bytes long",
				 f->name, f->min, f->max);
			return -EINVAL;
		}
		break;
	}
	case JSON_FIELD_INT: {
		int64_t v = json_object_get_int64(value);

		if (ranged && (v < f->min || v > f->max)) {
			snprintf(err, err_size,
				 "field '%s' must be between %" PRId64 " and %" PRId64, f->name,
				 f->min, f->max);
			return -EINVAL;
		}
		break;
	}
	case JSON_FIELD_NUMBER: {
		double v = json_object_get_double(value);

		if (ranged && !(v >= (double)f->min && v <= (double)f->max)) {
			snprintf(err, err_size,
				 "field '%s' must be between %" PRId64 " and %" PRId64, f->name,
				 f->min, f->max);
			return -EINVAL;
		}
		break;
	}
	case JSON_FIELD_ARRAY: {
		int64_t len = (int64_t)json_object_array_length(value);

		if (ranged && (len < f->min || len > f->max)) {
			snprintf(err, err_size,
				 "field '%s' must have %" PRId64 " to %" PRId64 " elements",
				 f->name, f->min, f->max);
			return -EINVAL;
		}
		break;
	}
	case JSON_FIELD_BOOL:
	case JSON_FIELD_OBJECT:
		break;
	}
	return 0;
}

/* json_check_object - see json_util.h. */
int json_check_object(struct json_object *obj, const struct json_field *spec, size_t n, char *err,
		      size_t err_size)
{
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, err_size, "expected a JSON object");
		return -EINVAL;
	}
	json_object_object_foreach(obj, key, value)
	{
		const struct json_field *f = NULL;

		for (size_t i = 0; i < n; i++) {
			if (strcmp(spec[i].name, key) == 0) {
				f = &spec[i];
				break;
			}
		}
		if (!f) {
			snprintf(err, err_size, "unknown field '%.64s'", key);
			return -EINVAL;
		}
		if (json_check_field(value, f, err, err_size))
			return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((spec[i].flags & JSON_FIELD_REQUIRED) &&
		    !json_object_object_get_ex(obj, spec[i].name, NULL)) {
			snprintf(err, err_size, "missing required field '%s'", spec[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* json_parse_strict - see json_util.h. */
int json_parse_strict(const char *text, size_t len, struct json_object **out, char *err,
		      size_t err_size)
{
	struct json_tokener *tok;
	struct json_object *obj = NULL;
	enum json_tokener_error jerr;
	size_t used;
	int ret = -EINVAL;

	*out = NULL;
	if (len > INT32_MAX) {
		snprintf(err, err_size, "body too long to parse");
		return -EINVAL;
	}
	tok = json_tokener_new_ex(JSON_PARSE_DEPTH);
	if (!tok) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		snprintf(err, err_size, "unexpected end of JSON input");
		goto out;
	}
	if (jerr != json_tokener_success) {
		snprintf(err, err_size, "%s at offset %zu", json_tokener_error_desc(jerr),
			 json_tokener_get_parse_end(tok));
		goto out;
	}
	/* Trailing whitespace is fine, a second value or garbage is not. */
	used = json_tokener_get_parse_end(tok);
	for (; used < len; used++) {
		if (!strchr(" \t\r\n", text[used]) || text[used] == '\0') {
			snprintf(err, err_size, "trailing data at offset %zu", used);
			goto out;
		}
	}
	*out = obj;
	obj = NULL;
	ret = 0;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return ret;
}

/* json_get_string - see json_util.h. */
const char *json_get_string(struct json_object *obj, const char *key, const char *fallback)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return fallback;
	return json_object_get_string(v);
}

/* json_get_int - see json_util.h. */
int64_t json_get_int(struct json_object *obj, const char *key, int64_t fallback)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
		return fallback;
	return json_object_get_int64(v);
}

/* json_get_bool - see json_util.h. */
bool json_get_bool(struct json_object *obj, const char *key, bool fallback)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_boolean))
		return fallback;
	return json_object_get_boolean(v);
}
