# Linux 6.1 (guests/linux) booted in the worker: initramfs and ext2 root with 1, 2 and 4
# harts, disk persistence, a kill mid-write, bad --drive input. Builds the guest on first
# use (minutes, then cached); skips when the cross compiler or linux-source-6.1 is missing.
# LINUX_TESTS_QEMU=1 also runs the boots in QEMU as a reference.
TESTS += tests/linux/run-linux-tests
EXTRA_DIST += tests/linux/run-linux-tests
