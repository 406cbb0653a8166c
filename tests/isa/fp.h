/*
 * fp.h - checks shared by rv64uf.S (FMT_S) and rv64ud.S (FMT_D).  Values are
 * given as raw IEEE bit patterns; F(x) names the instruction x in the test's
 * format, FMV_IN/FMV_OUT move raw bits in and out of an FP register.
 */
#ifndef ISA_FP_H
#define ISA_FP_H

#define FFLAG_NX 1
#define FFLAG_UF 2
#define FFLAG_OF 4
#define FFLAG_DZ 8
#define FFLAG_NV 16

#ifdef FMT_S
#define F(x) x.s
#define FMV_IN(f, r) fmv.w.x f, r
/* single results are compared as 32-bit patterns */
#define FMV_OUT(r, f) fmv.x.w r, f; zext.w r, r
#define FCVT_FROM(x) fcvt.s.x
#define FLOAD flw
#define FSTORE fsw
#define FADD_FUNCT7 0
#define K_FIVE	0x40a00000
#define K_MFIVE	0xc0a00000
#define K_2P31	0x4f000000
#define K_M2P31	0xcf000000
#define K_B2P64	0x5f7fffff
#define K_ONE	0x3f800000
#define K_MONE	0xbf800000
#define K_TWO	0x40000000
#define K_MTWO	0xc0000000
#define K_HALF	0x3f000000
#define K_MHALF	0xbf000000
#define K_1P5	0x3fc00000
#define K_2P5	0x40200000
#define K_M2P5	0xc0200000
#define K_THREE	0x40400000
#define K_PINF	0x7f800000
#define K_MINF	0xff800000
#define K_QNAN	0x7fc00000
#define K_QNAN_P 0x7fc12345
#define K_MQNAN	0xffc00000
#define K_SNAN	0x7f800001
#define K_MSNAN	0xff800001
#define K_PZERO	0
#define K_MZERO	0x80000000
#define K_MAX	0x7f7fffff
#define K_SUB	0x00000001
#define K_MSUB	0x80000001
#define K_3E9	0x4f32d05e
#define K_M3E9	0xcf32d05e
#define K_5E9	0x4f9502f9
#define K_2P63	0x5f000000
#define K_M2P63	0xdf000000
#define K_2P64	0x5f800000
#else
#define F(x) x.d
#define FMV_IN(f, r) fmv.d.x f, r
#define FMV_OUT(r, f) fmv.x.d r, f
#define FCVT_FROM(x) fcvt.d.x
#define FLOAD fld
#define FSTORE fsd
#define FADD_FUNCT7 1
#define K_FIVE	0x4014000000000000
#define K_MFIVE	0xc014000000000000
#define K_2P31	0x41e0000000000000
#define K_M2P31	0xc1e0000000000000
#define K_B2P64	0x43efffffffffffff
#define K_ONE	0x3ff0000000000000
#define K_MONE	0xbff0000000000000
#define K_TWO	0x4000000000000000
#define K_MTWO	0xc000000000000000
#define K_HALF	0x3fe0000000000000
#define K_MHALF	0xbfe0000000000000
#define K_1P5	0x3ff8000000000000
#define K_2P5	0x4004000000000000
#define K_M2P5	0xc004000000000000
#define K_THREE	0x4008000000000000
#define K_PINF	0x7ff0000000000000
#define K_MINF	0xfff0000000000000
#define K_QNAN	0x7ff8000000000000
#define K_QNAN_P 0x7ff8000000012345
#define K_MQNAN	0xfff8000000000000
#define K_SNAN	0x7ff0000000000001
#define K_MSNAN	0xfff0000000000001
#define K_PZERO	0
#define K_MZERO	0x8000000000000000
#define K_MAX	0x7fefffffffffffff
#define K_SUB	0x0000000000000001
#define K_MSUB	0x8000000000000001
#define K_3E9	0x41e65a0bc0000000
#define K_M3E9	0xc1e65a0bc0000000
#define K_5E9	0x41f2a05f20000000
#define K_2P63	0x43e0000000000000
#define K_M2P63	0xc3e0000000000000
#define K_2P64	0x43f0000000000000
#endif

/* Run one case: clear fflags, run the instruction, check the result bits and fflags. */
#define FP_CHECK(n, res, flags) \
	frflags a1; FMV_OUT(a0, fa2); CHECK(n, a0, res); CHECK(n, a1, flags)

/* fa2 = inst(a, b) with static rounding mode rm. */
#define TEST_FP_RR(n, inst, rm, flags, res, a, b) \
	li t0, a; FMV_IN(fa0, t0); li t0, b; FMV_IN(fa1, t0); fsflags zero; \
	inst fa2, fa0, fa1, rm; FP_CHECK(n, res, flags)
/* Same with the dynamic rounding mode: frm = rmnum. */
#define TEST_FP_RR_DYN(n, inst, rmnum, flags, res, a, b) \
	li t0, a; FMV_IN(fa0, t0); li t0, b; FMV_IN(fa1, t0); fsflags zero; \
	fsrmi rmnum; inst fa2, fa0, fa1, dyn; fsrmi 0; FP_CHECK(n, res, flags)
/* Two-operand instruction without a rounding mode (min/max, sign injection). */
#define TEST_FP_RR_NORM(n, inst, flags, res, a, b) \
	li t0, a; FMV_IN(fa0, t0); li t0, b; FMV_IN(fa1, t0); fsflags zero; \
	inst fa2, fa0, fa1; FP_CHECK(n, res, flags)
#define TEST_FP_R(n, inst, rm, flags, res, a) \
	li t0, a; FMV_IN(fa0, t0); fsflags zero; inst fa2, fa0, rm; FP_CHECK(n, res, flags)
#define TEST_FP_RRR(n, inst, rm, flags, res, a, b, c) \
	li t0, a; FMV_IN(fa0, t0); li t0, b; FMV_IN(fa1, t0); li t0, c; FMV_IN(fa3, t0); \
	fsflags zero; inst fa2, fa0, fa1, fa3, rm; FP_CHECK(n, res, flags)
/* Integer result of an FP input (fcvt to integer with rm, compares, fclass). */
#define TEST_FP_TO_INT(n, inst, rm, flags, res, a) \
	li t0, a; FMV_IN(fa0, t0); fsflags zero; inst a0, fa0, rm; frflags a1; \
	CHECK(n, a0, res); CHECK(n, a1, flags)
#define TEST_FP_CMP(n, inst, flags, res, a, b) \
	li t0, a; FMV_IN(fa0, t0); li t0, b; FMV_IN(fa1, t0); fsflags zero; \
	inst a0, fa0, fa1; frflags a1; CHECK(n, a0, res); CHECK(n, a1, flags)
#define TEST_FP_CLASS(n, inst, res, a) \
	li t0, a; FMV_IN(fa0, t0); inst a0, fa0; CHECK(n, a0, res)
/* FP result of an integer input (fcvt from integer). */
/* Conversion that is exact in both formats: no rounding mode operand. */
#define TEST_INT_TO_FP_EXACT(n, inst, res, a) \
	li t0, a; fsflags zero; inst fa2, t0; FP_CHECK(n, res, 0)
#define TEST_INT_TO_FP(n, inst, rm, flags, res, a) \
	li t0, a; fsflags zero; inst fa2, t0, rm; FP_CHECK(n, res, flags)

#endif
