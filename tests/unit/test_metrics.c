/* SPDX-License-Identifier: MIT */
/*
 * metrics_render: a known input rendered byte for byte, label escaping, bad
 * input, and every output checked by a strict parser of the 0.0.4 text
 * format written here, then by `promtool check metrics` when it is installed
 * (Debian's prometheus package; set PROMTOOL to point elsewhere).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/metrics.h"

static const struct metrics_vm test_vms[] = {
	{ .name = "web1",
	  .state = "running",
	  .vcpus = 2,
	  .memory_bytes = 134217728,
	  .restarts = 1,
	  .worker_pid = 4242,
	  .stats = { .present = true,
		     .guest_instructions = 123456789,
		     .translated_blocks = 1000 } },
	{ .name = "db", .state = "stopped", .vcpus = 1, .memory_bytes = 268435456 },
};

static struct http_route_stats test_http[2];

static void test_http_init(void)
{
	static const uint64_t buckets[HTTP_LATENCY_BUCKETS] = { 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6 };

	memset(test_http, 0, sizeof(test_http));
	test_http[0].method = "GET";
	test_http[0].pattern = "/v1/vms/{name}";
	test_http[0].n_statuses = 2;
	test_http[0].statuses[0].status = 200;
	test_http[0].statuses[0].count = 5;
	test_http[0].statuses[1].status = 404;
	test_http[0].statuses[1].count = 1;
	memcpy(test_http[0].buckets, buckets, sizeof(buckets));
	test_http[0].count = 6;
	test_http[0].sum_seconds = 0.0125;
	test_http[1].method = "*";
	test_http[1].pattern = "unmatched";
}

static const char expected_text[] =
	"# HELP vmmd_build_info vmmd's version; the value is always 1.\n"
	"# TYPE vmmd_build_info gauge\n"
	"vmmd_build_info{version=\"0.1.0\"} 1\n"
	"# HELP vmmd_start_time_seconds Start time of vmmd since the Unix epoch in seconds.\n"
	"# TYPE vmmd_start_time_seconds gauge\n"
	"vmmd_start_time_seconds 1700000000.5\n"
	"# HELP vmmd_vms Defined VMs by observed state.\n"
	"# TYPE vmmd_vms gauge\n"
	"vmmd_vms{state=\"stopped\"} 1\n"
	"vmmd_vms{state=\"starting\"} 0\n"
	"vmmd_vms{state=\"running\"} 1\n"
	"vmmd_vms{state=\"paused\"} 0\n"
	"vmmd_vms{state=\"stopping\"} 0\n"
	"vmmd_vms{state=\"crashed\"} 0\n"
	"# HELP vmmd_vm_vcpus Virtual CPUs of the VM's definition.\n"
	"# TYPE vmmd_vm_vcpus gauge\n"
	"vmmd_vm_vcpus{vm=\"web1\"} 2\n"
	"vmmd_vm_vcpus{vm=\"db\"} 1\n"
	"# HELP vmmd_vm_memory_bytes Guest memory of the VM's definition in bytes.\n"
	"# TYPE vmmd_vm_memory_bytes gauge\n"
	"vmmd_vm_memory_bytes{vm=\"web1\"} 134217728\n"
	"vmmd_vm_memory_bytes{vm=\"db\"} 268435456\n"
	"# HELP vmmd_vm_state Observed state of the VM: 1 for the current one.\n"
	"# TYPE vmmd_vm_state gauge\n"
	"vmmd_vm_state{vm=\"web1\",state=\"stopped\"} 0\n"
	"vmmd_vm_state{vm=\"web1\",state=\"starting\"} 0\n"
	"vmmd_vm_state{vm=\"web1\",state=\"running\"} 1\n"
	"vmmd_vm_state{vm=\"web1\",state=\"paused\"} 0\n"
	"vmmd_vm_state{vm=\"web1\",state=\"stopping\"} 0\n"
	"vmmd_vm_state{vm=\"web1\",state=\"crashed\"} 0\n"
	"vmmd_vm_state{vm=\"db\",state=\"stopped\"} 1\n"
	"vmmd_vm_state{vm=\"db\",state=\"starting\"} 0\n"
	"vmmd_vm_state{vm=\"db\",state=\"running\"} 0\n"
	"vmmd_vm_state{vm=\"db\",state=\"paused\"} 0\n"
	"vmmd_vm_state{vm=\"db\",state=\"stopping\"} 0\n"
	"vmmd_vm_state{vm=\"db\",state=\"crashed\"} 0\n"
	"# HELP vmmd_vm_restarts_total Times the supervisor restarted the VM's worker after it "
	"died.\n"
	"# TYPE vmmd_vm_restarts_total counter\n"
	"vmmd_vm_restarts_total{vm=\"web1\"} 1\n"
	"vmmd_vm_restarts_total{vm=\"db\"} 0\n"
	"# HELP vmmd_vm_worker_pid Process ID of the VM's vmm-worker (VMs with a worker).\n"
	"# TYPE vmmd_vm_worker_pid gauge\n"
	"vmmd_vm_worker_pid{vm=\"web1\"} 4242\n"
	"# HELP vmmd_vm_guest_instructions_total Guest instructions retired since the worker "
	"started.\n"
	"# TYPE vmmd_vm_guest_instructions_total counter\n"
	"vmmd_vm_guest_instructions_total{vm=\"web1\"} 123456789\n"
	"# HELP vmmd_vm_translated_blocks_total Guest code blocks translated since the worker "
	"started.\n"
	"# TYPE vmmd_vm_translated_blocks_total counter\n"
	"vmmd_vm_translated_blocks_total{vm=\"web1\"} 1000\n"
	"# HELP vmmd_http_requests_total API requests by method, route pattern and status code.\n"
	"# TYPE vmmd_http_requests_total counter\n"
	"vmmd_http_requests_total{method=\"GET\",route=\"/v1/vms/{name}\",code=\"200\"} 5\n"
	"vmmd_http_requests_total{method=\"GET\",route=\"/v1/vms/{name}\",code=\"404\"} 1\n"
	"# HELP vmmd_http_request_duration_seconds Time from an API request's arrival to its "
	"response in seconds.\n"
	"# TYPE vmmd_http_request_duration_seconds histogram\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.0005\"} 1\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.001\"} 2\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.0025\"} 3\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.005\"} 4\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.01\"} 5\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.025\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.05\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.1\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.25\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"0.5\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"1\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/vms/"
	"{name}\",le=\"+Inf\"} 6\n"
	"vmmd_http_request_duration_seconds_sum{method=\"GET\",route=\"/v1/vms/{name}\"} 0.0125\n"
	"vmmd_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/vms/{name}\"} 6\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.0005\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.001\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.0025\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.005\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.01\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.025\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.05\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.1\"} 0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.25\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"0.5\"} 0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"1\"} 0\n"
	"vmmd_http_request_duration_seconds_bucket{method=\"*\",route=\"unmatched\",le=\"+Inf\"} "
	"0\n"
	"vmmd_http_request_duration_seconds_sum{method=\"*\",route=\"unmatched\"} 0\n"
	"vmmd_http_request_duration_seconds_count{method=\"*\",route=\"unmatched\"} 0\n";

/* ---- a strict parser of the text format, enough to catch our mistakes ---- */

struct parse_state {
	char family[128]; /* the last # TYPE'd family */
	char type[16];
	char seen[64][128]; /* families declared so far: each only once */
	size_t n_seen;
	char series[160]; /* histogram: current series' labels without le */
	double last_le;
	double last_bucket;
	double inf_bucket;
	int lineno;
};

static int parse_fail(const struct parse_state *st, const char *line, const char *why)
{
	print_error("metrics line %d: %s: %s\n", st->lineno, why, line);
	return -1;
}

static const char *parse_name(const char *p, char *name, size_t size, bool colon)
{
	size_t n = 0;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
	      (colon && *p == ':')))
		return NULL;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
	       (*p >= '0' && *p <= '9') || (colon && *p == ':')) {
		if (n + 1 >= size)
			return NULL;
		name[n++] = *p++;
	}
	name[n] = '\0';
	return p;
}

/* A value: Go-style float, +Inf, -Inf or NaN, the whole rest of the line. */
static int parse_value(const char *p, double *value)
{
	char *end;

	if (strcmp(p, "+Inf") == 0) {
		*value = INFINITY;
		return 0;
	}
	if (strcmp(p, "-Inf") == 0) {
		*value = -INFINITY;
		return 0;
	}
	if (strcmp(p, "NaN") == 0) {
		*value = NAN;
		return 0;
	}
	if (!*p || !(*p == '-' || (*p >= '0' && *p <= '9')))
		return -1;
	*value = strtod(p, &end);
	return *end ? -1 : 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int parse_comment(struct parse_state *st, const char *line)
{
	char name[128];
	const char *p;
	size_t i;

	if (strncmp(line, "# HELP ", 7) == 0) {
		p = parse_name(line + 7, name, sizeof(name), true);
		if (!p || *p != ' ' || !p[1])
			return parse_fail(st, line, "bad HELP");
		return 0;
	}
	if (strncmp(line, "# TYPE ", 7) != 0)
		return parse_fail(st, line, "comment that is neither HELP nor TYPE");
	p = parse_name(line + 7, name, sizeof(name), true);
	if (!p || *p != ' ')
		return parse_fail(st, line, "bad TYPE");
	p++;
	if (strcmp(p, "gauge") && strcmp(p, "counter") && strcmp(p, "histogram") &&
	    strcmp(p, "summary") && strcmp(p, "untyped"))
		return parse_fail(st, line, "unknown type");
	if (strcmp(p, "counter") == 0 && !has_suffix(name, "_total"))
		return parse_fail(st, line, "counter without _total");
	for (i = 0; i < st->n_seen; i++)
		if (strcmp(st->seen[i], name) == 0)
			return parse_fail(st, line, "family declared twice");
	if (st->n_seen == 64)
		return parse_fail(st, line, "too many families for the test parser");
	snprintf(st->seen[st->n_seen++], sizeof(st->seen[0]), "%s", name);
	snprintf(st->family, sizeof(st->family), "%s", name);
	snprintf(st->type, sizeof(st->type), "%s", p);
	st->series[0] = '\0';
	st->inf_bucket = -1;
	return 0;
}

/* Labels: {name="value",...}; le is taken out and returned separately. */
static const char *parse_labels(struct parse_state *st, const char *line, const char *p, char *rest,
				size_t rest_size, double *le, bool *has_le)
{
	char name[64], value[160];
	size_t used = 0;

	*has_le = false;
	rest[0] = '\0';
	if (*p != '{')
		return p;
	p++;
	while (*p != '}') {
		size_t n = 0;

		p = parse_name(p, name, sizeof(name), false);
		if (!p || *p != '=' || p[1] != '"')
			return NULL;
		p += 2;
		while (*p != '"') {
			if (!*p || *p == '\n' || n + 2 >= sizeof(value))
				return NULL;
			if (*p == '\\') {
				p++;
				if (*p != '\\' && *p != '"' && *p != 'n')
					return NULL;
			}
			value[n++] = *p++;
		}
		value[n] = '\0';
		p++;
		if (strcmp(name, "le") == 0) {
			if (parse_value(value, le))
				return NULL;
			*has_le = true;
		} else {
			used += snprintf(rest + used, rest_size - used, "%s=%s;", name, value);
			if (used >= rest_size)
				return NULL;
		}
		if (*p == ',')
			p++;
		else if (*p != '}')
			return NULL;
	}
	return p + 1;
}

static int parse_sample(struct parse_state *st, const char *line)
{
	char name[128], labels[160];
	double value, le = 0;
	bool has_le;
	const char *p;

	p = parse_name(line, name, sizeof(name), true);
	if (!p)
		return parse_fail(st, line, "bad metric name");
	p = parse_labels(st, line, p, labels, sizeof(labels), &le, &has_le);
	if (!p || *p != ' ' || parse_value(p + 1, &value))
		return parse_fail(st, line, "bad labels or value");
	if (!st->family[0])
		return parse_fail(st, line, "sample before any TYPE");

	if (strcmp(st->type, "histogram") != 0) {
		if (strcmp(name, st->family) != 0 || has_le)
			return parse_fail(st, line, "sample outside its family");
		return 0;
	}
	/* Histogram: buckets rising in le and count, +Inf last, then sum and count. */
	if (strncmp(name, st->family, strlen(st->family)) != 0)
		return parse_fail(st, line, "sample outside its family");
	p = name + strlen(st->family);
	if (strcmp(p, "_bucket") == 0) {
		if (!has_le)
			return parse_fail(st, line, "bucket without le");
		if (strcmp(labels, st->series) != 0) {
			snprintf(st->series, sizeof(st->series), "%s", labels);
			st->last_le = -INFINITY;
			st->last_bucket = 0;
			st->inf_bucket = -1;
		}
		if (le <= st->last_le || value < st->last_bucket)
			return parse_fail(st, line, "buckets not cumulative");
		st->last_le = le;
		st->last_bucket = value;
		if (isinf(le))
			st->inf_bucket = value;
		return 0;
	}
	if (strcmp(labels, st->series) != 0 || st->inf_bucket < 0)
		return parse_fail(st, line, "sum/count without a +Inf bucket before");
	if (strcmp(p, "_count") == 0) {
		if (value != st->inf_bucket)
			return parse_fail(st, line, "count differs from the +Inf bucket");
		return 0;
	}
	if (strcmp(p, "_sum") == 0)
		return 0;
	return parse_fail(st, line, "unknown histogram sample");
}

/* Returns 0 if every line of text (len bytes) is valid, else -1 (and says why). */
static int parse_metrics(const char *text, size_t len)
{
	struct parse_state st = { 0 };
	char line[512];
	size_t start = 0;

	if (len == 0 || text[len - 1] != '\n' || strlen(text) != len)
		return -1;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t n = (size_t)(nl - (text + start));

		st.lineno++;
		if (n >= sizeof(line))
			return parse_fail(&st, "", "line too long");
		memcpy(line, text + start, n);
		line[n] = '\0';
		start += n + 1;
		if (line[0] == '#' ? parse_comment(&st, line) : parse_sample(&st, line))
			return -1;
	}
	return 0;
}

/* Runs promtool on the text if there is one; 0 when it passes or is absent. */
static int promtool_check(const char *text, size_t len)
{
	const char *promtool = getenv("PROMTOOL");
	char path[] = "/tmp/test_metrics.XXXXXX";
	char cmd[512];
	int fd, status;

	if (!promtool)
		promtool = "/usr/bin/promtool";
	if (access(promtool, X_OK) != 0) {
		print_message("promtool not found (%s): strict parser only\n", promtool);
		return 0;
	}
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	/* promtool prints lint problems and exits non-zero for them too. */
	snprintf(cmd, sizeof(cmd), "'%s' check metrics < '%s' 1>&2", promtool, path);
	status = system(cmd);
	unlink(path);
	return status == 0 ? 0 : -1;
}

static void render_input(struct metrics_input *in)
{
	test_http_init();
	*in = (struct metrics_input){
		.version = "0.1.0",
		.start_time_seconds = 1700000000.5,
		.vms = test_vms,
		.n_vms = 2,
		.http = test_http,
		.n_http = 2,
	};
}

static void test_render_exact(void **unused)
{
	struct metrics_input in;
	char *text;
	size_t len;

	render_input(&in);
	assert_int_equal(metrics_render(&in, &text, &len), 0);
	assert_int_equal(len, strlen(text));
	assert_string_equal(text, expected_text);
	assert_int_equal(parse_metrics(text, len), 0);
	assert_int_equal(promtool_check(text, len), 0);
	free(text);
}

static void test_render_empty(void **unused)
{
	struct metrics_input in = { .version = "0.1.0", .start_time_seconds = 0 };
	char *text;
	size_t len;

	assert_int_equal(metrics_render(&in, &text, &len), 0);
	assert_non_null(strstr(text, "vmmd_vms{state=\"crashed\"} 0\n"));
	assert_non_null(strstr(text, "# TYPE vmmd_http_request_duration_seconds histogram\n"));
	assert_null(strstr(text, "{vm="));
	assert_int_equal(parse_metrics(text, len), 0);
	assert_int_equal(promtool_check(text, len), 0);
	free(text);
}

static void test_render_escapes(void **unused)
{
	const struct metrics_vm vm = { .name = "a\\b\"c\nd", .state = "migrating", .vcpus = 1 };
	struct metrics_input in = { .version = "1\"2", .vms = &vm, .n_vms = 1 };
	char *text;
	size_t len;

	assert_int_equal(metrics_render(&in, &text, &len), 0);
	assert_non_null(strstr(text, "vmmd_build_info{version=\"1\\\"2\"} 1\n"));
	assert_non_null(strstr(text, "vmmd_vm_vcpus{vm=\"a\\\\b\\\"c\\nd\"} 1\n"));
	/* A state vmmd does not list is still shown, and counted nowhere. */
	assert_non_null(
		strstr(text, "vmmd_vm_state{vm=\"a\\\\b\\\"c\\nd\",state=\"migrating\"} 1\n"));
	assert_non_null(strstr(text, "vmmd_vms{state=\"running\"} 0\n"));
	assert_int_equal(parse_metrics(text, len), 0);
	assert_int_equal(promtool_check(text, len), 0);
	free(text);
}

static void test_render_sum_precision(void **unused)
{
	struct metrics_input in;
	char *text, *line;
	size_t len;

	render_input(&in);
	test_http[0].sum_seconds = 0.1 + 0.2; /* needs 17 digits to read back */
	assert_int_equal(metrics_render(&in, &text, &len), 0);
	line = strstr(text, "vmmd_http_request_duration_seconds_sum{method=\"GET\"");
	assert_non_null(line);
	line = strstr(line, "\"} ");
	assert_non_null(line);
	assert_true(strtod(line + 3, NULL) == 0.1 + 0.2);
	free(text);
}

static void test_render_bad_input(void **unused)
{
	const struct metrics_vm no_state = { .name = "x" };
	struct metrics_input in = { .version = "1", .vms = &no_state, .n_vms = 1 };
	char *text = (char *)"untouched";
	size_t len = 1;

	assert_int_equal(metrics_render(&in, &text, &len), -EINVAL);
	assert_null(text);
	assert_int_equal(len, 0);

	in = (struct metrics_input){ .version = NULL };
	assert_int_equal(metrics_render(&in, &text, &len), -EINVAL);

	render_input(&in);
	test_http[1].pattern = NULL;
	assert_int_equal(metrics_render(&in, &text, &len), -EINVAL);
	assert_null(text);
}

/* The parser must reject what it exists to catch. */
static void test_parser_rejects(void **unused)
{
	static const char *const bad[] = {
		"x 1\n",
		"# TYPE a counter\na_total 1\n",
		"# TYPE a_total counter\na_total{l=\"v} 1\n",
		"# TYPE a gauge\na{l=\"v\"} one\n",
		"# TYPE a gauge\n# TYPE a gauge\n",
		"# TYPE a gauge\na{l=\"\\t\"} 1\n",
		"# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n",
		"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",
		"# TYPE h histogram\nh_sum 3\n",
		"# TYPE a gauge\na 1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(parse_metrics(bad[i], strlen(bad[i])), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_exact),
		cmocka_unit_test(test_render_empty),
		cmocka_unit_test(test_render_escapes),
		cmocka_unit_test(test_render_sum_precision),
		cmocka_unit_test(test_render_bad_input),
		cmocka_unit_test(test_parser_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
