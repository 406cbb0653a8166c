// SPDX-License-Identifier: MIT
/*
 * vmmd-init: PID 1 of the vmmd Linux test guest (static, riscv64-linux-gnu-gcc -static).
 *
 * It mounts proc, sysfs and devtmpfs, reads its parameters from /proc/cmdline, runs the
 * tests named by vmmd.tests (disk, smp, cpu), prints one line per test and powers the
 * machine off. Every line it prints starts with "vmmd-init: " so a harness can grep the
 * console; the verdict is "vmmd-init: ALL PASS" or "vmmd-init: FAILED ...".
 *
 * Exit status: on success init calls reboot(RB_POWER_OFF); Linux asks the SBI firmware to
 * shut down and OpenSBI writes 0x5555 (pass) to the SiFive test finisher, so QEMU and the
 * worker exit with status 0. Linux gives user space no way to pass a failure code through
 * SBI, so on failure init writes (1 << 16) | 0x3333 to the test finisher itself through
 * /dev/mem (address from the device tree), which ends the machine with exit status 1. If
 * that is impossible it still powers off, and only the FAILED line tells.
 *
 * The parameters and the disk pattern are documented in guests/linux/README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define INIT_BLOCK 4096u
#define INIT_WORDS (INIT_BLOCK / 8)
#define INIT_CHUNK (1024u * 1024u)
#define INIT_PATTERN_SEED 0x766d6d64696e6974ull /* "vmmdinit" */
#define INIT_RANDOM_OPS 4096
#define INIT_RANDOM_SECONDS 1.0
#define INIT_FINISHER_FAIL 0x3333u
#define SMP_GO 1
#define SMP_ABORT 2

struct init_options {
	char tests[128];
	char disk[64];
	unsigned long disk_mb;
	bool disk_readonly;
	unsigned long smp_iters;
	unsigned long futex_rounds;
	unsigned long cpu_scale;
	unsigned long idle;
};

static struct init_options options = {
	.tests = "disk,smp,cpu",
	.disk_mb = 16,
	.smp_iters = 20000,
	.futex_rounds = 2000,
	.cpu_scale = 1,
};

static void init_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void init_log(const char *fmt, ...)
{
	va_list ap;

	fputs("vmmd-init: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static double init_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t x)
{
	uint64_t z = x + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- mounts and parameters ---- */

static void init_mount(const char *source, const char *target, const char *type)
{
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		init_log("mkdir %s: %s", target, strerror(errno));
	/* An ext2 root already has devtmpfs on /dev (DEVTMPFS_MOUNT): EBUSY is fine. */
	if (mount(source, target, type, 0, NULL) < 0 && errno != EBUSY)
		init_log("mount %s on %s: %s", type, target, strerror(errno));
}

static void init_parse_ulong(const char *key, const char *value, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(value, &end, 0);

	if (*value == '\0' || *end != '\0') {
		init_log("ignoring %s=%s: not a number", key, value);
		return;
	}
	*out = v;
}

static void init_parse_option(const char *key, const char *value)
{
	if (!strcmp(key, "vmmd.tests"))
		snprintf(options.tests, sizeof(options.tests), "%s", value);
	else if (!strcmp(key, "vmmd.disk"))
		snprintf(options.disk, sizeof(options.disk), "%s", value);
	else if (!strcmp(key, "vmmd.disk_mb"))
		init_parse_ulong(key, value, &options.disk_mb);
	else if (!strcmp(key, "vmmd.disk_readonly"))
		options.disk_readonly = !strcmp(value, "1");
	else if (!strcmp(key, "vmmd.smp_iters"))
		init_parse_ulong(key, value, &options.smp_iters);
	else if (!strcmp(key, "vmmd.futex_rounds"))
		init_parse_ulong(key, value, &options.futex_rounds);
	else if (!strcmp(key, "vmmd.cpu_scale"))
		init_parse_ulong(key, value, &options.cpu_scale);
	else if (!strcmp(key, "vmmd.idle"))
		init_parse_ulong(key, value, &options.idle);
	else
		init_log("ignoring unknown parameter %s", key);
}

static void init_read_cmdline(void)
{
	char line[4096];
	char *save, *word;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0) {
		init_log("open /proc/cmdline: %s", strerror(errno));
		return;
	}
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return;
	line[n] = '\0';
	for (word = strtok_r(line, " \t\n", &save); word; word = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(word, '=');

		if (strncmp(word, "vmmd.", 5) || !eq)
			continue;
		*eq = '\0';
		init_parse_option(word, eq + 1);
	}
}

static bool init_test_wanted(const char *name)
{
	size_t len = strlen(name);
	const char *p = options.tests;

	while (*p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

/* ---- disk ---- */

/*
 * The pattern of 4 KiB block b: words 0..510 are splitmix64(seed + b * 512 + j), word 511
 * is a checksum of the first 511 words (h = (h ^ w) * FNV prime, from the FNV offset).
 * It depends only on the block number, so any block can be checked on its own, by the
 * guest after random writes or by the host after power-off.
 */
static void disk_fill_block(uint64_t *words, uint64_t block)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned int j;

	for (j = 0; j < INIT_WORDS - 1; j++) {
		words[j] = splitmix64(INIT_PATTERN_SEED + block * INIT_WORDS + j);
		h = (h ^ words[j]) * 0x100000001b3ull;
	}
	words[INIT_WORDS - 1] = h;
}

static bool disk_check_block(const uint64_t *words, uint64_t block)
{
	uint64_t expect[INIT_WORDS];

	disk_fill_block(expect, block);
	return !memcmp(words, expect, INIT_BLOCK);
}

/* Picks the first virtio disk that is not the root file system's device. */
static int disk_find(char *path, size_t size)
{
	struct stat root, st;
	char c;

	if (options.disk[0]) {
		snprintf(path, size, "%s", options.disk);
		return 0;
	}
	if (stat("/", &root) < 0)
		return -errno;
	for (c = 'a'; c <= 'h'; c++) {
		snprintf(path, size, "/dev/vd%c", c);
		if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
			continue;
		if (st.st_rdev == root.st_dev)
			continue;
		return 0;
	}
	return -ENODEV;
}

struct disk_run {
	int fd;
	uint64_t blocks;    /* size of the tested region in 4 KiB blocks */
	unsigned char *buf; /* INIT_CHUNK bytes, block aligned for O_DIRECT */
	unsigned long bad_blocks;
	uint64_t first_bad;
	double io_seconds;
};

static int disk_io(struct disk_run *run, bool write, void *buf, size_t len, uint64_t offset)
{
	double t0 = init_now();
	ssize_t n;

	n = write ? pwrite(run->fd, buf, len, offset) : pread(run->fd, buf, len, offset);
	run->io_seconds += init_now() - t0;
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

static void disk_note_bad(struct disk_run *run, uint64_t block)
{
	if (!run->bad_blocks++)
		run->first_bad = block;
}

/* Sequential pass over the region in 1 MiB requests; returns 0 or -errno. */
static int disk_sequential(struct disk_run *run, bool write)
{
	uint64_t per_chunk = INIT_CHUNK / INIT_BLOCK, b, i;
	int ret;

	for (b = 0; b < run->blocks; b += per_chunk) {
		uint64_t *words = (uint64_t *)run->buf;

		if (write)
			for (i = 0; i < per_chunk; i++)
				disk_fill_block(words + i * INIT_WORDS, b + i);
		ret = disk_io(run, write, run->buf, INIT_CHUNK, b * INIT_BLOCK);
		if (ret)
			return ret;
		if (!write)
			for (i = 0; i < per_chunk; i++)
				if (!disk_check_block(words + i * INIT_WORDS, b + i))
					disk_note_bad(run, b + i);
	}
	if (write) {
		double t0 = init_now();

		if (fsync(run->fd) < 0)
			return -errno;
		run->io_seconds += init_now() - t0;
	}
	return 0;
}

/* Random 4 KiB requests until INIT_RANDOM_OPS or INIT_RANDOM_SECONDS; returns ops or -errno. */
static long disk_random(struct disk_run *run, bool write, uint64_t seed)
{
	double start = init_now();
	long ops;
	int ret;

	for (ops = 0; ops < INIT_RANDOM_OPS && init_now() - start < INIT_RANDOM_SECONDS; ops++) {
		uint64_t block = splitmix64(seed + ops) % run->blocks;

		if (write)
			disk_fill_block((uint64_t *)run->buf, block);
		ret = disk_io(run, write, run->buf, INIT_BLOCK, block * INIT_BLOCK);
		if (ret)
			return ret;
		if (!write && !disk_check_block((uint64_t *)run->buf, block))
			disk_note_bad(run, block);
	}
	if (write) {
		double t0 = init_now();

		if (fsync(run->fd) < 0)
			return -errno;
		run->io_seconds += init_now() - t0;
	}
	return ops;
}

static void disk_format_rate(char *out, size_t size, double value, double seconds, const char *unit)
{
	if (seconds <= 0)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.1f %s", value / seconds, unit);
}

/*
 * Writes the pattern over the first disk_mb MiB of the raw disk, syncs, reads it back and
 * verifies it, measuring throughput on the way; random writes store the same pattern, so
 * a final sequential read checks they landed where they belong. With vmmd.disk_readonly=1
 * nothing is written: the reads verify the pattern a previous run (or the host) left.
 */
static int test_disk(char *detail, size_t size)
{
	char path[64], seq_write[32] = "-", seq_read[32], rand_read[32], rand_write[32] = "-";
	struct disk_run run = { .fd = -1 };
	const char *mode = "O_DIRECT";
	uint64_t bytes = 0;
	long ops;
	int ret;

	ret = disk_find(path, sizeof(path));
	if (ret) {
		snprintf(detail, size, "no virtio disk to test (%s)", strerror(-ret));
		goto out;
	}
	run.fd = open(path, (options.disk_readonly ? O_RDONLY : O_RDWR) | O_DIRECT);
	if (run.fd < 0 && errno == EINVAL) {
		mode = "buffered";
		run.fd = open(path, options.disk_readonly ? O_RDONLY : O_RDWR);
	}
	if (run.fd < 0) {
		ret = -errno;
		snprintf(detail, size, "open %s: %s", path, strerror(errno));
		goto out;
	}
	if (ioctl(run.fd, BLKGETSIZE64, &bytes) < 0) {
		ret = -errno;
		snprintf(detail, size, "BLKGETSIZE64 %s: %s", path, strerror(errno));
		goto out;
	}
	if (bytes > options.disk_mb * INIT_CHUNK)
		bytes = options.disk_mb * INIT_CHUNK;
	bytes -= bytes % INIT_CHUNK;
	if (!bytes) {
		ret = -ENOSPC;
		snprintf(detail, size, "%s is smaller than 1 MiB or vmmd.disk_mb=0", path);
		goto out;
	}
	run.blocks = bytes / INIT_BLOCK;
	if (posix_memalign((void **)&run.buf, INIT_BLOCK, INIT_CHUNK)) {
		ret = -ENOMEM;
		snprintf(detail, size, "out of memory");
		goto out;
	}

	if (!options.disk_readonly) {
		ret = disk_sequential(&run, true);
		if (ret) {
			snprintf(detail, size, "sequential write: %s", strerror(-ret));
			goto out;
		}
		disk_format_rate(seq_write, sizeof(seq_write), bytes / 1e6, run.io_seconds, "MB/s");
	}
	/* Buffered mode must not read back from the page cache what it just wrote. */
	ioctl(run.fd, BLKFLSBUF, 0);
	run.io_seconds = 0;
	ret = disk_sequential(&run, false);
	if (ret) {
		snprintf(detail, size, "sequential read: %s", strerror(-ret));
		goto out;
	}
	disk_format_rate(seq_read, sizeof(seq_read), bytes / 1e6, run.io_seconds, "MB/s");

	run.io_seconds = 0;
	ops = disk_random(&run, false, 1);
	if (ops < 0) {
		ret = ops;
		snprintf(detail, size, "random read: %s", strerror(-ret));
		goto out;
	}
	disk_format_rate(rand_read, sizeof(rand_read), ops, run.io_seconds, "IOPS");

	if (!options.disk_readonly) {
		run.io_seconds = 0;
		ops = disk_random(&run, true, 2);
		if (ops < 0) {
			ret = ops;
			snprintf(detail, size, "random write: %s", strerror(-ret));
			goto out;
		}
		disk_format_rate(rand_write, sizeof(rand_write), ops, run.io_seconds, "IOPS");
		ioctl(run.fd, BLKFLSBUF, 0);
		ret = disk_sequential(&run, false);
		if (ret) {
			snprintf(detail, size, "final read: %s", strerror(-ret));
			goto out;
		}
	}
	init_log("disk-bench: seq-write=%s seq-read=%s rand-read-4k=%s rand-write-4k=%s", seq_write,
		 seq_read, rand_read, rand_write);

	if (run.bad_blocks) {
		ret = -EIO;
		snprintf(detail, size, "%s: %lu bad block reads, first at block %llu", path,
			 run.bad_blocks, (unsigned long long)run.first_bad);
		goto out;
	}
	snprintf(detail, size, "%s %llu MiB %s, verified (%s)", path,
		 (unsigned long long)(bytes / INIT_CHUNK),
		 options.disk_readonly ? "read" : "written, synced, read back", mode);
	ret = 0;
out:
	free(run.buf);
	if (run.fd >= 0)
		close(run.fd);
	return ret;
}

/* ---- smp: threads on every hart, atomics, futexes ---- */

static long futex(uint32_t *word, int op, uint32_t value)
{
	return syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

struct smp_shared {
	uint64_t fetch_add_total;
	uint64_t cas_total;
	uint32_t word_total;   /* 32-bit AMOs */
	uint32_t lock;	       /* test-and-set spin lock guarding locked_total */
	uint64_t locked_total; /* plain read-modify-write under the lock */
	uint32_t arrived;      /* start barrier: threads that arrived */
	uint32_t go;	       /* start barrier futex word: 0, SMP_GO or SMP_ABORT */
	uint32_t turn;	       /* ping-pong: whose turn, futex word */
	unsigned int nthreads;
};

struct smp_thread {
	pthread_t thread;
	struct smp_shared *shared;
	int cpu;
	int pong; /* -1: not in the ping-pong, else 0 or 1 */
	bool pinned;
	unsigned long handoffs;
};

static void smp_lock(uint32_t *lock)
{
	unsigned int spins = 0;

	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		if (++spins % 64 == 0)
			sched_yield(); /* harts may outnumber host cores under emulation */
}

static void smp_unlock(uint32_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static void smp_release(struct smp_shared *s, uint32_t go)
{
	__atomic_store_n(&s->go, go, __ATOMIC_RELEASE);
	futex(&s->go, FUTEX_WAKE_PRIVATE, INT32_MAX);
}

/* Waits until every thread has arrived; returns false if the run was called off. */
static bool smp_barrier(struct smp_shared *s)
{
	uint32_t go;

	if (__atomic_add_fetch(&s->arrived, 1, __ATOMIC_ACQ_REL) == s->nthreads)
		smp_release(s, SMP_GO);
	while (!(go = __atomic_load_n(&s->go, __ATOMIC_ACQUIRE)))
		futex(&s->go, FUTEX_WAIT_PRIVATE, 0);
	return go == SMP_GO;
}

/* Passes the turn back and forth: each side waits on the futex until the turn is its own. */
static void smp_ping_pong(struct smp_thread *t)
{
	struct smp_shared *s = t->shared;
	uint32_t me = t->pong, other = !t->pong, cur;
	unsigned long r;

	for (r = 0; r < options.futex_rounds; r++) {
		while ((cur = __atomic_load_n(&s->turn, __ATOMIC_ACQUIRE)) != me)
			futex(&s->turn, FUTEX_WAIT_PRIVATE, cur);
		t->handoffs++;
		__atomic_store_n(&s->turn, other, __ATOMIC_RELEASE);
		futex(&s->turn, FUTEX_WAKE_PRIVATE, 1);
	}
}

static void *smp_thread_main(void *arg)
{
	struct smp_thread *t = arg;
	struct smp_shared *s = t->shared;
	cpu_set_t set;
	unsigned long i;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	t->pinned = !sched_setaffinity(0, sizeof(set), &set) && sched_getcpu() == t->cpu;
	if (!smp_barrier(s))
		return NULL;
	for (i = 0; i < options.smp_iters; i++) {
		uint64_t old = __atomic_load_n(&s->cas_total, __ATOMIC_RELAXED);

		__atomic_fetch_add(&s->fetch_add_total, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->word_total, 3, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&s->cas_total, &old, old + 1, true,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		smp_lock(&s->lock);
		s->locked_total++;
		smp_unlock(&s->lock);
	}
	if (t->pong >= 0)
		smp_ping_pong(t);
	return NULL;
}

/*
 * One thread pinned to each online hart hammers shared counters with AMOs, CAS loops and a
 * spin lock; the first and last threads then pass a futex turn back and forth. With one
 * hart an extra thread on the same hart makes the ping-pong partner.
 */
static int test_smp(char *detail, size_t size)
{
	struct smp_shared shared = { 0 };
	struct smp_thread *threads = NULL;
	unsigned int n = 0, i, cpus, unpinned = 0;
	unsigned long handoffs = 0;
	uint64_t expect;
	cpu_set_t online;
	double t0, elapsed;
	int ret, cpu;

	if (sched_getaffinity(0, sizeof(online), &online) < 0) {
		ret = -errno;
		snprintf(detail, size, "sched_getaffinity: %s", strerror(errno));
		goto out;
	}
	cpus = CPU_COUNT(&online);
	threads = calloc(cpus + 1, sizeof(*threads));
	if (!threads) {
		ret = -ENOMEM;
		snprintf(detail, size, "out of memory");
		goto out;
	}
	for (cpu = 0; cpu < CPU_SETSIZE && n < cpus; cpu++)
		if (CPU_ISSET(cpu, &online))
			threads[n++] = (struct smp_thread){ .cpu = cpu, .pong = -1 };
	if (n == 1)
		threads[n++] = (struct smp_thread){ .cpu = threads[0].cpu, .pong = -1 };
	threads[0].pong = 0;
	threads[n - 1].pong = 1;
	shared.nthreads = n;

	t0 = init_now();
	for (i = 0; i < n; i++) {
		threads[i].shared = &shared;
		ret = -pthread_create(&threads[i].thread, NULL, smp_thread_main, &threads[i]);
		if (ret) {
			/* Call the run off so the threads already waiting at the barrier return. */
			snprintf(detail, size, "pthread_create: %s", strerror(-ret));
			smp_release(&shared, SMP_ABORT);
			while (i--)
				pthread_join(threads[i].thread, NULL);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		pthread_join(threads[i].thread, NULL);
		unpinned += !threads[i].pinned;
		handoffs += threads[i].handoffs;
	}
	elapsed = init_now() - t0;

	expect = (uint64_t)n * options.smp_iters;
	if (shared.fetch_add_total != expect || shared.cas_total != expect ||
	    shared.locked_total != expect || shared.word_total != (uint32_t)(3 * expect) ||
	    handoffs != 2 * options.futex_rounds || unpinned) {
		ret = -EIO;
		snprintf(detail, size,
			 "threads=%u expected %llu: fetch_add=%llu cas=%llu locked=%llu "
			 "amo32=%u/%u handoffs=%lu/%lu unpinned=%u",
			 n, (unsigned long long)expect, (unsigned long long)shared.fetch_add_total,
			 (unsigned long long)shared.cas_total,
			 (unsigned long long)shared.locked_total, shared.word_total,
			 (uint32_t)(3 * expect), handoffs, 2 * options.futex_rounds, unpinned);
		goto out;
	}
	snprintf(detail, size, "harts=%u threads=%u ops=%llu futex-handoffs=%lu in %.0f ms", cpus,
		 n, (unsigned long long)expect * 4, handoffs, elapsed * 1e3);
	ret = 0;
out:
	free(threads);
	return ret;
}

/* ---- cpu ---- */

static uint32_t cpu_crc32_bitwise(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0u;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static uint32_t cpu_crc32_table(const uint8_t *p, size_t len)
{
	uint32_t table[256], crc = ~0u, c;
	size_t i;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
		table[i] = c;
	}
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/*
 * Integer part: bitwise CRC-32 (shifts, masks, branches) checked against a table-driven
 * CRC, and 64-bit division checked by q * d + r == x. Float part: the sum of 1/k^2, whose
 * tail after N terms is known, and a Newton square root checked against sqrt().
 */
static int test_cpu(char *detail, size_t size)
{
	static uint8_t buf[64 * 1024];
	unsigned long reps = 16 * options.cpu_scale, terms = 1000000 * options.cpu_scale;
	size_t len = sizeof(buf) - 4096;
	unsigned long i, bad = 0;
	uint32_t *want;
	double t0, int_ms, float_ms, sum = 0, err_sum, err_sqrt = 0;

	want = malloc(reps * sizeof(*want));
	if (!want) {
		snprintf(detail, size, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < sizeof(buf); i += 8) {
		uint64_t w = splitmix64(i);

		memcpy(buf + i, &w, 8);
	}
	/* Each round covers a different window, so the compiler cannot hoist the pure call. */
	for (i = 0; i < reps; i++)
		want[i] = cpu_crc32_table(buf + i % 4096, len);

	t0 = init_now();
	for (i = 0; i < reps; i++)
		bad += cpu_crc32_bitwise(buf + i % 4096, len) != want[i];
	for (i = 1; i <= terms; i++) {
		uint64_t x = splitmix64(i), d = splitmix64(~i) >> (i % 60) | 1;
		uint64_t q = x / d, r = x % d;

		/* Hide q and r from the optimizer, which would fold the identity below. */
		__asm__ volatile("" : "+r"(q), "+r"(r));
		bad += q * d + r != x || r >= d;
	}
	int_ms = (init_now() - t0) * 1e3;

	t0 = init_now();
	for (i = terms; i >= 1; i--) /* smallest terms first keeps rounding error low */
		sum += 1.0 / ((double)i * i);
	for (i = 1; i <= terms / 16; i++) {
		double a = i * 1.37, x = a > 1 ? a : 1;
		int k;

		for (k = 0; k < 30; k++)
			x = 0.5 * (x + a / x);
		err_sqrt = fmax(err_sqrt, fabs(x - sqrt(a)) / sqrt(a));
	}
	float_ms = (init_now() - t0) * 1e3;
	/* sum_{k>N} 1/k^2 = 1/N - 1/(2N^2) + O(1/N^3) */
	err_sum = fabs(sum - (M_PI * M_PI / 6 - 1.0 / terms + 0.5 / ((double)terms * terms)));

	free(want);
	if (bad || err_sum > 1e-9 || err_sqrt > 1e-14) {
		snprintf(detail, size, "integer mismatches=%lu zeta(2) error=%g sqrt error=%g", bad,
			 err_sum, err_sqrt);
		return -EIO;
	}
	snprintf(detail, size,
		 "int=%.0f ms (%lu KiB crc32, %lu divisions) float=%.0f ms "
		 "(%lu terms, %lu sqrt)",
		 int_ms, reps * len / 1024, terms, float_ms, terms, terms / 16);
	return 0;
}

/* ---- power off ---- */

/* Finds the SiFive test finisher in the device tree; returns its address or 0. */
static uint64_t init_find_finisher(void)
{
	const char *soc = "/proc/device-tree/soc";
	struct dirent *de;
	uint64_t addr = 0;
	DIR *dir;

	dir = opendir(soc);
	if (!dir)
		return 0;
	while (!addr && (de = readdir(dir))) {
		char path[512], compat[256];
		unsigned char reg[16];
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%s/%s/compatible", soc, de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, compat, sizeof(compat) - 1);
		close(fd);
		if (n <= 0 || !memmem(compat, n, "sifive,test", 11))
			continue;
		snprintf(path, sizeof(path), "%s/%s/reg", soc, de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, reg, sizeof(reg));
		close(fd);
		/* The virt board's soc node has #address-cells = 2: a big-endian 64-bit address. */
		if (n == 16)
			for (int i = 0; i < 8; i++)
				addr = addr << 8 | reg[i];
	}
	closedir(dir);
	return addr;
}

/* Ends the machine with exit status `code` through the test finisher; returns if it cannot. */
static void init_finisher_fail(unsigned int code)
{
	uint64_t addr = init_find_finisher();
	long page = sysconf(_SC_PAGESIZE);
	volatile uint32_t *reg;
	void *map;
	int fd;

	if (!addr) {
		init_log("no sifive,test finisher in the device tree");
		return;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		init_log("open /dev/mem: %s", strerror(errno));
		return;
	}
	map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, addr & ~(page - 1));
	close(fd);
	if (map == MAP_FAILED) {
		init_log("mmap /dev/mem at %#llx: %s", (unsigned long long)addr, strerror(errno));
		return;
	}
	reg = (volatile uint32_t *)((char *)map + (addr & (page - 1)));
	*reg = code << 16 | INIT_FINISHER_FAIL;
	init_log("test finisher at %#llx did not stop the machine", (unsigned long long)addr);
}

/*
 * Sleeps `seconds` with nothing else running, so a benchmark can measure what an idle
 * guest costs the host (bench/run-idle); the lines mark the window on the console.
 */
static void init_idle(unsigned long seconds)
{
	struct timespec left = { .tv_sec = (time_t)seconds };

	init_log("idle %lu s", seconds);
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
	init_log("idle done");
}

struct init_test {
	const char *name;
	int (*run)(char *detail, size_t size);
};

static const struct init_test init_tests[] = {
	{ .name = "disk", .run = test_disk },
	{ .name = "smp", .run = test_smp },
	{ .name = "cpu", .run = test_cpu },
};

int main(void)
{
	char detail[512], failed[128] = "";
	double t0 = init_now();
	unsigned int i, nfailed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	init_mount("proc", "/proc", "proc");
	init_mount("sysfs", "/sys", "sysfs");
	init_mount("devtmpfs", "/dev", "devtmpfs");
	init_log("start");
	init_read_cmdline();
	init_log("tests=%s harts=%ld", options.tests, sysconf(_SC_NPROCESSORS_ONLN));

	for (i = 0; i < sizeof(init_tests) / sizeof(init_tests[0]); i++) {
		const struct init_test *t = &init_tests[i];
		bool explicit = strcmp(options.tests, "disk,smp,cpu");
		int ret;

		if (!init_test_wanted(t->name))
			continue;
		detail[0] = '\0';
		ret = t->run(detail, sizeof(detail));
		/* A missing disk is only a failure when the disk test was asked for by name. */
		if (ret == -ENODEV && !explicit) {
			init_log("%s: SKIP %s", t->name, detail);
			continue;
		}
		init_log("%s: %s %s", t->name, ret ? "FAIL" : "PASS", detail);
		if (ret) {
			nfailed++;
			snprintf(failed + strlen(failed), sizeof(failed) - strlen(failed), " %s",
				 t->name);
		}
	}

	sync();
	if (nfailed) {
		init_log("FAILED:%s (%.2f s)", failed, init_now() - t0);
		init_finisher_fail(1);
	} else {
		init_log("ALL PASS (%.2f s)", init_now() - t0);
	}
	if (options.idle)
		init_idle(options.idle);
	init_log("power off");
	reboot(RB_POWER_OFF);
	init_log("reboot(RB_POWER_OFF): %s", strerror(errno));
	for (;;)
		pause();
}
