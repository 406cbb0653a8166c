# daemon/local.mk - vmmd (included by the top-level Makefile.am).
# libvmmd.a holds everything but vmmd.c so that the unit tests link it;
# other daemon parts append with `libvmmd_a_SOURCES +=`, their flags with
# `libvmmd_a_CFLAGS +=` and their libraries with `VMMD_LIBS +=`.
#
# Daemon headers are included as "daemon/<name>.h" from outside daemon/:
# a bare "config.h" outside daemon/ means autoconf's config.h.

noinst_LIBRARIES += libvmmd.a
libvmmd_a_CPPFLAGS = $(AM_CPPFLAGS) -DVMMD_BINDIR='"$(bindir)"'
libvmmd_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(SQLITE_CFLAGS) $(INIH_CFLAGS)
libvmmd_a_SOURCES = \
	daemon/vm_def.c daemon/vm_def.h \
	daemon/store.c daemon/store.h \
	daemon/config.c daemon/config.h

VMMD_LIBS = libvmmd.a $(JSONC_LIBS) $(SQLITE_LIBS) $(INIH_LIBS)

vmmdconfdir = $(sysconfdir)/vmmd
dist_vmmdconf_DATA = etc/vmmd.conf

# Unit tests of the daemon's modules.
DAEMON_UNIT_TESTS = tests/unit/test_vm_def tests/unit/test_store tests/unit/test_config
check_PROGRAMS += $(DAEMON_UNIT_TESTS)
TESTS += $(DAEMON_UNIT_TESTS)
DAEMON_UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
DAEMON_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS) $(SQLITE_CFLAGS)
DAEMON_UNIT_LDADD = $(VMMD_LIBS) $(CMOCKA_LIBS)

tests_unit_test_vm_def_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_vm_def_CFLAGS = $(DAEMON_UNIT_CFLAGS)
tests_unit_test_vm_def_LDADD = $(DAEMON_UNIT_LDADD)
tests_unit_test_store_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_store_CFLAGS = $(DAEMON_UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(DAEMON_UNIT_LDADD)
# test_config checks etc/vmmd.conf against the built-in defaults.
tests_unit_test_config_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS) \
	-DVMMD_SRCDIR='"$(abs_top_srcdir)"' -DVMMD_BINDIR='"$(bindir)"'
tests_unit_test_config_CFLAGS = $(DAEMON_UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(DAEMON_UNIT_LDADD)

# Supervision of the vmm-worker processes (fork/exec, pidfd watch, restart,
# re-adoption, the worker API client); its test runs real workers on tiny
# guests built with RISCV_CC.
libvmmd_a_SOURCES += daemon/supervisor.c daemon/supervisor.h
check_PROGRAMS += tests/unit/test_supervisor
TESTS += tests/unit/test_supervisor
tests_unit_test_supervisor_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_supervisor_CFLAGS = $(DAEMON_UNIT_CFLAGS)
# The supervisor drives workers through their API socket: libcurl via libvmmapi.
tests_unit_test_supervisor_LDADD = $(VMMD_LIBS) $(API_LIBS) $(CMOCKA_LIBS)

# The daemon process: the life cycle of VMs (daemon.c), the REST handlers
# (routes*.c) and the /v1/events broadcast; vmmd.c is the process role.
libvmmd_a_SOURCES += \
	daemon/daemon.c daemon/daemon.h \
	daemon/events.c daemon/events.h \
	daemon/routes.c daemon/routes.h \
	daemon/routes_vms.c \
	daemon/vm_cache.c daemon/vm_cache.h
libvmmd_a_CFLAGS += $(MHD_CFLAGS) $(CURL_CFLAGS) $(SYSTEMD_CFLAGS)
# The cached list and metrics views, and a start that waits without the lock.
check_PROGRAMS += tests/unit/test_vm_cache
TESTS += tests/unit/test_vm_cache
tests_unit_test_vm_cache_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_vm_cache_CFLAGS = $(DAEMON_UNIT_CFLAGS)
tests_unit_test_vm_cache_LDADD = $(VMMD_LIBS) $(API_LIBS) $(CMOCKA_LIBS)

bin_PROGRAMS += daemon/vmmd
daemon_vmmd_SOURCES = daemon/vmmd.c
daemon_vmmd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
daemon_vmmd_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(SYSTEMD_CFLAGS)
daemon_vmmd_LDADD = $(VMMD_LIBS) $(API_LIBS) $(SYSTEMD_LIBS)

# Integration: a real vmmd on a temp socket and state dir, real workers.
TESTS += tests/daemon/run-daemon-tests
EXTRA_DIST += tests/daemon/run-daemon-tests
# The same real vmmd checked against api/openapi.yaml, route by route
# (python3 with python3-yaml; skipped without the latter).
TESTS += tests/daemon/check-openapi
EXTRA_DIST += tests/daemon/check-openapi

# GET /metrics (Prometheus text) and GET /v1/host (libnuma, /proc, /sys).
# test_metrics runs `promtool check metrics` too when promtool is installed.
libvmmd_a_SOURCES += \
	daemon/metrics.c daemon/metrics.h \
	daemon/host.c daemon/host.h
libvmmd_a_CFLAGS += $(NUMA_CFLAGS)
VMMD_LIBS += $(NUMA_LIBS)
check_PROGRAMS += tests/unit/test_metrics tests/unit/test_host
TESTS += tests/unit/test_metrics tests/unit/test_host
tests_unit_test_metrics_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_metrics_CFLAGS = $(DAEMON_UNIT_CFLAGS)
tests_unit_test_metrics_LDADD = $(VMMD_LIBS) $(API_LIBS) $(CMOCKA_LIBS)
tests_unit_test_host_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_host_CFLAGS = $(DAEMON_UNIT_CFLAGS) $(NUMA_CFLAGS)
tests_unit_test_host_LDADD = $(DAEMON_UNIT_LDADD)
