/*
 * calls.S - call and return patterns that a return-address cache or stack
 * (the translator's T3 array, indexed by the call target) must get right:
 * deep and mutual recursion, calls through jalr with ra and with t0 as the
 * link register (the "alternate link register" of the RISC-V hints), tail
 * calls that return to the caller's caller, a longjmp-like return to a
 * non-caller, callees that change ra before returning, one function called
 * from many call sites in a loop, the compressed c.jalr / c.jr forms (c.jal
 * does not exist in RV64), and jalr ra, 0(ra).  Everything runs in loops so
 * a translator has the code hot and chained before the odd case comes.
 */
#include "common.h"

/* A call site: call whoami (a0 += 1, a1 = ra) and check a1 is this site's return address. */
#define SITE(n) \
	call whoami; 96: la t2, 96b; CHECK_REG(n, a1, t2)

#define PUSH_RA addi sp, sp, -16; sd ra, 8(sp)
#define POP_RA ld ra, 8(sp); addi sp, sp, 16

TEST_START
	/* deep recursion on a large stack, twice (cold, then hot) */
	mv s0, sp
	li s1, 2
1:	la sp, deep_stack_top
	li a0, 10000
	call rec_sum
	la t0, deep_stack_top
	CHECK_REG(2, sp, t0)
	CHECK(3, a0, 50005000)
	addi s1, s1, -1
	bnez s1, 1b
	/* returns at every depth, many times: fib */
	li a0, 20
	call fib
	la t0, deep_stack_top
	CHECK_REG(4, sp, t0)
	CHECK(5, a0, 6765)
	mv sp, s0

	/* mutual recursion */
	mv s0, sp
	la sp, deep_stack_top
	li a0, 1000
	call is_even
	CHECK(6, a0, 1)
	li a0, 1001
	call is_even
	CHECK(7, a0, 0)
	li a0, 777
	call is_odd
	CHECK(8, a0, 1)
	la t0, deep_stack_top
	CHECK_REG(9, sp, t0)
	mv sp, s0

	/* t0 as the link register, ra untouched */
	la ra, 2f
	mv s1, ra
	li a0, 0
	li s2, 100
2:	jal t0, inc_t0
	la t1, inc_t0
	jalr t0, 0(t1)
	la t0, inc_t0
	jalr t0, 0(t0)
	addi s2, s2, -1
	bnez s2, 2b
	CHECK(10, a0, 300)
	CHECK_REG(11, ra, s1)
	/* an ra call whose callee makes t0 calls */
	li a0, 0
	li s2, 100
3:	call uses_t0
	addi s2, s2, -1
	bnez s2, 3b
	CHECK(12, a0, 300)
	/* jalr with ra, with an offset */
	li a0, 0
	li s2, 100
4:	la t1, whoami - 8
	jalr ra, 8(t1)
5:	la t2, 5b
	CHECK_REG(13, a1, t2)
	addi s2, s2, -1
	bnez s2, 4b
	CHECK(14, a0, 100)

	/* tail calls: direct, indirect, and a chain of them */
	li a0, 0
	li s2, 100
6:	call tail_outer
7:	la t2, 7b
	CHECK_REG(15, a1, t2)
	call tail_indirect
	call tail_chain
	addi s2, s2, -1
	bnez s2, 6b
	CHECK(16, a0, 100 * (11 + 10 + 111))

	/* longjmp-like: unwind several frames, return to setjmp's call site */
	li s2, 100
	li s3, 0
8:	la a0, jmpbuf
	mv s0, sp
	li s4, 0x5a5a
	call my_setjmp
	bnez a0, 9f
	/* first return: go deep, the bottom jumps back */
	mv a0, s2
	call chain_a
	j fail
9:	CHECK_REG(17, sp, s0)
	CHECK(18, s4, 0x5a5a)
	add s3, s3, a0
	addi s2, s2, -1
	bnez s2, 8b
	CHECK(19, s3, 5050)

	/* the callee moves ra: 1 time in 8 it skips the slot after the call */
	li s2, 200
	li s3, 0
	li s4, 0
	.option push
	.option norvc
10:	andi a1, s2, 7
	jal ra, skip_ret
	addi s3, s3, 1
	addi s4, s4, 1
	.option pop
	addi s2, s2, -1
	bnez s2, 10b
	CHECK(20, s3, 175)
	CHECK(21, s4, 200)
	/* the callee sends ra somewhere else entirely */
	li s2, 100
	li s3, 0
11:	call redirect
	j fail
redirect_target:
	addi s3, s3, 1
	call whoami
	addi s2, s2, -1
	bnez s2, 11b
	CHECK(22, s3, 100)

	/* one function, many call sites, in a loop */
	li s2, 500
	li a0, 0
12:	SITE(23)
	SITE(24)
	SITE(25)
	SITE(26)
	SITE(27)
	SITE(28)
	SITE(29)
	SITE(30)
	addi s2, s2, -1
	bnez s2, 12b
	CHECK(31, a0, 4000)
	/* one indirect site, two targets alternating */
	li s2, 200
	li a0, 0
13:	andi t1, s2, 1
	la t3, whoami
	beqz t1, 14f
	la t3, whoami2
14:	jalr ra, 0(t3)
15:	la t2, 15b
	CHECK_REG(32, a1, t2)
	addi s2, s2, -1
	bnez s2, 13b
	CHECK(33, a0, 300)

	/* compressed: c.jalr links pc + 2, c.jr returns through ra or t0 */
	.option push
	.option rvc
	li s2, 100
	li a0, 0
16:	la t1, c_whoami
	c.jalr t1
17:	la t2, 17b
	CHECK_REG(34, a1, t2)
	la t1, c_inc_t0
	jalr t0, 0(t1)
	addi s2, s2, -1
	bnez s2, 16b
	CHECK(35, a0, 200)

	/* rd = rs1 = ra: the target is the old ra */
	li s2, 100
	li a0, 0
18:	la ra, whoami
	jalr ra, 0(ra)
19:	la t2, 19b
	CHECK_REG(36, a1, t2)
	la ra, c_whoami
	c.jalr ra
20:	la t2, 20b
	CHECK_REG(37, a1, t2)
	addi s2, s2, -1
	bnez s2, 18b
	CHECK(38, a0, 200)
	.option pop
	TEST_PASS

/* rec_sum: a0 = a0 + (a0 - 1) + ... + 1, one frame per level. */
rec_sum:
	beqz a0, 1f
	addi sp, sp, -16
	sd ra, 8(sp)
	sd a0, 0(sp)
	addi a0, a0, -1
	call rec_sum
	ld t0, 0(sp)
	add a0, a0, t0
	ld ra, 8(sp)
	addi sp, sp, 16
1:	ret

/* fib: a0 = fib(a0), naive. */
fib:
	li t0, 2
	bltu a0, t0, 1f
	addi sp, sp, -32
	sd ra, 24(sp)
	sd a0, 16(sp)
	addi a0, a0, -1
	call fib
	sd a0, 8(sp)
	ld a0, 16(sp)
	addi a0, a0, -2
	call fib
	ld t0, 8(sp)
	add a0, a0, t0
	ld ra, 24(sp)
	addi sp, sp, 32
1:	ret

/* is_even / is_odd: each calls the other (no tail calls). */
is_even:
	bnez a0, 1f
	li a0, 1
	ret
1:	PUSH_RA
	addi a0, a0, -1
	call is_odd
	POP_RA
	ret
is_odd:
	bnez a0, 1f
	li a0, 0
	ret
1:	PUSH_RA
	addi a0, a0, -1
	call is_even
	POP_RA
	ret

/* inc_t0: a0 += 1, return through t0. */
inc_t0:
	addi a0, a0, 1
	jalr zero, 0(t0)

/* uses_t0: three t0 calls inside an ra call. */
uses_t0:
	jal t0, inc_t0
	jal t0, inc_t0
	la t1, inc_t0
	jalr t0, 0(t1)
	ret

/* whoami: a0 += 1, a1 = return address. whoami2: a0 += 2. */
whoami:
	addi a0, a0, 1
	mv a1, ra
	ret
whoami2:
	addi a0, a0, 2
	mv a1, ra
	ret

/* tail_outer: a0 += 1 then tail-calls tail_inner (a0 += 10), which returns for both. */
tail_outer:
	addi a0, a0, 1
	j tail_inner
tail_inner:
	addi a0, a0, 10
	mv a1, ra
	ret
tail_indirect:
	la t1, tail_inner
	jr t1
tail_chain:
	addi a0, a0, 100
	j tail_outer

/* my_setjmp: save ra, sp, s0, s4 at a0; return 0 (again later with longjmp's value). */
my_setjmp:
	sd ra, 0(a0)
	sd sp, 8(a0)
	sd s0, 16(a0)
	sd s4, 24(a0)
	li a0, 0
	ret
/* my_longjmp: return a1 from the my_setjmp of buffer a0. */
my_longjmp:
	ld ra, 0(a0)
	ld sp, 8(a0)
	ld s0, 16(a0)
	ld s4, 24(a0)
	mv a0, a1
	ret

/* chain_a -> chain_b -> chain_c, each with a frame that clobbers s0 and s4; the last longjmps a0. */
chain_a:
	PUSH_RA
	li s0, 1
	li s4, 1
	call chain_b
	POP_RA
	ret
chain_b:
	PUSH_RA
	addi sp, sp, -64
	li s0, 2
	li s4, 2
	call chain_c
	addi sp, sp, 64
	POP_RA
	ret
chain_c:
	PUSH_RA
	li s0, 3
	mv a1, a0
	la a0, jmpbuf
	call my_longjmp
	POP_RA
	ret

/* skip_ret: if a1 == 0, return one 4-byte instruction past the call's continuation. */
skip_ret:
	bnez a1, 1f
	addi ra, ra, 4
1:	ret

/* redirect: return to redirect_target, not to the caller. */
redirect:
	la ra, redirect_target
	ret

	.option push
	.option rvc
/* c_whoami: a0 += 1, a1 = ra, return with c.jr ra. c_inc_t0: a0 += 1, c.jr t0. */
c_whoami:
	c.addi a0, 1
	c.mv a1, ra
	c.jr ra
c_inc_t0:
	c.addi a0, 1
	c.jr t0
	.option pop
TEST_END

	.data
	.align 3
jmpbuf:	.dword 0, 0, 0, 0
	.bss
	.align 12
deep_stack:	.skip 256 * 1024
deep_stack_top:	.skip 16
