# tests/isa/local.mk - the project's bare-metal ISA tests (included by the
# top-level Makefile.am).  Each tests/isa/<name>.S becomes <name>.elf, built
# with the cross compiler $(RISCV_CC); <name>.isa is the test `make check`
# runs: run-isa boots the matching .elf in $(VMM_WORKER).

ISA_TEST_NAMES = rv64ui rv64um rv64ua rv64uc rv64uf rv64ud rv64zb \
	csr traps interrupts vm_sv39 vm_sv48 pmp smc calls blockfault irqloop groups \
	branches codepage fpchain

ISA_DEPS = tests/isa/common.h tests/isa/fp.h tests/isa/fp_cases.h tests/isa/vm.h \
	tests/isa/link.ld
ISA_ELFS = $(ISA_TEST_NAMES:%=tests/isa/%.elf)
# A few also run as the translator emits them for a host without BMI2.
ISA_NOBMI2_NAMES = rv64ui rv64uc vm_sv39 blockfault groups
ISA_RUNS = $(ISA_TEST_NAMES:%=tests/isa/%.isa) $(ISA_TEST_NAMES:%=tests/isa/%-interp.isa) \
	$(ISA_TEST_NAMES:%=tests/isa/%-lockstep.isa) $(ISA_NOBMI2_NAMES:%=tests/isa/%-nobmi2.isa)

ISA_CFLAGS = -march=rv64gc_zba_zbb_zbs -mabi=lp64d -nostdlib -nostartfiles \
	-static -Wl,--no-warn-rwx-segments -T $(srcdir)/tests/isa/link.ld \
	-I$(srcdir)/tests/isa

tests/isa/%.elf: $(srcdir)/tests/isa/%.S $(ISA_DEPS:%=$(srcdir)/%)
	@$(MKDIR_P) tests/isa
	$(RISCV_CC) $(ISA_CFLAGS) -o $@ $<

# The test handed to the log compiler: names the ELF next to it.
tests/isa/%.isa: tests/isa/%.elf
	@echo '$*' > $@

# The same test on the interpreter (every ISA test runs on both engines)
# and in lockstep (every translated block checked against the interpreter).
tests/isa/%-interp.isa: tests/isa/%.elf
	@echo '$*' > $@
tests/isa/%-lockstep.isa: tests/isa/%.elf
	@echo '$*' > $@
tests/isa/%-nobmi2.isa: tests/isa/%.elf
	@echo '$*' > $@

check_DATA += $(ISA_ELFS) $(ISA_RUNS)
CLEANFILES += $(ISA_ELFS) $(ISA_RUNS)
EXTRA_DIST += $(ISA_TEST_NAMES:%=tests/isa/%.S) $(ISA_DEPS) \
	tests/isa/run-isa tests/isa/run-qemu-all

# Spelled out: automake cannot see through $(VAR:%=...) substitutions in TESTS.
TESTS += tests/isa/rv64ui.isa \
	tests/isa/rv64um.isa \
	tests/isa/rv64ua.isa \
	tests/isa/rv64uc.isa \
	tests/isa/rv64uf.isa \
	tests/isa/rv64ud.isa \
	tests/isa/rv64zb.isa \
	tests/isa/csr.isa \
	tests/isa/traps.isa \
	tests/isa/interrupts.isa \
	tests/isa/vm_sv39.isa \
	tests/isa/vm_sv48.isa \
	tests/isa/pmp.isa \
	tests/isa/smc.isa \
	tests/isa/calls.isa \
	tests/isa/blockfault.isa \
	tests/isa/irqloop.isa \
	tests/isa/groups.isa \
	tests/isa/branches.isa \
	tests/isa/codepage.isa \
	tests/isa/fpchain.isa
TESTS += tests/isa/rv64ui-interp.isa \
	tests/isa/rv64um-interp.isa \
	tests/isa/rv64ua-interp.isa \
	tests/isa/rv64uc-interp.isa \
	tests/isa/rv64uf-interp.isa \
	tests/isa/rv64ud-interp.isa \
	tests/isa/rv64zb-interp.isa \
	tests/isa/csr-interp.isa \
	tests/isa/traps-interp.isa \
	tests/isa/interrupts-interp.isa \
	tests/isa/vm_sv39-interp.isa \
	tests/isa/vm_sv48-interp.isa \
	tests/isa/pmp-interp.isa \
	tests/isa/smc-interp.isa \
	tests/isa/calls-interp.isa \
	tests/isa/blockfault-interp.isa \
	tests/isa/irqloop-interp.isa \
	tests/isa/groups-interp.isa \
	tests/isa/branches-interp.isa \
	tests/isa/codepage-interp.isa \
	tests/isa/fpchain-interp.isa
TESTS += tests/isa/rv64ui-lockstep.isa \
	tests/isa/rv64um-lockstep.isa \
	tests/isa/rv64ua-lockstep.isa \
	tests/isa/rv64uc-lockstep.isa \
	tests/isa/rv64uf-lockstep.isa \
	tests/isa/rv64ud-lockstep.isa \
	tests/isa/rv64zb-lockstep.isa \
	tests/isa/csr-lockstep.isa \
	tests/isa/traps-lockstep.isa \
	tests/isa/interrupts-lockstep.isa \
	tests/isa/vm_sv39-lockstep.isa \
	tests/isa/vm_sv48-lockstep.isa \
	tests/isa/pmp-lockstep.isa \
	tests/isa/smc-lockstep.isa \
	tests/isa/calls-lockstep.isa \
	tests/isa/blockfault-lockstep.isa \
	tests/isa/irqloop-lockstep.isa \
	tests/isa/groups-lockstep.isa \
	tests/isa/branches-lockstep.isa \
	tests/isa/codepage-lockstep.isa \
	tests/isa/fpchain-lockstep.isa
TEST_EXTENSIONS += .isa
ISA_LOG_COMPILER = $(SHELL) $(srcdir)/tests/isa/run-isa
TESTS += tests/isa/rv64ui-nobmi2.isa \
	tests/isa/rv64uc-nobmi2.isa \
	tests/isa/vm_sv39-nobmi2.isa \
	tests/isa/blockfault-nobmi2.isa \
	tests/isa/groups-nobmi2.isa
