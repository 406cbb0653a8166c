/*
 * fp-nbody - double-precision arithmetic: a softened-gravity n-body system of
 * 40 bodies integrated with a leapfrog (kick-drift-kick) scheme, ending with
 * the total energy. Stresses: fadd/fmul/fdiv/fsqrt in double with long
 * dependency chains and an O(n^2) inner loop.
 * Results are bit-exact across engines because the build forbids fused
 * multiply-add contraction and uses only correctly rounded operations.
 */
#include "bench.h"

#define NBODY_COUNT 40
#define NBODY_STEPS BENCH_SCALED(500)
#define NBODY_DT 0.001
#define NBODY_SOFT 0.01

struct nbody_body {
	double x, y, z, vx, vy, vz, mass;
};

static struct nbody_body nbody_bodies[NBODY_COUNT];
static double nbody_ax[NBODY_COUNT], nbody_ay[NBODY_COUNT], nbody_az[NBODY_COUNT];

/* A uniform double in [-1, 1) built exactly from 53 random bits. */
static double nbody_uniform(uint64_t *state)
{
	return (double)(bench_rand(state) >> 11) * 0x1p-52 - 1.0;
}

static void nbody_init(void)
{
	uint64_t state = 11;
	int i;

	for (i = 0; i < NBODY_COUNT; i++) {
		struct nbody_body *b = &nbody_bodies[i];

		b->x = nbody_uniform(&state);
		b->y = nbody_uniform(&state);
		b->z = nbody_uniform(&state) * 0.1;
		b->vx = -b->y * 0.5;
		b->vy = b->x * 0.5;
		b->vz = 0.0;
		b->mass = 1.0 / NBODY_COUNT * (1.0 + 0.5 * nbody_uniform(&state));
	}
}

static BENCH_NOINLINE void nbody_accelerations(void)
{
	int i, j;

	for (i = 0; i < NBODY_COUNT; i++)
		nbody_ax[i] = nbody_ay[i] = nbody_az[i] = 0.0;
	for (i = 0; i < NBODY_COUNT; i++) {
		const struct nbody_body *a = &nbody_bodies[i];

		for (j = i + 1; j < NBODY_COUNT; j++) {
			const struct nbody_body *b = &nbody_bodies[j];
			double dx = b->x - a->x, dy = b->y - a->y, dz = b->z - a->z;
			double d2 = dx * dx + dy * dy + dz * dz + NBODY_SOFT * NBODY_SOFT;
			double inv = 1.0 / (d2 * __builtin_sqrt(d2));

			nbody_ax[i] += dx * inv * b->mass;
			nbody_ay[i] += dy * inv * b->mass;
			nbody_az[i] += dz * inv * b->mass;
			nbody_ax[j] -= dx * inv * a->mass;
			nbody_ay[j] -= dy * inv * a->mass;
			nbody_az[j] -= dz * inv * a->mass;
		}
	}
}

static BENCH_NOINLINE void nbody_kick(double dt)
{
	int i;

	for (i = 0; i < NBODY_COUNT; i++) {
		nbody_bodies[i].vx += nbody_ax[i] * dt;
		nbody_bodies[i].vy += nbody_ay[i] * dt;
		nbody_bodies[i].vz += nbody_az[i] * dt;
	}
}

static BENCH_NOINLINE void nbody_drift(double dt)
{
	int i;

	for (i = 0; i < NBODY_COUNT; i++) {
		nbody_bodies[i].x += nbody_bodies[i].vx * dt;
		nbody_bodies[i].y += nbody_bodies[i].vy * dt;
		nbody_bodies[i].z += nbody_bodies[i].vz * dt;
	}
}

static BENCH_NOINLINE double nbody_energy(void)
{
	double e = 0.0;
	int i, j;

	for (i = 0; i < NBODY_COUNT; i++) {
		const struct nbody_body *a = &nbody_bodies[i];

		e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
		for (j = i + 1; j < NBODY_COUNT; j++) {
			const struct nbody_body *b = &nbody_bodies[j];
			double dx = b->x - a->x, dy = b->y - a->y, dz = b->z - a->z;

			e -= a->mass * b->mass /
			     __builtin_sqrt(dx * dx + dy * dy + dz * dz + NBODY_SOFT * NBODY_SOFT);
		}
	}
	return e;
}

int main(void)
{
	double e0, e1, px = 0.0;
	uint64_t sum = 0;
	int step, i;

	nbody_init();
	e0 = nbody_energy();
	nbody_accelerations();
	for (step = 0; step < NBODY_STEPS; step++) {
		nbody_kick(NBODY_DT / 2);
		nbody_drift(NBODY_DT);
		nbody_accelerations();
		nbody_kick(NBODY_DT / 2);
	}
	e1 = nbody_energy();
	for (i = 0; i < NBODY_COUNT; i++)
		px += nbody_bodies[i].x;
	sum = bench_mix(sum, bench_double_bits(e0));
	sum = bench_mix(sum, bench_double_bits(e1));
	sum = bench_mix(sum, bench_double_bits(px));
	bench_print_result("energy_start", bench_double_bits(e0));
	bench_print_result("energy_end", bench_double_bits(e1));
	bench_print_result("x_sum", bench_double_bits(px));
	return bench_finish(sum);
}
