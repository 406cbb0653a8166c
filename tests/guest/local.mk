# picolibc C programs, compared between QEMU and the worker byte for byte.
# run-guest-tests builds them in a temporary directory at test time.
TESTS += tests/guest/run-guest-tests
EXTRA_DIST += tests/guest/run-guest-tests tests/guest/start.S tests/guest/guest.c \
	tests/guest/guest.h tests/guest/printf_float.c tests/guest/malloc_stress.c \
	tests/guest/libc_misc.c tests/guest/math_heavy.c
