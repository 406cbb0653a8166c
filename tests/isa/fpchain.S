/*
 * fpchain.S - chains of D instructions, each reading what the one before
 * wrote (fld, arithmetic, fsd): the translator hands such a value over in
 * xmm0, so every way an instruction can end (its inline path, a slow path
 * for an invalid operation or a dynamic rounding mode, a first-touch
 * load) must leave the next one the right value.
 */
#include "common.h"

TEST_START
	la s0, vals
	la s1, out
	/* 1: fld, fmul (operand in xmm0 second), fadd (first), fsd */
	fld f1, 0(s0)		/* 1.5 */
	fld f2, 8(s0)		/* 2.0 */
	fmul.d f3, f1, f2	/* 3.0 */
	fadd.d f4, f3, f1	/* 4.5 */
	fsd f4, 0(s1)
	ld t0, 0(s1)
	li t1, 0x4012000000000000
	CHECK_REG(1, t0, t1)

	/* 2: an invalid product (slow path, canonical NaN), then a sum of it */
	fsflags zero
	fld f5, 16(s0)		/* +inf */
	fmv.d.x f0, zero
	fmul.d f6, f5, f0	/* NaN, NV */
	fadd.d f7, f6, f1	/* NaN */
	fsd f7, 8(s1)
	ld t0, 8(s1)
	li t1, 0x7ff8000000000000
	CHECK_REG(2, t0, t1)
	frflags t0
	CHECK(3, t0, 0x10)

	/* 3: a dynamic rounding mode (slow path) feeding a static one */
	fsrmi 1			/* RTZ */
	fmul.d f8, f1, f2	/* 3.0 */
	fadd.d f9, f8, f3, rne	/* 6.0 */
	fsrmi 0
	fsd f9, 16(s1)
	ld t0, 16(s1)
	li t1, 0x4018000000000000
	CHECK_REG(4, t0, t1)

	/* 4: the same chain in a loop: 1.5 * 2.0 + acc, twenty times */
	li s2, 20
	fmv.d.x f10, zero
1:	fld f11, 0(s0)
	fmul.d f12, f11, f2
	fadd.d f10, f12, f10
	fsd f10, 24(s1)
	addi s2, s2, -1
	bnez s2, 1b
	ld t0, 24(s1)
	li t1, 0x404e000000000000	/* 60.0 */
	CHECK_REG(5, t0, t1)
	TEST_PASS
	TEST_END

	.data
	.align 3
vals:	.double 1.5, 2.0
	.dword 0x7ff0000000000000
out:	.space 32
