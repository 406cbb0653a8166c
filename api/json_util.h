/*
 * json_util.h - strict decoding of JSON request bodies against a field spec.
 *
 * A handler describes the object it accepts as a const table of fields;
 * json_check_object() then rejects unknown fields, missing required ones,
 * wrong types and out-of-range values with a message naming the field, so
 * "unknown fields -> 422" is one call.
 */
#ifndef API_JSON_UTIL_H
#define API_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

enum json_field_type {
	JSON_FIELD_STRING, /* range: length in bytes; embedded NUL refused */
	JSON_FIELD_INT,	   /* range: value (JSON integers only, not 1.5 or true) */
	JSON_FIELD_BOOL,
	JSON_FIELD_NUMBER, /* int or double; range: value */
	JSON_FIELD_ARRAY,  /* range: number of elements */
	JSON_FIELD_OBJECT,
};

#define JSON_FIELD_REQUIRED 0x1u /* absent -> error */
#define JSON_FIELD_NULLABLE 0x2u /* null accepted (counts as present) */

struct json_field {
	const char *name;
	enum json_field_type type;
	unsigned int flags;
	/* Checked only when min != 0 || max != 0. */
	int64_t min, max;
};

/*
 * json_check_object - check that @obj is an object whose members all
 * appear in @spec (@n entries) with the right type and range, and that all
 * required fields are present. On failure writes a message naming the
 * field into @err (size @err_size). Returns 0 or -EINVAL.
 */
int json_check_object(struct json_object *obj, const struct json_field *spec, size_t n, char *err,
		      size_t err_size);

/*
 * json_parse_strict - parse @len bytes of @text as one JSON value (strict
 * RFC 8259 mode, depth-limited, no trailing bytes). Returns 0 and a new
 * object in *@out (NULL for the literal null), or -EINVAL with the
 * parser's message in @err.
 */
int json_parse_strict(const char *text, size_t len, struct json_object **out, char *err,
		      size_t err_size);

/* json_get_string - member @key of @obj if it is a string, else @fallback. */
const char *json_get_string(struct json_object *obj, const char *key, const char *fallback);

/* json_get_int - member @key of @obj if it is an integer, else @fallback. */
int64_t json_get_int(struct json_object *obj, const char *key, int64_t fallback);

/* json_get_bool - member @key of @obj if it is a boolean, else @fallback. */
bool json_get_bool(struct json_object *obj, const char *key, bool fallback);

#endif /* API_JSON_UTIL_H */
