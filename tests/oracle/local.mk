# Random differential test: QEMU is the oracle for the worker's CPU.
# run-oracle builds its guest programs in a temporary directory at test time.
TESTS += tests/oracle/run-oracle
EXTRA_DIST += tests/oracle/run-oracle tests/oracle/rvgen.py tests/oracle/oracle.ld
