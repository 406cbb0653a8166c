/*
 * groups.S - runs of loads and stores off one base register, which the
 * translator checks once and then performs as plain host accesses (memory
 * groups): a function's register saves and restores, repeated until hot;
 * a run whose range crosses a page, whose base is not aligned for its
 * widest member, that stores to a page holding code (and rewrites code that
 * ran), that reloads its own base
 * register, one that runs off the end of RAM, where the member past the
 * end must fault exactly (mepc, mtval, the members before it done, the ones
 * after it not), and one off a misaligned base. Every case falls back to the ordinary access where the
 * group cannot be set up, and all must give what the interpreter gives.
 *
 * The RAM end assumes the default 128 MiB of both vmm-worker and QEMU.
 */
#include "common.h"

#define RAM_END 0x88000000
#define ROUNDS 300

TEST_START
	/* (a) five saves, five restores, many times */
	li s1, ROUNDS
1:	la a0, frame + 48
	li t0, 0x1111; li t1, 0x2222; li t2, 0x3333; li t3, 0x4444; li t4, 0x5555
	addi a0, a0, -48
	sd t0, 40(a0); sd t1, 32(a0); sd t2, 24(a0); sd t3, 16(a0); sd t4, 8(a0)
	li t0, 0; li t1, 0; li t2, 0; li t3, 0; li t4, 0
	ld t4, 8(a0); ld t3, 16(a0); ld t2, 24(a0); ld t1, 32(a0); ld t0, 40(a0)
	addi a0, a0, 48
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(2, t0, 0x1111)
	CHECK(3, t1, 0x2222)
	CHECK(4, t2, 0x3333)
	CHECK(5, t3, 0x4444)
	CHECK(6, t4, 0x5555)

	/* (b) a run across a page boundary: the last member is on the next page */
	li s1, ROUNDS
1:	la a0, across
	li t0, 0x61; li t1, 0x62; li t2, 0x63
	sd t0, 0(a0); sd t1, 8(a0); sd t2, 16(a0)
	ld t3, 0(a0); ld t4, 8(a0); ld t5, 16(a0)
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(7, t3, 0x61)
	CHECK(8, t4, 0x62)
	CHECK(9, t5, 0x63)

	/*
	 * (c) mixed widths: the doubleword at 4(a0) sets the alignment, the
	 * words at 0 and 8 follow it; then the same with a base whose
	 * doubleword would be misaligned, so only words are accessed
	 */
	li s1, ROUNDS
1:	la a0, words + 4
	li t0, 0x71; li t1, 0x7273; li t2, 0x74
	sw t0, 0(a0); sd t1, 4(a0); sw t2, 12(a0)
	lw t3, 0(a0); ld t4, 4(a0); lw t5, 12(a0)
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(10, t3, 0x71)
	CHECK(11, t4, 0x7273)
	CHECK(12, t5, 0x74)
	li s1, ROUNDS
1:	la a0, words + 4
	li t0, 0x81; li t1, 0x82; li t2, 0x83
	sw t0, 0(a0); sw t1, 4(a0); sh t2, 10(a0); sb t2, 13(a0)
	lw t3, 0(a0); lw t4, 4(a0); lhu t5, 10(a0); lbu t6, 13(a0)
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(13, t3, 0x81)
	CHECK(14, t4, 0x82)
	CHECK(15, t5, 0x83)
	li TESTNUM, 16
	li t0, 0x83
	bne t6, t0, fail

	/* (d) a run of stores into the page of the code that runs them */
	li s1, ROUNDS
1:	la a0, in_code
	li t0, 0x91; li t1, 0x92; li t2, 0x93
	sd t0, 0(a0); sd t1, 8(a0); sd t2, 16(a0)
	addi s1, s1, -1
	bnez s1, 1b
	la a0, in_code
	ld t3, 0(a0)
	CHECK(17, t3, 0x91)
	ld t3, 16(a0)
	CHECK(18, t3, 0x93)
	/* ... and a run that rewrites code that has run: the new code must run */
	li s1, 20
1:	call gcode
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(32, a0, 1)
	la a1, gcode
	li t0, 0x00200513; li t1, 0x00008067; li t2, 0x00000013
	sw t0, 0(a1); sw t1, 4(a1); sw t2, 8(a1)
	fence.i
	call gcode
	CHECK(33, a0, 2)

	/* (e) the third member reloads the base: the fourth access uses the new one */
	la a0, chain
	la t0, chain2
	sd t0, 16(a0)
	li t0, 0xa1; sd t0, 0(a0); li t0, 0xa2; sd t0, 8(a0)
	li t0, 0xb1; la t1, chain2; sd t0, 24(t1)
	li s1, ROUNDS
1:	la a0, chain
	ld t3, 0(a0); ld t4, 8(a0); ld a0, 16(a0); ld t5, 24(a0)
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(19, t3, 0xa1)
	CHECK(20, t4, 0xa2)
	CHECK(21, t5, 0xb1)

	/*
	 * (f) a run off the end of RAM, many times: the first member works,
	 * the second faults; t5 (the third) must keep its old value. An
	 * access off another register first puts the last page of RAM in the
	 * TLB, which the trap of the previous round may have flushed.
	 */
	li s1, 50
1:	TRAP_RESET
	TRAP_RESUME(3f, -1)
	li a1, RAM_END - 8
	li t3, 0x55; sd t3, 0(a1); ld t6, 0(a1)
	li a0, RAM_END - 8
	li t3, 0; li t4, 0x44; li t5, 0x66
	.option push
	.option norvc
	ld t3, 0(a0)
2:	ld t4, 8(a0)
	ld t5, 16(a0)
	.option pop
3:	CHECK_TRAP(22, 1, CAUSE_LOAD_ACCESS)
	CHECK_EPC_LABEL(23, 2b)
	CHECK_TVAL(24, RAM_END)
	CHECK(25, t3, 0x55)
	CHECK(26, t4, 0x44)
	CHECK(27, t5, 0x66)
	addi s1, s1, -1
	bnez s1, 1b

	/*
	 * (g) a run off a misaligned base: this hart (like QEMU's) performs
	 * misaligned accesses within a page, so the words come out whole
	 */
	la a1, words
	li t0, 0x0706050403020100; sd t0, 0(a1)
	li t0, 0x0f0e0d0c0b0a0908; sd t0, 8(a1)
	li s1, ROUNDS
1:	TRAP_RESET
	la a1, words
	ld t6, 0(a1)
	addi a0, a1, 2
	lw t3, 0(a0)
	lw t4, 4(a0)
	lw t5, 8(a0)
	addi s1, s1, -1
	bnez s1, 1b
	TRAP_FIELD(t0, TV_COUNT)
	CHECK(28, t0, 0)
	CHECK(29, t3, 0x05040302)
	CHECK(30, t4, 0x09080706)
	CHECK(31, t5, 0x0d0c0b0a)
	TEST_PASS

	.align 6
in_code:
	.dword 0, 0, 0
	/* li a0, 1; ret; nop, rewritten by (d) */
gcode:
	.word 0x00100513, 0x00008067, 0x00000013
TEST_END

	.data
	.align 4
frame:	.skip 64
words:	.skip 32
chain:	.skip 32
chain2:	.skip 32
	.align 12
	.skip 4096 - 8
across:	.skip 32
