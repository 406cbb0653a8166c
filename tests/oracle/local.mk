# Random differential test: QEMU is the oracle for the worker's CPU, run on
# the translator (the default), on the interpreter, and in lockstep (every
# translated block checked against the interpreter).
# run-oracle builds its guest programs in a temporary directory at test time.
TESTS += tests/oracle/run-oracle tests/oracle/run-oracle-interp tests/oracle/run-oracle-lockstep
EXTRA_DIST += tests/oracle/run-oracle tests/oracle/run-oracle-interp \
	tests/oracle/run-oracle-lockstep tests/oracle/rvgen.py tests/oracle/oracle.ld
