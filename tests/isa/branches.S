/*
 * branches.S - blocks that go on past conditional branches: a loop whose
 * body has three early exits to code past its end, taken in every
 * combination over the iterations. The sums say which paths ran, and
 * minstret must have advanced by exactly the instructions that retired
 * (checked only off QEMU, whose minstret counts host ticks without
 * -icount; QEMU is told apart by its nonzero marchid).
 */
#include "common.h"

TEST_START
	csrr t0, marchid
	snez t0, t0
	la t1, qemu_host
	sd t0, 0(t1)

	li s1, 1000
	li s2, 0
	csrr s3, minstret
1:	andi t0, s1, 1
	andi t1, s1, 2
	andi t2, s1, 4
	addi s2, s2, 1
	bnez t0, 3f
	addi s2, s2, 10
	bnez t1, 4f
	addi s2, s2, 100
	bnez t2, 5f
	addi s2, s2, 1000
2:	addi s1, s1, -1
	bnez s1, 1b
	j 6f
3:	j 2b
4:	j 2b
5:	j 2b
6:	csrr s4, minstret
	CHECK(2, s2, 156000)
	la t0, qemu_host
	ld t0, 0(t0)
	bnez t0, 7f
	sub s4, s4, s3
	/* 9500 in the loop, the j to 6 and the csrr that read s3 */
	CHECK(3, s4, 9502)
7:
	/* the same loop with its exits' targets written by the taken side */
	li s1, 300
	li s2, 0
1:	andi t0, s1, 3
	li a0, 1
	beqz t0, 3f
	li a0, 2
	addi t0, t0, -1
	beqz t0, 3f
	li a0, 3
2:	add s2, s2, a0
	addi s1, s1, -1
	bnez s1, 1b
	j 6f
3:	addi a0, a0, 10
	j 2b
6:	CHECK(4, s2, 300 / 4 * 11 + 300 / 4 * 12 + 300 / 2 * 3)
	TEST_PASS

	.data
	.align 3
qemu_host:	.dword 0
TEST_END
