/*
 * libm and FP arithmetic: sqrt, fma, sin/cos/exp/log/pow/atan2 over a range of inputs,
 * printed with %a so QEMU and the worker must agree to the last bit.  The CHECKs are
 * identities that hold for any correct implementation.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "guest.h"

static uint64_t math_bits(double d)
{
	uint64_t b;

	memcpy(&b, &d, sizeof(b));
	return b;
}

static void math_test_exact(void)
{
	volatile double two = 2.0, three = 3.0, tiny = 0x1p-1074;
	volatile float twof = 2.0f;

	CHECK(sqrt(4.0 * two * two) == 4.0);
	CHECK(sqrtf(twof * 8.0f) == 4.0f);
	CHECK(isnan(sqrt(-two)));
	CHECK(sqrt(-0.0 * two) == 0.0 && signbit(sqrt(-0.0 * two)));
	/* fma rounds once: (1+2^-52)(1-2^-52) - 1 = -2^-104 exactly */
	CHECK(fma(1.0 + 0x1p-52 * (two - 1), 1.0 - 0x1p-52, -1.0) == -0x1p-104);
	CHECK(fmaf(1.0f + 0x1p-23f, 1.0f - 0x1p-23f * (twof - 1), -1.0f) == -0x1p-46f);
	CHECK(tiny / two == 0.0); /* round to nearest even at the bottom */
	CHECK(tiny * three == 3 * 0x1p-1074);
	CHECK(1.0 / (tiny - tiny) == INFINITY);
	CHECK(nextafter(1.0, two) == 1.0 + 0x1p-52);
	CHECK(ldexp(three, -1075) == 0x1p-1073);
	CHECK((long)rint(2.5 * two / two) == 2 && (long)rint(3.5 * two / two) == 4);
	CHECK(lround(-2.5 * two / two) == -3);
	CHECK(floor(-0.5 * two) == -1.0 && ceil(-0.5 * two / 2) == 0.0);
	CHECK(fabs(exp(log(three)) - 3.0) < 1e-15);
	CHECK(fabs(pow(two, 0.5) - sqrt(two)) < 1e-15);
	CHECK(fabs(atan2(1.0, 1.0) * 4 - M_PI) < 1e-15);
}

static void math_test_rounding(void)
{
	static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
	volatile double one = 1.0, third = 3.0;
	volatile double results[4];
	int i;

	for (i = 0; i < 4; i++) {
		fesetround(modes[i]);
		results[i] = one / third;
		printf("round mode %d: 1/3 = %a, -1/3 = %a, rint(-2.5) = %a\n", i, results[i],
		       -one / third, rint(-2.5 * one));
	}
	fesetround(FE_TONEAREST);
	CHECK(results[1] > results[2]);
	CHECK(results[3] == results[2]);
	CHECK(results[0] == results[2] || results[0] == results[1]);
	feclearexcept(FE_ALL_EXCEPT);
	results[0] = one / (third - 3.0);
	CHECK(fetestexcept(FE_DIVBYZERO) && !fetestexcept(FE_INVALID));
	feclearexcept(FE_ALL_EXCEPT);
	results[0] = sqrt(-one);
	CHECK(fetestexcept(FE_INVALID));
	feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
	double sum = 0.0, x;
	uint64_t hash = 0;
	int i;

	math_test_exact();
	math_test_rounding();
	for (i = -40; i <= 40; i++) {
		x = i * 0.37 + 0.001 * i * i;
		double s = sin(x), c = cos(x), e = exp(x / 4), l = log(fabs(x) + 0.5);
		double p = pow(fabs(x) + 1.0, 1.0 / 3.0), a = atan2(x, 1.5 - x);
		float sf = sinf((float)x), ef = expf((float)x / 8);

		printf("x=%a sin=%a cos=%a exp=%a log=%a pow=%a atan2=%a sinf=%a expf=%a\n", x, s,
		       c, e, l, p, a, (double)sf, (double)ef);
		CHECK(fabs(s * s + c * c - 1.0) < 1e-14);
		CHECK(fabs(log(e) - x / 4) < 1e-13 * (1 + fabs(x)));
		CHECK(fabs(p * p * p - (fabs(x) + 1.0)) < 1e-12 * (fabs(x) + 1.0));
		sum = fma(s, c, sum);
		hash = hash * 31 + math_bits(sqrt(fabs(x) + i * i));
	}
	printf("sum %a hash %016llx\n", sum, (unsigned long long)hash);
	/* Matrix product with fused multiply-adds in all four rounding modes. */
	{
		static double m[24][24], r[24][24];
		int j, k;

		for (i = 0; i < 24; i++)
			for (j = 0; j < 24; j++)
				m[i][j] = sin(i * 24 + j) / (1 + j);
		for (i = 0; i < 24; i++)
			for (j = 0; j < 24; j++) {
				fesetround(((i + j) & 3) == 0	? FE_TONEAREST
					   : ((i + j) & 3) == 1 ? FE_UPWARD
					   : ((i + j) & 3) == 2 ? FE_DOWNWARD
								: FE_TOWARDZERO);
				r[i][j] = 0;
				for (k = 0; k < 24; k++)
					r[i][j] = fma(m[i][k], m[k][j], r[i][j]);
			}
		fesetround(FE_TONEAREST);
		hash = 0;
		for (i = 0; i < 24; i++)
			for (j = 0; j < 24; j++)
				hash = hash * 1099511628211ULL ^ math_bits(r[i][j]);
		printf("matrix %a %a hash %016llx\n", r[0][0], r[23][23], (unsigned long long)hash);
	}
	return guest_finish("math_heavy");
}
