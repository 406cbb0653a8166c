/*
 * rv64ua.S - A extension: lr/sc success and failure, sc without a
 * reservation, every AMO in W and D form (signed and unsigned min/max), W
 * forms touching only their word, and misaligned atomics trapping with
 * store/AMO (or for lr, load) address misaligned.
 */
#include "common.h"

/* amo.d on memory m with operand v: rd must be old, memory new. */
#define TEST_AMOD(n, inst, old, new, m, v) \
	la a3, amobuf; li a1, m; sd a1, 0(a3); li a2, v; inst a0, a2, (a3); \
	CHECK(n, a0, old); ld a0, 0(a3); CHECK(n, a0, new)
/* amo.w on the low word of dword m: rd old (sign-extended), low word new, high word kept. */
#define TEST_AMOW(n, inst, old, new, m, v) \
	la a3, amobuf; li a1, m; sd a1, 0(a3); li a2, v; inst a0, a2, (a3); \
	CHECK(n, a0, old); lwu a0, 0(a3); CHECK(n, a0, new); \
	lwu a0, 4(a3); li a1, m; srli a1, a1, 32; CHECK_REG(n, a0, a1)

/* cnt traps so far, the last an AMO misaligned (cause 6, or 4 as QEMU 7.2 reports). */
#define CHECK_AMO_MISALIGNED(n, cnt) \
	TRAP_FIELD(t0, TV_COUNT); CHECK(n, t0, cnt); TRAP_FIELD(t0, TV_CAUSE); \
	li t1, CAUSE_MISALIGNED_LOAD; beq t0, t1, 98f; CHECK(n, t0, CAUSE_MISALIGNED_STORE); 98:

TEST_START
	la a3, amobuf
	la a4, amobuf2

	/* lr.d / sc.d success */
	li a1, 0x1122334455667788
	sd a1, 0(a3)
	lr.d a0, (a3)
	CHECK(2, a0, 0x1122334455667788)
	li a2, 42
	sc.d a5, a2, (a3)
	CHECK(3, a5, 0)
	ld a0, 0(a3)
	CHECK(4, a0, 42)
	/* a second sc with the reservation consumed fails and writes nothing */
	li a2, 43
	sc.d a5, a2, (a3)
	li TESTNUM, 5
	beqz a5, fail
	ld a0, 0(a3)
	CHECK(6, a0, 42)
	/* sc to an address other than the reserved one fails */
	lr.d a0, (a3)
	li a2, 44
	sc.d a5, a2, (a4)
	li TESTNUM, 7
	beqz a5, fail
	ld a0, 0(a4)
	CHECK(8, a0, 0)
	/* lr.w sign-extends; sc.w writes only the word */
	li a1, 0x00000000fffffffe
	sd a1, 0(a3)
	lr.w a0, (a3)
	CHECK(9, a0, 0xfffffffffffffffe)
	li a2, 0x123456789
	sc.w a5, a2, (a3)
	CHECK(10, a5, 0)
	ld a0, 0(a3)
	CHECK(11, a0, 0x23456789)
	/* lr.w / sc.w at the high word */
	addi a6, a3, 4
	lr.w a0, (a6)
	CHECK(12, a0, 0)
	li a2, -1
	sc.w a5, a2, (a6)
	CHECK(13, a5, 0)
	ld a0, 0(a3)
	CHECK(14, a0, 0xffffffff23456789)
	/* sc.w without reservation fails */
	sc.w a5, zero, (a3)
	li TESTNUM, 15
	beqz a5, fail
	ld a0, 0(a3)
	CHECK(16, a0, 0xffffffff23456789)
	/* aq/rl forms behave the same */
	sd zero, 0(a3)
	lr.d.aq a0, (a3)
	li a2, 7
	sc.d.rl a5, a2, (a3)
	CHECK(17, a5, 0)
	ld a0, 0(a3)
	CHECK(18, a0, 7)
	lr.d.aqrl a0, (a3)
	sc.d.aqrl a5, zero, (a3)
	CHECK(19, a5, 0)
	/* an lr/sc increment loop, as lock-free code uses it */
	sd zero, 0(a3)
	li a1, 100
20:	lr.d a0, (a3)
	addi a0, a0, 1
	sc.d a5, a0, (a3)
	bnez a5, 20b
	addi a1, a1, -1
	bnez a1, 20b
	ld a0, 0(a3)
	CHECK(20, a0, 100)
	/* amo with rd = x0 still updates memory */
	li a1, 5
	sd a1, 0(a3)
	li a2, 3
	amoadd.d zero, a2, (a3)
	ld a0, 0(a3)
	CHECK(21, a0, 8)
	/* amo with rd == rs2: old value returned, new value from the old rs2 */
	li a2, 2
	amoadd.d a2, a2, (a3)
	CHECK(22, a2, 8)
	ld a0, 0(a3)
	CHECK(23, a0, 10)
	amoor.w.aqrl a0, zero, (a3)
	CHECK(24, a0, 10)

	/*
	 * Misaligned atomics must trap (atomics are never emulated).  The spec
	 * asks for store/AMO address misaligned on AMOs; QEMU 7.2 reports load
	 * address misaligned, so both are accepted.
	 */
	TRAP_RESET
	li a1, 0x55
	sd a1, 0(a3)
	addi a6, a3, 1
	li a0, 0x77
30:	amoadd.d a0, a1, (a6)
	CHECK_AMO_MISALIGNED(30, 1)
	CHECK_EPC_LABEL(31, 30b)
	TRAP_FIELD(t0, TV_TVAL)
	CHECK_REG(32, t0, a6)
	CHECK(33, a0, 0x77)
	ld a0, 0(a3)
	CHECK(34, a0, 0x55)
	addi a6, a3, 2
	li a0, 0x77
35:	amoswap.w a0, a1, (a6)
	CHECK_AMO_MISALIGNED(35, 2)
	CHECK_EPC_LABEL(36, 35b)
	CHECK(37, a0, 0x77)
	addi a6, a3, 4
38:	amomaxu.d a0, a1, (a6)
	CHECK_AMO_MISALIGNED(38, 3)
	ld a0, 0(a3)
	CHECK(45, a0, 0x55)
	addi a6, a3, 4
	li a0, 0x77
39:	lr.d a0, (a6)
	CHECK_TRAP(39, 4, CAUSE_MISALIGNED_LOAD)
	CHECK_EPC_LABEL(40, 39b)
	CHECK(41, a0, 0x77)
	/*
	 * A misaligned sc never has a reservation: the spec wants a trap, QEMU
	 * 7.2 just fails it.  Either way memory must be untouched.
	 */
	addi a6, a3, 2
	li a5, 0x77
42:	sc.w a5, a1, (a6)
	TRAP_FIELD(t0, TV_COUNT)
	li t1, 4
	beq t0, t1, 43f
	CHECK_TRAP(42, 5, CAUSE_MISALIGNED_STORE)
	CHECK(43, a5, 0x77)
	j 44f
43:	li TESTNUM, 43
	beqz a5, fail
44:	ld a0, 0(a3)
	CHECK(44, a0, 0x55)

	TEST_AMOW(100, amoswap.w, 0xffffffff80000000, 0x1, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(101, amoswap.w, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOW(102, amoswap.w, 0x5, 0xfffffffb, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(103, amoswap.w, 0x0, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(104, amoswap.w, 0xffffffff80000001, 0x7ffffffe, 0x80000001, 0x7ffffffe)
	TEST_AMOW(105, amoswap.w, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOW(106, amoadd.w, 0xffffffff80000000, 0x80000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(107, amoadd.w, 0xffffffffffffffff, 0x0, 0xffffffffffffffff, 0x1)
	TEST_AMOW(108, amoadd.w, 0x5, 0x0, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(109, amoadd.w, 0x0, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(110, amoadd.w, 0xffffffff80000001, 0xffffffff, 0x80000001, 0x7ffffffe)
	TEST_AMOW(111, amoadd.w, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOW(112, amoxor.w, 0xffffffff80000000, 0x80000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(113, amoxor.w, 0xffffffffffffffff, 0xfffffffe, 0xffffffffffffffff, 0x1)
	TEST_AMOW(114, amoxor.w, 0x5, 0xfffffffe, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(115, amoxor.w, 0x0, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(116, amoxor.w, 0xffffffff80000001, 0xffffffff, 0x80000001, 0x7ffffffe)
	TEST_AMOW(117, amoxor.w, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOW(118, amoand.w, 0xffffffff80000000, 0x0, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(119, amoand.w, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOW(120, amoand.w, 0x5, 0x1, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(121, amoand.w, 0x0, 0x0, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(122, amoand.w, 0xffffffff80000001, 0x0, 0x80000001, 0x7ffffffe)
	TEST_AMOW(123, amoand.w, 0x0, 0x0, 0x0, 0xffffffff)
	TEST_AMOW(124, amoor.w, 0xffffffff80000000, 0x80000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(125, amoor.w, 0xffffffffffffffff, 0xffffffff, 0xffffffffffffffff, 0x1)
	TEST_AMOW(126, amoor.w, 0x5, 0xffffffff, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(127, amoor.w, 0x0, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(128, amoor.w, 0xffffffff80000001, 0xffffffff, 0x80000001, 0x7ffffffe)
	TEST_AMOW(129, amoor.w, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOW(130, amomin.w, 0xffffffff80000000, 0x80000000, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(131, amomin.w, 0xffffffffffffffff, 0xffffffff, 0xffffffffffffffff, 0x1)
	TEST_AMOW(132, amomin.w, 0x5, 0xfffffffb, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(133, amomin.w, 0x0, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(134, amomin.w, 0xffffffff80000001, 0x80000001, 0x80000001, 0x7ffffffe)
	TEST_AMOW(135, amomin.w, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOW(136, amomax.w, 0xffffffff80000000, 0x1, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(137, amomax.w, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOW(138, amomax.w, 0x5, 0x5, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(139, amomax.w, 0x0, 0x0, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(140, amomax.w, 0xffffffff80000001, 0x7ffffffe, 0x80000001, 0x7ffffffe)
	TEST_AMOW(141, amomax.w, 0x0, 0x0, 0x0, 0xffffffff)
	TEST_AMOW(142, amominu.w, 0xffffffff80000000, 0x1, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(143, amominu.w, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOW(144, amominu.w, 0x5, 0x5, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(145, amominu.w, 0x0, 0x0, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(146, amominu.w, 0xffffffff80000001, 0x7ffffffe, 0x80000001, 0x7ffffffe)
	TEST_AMOW(147, amominu.w, 0x0, 0x0, 0x0, 0xffffffff)
	TEST_AMOW(148, amomaxu.w, 0xffffffff80000000, 0x80000000, 0x7fffffff80000000, 0x100000001)
	TEST_AMOW(149, amomaxu.w, 0xffffffffffffffff, 0xffffffff, 0xffffffffffffffff, 0x1)
	TEST_AMOW(150, amomaxu.w, 0x5, 0xfffffffb, 0x5, 0xfffffffffffffffb)
	TEST_AMOW(151, amomaxu.w, 0x0, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOW(152, amomaxu.w, 0xffffffff80000001, 0x80000001, 0x80000001, 0x7ffffffe)
	TEST_AMOW(153, amomaxu.w, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOD(154, amoswap.d, 0x7fffffff80000000, 0x100000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(155, amoswap.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOD(156, amoswap.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(157, amoswap.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(158, amoswap.d, 0x80000001, 0x7ffffffe, 0x80000001, 0x7ffffffe)
	TEST_AMOD(159, amoswap.d, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOD(160, amoadd.d, 0x7fffffff80000000, 0x8000000080000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(161, amoadd.d, 0xffffffffffffffff, 0x0, 0xffffffffffffffff, 0x1)
	TEST_AMOD(162, amoadd.d, 0x5, 0x0, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(163, amoadd.d, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(164, amoadd.d, 0x80000001, 0xffffffff, 0x80000001, 0x7ffffffe)
	TEST_AMOD(165, amoadd.d, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOD(166, amoxor.d, 0x7fffffff80000000, 0x7ffffffe80000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(167, amoxor.d, 0xffffffffffffffff, 0xfffffffffffffffe, 0xffffffffffffffff, 0x1)
	TEST_AMOD(168, amoxor.d, 0x5, 0xfffffffffffffffe, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(169, amoxor.d, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(170, amoxor.d, 0x80000001, 0xffffffff, 0x80000001, 0x7ffffffe)
	TEST_AMOD(171, amoxor.d, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOD(172, amoand.d, 0x7fffffff80000000, 0x100000000, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(173, amoand.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOD(174, amoand.d, 0x5, 0x1, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(175, amoand.d, 0x8000000000000000, 0x0, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(176, amoand.d, 0x80000001, 0x0, 0x80000001, 0x7ffffffe)
	TEST_AMOD(177, amoand.d, 0x0, 0x0, 0x0, 0xffffffff)
	TEST_AMOD(178, amoor.d, 0x7fffffff80000000, 0x7fffffff80000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(179, amoor.d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
	TEST_AMOD(180, amoor.d, 0x5, 0xffffffffffffffff, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(181, amoor.d, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(182, amoor.d, 0x80000001, 0xffffffff, 0x80000001, 0x7ffffffe)
	TEST_AMOD(183, amoor.d, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOD(184, amomin.d, 0x7fffffff80000000, 0x100000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(185, amomin.d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
	TEST_AMOD(186, amomin.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(187, amomin.d, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(188, amomin.d, 0x80000001, 0x7ffffffe, 0x80000001, 0x7ffffffe)
	TEST_AMOD(189, amomin.d, 0x0, 0x0, 0x0, 0xffffffff)
	TEST_AMOD(190, amomax.d, 0x7fffffff80000000, 0x7fffffff80000000, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(191, amomax.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOD(192, amomax.d, 0x5, 0x5, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(193, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(194, amomax.d, 0x80000001, 0x80000001, 0x80000001, 0x7ffffffe)
	TEST_AMOD(195, amomax.d, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_AMOD(196, amominu.d, 0x7fffffff80000000, 0x100000001, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(197, amominu.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	TEST_AMOD(198, amominu.d, 0x5, 0x5, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(199, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(200, amominu.d, 0x80000001, 0x7ffffffe, 0x80000001, 0x7ffffffe)
	TEST_AMOD(201, amominu.d, 0x0, 0x0, 0x0, 0xffffffff)
	TEST_AMOD(202, amomaxu.d, 0x7fffffff80000000, 0x7fffffff80000000, 0x7fffffff80000000, 0x100000001)
	TEST_AMOD(203, amomaxu.d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
	TEST_AMOD(204, amomaxu.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffb)
	TEST_AMOD(205, amomaxu.d, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMOD(206, amomaxu.d, 0x80000001, 0x80000001, 0x80000001, 0x7ffffffe)
	TEST_AMOD(207, amomaxu.d, 0x0, 0xffffffff, 0x0, 0xffffffff)
	TEST_PASS
TEST_END

	.data
	.align 4
amobuf:
	.dword 0, 0
amobuf2:
	.dword 0, 0
