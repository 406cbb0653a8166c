# vmm-worker/dbt/local.mk - the binary translator (RV64GC -> x86-64), part of
# libvmmworker.a, and its unit tests (included by the top-level Makefile.am).

libvmmworker_a_SOURCES += \
	vmm-worker/dbt/x86emit.c vmm-worker/dbt/x86emit.h \
	vmm-worker/dbt/dbt.c vmm-worker/dbt/dbt.h vmm-worker/dbt/dbt_internal.h \
	vmm-worker/dbt/translate.c vmm-worker/dbt/tlbindex.h vmm-worker/dbt/lockstep.c

# The encoder is checked form by form against capstone's disassembler.
UNIT_TESTS += tests/unit/test_x86emit
tests_unit_test_x86emit_CFLAGS = $(UNIT_CFLAGS) $(CAPSTONE_CFLAGS)
tests_unit_test_x86emit_LDADD = $(UNIT_LDADD) $(CAPSTONE_LIBS)
