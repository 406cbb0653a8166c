/*
 * test_fpu.c - unit tests for the RISC-V F/D soft-float core (cpu/fpu.c).
 *
 * Three layers:
 *  - hand-picked cases with expected bits and flags (zeros, infinities, NaNs,
 *    subnormals, overflow/underflow boundaries, ties in every mode);
 *  - a differential test against the host's SSE unit (plus AVX-512 for the
 *    unsigned conversions and FMA3 for fma when the CPU has them) in the
 *    four IEEE rounding modes, on random operands biased towards edges.
 *    The host instructions are issued with inline asm and MXCSR is set and
 *    read directly, so the compiler can neither fold nor reorder them;
 *  - for RMM, which x86 lacks, a check against exact reasoning: RMM may
 *    differ from RNE only on an exact tie, where it rounds away from zero.
 *    Ties are verified exactly where wider host arithmetic is exact.
 *
 * FPU_TEST_ITERATIONS (environment) overrides the random case count per op.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "cpu/fpu.h"

#define NX FPU_FLAG_NX
#define UF FPU_FLAG_UF
#define OF FPU_FLAG_OF
#define DZ FPU_FLAG_DZ
#define NV FPU_FLAG_NV

#define F32_NAN FPU_F32_CANONICAL_NAN
#define F64_NAN FPU_F64_CANONICAL_NAN

static unsigned long test_iterations = 200000;

/* ------------------------------------------------------------------------ */
/* Hand-picked cases. */

enum op {
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_SQRT,
	OP_FMA,
	OP_MIN,
	OP_MAX,
	OP_EQ,
	OP_LT,
	OP_LE,
	OP_CLASS,
	OP_TO_I32,
	OP_TO_U32,
	OP_TO_I64,
	OP_TO_U64,
	OP_FROM_I32,
	OP_FROM_U32,
	OP_FROM_I64,
	OP_FROM_U64,
	OP_CVT, /* f32 -> f64 in the f32 table, f64 -> f32 in the f64 table */
};

struct fpu_case {
	enum op op;
	uint64_t a, b, c;
	int rm;
	uint64_t expect;
	unsigned flags;
};

static uint64_t run_f32(enum op op, uint64_t a, uint64_t b, uint64_t c, int rm, unsigned *fl)
{
	uint32_t x = (uint32_t)a, y = (uint32_t)b, z = (uint32_t)c;

	switch (op) {
	case OP_ADD:
		return f32_add(x, y, rm, fl);
	case OP_SUB:
		return f32_sub(x, y, rm, fl);
	case OP_MUL:
		return f32_mul(x, y, rm, fl);
	case OP_DIV:
		return f32_div(x, y, rm, fl);
	case OP_SQRT:
		return f32_sqrt(x, rm, fl);
	case OP_FMA:
		return f32_fma(x, y, z, rm, fl);
	case OP_MIN:
		return f32_min(x, y, fl);
	case OP_MAX:
		return f32_max(x, y, fl);
	case OP_EQ:
		return (uint64_t)f32_eq(x, y, fl);
	case OP_LT:
		return (uint64_t)f32_lt(x, y, fl);
	case OP_LE:
		return (uint64_t)f32_le(x, y, fl);
	case OP_CLASS:
		return f32_classify(x);
	case OP_TO_I32:
		return (uint32_t)f32_to_i32(x, rm, fl);
	case OP_TO_U32:
		return f32_to_u32(x, rm, fl);
	case OP_TO_I64:
		return (uint64_t)f32_to_i64(x, rm, fl);
	case OP_TO_U64:
		return f32_to_u64(x, rm, fl);
	case OP_FROM_I32:
		return i32_to_f32((int32_t)a, rm, fl);
	case OP_FROM_U32:
		return u32_to_f32((uint32_t)a, rm, fl);
	case OP_FROM_I64:
		return i64_to_f32((int64_t)a, rm, fl);
	case OP_FROM_U64:
		return u64_to_f32(a, rm, fl);
	case OP_CVT:
		return f32_to_f64(x, fl);
	}
	fail_msg("bad op %d", op);
	return 0;
}

static uint64_t run_f64(enum op op, uint64_t a, uint64_t b, uint64_t c, int rm, unsigned *fl)
{
	switch (op) {
	case OP_ADD:
		return f64_add(a, b, rm, fl);
	case OP_SUB:
		return f64_sub(a, b, rm, fl);
	case OP_MUL:
		return f64_mul(a, b, rm, fl);
	case OP_DIV:
		return f64_div(a, b, rm, fl);
	case OP_SQRT:
		return f64_sqrt(a, rm, fl);
	case OP_FMA:
		return f64_fma(a, b, c, rm, fl);
	case OP_MIN:
		return f64_min(a, b, fl);
	case OP_MAX:
		return f64_max(a, b, fl);
	case OP_EQ:
		return (uint64_t)f64_eq(a, b, fl);
	case OP_LT:
		return (uint64_t)f64_lt(a, b, fl);
	case OP_LE:
		return (uint64_t)f64_le(a, b, fl);
	case OP_CLASS:
		return f64_classify(a);
	case OP_TO_I32:
		return (uint32_t)f64_to_i32(a, rm, fl);
	case OP_TO_U32:
		return f64_to_u32(a, rm, fl);
	case OP_TO_I64:
		return (uint64_t)f64_to_i64(a, rm, fl);
	case OP_TO_U64:
		return f64_to_u64(a, rm, fl);
	case OP_FROM_I32:
		return i32_to_f64((int32_t)a, rm, fl);
	case OP_FROM_U32:
		return u32_to_f64((uint32_t)a, rm, fl);
	case OP_FROM_I64:
		return i64_to_f64((int64_t)a, rm, fl);
	case OP_FROM_U64:
		return u64_to_f64(a, rm, fl);
	case OP_CVT:
		return f64_to_f32(a, rm, fl);
	}
	fail_msg("bad op %d", op);
	return 0;
}

static void check_cases(const struct fpu_case *cases, size_t n, bool is_f64)
{
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fpu_case *t = &cases[i];
		unsigned flags = 0;
		uint64_t r = is_f64 ? run_f64(t->op, t->a, t->b, t->c, t->rm, &flags)
				    : run_f32(t->op, t->a, t->b, t->c, t->rm, &flags);

		if (r != t->expect || flags != t->flags) {
			print_error("%s case %zu (op %d rm %d a %#llx b %#llx c %#llx): got %#llx "
				    "flags %#x, want %#llx flags %#x\n",
				    is_f64 ? "f64" : "f32", i, t->op, t->rm,
				    (unsigned long long)t->a, (unsigned long long)t->b,
				    (unsigned long long)t->c, (unsigned long long)r, flags,
				    (unsigned long long)t->expect, t->flags);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static uint64_t bits_of_double(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static const struct fpu_case f32_cases[] = {
	/* add/sub: exact zeros and their signs */
	{ OP_ADD, 0x3f800000, 0x3f800000, 0, FPU_RNE, 0x40000000, 0 },
	{ OP_ADD, 0x00000000, 0x80000000, 0, FPU_RNE, 0x00000000, 0 },
	{ OP_ADD, 0x00000000, 0x80000000, 0, FPU_RDN, 0x80000000, 0 },
	{ OP_ADD, 0x80000000, 0x80000000, 0, FPU_RUP, 0x80000000, 0 },
	{ OP_ADD, 0x3f800000, 0xbf800000, 0, FPU_RNE, 0x00000000, 0 },
	{ OP_ADD, 0x3f800000, 0xbf800000, 0, FPU_RUP, 0x00000000, 0 },
	{ OP_ADD, 0x3f800000, 0xbf800000, 0, FPU_RDN, 0x80000000, 0 },
	{ OP_SUB, 0x3f800000, 0x3f800000, 0, FPU_RDN, 0x80000000, 0 },
	{ OP_SUB, 0x00000000, 0x00000000, 0, FPU_RNE, 0x00000000, 0 },
	{ OP_SUB, 0x80000000, 0x00000000, 0, FPU_RNE, 0x80000000, 0 },
	{ OP_SUB, 0x00000000, 0x3f800000, 0, FPU_RNE, 0xbf800000, 0 },
	/* add: NaNs are canonical, sNaN raises NV, inf - inf is invalid */
	{ OP_ADD, 0x7f800000, 0xff800000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_SUB, 0x7f800000, 0x7f800000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_ADD, 0x7f800000, 0x7f800000, 0, FPU_RNE, 0x7f800000, 0 },
	{ OP_ADD, 0x7f800001, 0x3f800000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_ADD, 0x3f800000, 0xffbfffff, 0, FPU_RNE, F32_NAN, NV },
	{ OP_ADD, 0x7fc00001, 0x3f800000, 0, FPU_RNE, F32_NAN, 0 },
	{ OP_ADD, 0xffc00000, 0x7f800000, 0, FPU_RNE, F32_NAN, 0 },
	/* add: overflow depends on the rounding mode */
	{ OP_ADD, 0x7f7fffff, 0x7f7fffff, 0, FPU_RNE, 0x7f800000, OF | NX },
	{ OP_ADD, 0x7f7fffff, 0x7f7fffff, 0, FPU_RTZ, 0x7f7fffff, OF | NX },
	{ OP_ADD, 0x7f7fffff, 0x7f7fffff, 0, FPU_RDN, 0x7f7fffff, OF | NX },
	{ OP_ADD, 0x7f7fffff, 0x7f7fffff, 0, FPU_RUP, 0x7f800000, OF | NX },
	{ OP_ADD, 0x7f7fffff, 0x7f7fffff, 0, FPU_RMM, 0x7f800000, OF | NX },
	{ OP_ADD, 0xff7fffff, 0xff7fffff, 0, FPU_RDN, 0xff800000, OF | NX },
	{ OP_ADD, 0xff7fffff, 0xff7fffff, 0, FPU_RUP, 0xff7fffff, OF | NX },
	{ OP_ADD, 0xff7fffff, 0xff7fffff, 0, FPU_RTZ, 0xff7fffff, OF | NX },
	/* max + half an ulp: a tie that overflows except towards zero */
	{ OP_ADD, 0x7f7fffff, 0x73000000, 0, FPU_RNE, 0x7f800000, OF | NX },
	{ OP_ADD, 0x7f7fffff, 0x73000000, 0, FPU_RMM, 0x7f800000, OF | NX },
	{ OP_ADD, 0x7f7fffff, 0x73000000, 0, FPU_RTZ, 0x7f7fffff, NX },
	{ OP_ADD, 0x7f7fffff, 0x72800000, 0, FPU_RNE, 0x7f7fffff, NX },
	/* 1 + 2^-24 is a tie: RNE keeps 1.0, RMM goes away */
	{ OP_ADD, 0x3f800000, 0x33800000, 0, FPU_RNE, 0x3f800000, NX },
	{ OP_ADD, 0x3f800000, 0x33800000, 0, FPU_RMM, 0x3f800001, NX },
	{ OP_ADD, 0x3f800000, 0x33800000, 0, FPU_RUP, 0x3f800001, NX },
	{ OP_ADD, 0x3f800000, 0x33800000, 0, FPU_RDN, 0x3f800000, NX },
	{ OP_ADD, 0x3f800000, 0x33800000, 0, FPU_RTZ, 0x3f800000, NX },
	{ OP_ADD, 0xbf800000, 0xb3800000, 0, FPU_RMM, 0xbf800001, NX },
	{ OP_ADD, 0xbf800000, 0xb3800000, 0, FPU_RDN, 0xbf800001, NX },
	{ OP_ADD, 0xbf800000, 0xb3800000, 0, FPU_RUP, 0xbf800000, NX },
	/* odd neighbour: RNE and RMM both round up */
	{ OP_ADD, 0x3f800001, 0x33800000, 0, FPU_RNE, 0x3f800002, NX },
	{ OP_ADD, 0x3f800001, 0x33800000, 0, FPU_RMM, 0x3f800002, NX },
	/* subnormals: exact sums raise nothing, not even UF */
	{ OP_ADD, 0x00000001, 0x00000001, 0, FPU_RNE, 0x00000002, 0 },
	{ OP_ADD, 0x007fffff, 0x00000001, 0, FPU_RNE, 0x00800000, 0 },
	{ OP_SUB, 0x00800000, 0x00000001, 0, FPU_RNE, 0x007fffff, 0 },
	{ OP_ADD, 0x00000001, 0x00000000, 0, FPU_RNE, 0x00000001, 0 },
	/* mul */
	{ OP_MUL, 0x00800000, 0x3f000000, 0, FPU_RNE, 0x00400000, 0 },
	{ OP_MUL, 0x00800001, 0x3f000000, 0, FPU_RNE, 0x00400000, UF | NX },
	{ OP_MUL, 0x00800001, 0x3f000000, 0, FPU_RMM, 0x00400001, UF | NX },
	{ OP_MUL, 0x00800003, 0x3f000000, 0, FPU_RNE, 0x00400002, UF | NX },
	{ OP_MUL, 0x00000001, 0x3f000000, 0, FPU_RNE, 0x00000000, UF | NX },
	{ OP_MUL, 0x00000001, 0x3f000000, 0, FPU_RMM, 0x00000001, UF | NX },
	{ OP_MUL, 0x00000001, 0x3f000000, 0, FPU_RUP, 0x00000001, UF | NX },
	{ OP_MUL, 0x80000001, 0x3f000000, 0, FPU_RDN, 0x80000001, UF | NX },
	{ OP_MUL, 0x80000001, 0x3f000000, 0, FPU_RUP, 0x80000000, UF | NX },
	{ OP_MUL, 0x00000001, 0x00000001, 0, FPU_RTZ, 0x00000000, UF | NX },
	/* (1 - 2^-24) * 2^-126 fits 24 bits below 2^-126: tiny, rounds up to min normal */
	{ OP_MUL, 0x3f7fffff, 0x00800000, 0, FPU_RNE, 0x00800000, UF | NX },
	{ OP_MUL, 0x3f7fffff, 0x00800000, 0, FPU_RTZ, 0x007fffff, UF | NX },
	{ OP_MUL, 0x7f800000, 0x00000000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_MUL, 0x80000000, 0x7f800000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_MUL, 0xff800000, 0x3f800000, 0, FPU_RNE, 0xff800000, 0 },
	{ OP_MUL, 0x80000000, 0x3f800000, 0, FPU_RNE, 0x80000000, 0 },
	{ OP_MUL, 0x7f000000, 0x7f000000, 0, FPU_RTZ, 0x7f7fffff, OF | NX },
	{ OP_MUL, 0x7f000000, 0xff000000, 0, FPU_RUP, 0xff7fffff, OF | NX },
	{ OP_MUL, 0x7f000000, 0xff000000, 0, FPU_RDN, 0xff800000, OF | NX },
	/* div */
	{ OP_DIV, 0x3f800000, 0x00000000, 0, FPU_RNE, 0x7f800000, DZ },
	{ OP_DIV, 0xbf800000, 0x00000000, 0, FPU_RNE, 0xff800000, DZ },
	{ OP_DIV, 0x3f800000, 0x80000000, 0, FPU_RNE, 0xff800000, DZ },
	{ OP_DIV, 0x00000000, 0x00000000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_DIV, 0x7f800000, 0xff800000, 0, FPU_RNE, F32_NAN, NV },
	{ OP_DIV, 0x7f800000, 0x00000000, 0, FPU_RNE, 0x7f800000, 0 },
	{ OP_DIV, 0x3f800000, 0xff800000, 0, FPU_RNE, 0x80000000, 0 },
	{ OP_DIV, 0x7fc00000, 0x00000000, 0, FPU_RNE, F32_NAN, 0 },
	{ OP_DIV, 0x3f800000, 0x40400000, 0, FPU_RNE, 0x3eaaaaab, NX },
	{ OP_DIV, 0x3f800000, 0x40400000, 0, FPU_RTZ, 0x3eaaaaaa, NX },
	{ OP_DIV, 0x3f800000, 0x40400000, 0, FPU_RDN, 0x3eaaaaaa, NX },
	{ OP_DIV, 0x3f800000, 0x40400000, 0, FPU_RUP, 0x3eaaaaab, NX },
	{ OP_DIV, 0x3f800000, 0x40400000, 0, FPU_RMM, 0x3eaaaaab, NX },
	{ OP_DIV, 0xbf800000, 0x40400000, 0, FPU_RDN, 0xbeaaaaab, NX },
	{ OP_DIV, 0x00000001, 0x40000000, 0, FPU_RNE, 0x00000000, UF | NX },
	{ OP_DIV, 0x00000001, 0x40000000, 0, FPU_RMM, 0x00000001, UF | NX },
	{ OP_DIV, 0x7f7fffff, 0x3f000000, 0, FPU_RNE, 0x7f800000, OF | NX },
	/* sqrt */
	{ OP_SQRT, 0x80000000, 0, 0, FPU_RNE, 0x80000000, 0 },
	{ OP_SQRT, 0x00000000, 0, 0, FPU_RNE, 0x00000000, 0 },
	{ OP_SQRT, 0xbf800000, 0, 0, FPU_RNE, F32_NAN, NV },
	{ OP_SQRT, 0x80000001, 0, 0, FPU_RNE, F32_NAN, NV },
	{ OP_SQRT, 0xff800000, 0, 0, FPU_RNE, F32_NAN, NV },
	{ OP_SQRT, 0x7f800000, 0, 0, FPU_RNE, 0x7f800000, 0 },
	{ OP_SQRT, 0x7f800001, 0, 0, FPU_RNE, F32_NAN, NV },
	{ OP_SQRT, 0xffc00000, 0, 0, FPU_RNE, F32_NAN, 0 },
	{ OP_SQRT, 0x40800000, 0, 0, FPU_RNE, 0x40000000, 0 },
	{ OP_SQRT, 0x40000000, 0, 0, FPU_RNE, 0x3fb504f3, NX },
	{ OP_SQRT, 0x40000000, 0, 0, FPU_RUP, 0x3fb504f4, NX },
	{ OP_SQRT, 0x40000000, 0, 0, FPU_RMM, 0x3fb504f3, NX },
	{ OP_SQRT, 0x00000002, 0, 0, FPU_RNE, 0x1a800000, 0 }, /* sqrt(2^-148) = 2^-74 */
	/* fma: one rounding, NV for inf*0 even with a quiet NaN addend */
	{ OP_FMA, 0x7f800000, 0x00000000, 0x7fc00000, FPU_RNE, F32_NAN, NV },
	{ OP_FMA, 0x00000000, 0xff800000, 0x7fc00001, FPU_RNE, F32_NAN, NV },
	{ OP_FMA, 0x00000000, 0x7f800000, 0x3f800000, FPU_RNE, F32_NAN, NV },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0x7fc00000, FPU_RNE, F32_NAN, 0 },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0x7f800001, FPU_RNE, F32_NAN, NV },
	{ OP_FMA, 0x7f800000, 0x3f800000, 0xff800000, FPU_RNE, F32_NAN, NV },
	{ OP_FMA, 0x7f800000, 0x3f800000, 0x7f800000, FPU_RNE, 0x7f800000, 0 },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0xff800000, FPU_RNE, 0xff800000, 0 },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0xbf800000, FPU_RNE, 0x00000000, 0 },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0xbf800000, FPU_RDN, 0x80000000, 0 },
	{ OP_FMA, 0x00000000, 0x3f800000, 0x80000000, FPU_RNE, 0x00000000, 0 },
	{ OP_FMA, 0x80000000, 0x3f800000, 0x80000000, FPU_RNE, 0x80000000, 0 },
	{ OP_FMA, 0x80000000, 0x3f800000, 0x00000000, FPU_RDN, 0x80000000, 0 },
	{ OP_FMA, 0x80000000, 0x3f800000, 0x00000001, FPU_RNE, 0x00000001, 0 },
	{ OP_FMA, 0x3f800800, 0x3f800800, 0xbf800000, FPU_RNE, 0x3a000400, 0 },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0x33800000, FPU_RNE, 0x3f800000, NX },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0x33800000, FPU_RMM, 0x3f800001, NX },
	{ OP_FMA, 0x3f800000, 0x3f800000, 0x33800001, FPU_RNE, 0x3f800001, NX },
	{ OP_FMA, 0x7f7fffff, 0x40000000, 0xff7fffff, FPU_RNE, 0x7f7fffff, 0 },
	{ OP_FMA, 0x00800000, 0x3f000000, 0x80000001, FPU_RNE, 0x003fffff, 0 },
	/* min/max: minimumNumber/maximumNumber */
	{ OP_MIN, 0x80000000, 0x00000000, 0, 0, 0x80000000, 0 },
	{ OP_MIN, 0x00000000, 0x80000000, 0, 0, 0x80000000, 0 },
	{ OP_MAX, 0x80000000, 0x00000000, 0, 0, 0x00000000, 0 },
	{ OP_MAX, 0x00000000, 0x80000000, 0, 0, 0x00000000, 0 },
	{ OP_MIN, 0x7fc00000, 0x3f800000, 0, 0, 0x3f800000, 0 },
	{ OP_MAX, 0x3f800000, 0xffc00001, 0, 0, 0x3f800000, 0 },
	{ OP_MIN, 0x7f800001, 0x3f800000, 0, 0, 0x3f800000, NV },
	{ OP_MAX, 0x3f800000, 0x7f800001, 0, 0, 0x3f800000, NV },
	{ OP_MIN, 0x7fc00001, 0x7fc00002, 0, 0, F32_NAN, 0 },
	{ OP_MAX, 0x7f800001, 0x7fc00000, 0, 0, F32_NAN, NV },
	{ OP_MIN, 0xff800000, 0x3f800000, 0, 0, 0xff800000, 0 },
	{ OP_MAX, 0xff800000, 0x3f800000, 0, 0, 0x3f800000, 0 },
	{ OP_MIN, 0xc0000000, 0xbf800000, 0, 0, 0xc0000000, 0 },
	{ OP_MAX, 0xc0000000, 0xbf800000, 0, 0, 0xbf800000, 0 },
	{ OP_MIN, 0x00000001, 0x00000002, 0, 0, 0x00000001, 0 },
	/* compares: feq is quiet, flt/fle signal on any NaN */
	{ OP_EQ, 0x7fc00000, 0x3f800000, 0, 0, 0, 0 },
	{ OP_EQ, 0x7fc00000, 0x7fc00000, 0, 0, 0, 0 },
	{ OP_EQ, 0x7f800001, 0x3f800000, 0, 0, 0, NV },
	{ OP_EQ, 0x80000000, 0x00000000, 0, 0, 1, 0 },
	{ OP_EQ, 0x3f800000, 0x3f800000, 0, 0, 1, 0 },
	{ OP_EQ, 0x3f800000, 0x3f800001, 0, 0, 0, 0 },
	{ OP_LT, 0x7fc00000, 0x3f800000, 0, 0, 0, NV },
	{ OP_LE, 0x3f800000, 0x7fc00000, 0, 0, 0, NV },
	{ OP_LT, 0x80000000, 0x00000000, 0, 0, 0, 0 },
	{ OP_LE, 0x80000000, 0x00000000, 0, 0, 1, 0 },
	{ OP_LE, 0x00000000, 0x80000000, 0, 0, 1, 0 },
	{ OP_LT, 0x3f800000, 0x40000000, 0, 0, 1, 0 },
	{ OP_LT, 0xc0000000, 0xbf800000, 0, 0, 1, 0 },
	{ OP_LE, 0xbf800000, 0xc0000000, 0, 0, 0, 0 },
	{ OP_LT, 0xff800000, 0xff7fffff, 0, 0, 1, 0 },
	{ OP_LE, 0x7f800000, 0x7f800000, 0, 0, 1, 0 },
	/* fclass */
	{ OP_CLASS, 0xff800000, 0, 0, 0, 1 << 0, 0 },
	{ OP_CLASS, 0xbf800000, 0, 0, 0, 1 << 1, 0 },
	{ OP_CLASS, 0x807fffff, 0, 0, 0, 1 << 2, 0 },
	{ OP_CLASS, 0x80000000, 0, 0, 0, 1 << 3, 0 },
	{ OP_CLASS, 0x00000000, 0, 0, 0, 1 << 4, 0 },
	{ OP_CLASS, 0x00000001, 0, 0, 0, 1 << 5, 0 },
	{ OP_CLASS, 0x00800000, 0, 0, 0, 1 << 6, 0 },
	{ OP_CLASS, 0x7f800000, 0, 0, 0, 1 << 7, 0 },
	{ OP_CLASS, 0x7f800001, 0, 0, 0, 1 << 8, 0 },
	{ OP_CLASS, 0xffbfffff, 0, 0, 0, 1 << 8, 0 },
	{ OP_CLASS, 0x7fc00000, 0, 0, 0, 1 << 9, 0 },
	{ OP_CLASS, 0xffc00001, 0, 0, 0, 1 << 9, 0 },
	/* float -> int: round per rm, saturate, NV replaces NX */
	{ OP_TO_I32, 0x7fc00000, 0, 0, FPU_RNE, 0x7fffffff, NV },
	{ OP_TO_I32, 0xffc00000, 0, 0, FPU_RNE, 0x7fffffff, NV },
	{ OP_TO_I32, 0x7f800000, 0, 0, FPU_RNE, 0x7fffffff, NV },
	{ OP_TO_I32, 0xff800000, 0, 0, FPU_RNE, 0x80000000, NV },
	{ OP_TO_I32, 0x4f000000, 0, 0, FPU_RNE, 0x7fffffff, NV },
	{ OP_TO_I32, 0xcf000000, 0, 0, FPU_RNE, 0x80000000, 0 },
	{ OP_TO_I32, 0xcf000001, 0, 0, FPU_RNE, 0x80000000, NV },
	{ OP_TO_I32, 0x4effffff, 0, 0, FPU_RNE, 0x7fffff80, 0 },
	{ OP_TO_I32, 0xc0200000, 0, 0, FPU_RNE, (uint32_t)-2, NX },
	{ OP_TO_I32, 0xc0200000, 0, 0, FPU_RMM, (uint32_t)-3, NX },
	{ OP_TO_I32, 0xc0200000, 0, 0, FPU_RDN, (uint32_t)-3, NX },
	{ OP_TO_I32, 0xc0200000, 0, 0, FPU_RUP, (uint32_t)-2, NX },
	{ OP_TO_I32, 0xc0200000, 0, 0, FPU_RTZ, (uint32_t)-2, NX },
	{ OP_TO_I32, 0x3fc00000, 0, 0, FPU_RNE, 2, NX },
	{ OP_TO_I32, 0x3f000000, 0, 0, FPU_RNE, 0, NX },
	{ OP_TO_I32, 0x3f000000, 0, 0, FPU_RMM, 1, NX },
	{ OP_TO_I32, 0x00000001, 0, 0, FPU_RUP, 1, NX },
	{ OP_TO_I32, 0x80000001, 0, 0, FPU_RDN, (uint32_t)-1, NX },
	{ OP_TO_I32, 0x80000001, 0, 0, FPU_RNE, 0, NX },
	{ OP_TO_I32, 0x80000000, 0, 0, FPU_RNE, 0, 0 },
	{ OP_TO_U32, 0xbe99999a, 0, 0, FPU_RNE, 0, NX },
	{ OP_TO_U32, 0xbf333333, 0, 0, FPU_RNE, 0, NV },
	{ OP_TO_U32, 0xbf333333, 0, 0, FPU_RTZ, 0, NX },
	{ OP_TO_U32, 0xbf333333, 0, 0, FPU_RUP, 0, NX },
	{ OP_TO_U32, 0xbe99999a, 0, 0, FPU_RDN, 0, NV },
	{ OP_TO_U32, 0xbf800000, 0, 0, FPU_RNE, 0, NV },
	{ OP_TO_U32, 0x80000000, 0, 0, FPU_RNE, 0, 0 },
	{ OP_TO_U32, 0xff800000, 0, 0, FPU_RNE, 0, NV },
	{ OP_TO_U32, 0x7f800000, 0, 0, FPU_RNE, 0xffffffff, NV },
	{ OP_TO_U32, 0x7fc00000, 0, 0, FPU_RNE, 0xffffffff, NV },
	{ OP_TO_U32, 0x4f800000, 0, 0, FPU_RNE, 0xffffffff, NV },
	{ OP_TO_U32, 0x4f7fffff, 0, 0, FPU_RNE, 0xffffff00, 0 },
	{ OP_TO_I64, 0x5f000000, 0, 0, FPU_RNE, INT64_MAX, NV },
	{ OP_TO_I64, 0xdf000000, 0, 0, FPU_RNE, (uint64_t)INT64_MIN, 0 },
	{ OP_TO_I64, 0x7fc00000, 0, 0, FPU_RNE, INT64_MAX, NV },
	{ OP_TO_I64, 0xff800000, 0, 0, FPU_RNE, (uint64_t)INT64_MIN, NV },
	{ OP_TO_U64, 0x5f800000, 0, 0, FPU_RNE, UINT64_MAX, NV },
	{ OP_TO_U64, 0x5f7fffff, 0, 0, FPU_RNE, 0xffffff0000000000ull, 0 },
	{ OP_TO_U64, 0xdf000000, 0, 0, FPU_RNE, 0, NV },
	{ OP_TO_U64, 0x7fc00000, 0, 0, FPU_RNE, UINT64_MAX, NV },
	/* int -> float */
	{ OP_FROM_I32, 0, 0, 0, FPU_RNE, 0x00000000, 0 },
	{ OP_FROM_I32, (uint32_t)-1, 0, 0, FPU_RNE, 0xbf800000, 0 },
	{ OP_FROM_I32, 0x7fffffff, 0, 0, FPU_RNE, 0x4f000000, NX },
	{ OP_FROM_I32, 0x7fffffff, 0, 0, FPU_RTZ, 0x4effffff, NX },
	{ OP_FROM_I32, 0x80000000, 0, 0, FPU_RNE, 0xcf000000, 0 },
	{ OP_FROM_I32, 0x80000001, 0, 0, FPU_RDN, 0xcf000000, NX },
	{ OP_FROM_I32, 0x80000001, 0, 0, FPU_RUP, 0xceffffff, NX },
	{ OP_FROM_U32, 0xffffffff, 0, 0, FPU_RNE, 0x4f800000, NX },
	{ OP_FROM_U32, 0xffffffff, 0, 0, FPU_RTZ, 0x4f7fffff, NX },
	{ OP_FROM_I64, 0x1000001, 0, 0, FPU_RNE, 0x4b800000, NX },
	{ OP_FROM_I64, 0x1000001, 0, 0, FPU_RMM, 0x4b800001, NX },
	{ OP_FROM_I64, 0x1000003, 0, 0, FPU_RNE, 0x4b800002, NX },
	{ OP_FROM_I64, (uint64_t)-0x1000001, 0, 0, FPU_RMM, 0xcb800001, NX },
	{ OP_FROM_I64, (uint64_t)INT64_MIN, 0, 0, FPU_RNE, 0xdf000000, 0 },
	{ OP_FROM_U64, UINT64_MAX, 0, 0, FPU_RNE, 0x5f800000, NX },
	{ OP_FROM_U64, UINT64_MAX, 0, 0, FPU_RTZ, 0x5f7fffff, NX },
	/* f32 -> f64: exact, NaNs canonical */
	{ OP_CVT, 0x7f800001, 0, 0, FPU_RNE, F64_NAN, NV },
	{ OP_CVT, 0xffc00001, 0, 0, FPU_RNE, F64_NAN, 0 },
	{ OP_CVT, 0x00000001, 0, 0, FPU_RNE, 0x36a0000000000000ull, 0 },
	{ OP_CVT, 0x807fffff, 0, 0, FPU_RNE, 0xb80fffffc0000000ull, 0 },
	{ OP_CVT, 0xff800000, 0, 0, FPU_RNE, 0xfff0000000000000ull, 0 },
	{ OP_CVT, 0x80000000, 0, 0, FPU_RNE, 0x8000000000000000ull, 0 },
	{ OP_CVT, 0x3f800000, 0, 0, FPU_RNE, 0x3ff0000000000000ull, 0 },
};

static const struct fpu_case f64_cases[] = {
	{ OP_ADD, 0x3ff0000000000000, 0xbff0000000000000, 0, FPU_RNE, 0, 0 },
	{ OP_ADD, 0x3ff0000000000000, 0xbff0000000000000, 0, FPU_RDN, 0x8000000000000000, 0 },
	{ OP_ADD, 0x7ff0000000000000, 0xfff0000000000000, 0, FPU_RNE, F64_NAN, NV },
	{ OP_ADD, 0x7ff0000000000001, 0, 0, FPU_RNE, F64_NAN, NV },
	{ OP_ADD, 0xfff8000000000001, 0, 0, FPU_RNE, F64_NAN, 0 },
	{ OP_ADD, 0x7fefffffffffffff, 0x7fefffffffffffff, 0, FPU_RNE, 0x7ff0000000000000, OF | NX },
	{ OP_ADD, 0x7fefffffffffffff, 0x7fefffffffffffff, 0, FPU_RTZ, 0x7fefffffffffffff, OF | NX },
	{ OP_ADD, 0xffefffffffffffff, 0xffefffffffffffff, 0, FPU_RUP, 0xffefffffffffffff, OF | NX },
	{ OP_ADD, 0xffefffffffffffff, 0xffefffffffffffff, 0, FPU_RDN, 0xfff0000000000000, OF | NX },
	{ OP_ADD, 0x3ff0000000000000, 0x3ca0000000000000, 0, FPU_RNE, 0x3ff0000000000000, NX },
	{ OP_ADD, 0x3ff0000000000000, 0x3ca0000000000000, 0, FPU_RMM, 0x3ff0000000000001, NX },
	{ OP_ADD, 0x3ff0000000000000, 0x3ca0000000000000, 0, FPU_RUP, 0x3ff0000000000001, NX },
	{ OP_ADD, 0x3ff0000000000000, 0x3ca0000000000001, 0, FPU_RNE, 0x3ff0000000000001, NX },
	{ OP_ADD, 0x0000000000000001, 0x0000000000000001, 0, FPU_RNE, 2, 0 },
	{ OP_SUB, 0x0010000000000000, 0x0000000000000001, 0, FPU_RNE, 0x000fffffffffffff, 0 },
	{ OP_MUL, 0x3fefffffffffffff, 0x0010000000000000, 0, FPU_RNE, 0x0010000000000000, UF | NX },
	{ OP_MUL, 0x3fefffffffffffff, 0x0010000000000000, 0, FPU_RTZ, 0x000fffffffffffff, UF | NX },
	{ OP_MUL, 0x0000000000000001, 0x3fe0000000000000, 0, FPU_RNE, 0, UF | NX },
	{ OP_MUL, 0x0000000000000001, 0x3fe0000000000000, 0, FPU_RMM, 1, UF | NX },
	{ OP_MUL, 0x0000000000000003, 0x3fe0000000000000, 0, FPU_RNE, 2, UF | NX },
	{ OP_MUL, 0x0010000000000000, 0x3fe0000000000000, 0, FPU_RNE, 0x0008000000000000, 0 },
	{ OP_MUL, 0x7ff0000000000000, 0x8000000000000000, 0, FPU_RNE, F64_NAN, NV },
	{ OP_DIV, 0x3ff0000000000000, 0x4008000000000000, 0, FPU_RNE, 0x3fd5555555555555, NX },
	{ OP_DIV, 0x3ff0000000000000, 0x4008000000000000, 0, FPU_RUP, 0x3fd5555555555556, NX },
	{ OP_DIV, 0x3ff0000000000000, 0x4008000000000000, 0, FPU_RMM, 0x3fd5555555555555, NX },
	{ OP_DIV, 0x8000000000000000, 0, 0, FPU_RNE, F64_NAN, NV },
	{ OP_DIV, 0xbff0000000000000, 0, 0, FPU_RNE, 0xfff0000000000000, DZ },
	{ OP_SQRT, 0x4000000000000000, 0, 0, FPU_RNE, 0x3ff6a09e667f3bcd, NX },
	{ OP_SQRT, 0x4000000000000000, 0, 0, FPU_RTZ, 0x3ff6a09e667f3bcc, NX },
	{ OP_SQRT, 0x8000000000000000, 0, 0, FPU_RNE, 0x8000000000000000, 0 },
	{ OP_SQRT, 0xbff0000000000000, 0, 0, FPU_RNE, F64_NAN, NV },
	{ OP_SQRT, 0x0000000000000001, 0, 0, FPU_RNE, 0x1e60000000000000, 0 },
	{ OP_SQRT, 0x4022000000000000, 0, 0, FPU_RNE, 0x4008000000000000, 0 },
	{ OP_FMA, 0x7ff0000000000000, 0, 0x7ff8000000000000, FPU_RNE, F64_NAN, NV },
	{ OP_FMA, 0, 0xfff0000000000000, 0x3ff0000000000000, FPU_RNE, F64_NAN, NV },
	{ OP_FMA, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000, FPU_RDN,
	  0x8000000000000000, 0 },
	/* (1 + 2^-27)^2 - 1 = 2^-26 + 2^-54, exact with one rounding */
	{ OP_FMA, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000000000000, FPU_RNE,
	  0x3e50000001000000, 0 },
	{ OP_FMA, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, FPU_RMM,
	  0x3ff0000000000001, NX },
	{ OP_FMA, 0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff, FPU_RNE,
	  0x7fefffffffffffff, 0 },
	{ OP_MIN, 0x8000000000000000, 0, 0, 0, 0x8000000000000000, 0 },
	{ OP_MAX, 0x8000000000000000, 0, 0, 0, 0, 0 },
	{ OP_MIN, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0, 0x3ff0000000000000, NV },
	{ OP_MAX, 0x7ff8000000000000, 0xfff8000000000000, 0, 0, F64_NAN, 0 },
	{ OP_EQ, 0x7ff0000000000001, 0, 0, 0, 0, NV },
	{ OP_EQ, 0x7ff8000000000000, 0, 0, 0, 0, 0 },
	{ OP_LT, 0x7ff8000000000000, 0, 0, 0, 0, NV },
	{ OP_LE, 0x8000000000000000, 0, 0, 0, 1, 0 },
	{ OP_CLASS, 0x000fffffffffffff, 0, 0, 0, 1 << 5, 0 },
	{ OP_CLASS, 0x7ff4000000000000, 0, 0, 0, 1 << 8, 0 },
	{ OP_CLASS, 0x7ff8000000000000, 0, 0, 0, 1 << 9, 0 },
	{ OP_CLASS, 0xfff0000000000000, 0, 0, 0, 1 << 0, 0 },
	/* 2147483647.5 and -2147483648.5 */
	{ OP_TO_I32, 0x41dfffffffe00000, 0, 0, FPU_RNE, 0x7fffffff, NV },
	{ OP_TO_I32, 0x41dfffffffe00000, 0, 0, FPU_RTZ, 0x7fffffff, NX },
	{ OP_TO_I32, 0xc1e0000000100000, 0, 0, FPU_RTZ, 0x80000000, NX },
	{ OP_TO_I32, 0xc1e0000000100000, 0, 0, FPU_RNE, 0x80000000, NX },
	{ OP_TO_I32, 0xc1e0000000100000, 0, 0, FPU_RMM, 0x80000000, NV },
	{ OP_TO_I32, 0xc1e0000000100000, 0, 0, FPU_RDN, 0x80000000, NV },
	{ OP_TO_U32, 0x3fe0000000000000, 0, 0, FPU_RNE, 0, NX },
	{ OP_TO_U32, 0x3fe0000000000000, 0, 0, FPU_RMM, 1, NX },
	/* 4294967295.5 */
	{ OP_TO_U32, 0x41effffffff00000, 0, 0, FPU_RNE, 0xffffffff, NV },
	{ OP_TO_U32, 0x41effffffff00000, 0, 0, FPU_RDN, 0xffffffff, NX },
	{ OP_TO_U32, 0xbfe0000000000000, 0, 0, FPU_RNE, 0, NX },
	{ OP_TO_U32, 0xbfe0000000000000, 0, 0, FPU_RMM, 0, NV },
	{ OP_TO_I64, 0x0000000000000001, 0, 0, FPU_RUP, 1, NX },
	{ OP_TO_I64, 0x8000000000000001, 0, 0, FPU_RDN, UINT64_MAX, NX },
	{ OP_TO_I64, 0x43e0000000000000, 0, 0, FPU_RNE, INT64_MAX, NV },
	{ OP_TO_I64, 0xc3e0000000000000, 0, 0, FPU_RNE, (uint64_t)INT64_MIN, 0 },
	{ OP_TO_I64, 0x43dfffffffffffff, 0, 0, FPU_RNE, 0x7ffffffffffffc00, 0 },
	{ OP_TO_U64, 0x43f0000000000000, 0, 0, FPU_RNE, UINT64_MAX, NV },
	{ OP_TO_U64, 0x43efffffffffffff, 0, 0, FPU_RNE, 0xfffffffffffff800, 0 },
	{ OP_TO_U64, 0xfff8000000000000, 0, 0, FPU_RNE, UINT64_MAX, NV },
	{ OP_TO_U64, 0xfff0000000000000, 0, 0, FPU_RNE, 0, NV },
	{ OP_FROM_I64, (uint64_t)INT64_MIN, 0, 0, FPU_RNE, 0xc3e0000000000000, 0 },
	{ OP_FROM_I64, INT64_MAX, 0, 0, FPU_RNE, 0x43e0000000000000, NX },
	{ OP_FROM_I64, INT64_MAX, 0, 0, FPU_RTZ, 0x43dfffffffffffff, NX },
	{ OP_FROM_I64, 0x20000000000001, 0, 0, FPU_RNE, 0x4340000000000000, NX },
	{ OP_FROM_I64, 0x20000000000001, 0, 0, FPU_RMM, 0x4340000000000001, NX },
	{ OP_FROM_U64, UINT64_MAX, 0, 0, FPU_RNE, 0x43f0000000000000, NX },
	{ OP_FROM_U64, UINT64_MAX, 0, 0, FPU_RTZ, 0x43efffffffffffff, NX },
	{ OP_FROM_I32, 0x80000000, 0, 0, FPU_RNE, 0xc1e0000000000000, 0 },
	{ OP_FROM_U32, 0xffffffff, 0, 0, FPU_RNE, 0x41efffffffe00000, 0 },
	/* f64 -> f32 */
	{ OP_CVT, 0x7ff0000000000001, 0, 0, FPU_RNE, F32_NAN, NV },
	{ OP_CVT, 0xfff8000000000000, 0, 0, FPU_RNE, F32_NAN, 0 },
	{ OP_CVT, 0x47effffff0000000, 0, 0, FPU_RNE, 0x7f800000, OF | NX },
	{ OP_CVT, 0x47effffff0000000, 0, 0, FPU_RTZ, 0x7f7fffff, NX },
	{ OP_CVT, 0x47f0000000000000, 0, 0, FPU_RTZ, 0x7f7fffff, OF | NX },
	{ OP_CVT, 0xc7f0000000000000, 0, 0, FPU_RUP, 0xff7fffff, OF | NX },
	{ OP_CVT, 0x3690000000000000, 0, 0, FPU_RNE, 0x00000000, UF | NX },
	{ OP_CVT, 0x3690000000000000, 0, 0, FPU_RMM, 0x00000001, UF | NX },
	{ OP_CVT, 0x3690000000000000, 0, 0, FPU_RUP, 0x00000001, UF | NX },
	{ OP_CVT, 0xb690000000000000, 0, 0, FPU_RDN, 0x80000001, UF | NX },
	{ OP_CVT, 0x0000000000000001, 0, 0, FPU_RNE, 0x00000000, UF | NX },
	{ OP_CVT, 0x36a0000000000000, 0, 0, FPU_RNE, 0x00000001, 0 },
	{ OP_CVT, 0x3ff0000000000000, 0, 0, FPU_RNE, 0x3f800000, 0 },
};

static void test_f32_cases(void **state)
{
	(void)state;
	check_cases(f32_cases, sizeof(f32_cases) / sizeof(f32_cases[0]), false);
}

static void test_f64_cases(void **state)
{
	(void)state;
	check_cases(f64_cases, sizeof(f64_cases) / sizeof(f64_cases[0]), true);
}

/*
 * Tininess after rounding, at the f64 -> f32 boundary: 2^-126 * (1 - 2^-30)
 * rounds to 2^-126 at 24 bits (not tiny: NX only), 2^-126 * (1 - 2^-24) fits
 * 24 bits below 2^-126 (tiny: UF even though the result is the min normal).
 */
static void test_tininess_after_rounding(void **state)
{
	unsigned flags = 0;
	uint64_t near = bits_of_double(ldexp(1.0 - ldexp(1.0, -30), -126));
	uint64_t fits = bits_of_double(ldexp(1.0 - ldexp(1.0, -24), -126));

	(void)state;
	assert_int_equal(f64_to_f32(near, FPU_RNE, &flags), 0x00800000);
	assert_int_equal(flags, NX);
	flags = 0;
	assert_int_equal(f64_to_f32(near, FPU_RUP, &flags), 0x00800000);
	assert_int_equal(flags, NX);
	flags = 0;
	assert_int_equal(f64_to_f32(near, FPU_RTZ, &flags), 0x007fffff);
	assert_int_equal(flags, UF | NX);
	flags = 0;
	assert_int_equal(f64_to_f32(fits, FPU_RNE, &flags), 0x00800000);
	assert_int_equal(flags, UF | NX);
	flags = 0;
	assert_int_equal(f64_to_f32(fits, FPU_RMM, &flags), 0x00800000);
	assert_int_equal(flags, UF | NX);
	flags = 0;
	assert_int_equal(f64_to_f32(fits, FPU_RDN, &flags), 0x007fffff);
	assert_int_equal(flags, UF | NX);
}

/* ------------------------------------------------------------------------ */
/* Random operands biased towards the interesting corners. */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
	/* xorshift64*: fast, reproducible, good enough for test inputs */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

struct test_format {
	int frac_bits, exp_bits, bias;
};

static const struct test_format tf32 = { 23, 8, 127 };
static const struct test_format tf64 = { 52, 11, 1023 };

static uint64_t gen_frac(const struct test_format *f)
{
	uint64_t mask = (1ull << f->frac_bits) - 1;
	uint64_t r = rng_next();

	switch (rng_next() % 8) {
	case 0:
		return 0;
	case 1:
		return mask;
	case 2:
		return 1ull << (rng_next() % f->frac_bits);
	case 3:
		return mask ^ (1ull << (rng_next() % f->frac_bits));
	case 4:
		return (r & mask) & ~((1ull << (rng_next() % f->frac_bits)) - 1);
	case 5:
		return (r & mask) | 1;
	default:
		return r & mask;
	}
}

static uint64_t gen_float(const struct test_format *f)
{
	int emax = (1 << f->exp_bits) - 1;
	uint64_t sign = rng_next() & 1;
	uint64_t exp, quiet = 1ull << (f->frac_bits - 1);

	switch (rng_next() % 16) {
	case 0:
		return rng_next() & (~0ull >> (63 - f->frac_bits - f->exp_bits));
	case 1: {
		static const int e[] = { 0, 0, 1, 2 };

		exp = (uint64_t)e[rng_next() % 4];
		break;
	}
	case 2:
		exp = (uint64_t)(emax - 1 - (int)(rng_next() % 3));
		break;
	case 3:
		switch (rng_next() % 6) {
		case 0:
			exp = 0;
			break; /* zero */
		case 1:
			return (sign << (f->frac_bits + f->exp_bits)) |
			       ((uint64_t)emax << f->frac_bits);
		case 2:
			exp = (uint64_t)emax; /* quiet NaN */
			return (sign << (f->frac_bits + f->exp_bits)) |
			       ((uint64_t)emax << f->frac_bits) | quiet |
			       (rng_next() & (quiet - 1) & -(uint64_t)(rng_next() & 1));
		case 3: {
			uint64_t payload = rng_next() & (quiet - 1);

			return (sign << (f->frac_bits + f->exp_bits)) |
			       ((uint64_t)emax << f->frac_bits) | (payload ? payload : 1);
		}
		default:
			exp = (uint64_t)f->bias;
			break;
		}
		if (exp == 0)
			return sign << (f->frac_bits + f->exp_bits);
		break;
	case 4:
		/* products and quotients of these land near the subnormal range */
		exp = (uint64_t)(f->bias / 2 + (int)(rng_next() % 8) - 4);
		if (rng_next() & 1)
			exp = (uint64_t)(f->bias + f->bias / 2 + (int)(rng_next() % 8) - 4);
		break;
	case 5:
		exp = (uint64_t)(rng_next() % (uint64_t)(emax - 1)) + 1;
		break;
	default:
		exp = (uint64_t)(f->bias + (int)(rng_next() % 61) - 30);
		break;
	}
	return (sign << (f->frac_bits + f->exp_bits)) | (exp << f->frac_bits) | gen_frac(f);
}

/* A second operand, sometimes related to the first to provoke cancellation and ties. */
static uint64_t gen_related(const struct test_format *f, uint64_t a)
{
	uint64_t sign_bit = 1ull << (f->frac_bits + f->exp_bits);
	uint64_t exp_field = (a >> f->frac_bits) & ((1ull << f->exp_bits) - 1);
	int shift;

	switch (rng_next() % 8) {
	case 0:
		return a ^ sign_bit;
	case 1:
		return (a ^ sign_bit) + (rng_next() % 5) - 2;
	case 2:
		shift = f->frac_bits + (int)(rng_next() % 4) - 1;
		if ((int)exp_field <= shift)
			return gen_float(f);
		return ((a & sign_bit) ^ ((rng_next() & 1) ? sign_bit : 0)) |
		       ((exp_field - (uint64_t)shift) << f->frac_bits) | gen_frac(f);
	default:
		return gen_float(f);
	}
}

/* ------------------------------------------------------------------------ */
/* The host SSE unit as an oracle for the four IEEE rounding modes. */

static bool host_has_fma;
static bool host_has_avx512;

static const unsigned host_rc[] = {
	[FPU_RNE] = 0,
	[FPU_RTZ] = 3,
	[FPU_RDN] = 1,
	[FPU_RUP] = 2,
};

static void host_begin(int rm)
{
	/* all exceptions masked, DAZ/FTZ off, flags clear */
	unsigned mxcsr = 0x1f80 | (host_rc[rm] << 13);

	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr) : "memory");
}

static unsigned host_end(void)
{
	unsigned mxcsr, flags = 0, reset = 0x1f80;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr) : : "memory");
	__asm__ volatile("ldmxcsr %0" : : "m"(reset) : "memory");
	if (mxcsr & 0x01)
		flags |= NV;
	if (mxcsr & 0x04)
		flags |= DZ;
	if (mxcsr & 0x08)
		flags |= OF;
	if (mxcsr & 0x10)
		flags |= UF;
	if (mxcsr & 0x20)
		flags |= NX;
	return flags; /* DE (bit 1) has no RISC-V counterpart */
}

static float f32_of(uint64_t bits)
{
	uint32_t u = (uint32_t)bits;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static uint64_t bits_of_f32(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static double f64_of(uint64_t bits)
{
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

static uint64_t canon32(uint64_t r)
{
	return ((r & 0x7f800000) == 0x7f800000 && (r & 0x7fffff)) ? F32_NAN : r;
}

static uint64_t canon64(uint64_t r)
{
	return ((r & 0x7ff0000000000000) == 0x7ff0000000000000 && (r & 0xfffffffffffff)) ? F64_NAN
											 : r;
}

/*
 * Run `op` on the host. Returns false when the host cannot answer with
 * RISC-V semantics (no FMA3/AVX-512, or an x86 "integer indefinite" result
 * that the caller checks separately through *invalid).
 */
static bool host_f32(enum op op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *res,
		     unsigned *flags)
{
	float x = f32_of(a), y = f32_of(b), z = f32_of(c);
	int32_t i32;
	int64_t i64;
	double d;

	if (op == OP_FMA && !host_has_fma)
		return false;
	if ((op == OP_TO_U32 || op == OP_TO_U64 || op == OP_FROM_U32 || op == OP_FROM_U64) &&
	    !host_has_avx512)
		return false;
	host_begin(rm);
	switch (op) {
	case OP_ADD:
		__asm__ volatile("addss %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_SUB:
		__asm__ volatile("subss %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_MUL:
		__asm__ volatile("mulss %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_DIV:
		__asm__ volatile("divss %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_SQRT:
		__asm__ volatile("sqrtss %0, %0" : "+x"(x));
		break;
	case OP_FMA:
		__asm__ volatile("vfmadd231ss %2, %1, %0" : "+x"(z) : "x"(x), "x"(y));
		x = z;
		break;
	case OP_EQ:
		__asm__ volatile("cmpeqss %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_LT:
		__asm__ volatile("cmpltss %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_LE:
		__asm__ volatile("cmpless %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_TO_I32:
		__asm__ volatile("cvtss2si %1, %0" : "=r"(i32) : "x"(x));
		break;
	case OP_TO_I64:
		__asm__ volatile("cvtss2si %1, %0" : "=r"(i64) : "x"(x));
		break;
	case OP_TO_U32:
		__asm__ volatile("vcvtss2usi %1, %0" : "=r"(i32) : "v"(x));
		break;
	case OP_TO_U64:
		__asm__ volatile("vcvtss2usi %1, %0" : "=r"(i64) : "v"(x));
		break;
	case OP_FROM_I32:
		__asm__ volatile("cvtsi2ssl %1, %0" : "+x"(x) : "r"((int32_t)a));
		break;
	case OP_FROM_I64:
		__asm__ volatile("cvtsi2ssq %1, %0" : "+x"(x) : "r"(a));
		break;
	case OP_FROM_U32:
		__asm__ volatile("vcvtusi2ssl %1, %0, %0" : "+v"(x) : "r"((uint32_t)a));
		break;
	case OP_FROM_U64:
		__asm__ volatile("vcvtusi2ssq %1, %0, %0" : "+v"(x) : "r"(a));
		break;
	case OP_CVT:
		__asm__ volatile("cvtss2sd %1, %0" : "=x"(d) : "x"(x));
		break;
	default:
		host_end();
		return false;
	}
	*flags = host_end();
	switch (op) {
	case OP_EQ:
	case OP_LT:
	case OP_LE:
		*res = bits_of_f32(x) != 0;
		break;
	case OP_TO_I32:
	case OP_TO_U32:
		*res = (uint32_t)i32;
		break;
	case OP_TO_I64:
	case OP_TO_U64:
		*res = (uint64_t)i64;
		break;
	case OP_CVT:
		*res = canon64(bits_of_double(d));
		break;
	default:
		*res = canon32(bits_of_f32(x));
		break;
	}
	return true;
}

static bool host_f64(enum op op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *res,
		     unsigned *flags)
{
	double x = f64_of(a), y = f64_of(b), z = f64_of(c);
	int32_t i32;
	int64_t i64;
	float f;

	if (op == OP_FMA && !host_has_fma)
		return false;
	if ((op == OP_TO_U32 || op == OP_TO_U64 || op == OP_FROM_U32 || op == OP_FROM_U64) &&
	    !host_has_avx512)
		return false;
	host_begin(rm);
	switch (op) {
	case OP_ADD:
		__asm__ volatile("addsd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_SUB:
		__asm__ volatile("subsd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_MUL:
		__asm__ volatile("mulsd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_DIV:
		__asm__ volatile("divsd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_SQRT:
		__asm__ volatile("sqrtsd %0, %0" : "+x"(x));
		break;
	case OP_FMA:
		__asm__ volatile("vfmadd231sd %2, %1, %0" : "+x"(z) : "x"(x), "x"(y));
		x = z;
		break;
	case OP_EQ:
		__asm__ volatile("cmpeqsd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_LT:
		__asm__ volatile("cmpltsd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_LE:
		__asm__ volatile("cmplesd %1, %0" : "+x"(x) : "x"(y));
		break;
	case OP_TO_I32:
		__asm__ volatile("cvtsd2si %1, %0" : "=r"(i32) : "x"(x));
		break;
	case OP_TO_I64:
		__asm__ volatile("cvtsd2si %1, %0" : "=r"(i64) : "x"(x));
		break;
	case OP_TO_U32:
		__asm__ volatile("vcvtsd2usi %1, %0" : "=r"(i32) : "v"(x));
		break;
	case OP_TO_U64:
		__asm__ volatile("vcvtsd2usi %1, %0" : "=r"(i64) : "v"(x));
		break;
	case OP_FROM_I32:
		__asm__ volatile("cvtsi2sdl %1, %0" : "+x"(x) : "r"((int32_t)a));
		break;
	case OP_FROM_I64:
		__asm__ volatile("cvtsi2sdq %1, %0" : "+x"(x) : "r"(a));
		break;
	case OP_FROM_U32:
		__asm__ volatile("vcvtusi2sdl %1, %0, %0" : "+v"(x) : "r"((uint32_t)a));
		break;
	case OP_FROM_U64:
		__asm__ volatile("vcvtusi2sdq %1, %0, %0" : "+v"(x) : "r"(a));
		break;
	case OP_CVT:
		__asm__ volatile("cvtsd2ss %1, %0" : "=x"(f) : "x"(x));
		break;
	default:
		host_end();
		return false;
	}
	*flags = host_end();
	switch (op) {
	case OP_EQ:
	case OP_LT:
	case OP_LE:
		*res = bits_of_double(x) != 0;
		break;
	case OP_TO_I32:
	case OP_TO_U32:
		*res = (uint32_t)i32;
		break;
	case OP_TO_I64:
	case OP_TO_U64:
		*res = (uint64_t)i64;
		break;
	case OP_CVT:
		*res = canon32(bits_of_f32(f));
		break;
	default:
		*res = canon64(bits_of_double(x));
		break;
	}
	return true;
}

static bool is_inf_times_zero(const struct test_format *f, uint64_t a, uint64_t b)
{
	uint64_t mag = (1ull << (f->frac_bits + f->exp_bits)) - 1;
	uint64_t inf = ((1ull << f->exp_bits) - 1) << f->frac_bits;

	return ((a & mag) == inf && (b & mag) == 0) || ((a & mag) == 0 && (b & mag) == inf);
}

static bool is_to_int(enum op op)
{
	return op == OP_TO_I32 || op == OP_TO_U32 || op == OP_TO_I64 || op == OP_TO_U64;
}

static bool is_from_int(enum op op)
{
	return op == OP_FROM_I32 || op == OP_FROM_U32 || op == OP_FROM_I64 || op == OP_FROM_U64;
}

/*
 * x86 answers an invalid conversion with the "integer indefinite" value;
 * RISC-V saturates instead. Where the host raised IE, expect NV alone and
 * the RISC-V saturated value.
 */
static uint64_t riscv_saturated(enum op op, bool is_f64, uint64_t a)
{
	bool nan = is_f64 ? (canon64(a) == F64_NAN && (a << 1) > (0x7ffull << 53))
			  : (canon32(a) == F32_NAN && (a & 0x7fffffff) > 0x7f800000);
	bool neg = !nan && (is_f64 ? (a >> 63) : ((a >> 31) & 1));

	switch (op) {
	case OP_TO_I32:
		return neg ? 0x80000000 : 0x7fffffff;
	case OP_TO_U32:
		return neg ? 0 : 0xffffffff;
	case OP_TO_I64:
		return neg ? (uint64_t)INT64_MIN : INT64_MAX;
	default:
		return neg ? 0 : UINT64_MAX;
	}
}

static uint64_t gen_int(void)
{
	uint64_t r = rng_next();

	switch (rng_next() % 4) {
	case 0:
		return r >> (rng_next() % 64);
	case 1:
		return -(r >> (rng_next() % 64));
	case 2:
		return (r >> (rng_next() % 64)) & ~((1ull << (rng_next() % 40)) - 1);
	default:
		return r;
	}
}

static void gen_operands(enum op op, const struct test_format *f, uint64_t *a, uint64_t *b,
			 uint64_t *c)
{
	if (is_from_int(op)) {
		*a = gen_int();
		*b = *c = 0;
		return;
	}
	if (op == OP_CVT && f == &tf64 && rng_next() % 2) {
		/* f64 values in and around the f32 range */
		int e = 1023 - 160 + (int)(rng_next() % 300);

		*a = ((rng_next() & 1) << 63) | ((uint64_t)e << 52) | gen_frac(f);
		*b = *c = 0;
		return;
	}
	*a = gen_float(f);
	if (is_to_int(op) && rng_next() % 2) {
		/* values near the integer range limits */
		int e = f->bias + (int)(rng_next() % 70) - 3;
		uint64_t s = rng_next() & 1;

		*a = (s << (f->frac_bits + f->exp_bits)) | ((uint64_t)e << f->frac_bits) |
		     gen_frac(f);
	}
	*b = gen_related(f, *a);
	*c = gen_float(f);
	if (op == OP_FMA && rng_next() % 2) {
		/* an addend that nearly cancels the product */
		unsigned fl = 0;
		uint64_t p = f == &tf64 ? f64_mul(*a, *b, FPU_RNE, &fl)
					: f32_mul((uint32_t)*a, (uint32_t)*b, FPU_RNE, &fl);

		*c = gen_related(f, p ^ (1ull << (f->frac_bits + f->exp_bits)));
	}
}

static const enum op diff_ops[] = {
	OP_ADD,	   OP_SUB,	OP_MUL,	     OP_DIV,	  OP_SQRT,     OP_FMA,
	OP_EQ,	   OP_LT,	OP_LE,	     OP_TO_I32,	  OP_TO_U32,   OP_TO_I64,
	OP_TO_U64, OP_FROM_I32, OP_FROM_U32, OP_FROM_I64, OP_FROM_U64, OP_CVT,
};

static void differential(bool is_f64)
{
	const struct test_format *f = is_f64 ? &tf64 : &tf32;
	int failures = 0;

	for (size_t k = 0; k < sizeof(diff_ops) / sizeof(diff_ops[0]); k++) {
		enum op op = diff_ops[k];
		unsigned long compared = 0;

		for (unsigned long i = 0; i < test_iterations; i++) {
			uint64_t a, b, c, want, got;
			unsigned want_fl = 0, got_fl = 0;
			int rm = (int)(rng_next() % 4); /* RNE, RTZ, RDN, RUP */

			gen_operands(op, f, &a, &b, &c);
			bool ok = is_f64 ? host_f64(op, a, b, c, rm, &want, &want_fl)
					 : host_f32(op, a, b, c, rm, &want, &want_fl);

			if (!ok)
				break;
			compared++;
			got = is_f64 ? run_f64(op, a, b, c, rm, &got_fl)
				     : run_f32(op, a, b, c, rm, &got_fl);
			if (is_to_int(op) && (want_fl & NV))
				want = riscv_saturated(op, is_f64, a);
			/* x86 stays quiet for inf * 0 + qNaN; RISC-V raises NV */
			if (op == OP_FMA && is_inf_times_zero(f, a, b))
				want_fl |= NV;
			if (got != want || got_fl != want_fl) {
				if (failures++ < 20)
					print_error("%s op %d rm %d a %#llx b %#llx c %#llx: soft "
						    "%#llx/%#x host %#llx/%#x\n",
						    is_f64 ? "f64" : "f32", op, rm,
						    (unsigned long long)a, (unsigned long long)b,
						    (unsigned long long)c, (unsigned long long)got,
						    got_fl, (unsigned long long)want, want_fl);
			}
		}
		if (compared == 0)
			print_message("%s op %d: host cannot compare, skipped\n",
				      is_f64 ? "f64" : "f32", op);
	}
	assert_int_equal(failures, 0);
}

static void test_f32_vs_host(void **state)
{
	(void)state;
	differential(false);
}

static void test_f64_vs_host(void **state)
{
	(void)state;
	differential(true);
}

/* ------------------------------------------------------------------------ */
/* RMM against exact reasoning. */

/*
 * Exact tie test where wider host arithmetic is exact: f32 products and
 * sums in binary128 (sums only when the exponents are close enough), f64
 * products in binary128, int -> float in binary128, f64 -> f32 trivially.
 * Returns -1 when unknown. `lo` and `hi` are the two neighbours.
 */
static int exact_tie(enum op op, bool is_f64, uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
	__float128 exact, mid;

	if (!is_f64) {
		float fa = f32_of(a), fb = f32_of(b);

		if (op == OP_MUL) {
			exact = (__float128)fa * fb;
		} else if (op == OP_ADD || op == OP_SUB) {
			int ea = (int)((a >> 23) & 0xff), eb = (int)((b >> 23) & 0xff);

			if (ea - eb > 80 || eb - ea > 80)
				return -1;
			exact = op == OP_ADD ? (__float128)fa + fb : (__float128)fa - fb;
		} else if (is_from_int(op)) {
			exact = op == OP_FROM_I32   ? (__float128)(int32_t)a
				: op == OP_FROM_U32 ? (__float128)(uint32_t)a
				: op == OP_FROM_I64 ? (__float128)(int64_t)a
						    : (__float128)a;
		} else {
			return -1;
		}
		mid = ((__float128)f32_of(lo) + f32_of(hi)) / 2;
	} else {
		if (op == OP_MUL) {
			exact = (__float128)f64_of(a) * f64_of(b);
		} else if (op == OP_CVT) {
			exact = f64_of(a);
			mid = ((__float128)f32_of(lo) + f32_of(hi)) / 2;
			return exact == mid;
		} else if (is_from_int(op)) {
			exact = op == OP_FROM_I32   ? (__float128)(int32_t)a
				: op == OP_FROM_U32 ? (__float128)(uint32_t)a
				: op == OP_FROM_I64 ? (__float128)(int64_t)a
						    : (__float128)a;
		} else {
			return -1;
		}
		mid = ((__float128)f64_of(lo) + f64_of(hi)) / 2;
	}
	return exact == mid;
}

static bool result_is_finite(uint64_t r, bool is_f64)
{
	return is_f64 ? (r & 0x7ff0000000000000) != 0x7ff0000000000000
		      : (r & 0x7f800000) != 0x7f800000;
}

static void rmm_check(bool is_f64)
{
	static const enum op ops[] = {
		OP_ADD,	     OP_SUB,	  OP_MUL,      OP_DIV,	    OP_SQRT, OP_FMA,
		OP_FROM_I32, OP_FROM_U32, OP_FROM_I64, OP_FROM_U64, OP_CVT,
	};
	const struct test_format *f = is_f64 ? &tf64 : &tf32;
	unsigned long ties = 0, exact_ties = 0;
	int failures = 0;

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		enum op op = ops[k];

		for (unsigned long i = 0; i < test_iterations; i++) {
			uint64_t a, b, c;
			unsigned fl_rne = 0, fl_rmm = 0, fl_rtz = 0, fl_away = 0;

			gen_operands(op, f, &a, &b, &c);
			uint64_t (*run)(enum op, uint64_t, uint64_t, uint64_t, int, unsigned *) =
				is_f64 ? run_f64 : run_f32;
			uint64_t rne = run(op, a, b, c, FPU_RNE, &fl_rne);
			uint64_t rmm = run(op, a, b, c, FPU_RMM, &fl_rmm);
			uint64_t rtz = run(op, a, b, c, FPU_RTZ, &fl_rtz);
			bool out_f64 = is_f64 != (op == OP_CVT);
			bool neg = out_f64 ? rtz >> 63 : (rtz >> 31) & 1;
			uint64_t away = run(op, a, b, c, neg ? FPU_RDN : FPU_RUP, &fl_away);
			bool bad = false;
			int tie = -1;

			if (rtz != away && result_is_finite(away, out_f64))
				tie = exact_tie(op, is_f64, a, b, rtz, away);
			if (rmm != rne) {
				/* only an exact tie that RNE broke towards zero */
				ties++;
				bad = rne != rtz || rmm != away || tie == 0 ||
				      (fl_rmm & ~UF) != (fl_rne & ~UF);
			} else {
				bad = fl_rmm != fl_rne;
				/* on a tie RNE broke towards zero, RMM must differ */
				if (tie == 1 && rne == rtz)
					bad = true;
			}
			if (tie == 1)
				exact_ties++;
			if (bad && failures++ < 20)
				print_error("rmm %s op %d a %#llx b %#llx c %#llx: rmm %#llx/%#x "
					    "rne %#llx/%#x rtz %#llx away %#llx tie %d\n",
					    is_f64 ? "f64" : "f32", op, (unsigned long long)a,
					    (unsigned long long)b, (unsigned long long)c,
					    (unsigned long long)rmm, fl_rmm,
					    (unsigned long long)rne, fl_rne,
					    (unsigned long long)rtz, (unsigned long long)away, tie);
		}
	}
	print_message("%s RMM: %lu results differ from RNE, %lu exact ties verified\n",
		      is_f64 ? "f64" : "f32", ties, exact_ties);
	assert_int_equal(failures, 0);
	/* the generator must actually produce ties, or this test proves nothing */
	assert_true(ties > 0);
	assert_true(exact_ties > 0);
}

static void test_f32_rmm(void **state)
{
	(void)state;
	rmm_check(false);
}

static void test_f64_rmm(void **state)
{
	(void)state;
	rmm_check(true);
}

/* RMM float -> int against the definition: |fraction| >= 1/2 rounds away. */
static void test_rmm_to_int(void **state)
{
	int failures = 0;

	(void)state;
	for (unsigned long i = 0; i < test_iterations; i++) {
		uint64_t a = ((rng_next() & 1) << 63) |
			     ((uint64_t)(1023 - 3 + (int)(rng_next() % 55)) << 52) |
			     gen_frac(&tf64);
		double v = f64_of(a), t = trunc(v);
		double frac = fabs(v - t); /* exact for |v| < 2^53 */
		int64_t want = (int64_t)t + (frac >= 0.5 ? (v < 0 ? -1 : 1) : 0);
		unsigned flags = 0;
		int64_t got = f64_to_i64(a, FPU_RMM, &flags);

		if (got != want || flags != (frac != 0 ? NX : 0)) {
			if (failures++ < 20)
				print_error("rmm to_i64 %#llx: got %lld/%#x want %lld\n",
					    (unsigned long long)a, (long long)got, flags,
					    (long long)want);
		}
	}
	assert_int_equal(failures, 0);
}

/* sqrt of exact squares (normal and subnormal) is exact and raises nothing. */
static void test_sqrt_exact_squares(void **state)
{
	int failures = 0;

	(void)state;
	for (unsigned long i = 0; i < test_iterations; i++) {
		uint64_t m = (rng_next() >> 38) | 1;	/* 26 bits: m * m fits 53 */
		int k = (int)(rng_next() % 1000) - 550; /* squares reach the subnormals */
		double root = ldexp((double)m, k), square = ldexp((double)(m * m), 2 * k);
		unsigned flags = 0;
		uint64_t got = f64_sqrt(bits_of_double(square), (int)(rng_next() % 5), &flags);

		if (ldexp(square, -2 * k) != (double)(m * m))
			continue; /* the square itself was rounded into the subnormals */
		if (got != bits_of_double(root) || flags != 0) {
			if (failures++ < 20)
				print_error("sqrt(%a): got %#llx/%#x want %a\n", square,
					    (unsigned long long)got, flags, root);
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const char *env = getenv("FPU_TEST_ITERATIONS");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_f32_cases),
		cmocka_unit_test(test_f64_cases),
		cmocka_unit_test(test_tininess_after_rounding),
		cmocka_unit_test(test_f32_vs_host),
		cmocka_unit_test(test_f64_vs_host),
		cmocka_unit_test(test_f32_rmm),
		cmocka_unit_test(test_f64_rmm),
		cmocka_unit_test(test_rmm_to_int),
		cmocka_unit_test(test_sqrt_exact_squares),
	};

	if (env && *env)
		test_iterations = strtoul(env, NULL, 0);
	__builtin_cpu_init();
	host_has_fma = __builtin_cpu_supports("fma");
	host_has_avx512 = __builtin_cpu_supports("avx512f");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
