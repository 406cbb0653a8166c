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
# re-adoption); its test runs real workers on tiny guests built with RISCV_CC.
libvmmd_a_SOURCES += daemon/supervisor.c daemon/supervisor.h
check_PROGRAMS += tests/unit/test_supervisor
TESTS += tests/unit/test_supervisor
tests_unit_test_supervisor_CPPFLAGS = $(DAEMON_UNIT_CPPFLAGS)
tests_unit_test_supervisor_CFLAGS = $(DAEMON_UNIT_CFLAGS)
tests_unit_test_supervisor_LDADD = $(DAEMON_UNIT_LDADD)
