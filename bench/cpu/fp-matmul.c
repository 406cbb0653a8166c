/*
 * fp-matmul - floating-point loops over arrays: a 96x96 double matrix
 * multiply (i-k-j order), then single-precision kernels: saxpy, a dot
 * product, Horner polynomial evaluation, division, square root and
 * int<->float conversion. Stresses: FP loads/stores, fmul/fadd throughput,
 * single precision (NaN-boxing in an emulator), and conversions.
 * Bit-exact across engines: no FMA contraction, sequential reductions.
 */
#include "bench.h"

#define MATMUL_N 96
#define MATMUL_ROUNDS BENCH_SCALED(50)
#define FLOAT_LEN 4096
#define FLOAT_ROUNDS BENCH_SCALED(500)

static double matmul_a[MATMUL_N][MATMUL_N], matmul_b[MATMUL_N][MATMUL_N];
static double matmul_c[MATMUL_N][MATMUL_N];
static float float_x[FLOAT_LEN], float_y[FLOAT_LEN];

static BENCH_NOINLINE void matmul_multiply(void)
{
	int i, j, k;

	for (i = 0; i < MATMUL_N; i++) {
		for (j = 0; j < MATMUL_N; j++)
			matmul_c[i][j] = 0.0;
		for (k = 0; k < MATMUL_N; k++) {
			double a = matmul_a[i][k];

			for (j = 0; j < MATMUL_N; j++)
				matmul_c[i][j] += a * matmul_b[k][j];
		}
	}
}

/* Feed the product back as the next left operand, scaled to stay bounded. */
static BENCH_NOINLINE double matmul_feedback(void)
{
	double trace = 0.0;
	int i, j;

	for (i = 0; i < MATMUL_N; i++) {
		trace += matmul_c[i][i];
		for (j = 0; j < MATMUL_N; j++)
			matmul_a[i][j] = matmul_c[i][j] * 0.125;
	}
	return trace;
}

static BENCH_NOINLINE void float_saxpy(float a, const float *x, float *y, int n)
{
	int i;

	for (i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

static BENCH_NOINLINE float float_dot(const float *x, const float *y, int n)
{
	float s = 0.0f;
	int i;

	for (i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}

/* Horner form of a short polynomial, divided and rooted per element. */
static BENCH_NOINLINE uint64_t float_transform(float *y, int n)
{
	uint64_t acc = 0;
	int i;

	for (i = 0; i < n; i++) {
		float v = y[i];
		float p = ((0.125f * v - 0.25f) * v + 0.5f) * v + 1.0f;
		float q = p / (1.0f + v * v);

		y[i] = __builtin_sqrtf(q * q + 0.0625f);
		acc += (uint64_t)(int64_t)(q * 1024.0f);
	}
	return acc;
}

int main(void)
{
	uint64_t sum = 0, state = 3, conv = 0;
	double trace = 0.0;
	float dot = 0.0f;
	int i, j, round;

	for (i = 0; i < MATMUL_N; i++) {
		for (j = 0; j < MATMUL_N; j++) {
			matmul_a[i][j] = (double)(int)(bench_rand(&state) % 2001) / 1000.0 - 1.0;
			matmul_b[i][j] = (double)(int)(bench_rand(&state) % 2001) / 1000.0 - 1.0;
		}
	}
	for (round = 0; round < MATMUL_ROUNDS; round++) {
		matmul_multiply();
		trace = matmul_feedback();
		sum = bench_mix(sum, bench_double_bits(trace));
	}
	for (i = 0; i < FLOAT_LEN; i++) {
		float_x[i] = (float)(int)(bench_rand(&state) % 4001) / 2000.0f - 1.0f;
		float_y[i] = (float)i / FLOAT_LEN;
	}
	for (round = 0; round < FLOAT_ROUNDS; round++) {
		float_saxpy(0.75f, float_x, float_y, FLOAT_LEN);
		dot = float_dot(float_x, float_y, FLOAT_LEN);
		conv += float_transform(float_y, FLOAT_LEN);
		sum = bench_mix(sum, bench_float_bits(dot));
	}
	sum = bench_mix(sum, conv);
	bench_print_result("trace", bench_double_bits(trace));
	bench_print_result("dot", bench_float_bits(dot));
	bench_print_result("conv", conv);
	return bench_finish(sum);
}
