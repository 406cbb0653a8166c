/*
 * bench.h - what a CPU benchmark program may use. The same program source is
 * built twice: as a bare-metal RISC-V guest (guest.c + start.S) and as a host
 * program (host.c), so that the two print the same checksums and the runner
 * can compare the guest's speed with native speed.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Work scale in percent, set by the runner (-DBENCH_SCALE_PCT=N) so that a
 * slow engine (the interpreter) can run the suite in reasonable time. All
 * engines in one run get the same binaries, so checksums still compare.
 */
#ifndef BENCH_SCALE_PCT
#define BENCH_SCALE_PCT 100
#endif

/* Scale an outer repetition count; never below one pass. */
#define BENCH_SCALED(n) \
	((n) * (int64_t)BENCH_SCALE_PCT / 100 > 0 ? (n) * (int64_t)BENCH_SCALE_PCT / 100 : 1)

/* Keep the compiler from inlining, cloning or constant-folding across a call. */
#define BENCH_NOINLINE __attribute__((noipa, noinline))

/* Write one byte to the console (UART on the guest, stdout on the host). */
void bench_putc(char c);

/* End the program with @status (0 = pass). Never returns. */
void bench_exit(int status) __attribute__((noreturn));

/* Write a NUL-terminated string to the console. */
void bench_print_str(const char *s);

/* Print "label: 0x<16 hex digits>\n", the format the runner parses. */
void bench_print_result(const char *label, uint64_t value);

/*
 * Print the program's final "checksum: 0x...\n" line; the runner compares
 * this line between engines. Returns 0 so main() can `return` it.
 */
int bench_finish(uint64_t checksum);

/* Fold @value into the running checksum @sum (order sensitive). */
static inline uint64_t bench_mix(uint64_t sum, uint64_t value)
{
	sum ^= value + 0x9e3779b97f4a7c15ull + (sum << 6) + (sum >> 2);
	return sum * 0xff51afd7ed558ccdull;
}

/* A small deterministic generator (splitmix64 step), the same on every engine. */
static inline uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Raw IEEE bits of a double/float, for printing results exactly. */
static inline uint64_t bench_double_bits(double d)
{
	union {
		double d;
		uint64_t u;
	} v = { .d = d };

	return v.u;
}

static inline uint32_t bench_float_bits(float f)
{
	union {
		float f;
		uint32_t u;
	} v = { .f = f };

	return v.u;
}

#endif /* BENCH_BENCH_H */
