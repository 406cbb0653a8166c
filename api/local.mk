# api/: the one HTTP layer (libmicrohttpd server, libcurl client, json-c
# helpers) shared by vmmd, the worker and vmctl.

noinst_LIBRARIES += libvmmapi.a
libvmmapi_a_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)
libvmmapi_a_SOURCES = \
	api/api_error.c api/api_error.h \
	api/http_router.c api/http_router.h \
	api/http_server.c api/http_server.h \
	api/http_client.c api/http_client.h \
	api/json_util.c api/json_util.h

# Link line for programs using libvmmapi.a.
API_LIBS = libvmmapi.a $(MHD_LIBS) $(CURL_LIBS) $(JSONC_LIBS)

UNIT_TESTS += tests/unit/test_api_server tests/unit/test_api
tests_unit_test_api_server_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_api_server_LDADD = $(API_LIBS) $(CMOCKA_LIBS)
tests_unit_test_api_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir) $(JSONC_CFLAGS)
tests_unit_test_api_LDADD = $(API_LIBS) $(CMOCKA_LIBS)

# The router + JSON fuzz target, replayed over its seeds without libFuzzer
# (tests/fuzz/run-fuzz-api runs the real fuzzer with clang).
check_PROGRAMS += tests/fuzz/fuzz_api_router_replay
tests_fuzz_fuzz_api_router_replay_SOURCES = tests/fuzz/fuzz_api_router.c tests/fuzz/replay.c
tests_fuzz_fuzz_api_router_replay_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir) $(JSONC_CFLAGS)
tests_fuzz_fuzz_api_router_replay_LDADD = $(API_LIBS)
TESTS += tests/fuzz/replay-corpus-api
EXTRA_DIST += tests/fuzz/replay-corpus-api tests/fuzz/run-fuzz-api tests/fuzz/corpus-api \
	api/openapi.yaml
