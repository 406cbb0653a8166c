# cli/local.mk - vmctl, the command-line client of vmmd (included by the
# top-level Makefile.am). libvmctl.a holds everything but main() so that
# tests/unit/test_vmctl links the command table, parsing and output.

noinst_LIBRARIES += libvmctl.a
libvmctl_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
libvmctl_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)
libvmctl_a_SOURCES = \
	cli/vmctl.h \
	cli/commands.c \
	cli/output.c \
	cli/create.c \
	cli/cmd_vm.c \
	cli/cmd_console.c \
	cli/cmd_events.c \
	cli/cmd_edit.c

VMCTL_LIBS = libvmctl.a $(API_LIBS)

bin_PROGRAMS += cli/vmctl
cli_vmctl_SOURCES = cli/vmctl.c
cli_vmctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
cli_vmctl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)
cli_vmctl_LDADD = $(VMCTL_LIBS)

# Bash completion, installed under the command's name.
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = cli/completion/vmctl
cli/completion/vmctl: $(srcdir)/etc/vmctl.bash-completion
	$(AM_V_GEN)$(MKDIR_P) cli/completion && cp $(srcdir)/etc/vmctl.bash-completion $@
CLEANFILES += cli/completion/vmctl
EXTRA_DIST += etc/vmctl.bash-completion

# Units: the command table, `create` parsing, memory sizes, output text.
UNIT_TESTS += tests/unit/test_vmctl
tests_unit_test_vmctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
tests_unit_test_vmctl_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_vmctl_LDADD = $(VMCTL_LIBS) $(CMOCKA_LIBS)

# End to end: every command against fake_vmmd, a server built on the real
# api/ layer with in-memory handlers (tests/daemon/ drives the real vmmd).
check_PROGRAMS += tests/cli/fake_vmmd
tests_cli_fake_vmmd_SOURCES = tests/cli/fake_vmmd.c
tests_cli_fake_vmmd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
tests_cli_fake_vmmd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS)
tests_cli_fake_vmmd_LDADD = $(API_LIBS)
TESTS += tests/cli/run-vmctl-tests
EXTRA_DIST += tests/cli/run-vmctl-tests
AM_TESTS_ENVIRONMENT += \
	VMCTL='$(abs_top_builddir)/cli/vmctl'; export VMCTL; \
	FAKE_VMMD='$(abs_top_builddir)/tests/cli/fake_vmmd'; export FAKE_VMMD;
