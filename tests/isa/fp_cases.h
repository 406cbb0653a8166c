/*
 * fp_cases.h - special-value cases shared by rv64uf.S and rv64ud.S, written
 * against the K_* constants of fp.h (case numbers 10-99 and 1000-1099).
 */
	/* invalid operations give the canonical NaN and raise NV */
	TEST_FP_RR(10, F(fadd), rne, FFLAG_NV, K_QNAN, K_PINF, K_MINF)
	TEST_FP_RR(11, F(fsub), rne, FFLAG_NV, K_QNAN, K_PINF, K_PINF)
	TEST_FP_RR(12, F(fmul), rne, FFLAG_NV, K_QNAN, K_PZERO, K_MINF)
	TEST_FP_RR(13, F(fdiv), rne, FFLAG_NV, K_QNAN, K_PZERO, K_MZERO)
	TEST_FP_RR(14, F(fdiv), rne, FFLAG_NV, K_QNAN, K_PINF, K_MINF)
	TEST_FP_R(15, F(fsqrt), rne, FFLAG_NV, K_QNAN, K_MONE)
	TEST_FP_R(16, F(fsqrt), rne, FFLAG_NV, K_QNAN, K_MINF)
	TEST_FP_R(17, F(fsqrt), rne, 0, K_MZERO, K_MZERO)
	TEST_FP_R(18, F(fsqrt), rne, 0, K_PINF, K_PINF)
	/* division by zero */
	TEST_FP_RR(19, F(fdiv), rne, FFLAG_DZ, K_PINF, K_ONE, K_PZERO)
	TEST_FP_RR(20, F(fdiv), rne, FFLAG_DZ, K_MINF, K_MONE, K_PZERO)
	TEST_FP_RR(21, F(fdiv), rne, FFLAG_DZ, K_MINF, K_ONE, K_MZERO)
	TEST_FP_RR(22, F(fdiv), rne, 0, K_PINF, K_PINF, K_PZERO)
	/* NaN operands: signalling raises NV, results are always the canonical NaN */
	TEST_FP_RR(23, F(fadd), rne, FFLAG_NV, K_QNAN, K_SNAN, K_ONE)
	TEST_FP_RR(24, F(fadd), rne, 0, K_QNAN, K_QNAN, K_ONE)
	TEST_FP_RR(25, F(fadd), rne, 0, K_QNAN, K_QNAN_P, K_ONE)
	TEST_FP_RR(26, F(fmul), rne, 0, K_QNAN, K_ONE, K_MQNAN)
	TEST_FP_RR(27, F(fdiv), rne, FFLAG_NV, K_QNAN, K_MSNAN, K_QNAN)
	TEST_FP_R(28, F(fsqrt), rne, FFLAG_NV, K_QNAN, K_SNAN)
	TEST_FP_RRR(29, F(fmadd), rne, FFLAG_NV, K_QNAN, K_PINF, K_PZERO, K_ONE)
	TEST_FP_RRR(30, F(fmadd), rne, FFLAG_NV, K_QNAN, K_ONE, K_ONE, K_SNAN)
	TEST_FP_RRR(31, F(fmadd), rne, 0, K_QNAN, K_ONE, K_ONE, K_QNAN_P)
	TEST_FP_RRR(32, F(fmadd), rne, FFLAG_NV, K_QNAN, K_PINF, K_MONE, K_PINF)
	/* signed zeros from exact cancellation depend on the rounding mode */
	TEST_FP_RR(33, F(fadd), rne, 0, K_PZERO, K_ONE, K_MONE)
	TEST_FP_RR(34, F(fadd), rdn, 0, K_MZERO, K_ONE, K_MONE)
	TEST_FP_RR(35, F(fadd), rne, 0, K_MZERO, K_MZERO, K_MZERO)
	TEST_FP_RR(36, F(fsub), rne, 0, K_PZERO, K_MZERO, K_MZERO)

	/* fmin/fmax: -0 < +0, one NaN returns the other operand, sNaN raises NV */
	TEST_FP_RR_NORM(40, F(fmin), 0, K_MZERO, K_MZERO, K_PZERO)
	TEST_FP_RR_NORM(41, F(fmin), 0, K_MZERO, K_PZERO, K_MZERO)
	TEST_FP_RR_NORM(42, F(fmax), 0, K_PZERO, K_MZERO, K_PZERO)
	TEST_FP_RR_NORM(43, F(fmax), 0, K_PZERO, K_PZERO, K_MZERO)
	TEST_FP_RR_NORM(44, F(fmin), 0, K_ONE, K_QNAN, K_ONE)
	TEST_FP_RR_NORM(45, F(fmax), 0, K_ONE, K_ONE, K_QNAN_P)
	TEST_FP_RR_NORM(46, F(fmin), FFLAG_NV, K_ONE, K_SNAN, K_ONE)
	TEST_FP_RR_NORM(47, F(fmax), FFLAG_NV, K_MONE, K_MONE, K_SNAN)
	TEST_FP_RR_NORM(48, F(fmin), 0, K_QNAN, K_QNAN_P, K_QNAN)
	TEST_FP_RR_NORM(49, F(fmax), FFLAG_NV, K_QNAN, K_SNAN, K_QNAN)
	TEST_FP_RR_NORM(50, F(fmin), 0, K_MONE, K_MONE, K_TWO)
	TEST_FP_RR_NORM(51, F(fmax), 0, K_TWO, K_MONE, K_TWO)
	TEST_FP_RR_NORM(52, F(fmax), 0, K_MSUB, K_MINF, K_MSUB)
	TEST_FP_RR_NORM(53, F(fmin), 0, K_MINF, K_MINF, K_MAX)

	/* sign injection never looks at NaNs and raises nothing */
	TEST_FP_RR_NORM(54, F(fsgnj), 0, K_MONE, K_ONE, K_MTWO)
	TEST_FP_RR_NORM(55, F(fsgnjn), 0, K_ONE, K_ONE, K_MTWO)
	TEST_FP_RR_NORM(56, F(fsgnjn), 0, K_MONE, K_ONE, K_TWO)
	TEST_FP_RR_NORM(57, F(fsgnjx), 0, K_ONE, K_MONE, K_MTWO)
	TEST_FP_RR_NORM(58, F(fsgnjx), 0, K_MONE, K_MONE, K_TWO)
	TEST_FP_RR_NORM(59, F(fsgnjn), 0, K_SNAN, K_MSNAN, K_MSNAN)
	TEST_FP_RR_NORM(60, F(fsgnj), 0, K_MQNAN, K_QNAN, K_MINF)

	/* compares: feq is quiet, flt/fle signal on any NaN */
	TEST_FP_CMP(61, F(feq), 0, 1, K_ONE, K_ONE)
	TEST_FP_CMP(62, F(feq), 0, 1, K_MZERO, K_PZERO)
	TEST_FP_CMP(63, F(feq), 0, 0, K_QNAN, K_QNAN)
	TEST_FP_CMP(64, F(feq), FFLAG_NV, 0, K_SNAN, K_ONE)
	TEST_FP_CMP(65, F(flt), 0, 0, K_MZERO, K_PZERO)
	TEST_FP_CMP(66, F(fle), 0, 1, K_MZERO, K_PZERO)
	TEST_FP_CMP(67, F(flt), 0, 1, K_MINF, K_PINF)
	TEST_FP_CMP(68, F(flt), FFLAG_NV, 0, K_QNAN, K_ONE)
	TEST_FP_CMP(69, F(fle), FFLAG_NV, 0, K_ONE, K_QNAN)
	TEST_FP_CMP(70, F(fle), 0, 0, K_TWO, K_ONE)
	TEST_FP_CMP(71, F(flt), 0, 1, K_MONE, K_MSUB)
	TEST_FP_CMP(72, F(fle), 0, 1, K_TWO, K_TWO)

	/* fclass: one bit per class */
	TEST_FP_CLASS(73, F(fclass), 1 << 0, K_MINF)
	TEST_FP_CLASS(74, F(fclass), 1 << 1, K_MONE)
	TEST_FP_CLASS(75, F(fclass), 1 << 2, K_MSUB)
	TEST_FP_CLASS(76, F(fclass), 1 << 3, K_MZERO)
	TEST_FP_CLASS(77, F(fclass), 1 << 4, K_PZERO)
	TEST_FP_CLASS(78, F(fclass), 1 << 5, K_SUB)
	TEST_FP_CLASS(79, F(fclass), 1 << 6, K_MAX)
	TEST_FP_CLASS(80, F(fclass), 1 << 7, K_PINF)
	TEST_FP_CLASS(81, F(fclass), 1 << 8, K_SNAN)
	TEST_FP_CLASS(82, F(fclass), 1 << 9, K_QNAN)
	TEST_FP_CLASS(83, F(fclass), 1 << 8, K_MSNAN)

	/* conversions to integers: rounding modes, RMM ties, saturation, NaN -> max */
	TEST_FP_TO_INT(84, F(fcvt.w), rne, FFLAG_NX, 2, K_2P5)
	TEST_FP_TO_INT(85, F(fcvt.w), rmm, FFLAG_NX, 3, K_2P5)
	TEST_FP_TO_INT(86, F(fcvt.w), rtz, FFLAG_NX, 2, K_2P5)
	TEST_FP_TO_INT(87, F(fcvt.w), rdn, FFLAG_NX, 2, K_2P5)
	TEST_FP_TO_INT(88, F(fcvt.w), rup, FFLAG_NX, 3, K_2P5)
	TEST_FP_TO_INT(89, F(fcvt.w), rne, FFLAG_NX, -2, K_M2P5)
	TEST_FP_TO_INT(90, F(fcvt.w), rmm, FFLAG_NX, -3, K_M2P5)
	TEST_FP_TO_INT(91, F(fcvt.w), rtz, FFLAG_NX, -2, K_M2P5)
	TEST_FP_TO_INT(92, F(fcvt.w), rdn, FFLAG_NX, -3, K_M2P5)
	TEST_FP_TO_INT(93, F(fcvt.w), rup, FFLAG_NX, -2, K_M2P5)
	TEST_FP_TO_INT(94, F(fcvt.w), rne, FFLAG_NX, 2, K_1P5)
	TEST_FP_TO_INT(95, F(fcvt.w), rmm, FFLAG_NX, 1, K_HALF)
	TEST_FP_TO_INT(96, F(fcvt.w), rne, 0, 0, K_MZERO)
	TEST_FP_TO_INT(97, F(fcvt.w), rne, FFLAG_NV, 0x7fffffff, K_QNAN)
	TEST_FP_TO_INT(98, F(fcvt.w), rne, FFLAG_NV, 0x7fffffff, K_MSNAN)
	TEST_FP_TO_INT(99, F(fcvt.w), rne, FFLAG_NV, 0x7fffffff, K_PINF)
	TEST_FP_TO_INT(1000, F(fcvt.w), rne, FFLAG_NV, 0xffffffff80000000, K_MINF)
	TEST_FP_TO_INT(1001, F(fcvt.w), rne, FFLAG_NV, 0x7fffffff, K_3E9)
	TEST_FP_TO_INT(1002, F(fcvt.w), rne, FFLAG_NV, 0xffffffff80000000, K_M3E9)
	TEST_FP_TO_INT(1003, F(fcvt.wu), rne, 0, 0xffffffffb2d05e00, K_3E9)
	TEST_FP_TO_INT(1004, F(fcvt.wu), rne, FFLAG_NV, 0xffffffffffffffff, K_5E9)
	TEST_FP_TO_INT(1005, F(fcvt.wu), rne, FFLAG_NV, 0, K_MONE)
	TEST_FP_TO_INT(1006, F(fcvt.wu), rtz, FFLAG_NX, 0, K_MHALF)
	TEST_FP_TO_INT(1007, F(fcvt.wu), rne, FFLAG_NV, 0xffffffffffffffff, K_QNAN)
	TEST_FP_TO_INT(1008, F(fcvt.wu), rne, FFLAG_NV, 0, K_MINF)
	TEST_FP_TO_INT(1009, F(fcvt.l), rne, FFLAG_NV, 0x7fffffffffffffff, K_QNAN)
	TEST_FP_TO_INT(1010, F(fcvt.l), rne, FFLAG_NV, 0x7fffffffffffffff, K_2P63)
	TEST_FP_TO_INT(1011, F(fcvt.l), rne, 0, 0x8000000000000000, K_M2P63)
	TEST_FP_TO_INT(1012, F(fcvt.l), rne, FFLAG_NV, 0x8000000000000000, K_MINF)
	TEST_FP_TO_INT(1013, F(fcvt.l), rne, 0, 5000000000, K_5E9)
	TEST_FP_TO_INT(1014, F(fcvt.l), rmm, FFLAG_NX, -3, K_M2P5)
	TEST_FP_TO_INT(1015, F(fcvt.lu), rne, 0, 0x8000000000000000, K_2P63)
	TEST_FP_TO_INT(1016, F(fcvt.lu), rne, FFLAG_NV, 0xffffffffffffffff, K_2P64)
	TEST_FP_TO_INT(1017, F(fcvt.lu), rne, FFLAG_NV, 0, K_MONE)
	TEST_FP_TO_INT(1018, F(fcvt.lu), rne, FFLAG_NV, 0xffffffffffffffff, K_SNAN)
	TEST_FP_TO_INT(1019, F(fcvt.lu), rup, FFLAG_NX, 1, K_SUB)
	TEST_FP_TO_INT(1020, F(fcvt.l), rdn, FFLAG_NX, -1, K_MSUB)
	/* dynamic rounding mode for a conversion */
	li t0, K_2P5
	FMV_IN(fa0, t0)
	fsrmi 4
	F(fcvt.w) a0, fa0, dyn
	fsrmi 0
	CHECK(1021, a0, 3)

	/* conversions from integers (from 32-bit integers with frm = rne) */
	TEST_INT_TO_FP_EXACT(1022, FCVT_FROM(w), K_MONE, -1)
	TEST_INT_TO_FP_EXACT(1023, FCVT_FROM(w), K_M2P31, 0xffffffff80000000)
	TEST_INT_TO_FP_EXACT(1024, FCVT_FROM(wu), K_2P31, 0xffffffff80000000)
	TEST_INT_TO_FP(1025, FCVT_FROM(l), rne, 0, K_M2P63, 0x8000000000000000)
	TEST_INT_TO_FP(1026, FCVT_FROM(lu), rne, FFLAG_NX, K_2P64, -1)
	TEST_INT_TO_FP(1027, FCVT_FROM(lu), rtz, FFLAG_NX, K_B2P64, -1)
	TEST_INT_TO_FP(1028, FCVT_FROM(l), rne, 0, K_PZERO, 0)
	TEST_INT_TO_FP_EXACT(1029, FCVT_FROM(w), K_THREE, 0x1234567800000003)

	/* fused multiply-add family on simple values, all signs */
	TEST_FP_RRR(1030, F(fmadd), rne, 0, K_FIVE, K_ONE, K_TWO, K_THREE)
	TEST_FP_RRR(1031, F(fmsub), rne, 0, K_MONE, K_ONE, K_TWO, K_THREE)
	TEST_FP_RRR(1032, F(fnmsub), rne, 0, K_ONE, K_ONE, K_TWO, K_THREE)
	TEST_FP_RRR(1033, F(fnmadd), rne, 0, K_MFIVE, K_ONE, K_TWO, K_THREE)
	/* fnmadd is -(a*b) - c: an exact zero is +0 in rne, -0 in rdn */
	TEST_FP_RRR(1034, F(fnmadd), rne, 0, K_PZERO, K_ONE, K_ONE, K_MONE)
	TEST_FP_RRR(1055, F(fnmadd), rdn, 0, K_MZERO, K_ONE, K_ONE, K_MONE)
	TEST_FP_RRR(1035, F(fmadd), rne, 0, K_PZERO, K_ONE, K_ONE, K_MONE)

	/* fflags accumulate; fsflags returns the old value; fcsr = frm << 5 | fflags */
	fsflags zero
	li t0, K_ONE
	FMV_IN(fa0, t0)
	li t0, K_PZERO
	FMV_IN(fa3, t0)
	F(fdiv) fa1, fa0, fa3
	li t0, K_THREE
	FMV_IN(fa2, t0)
	F(fdiv) fa1, fa0, fa2
	frflags a0
	CHECK(1036, a0, FFLAG_DZ | FFLAG_NX)
	li t0, FFLAG_NV
	fsflags a0, t0
	CHECK(1037, a0, FFLAG_DZ | FFLAG_NX)
	fsrmi 3
	frcsr a0
	CHECK(1038, a0, (3 << 5) | FFLAG_NV)
	fscsr zero
	frrm a0
	CHECK(1039, a0, 0)

	/* an invalid rounding mode makes rounding instructions illegal */
	TRAP_RESET
	li t0, K_ONE
	FMV_IN(fa0, t0)
	FMV_IN(fa1, t0)
	li t0, K_TWO
	FMV_IN(fa2, t0)
	fsrmi 5
	fsflags zero
1040:	F(fadd) fa2, fa0, fa1, dyn
	fsrmi 0
	CHECK_TRAP(1040, 1, CAUSE_ILLEGAL)
	CHECK_EPC_LABEL(1041, 1040b)
	FMV_OUT(a0, fa2)
	CHECK(1042, a0, K_TWO)
	frflags a0
	CHECK(1043, a0, 0)
	fsrmi 6
1044:	F(fmul) fa2, fa0, fa1, dyn
	fsrmi 7
1045:	F(fsqrt) fa2, fa0, dyn
	fsrmi 0
	CHECK_TRAP(1044, 3, CAUSE_ILLEGAL)
	CHECK_EPC_LABEL(1045, 1045b)
	/* frm = 7 does not affect instructions without a rounding mode */
	fsrmi 7
	F(fsgnj) fa2, fa0, fa1
	F(fmin) fa2, fa0, fa1
	fsrmi 0
	CHECK_TRAP(1046, 3, CAUSE_ILLEGAL)
	/* static rm 5 and 6 are reserved (fadd with funct3 = 5/6) */
1047:	.insn r OP_FP, 5, FADD_FUNCT7, fa2, fa0, fa1
	CHECK_TRAP(1047, 4, CAUSE_ILLEGAL)
	CHECK_TVAL(1048, 0x00b55653 | (FADD_FUNCT7 << 25))
	.insn r OP_FP, 6, FADD_FUNCT7, fa2, fa0, fa1
	CHECK_TRAP(1049, 5, CAUSE_ILLEGAL)
	/* static rm 7 means dynamic: legal with a valid frm */
	.insn r OP_FP, 7, FADD_FUNCT7, fa2, fa0, fa1
	CHECK_TRAP(1050, 5, CAUSE_ILLEGAL)
	FMV_OUT(a0, fa2)
	CHECK(1051, a0, K_TWO)

	/* loads, stores and moves */
	la a3, fpbuf
	li t0, K_M2P5
	sd t0, 0(a3)
	FLOAD fa0, 0(a3)
	FSTORE fa0, 8(a3)
	ld a0, 8(a3)
	CHECK(1052, a0, K_M2P5)
	FMV_OUT(a0, fa0)
	CHECK(1053, a0, K_M2P5)
