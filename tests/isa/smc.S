/*
 * smc.S - self-modifying code, as a binary translator sees it: code written
 * into a RAM buffer and run after fence.i (several different sequences
 * written one after the other to the same place, each run many times so a
 * stale translation of the previous one would be chained and hot), a hot
 * loop rewritten from outside and from inside itself, a store that rewrites
 * the next instruction of its own straight-line block (fence.i in between),
 * 16-bit and 32-bit rewrites (including a rewrite that turns a nop into a
 * jump, and one of a block's first instruction reached by a branch), and the
 * same code copied to two pages, run in both, then one page rewritten, and
 * a page that holds both code and data.
 *
 * The code run from the buffers is copied from templates (after TEST_END)
 * that are never run in place: their bytes are the program.
 */
#include "common.h"

/* Copy template [start, end) to dst and make it visible to fetch. */
#define COPY(dst, start, end) \
	la a0, dst; la a1, start; la a2, end; call code_copy; fence.i

/* Call the code at dst + off, n times; a0 holds the result of the last call. */
#define RUN(dst, n) \
	li s1, n; 97: la t0, dst; jalr ra, 0(t0); addi s1, s1, -1; bnez s1, 97b

/* Word of template instruction at label l. */
#define INSN_WORD(reg, l) la reg, l; lwu reg, 0(reg)
/* Address in buffer dst of template label l of the template starting at start. */
#define IN_BUF(reg, dst, start, l) \
	la reg, l; la t5, start; sub reg, reg, t5; la t5, dst; add reg, reg, t5

TEST_START
	/* (a) three different sequences written to the same buffer, each run hot */
	COPY(buf1, t_a1, t_a1_end)
	RUN(buf1, 200)
	CHECK(2, a0, 0x111)
	COPY(buf1, t_a2, t_a2_end)
	RUN(buf1, 200)
	CHECK(3, a0, 0x223)
	COPY(buf1, t_a3, t_a3_end)
	RUN(buf1, 200)
	CHECK(4, a0, 0x33000)
	/* back to the first one: its old translation must not be revived wrongly */
	COPY(buf1, t_a1, t_a1_end)
	RUN(buf1, 1)
	CHECK(5, a0, 0x111)
	/* a shorter sequence over a longer one: only the new bytes count */
	COPY(buf1, t_a2, t_a2_end)
	RUN(buf1, 50)
	CHECK(6, a0, 0x223)
	COPY(buf1, t_a4, t_a4_end)
	RUN(buf1, 50)
	CHECK(7, a0, -5)

	/* (b) a loop run many times, then its addi rewritten from outside */
	COPY(buf1, t_loop, t_loop_end)
	RUN(buf1, 100)
	CHECK(8, a0, 1000)
	IN_BUF(t1, buf1, t_loop, t_loop_inc)
	INSN_WORD(t2, t_loop_inc)
	li t3, 2 << 20
	add t2, t2, t3
	sw t2, 0(t1)
	fence.i
	RUN(buf1, 1)
	CHECK(9, a0, 3000)
	/* and back, still hot */
	INSN_WORD(t2, t_loop_inc)
	sw t2, 0(t1)
	fence.i
	RUN(buf1, 20)
	CHECK(10, a0, 1000)
	/* the loop rewrites its own head halfway through: 500 * 1 + 500 * 3 */
	COPY(buf1, t_selfloop, t_selfloop_end)
	IN_BUF(t4, buf1, t_selfloop, t_selfloop_inc)
	INSN_WORD(t3, t_selfloop_inc)
	la t0, buf1
	jalr ra, 0(t0)
	CHECK(11, a0, 1000)
	INSN_WORD(t3, t_selfloop_inc)
	li t2, 2 << 20
	add t3, t3, t2
	IN_BUF(t4, buf1, t_selfloop, t_selfloop_inc)
	la t0, buf1
	jalr ra, 0(t0)
	CHECK(12, a0, 2000)
	/* the head now holds +3 from the start */
	IN_BUF(t4, buf1, t_selfloop, t_selfloop_inc)
	lwu t3, 0(t4)
	la t0, buf1
	jalr ra, 0(t0)
	CHECK(13, a0, 3000)

	/* (c) a store rewrites the next instruction of its own block, fence.i between */
	COPY(buf1, t_next, t_next_end)
	IN_BUF(t4, buf1, t_next, t_next_insn)
	INSN_WORD(t3, t_next_insn)
	li s2, 50
1:	la t0, buf1
	jalr ra, 0(t0)
	CHECK(14, a0, 1)
	addi s2, s2, -1
	bnez s2, 1b
	INSN_WORD(t3, t_next_new)
	la t0, buf1
	jalr ra, 0(t0)
	CHECK(15, a0, 7)
	/* the same block in place in .text (never copied), rewritten by itself */
	INSN_WORD(s3, next_inline_insn)
	mv t3, s3
	la t4, next_inline_insn
	li s2, 50
2:	call next_inline
	CHECK(16, a0, 1)
	addi s2, s2, -1
	bnez s2, 2b
	INSN_WORD(t3, t_next_new)
	call next_inline
	CHECK(17, a0, 7)
	mv t3, s3
	call next_inline
	CHECK(18, a0, 1)

	/* (d) 16-bit rewrites: c.li immediate, then c.addi in place of c.li */
	COPY(buf1, t_c, t_c_end)
	RUN(buf1, 100)
	CHECK(19, a0, 5)
	IN_BUF(t1, buf1, t_c, t_c_insn)
	la t2, t_c_li9
	lhu t2, 0(t2)
	sh t2, 0(t1)
	fence.i
	RUN(buf1, 100)
	CHECK(20, a0, 9)
	la t2, t_c_addi
	lhu t2, 0(t2)
	sh t2, 0(t1)
	fence.i
	RUN(buf1, 1)
	CHECK(21, a0, 0x100 + 3)
	/* a 32-bit instruction replaced by two 16-bit ones, and back */
	COPY(buf1, t_w, t_w_end)
	RUN(buf1, 100)
	CHECK(22, a0, 0x40)
	IN_BUF(t1, buf1, t_w, t_w_insn)
	la t2, t_w_pair
	lwu t2, 0(t2)
	sw t2, 0(t1)
	fence.i
	RUN(buf1, 100)
	CHECK(23, a0, 0x107)
	INSN_WORD(t2, t_w_insn)
	sw t2, 0(t1)
	fence.i
	RUN(buf1, 1)
	CHECK(24, a0, 0x40)
	/* a nop turned into a jump: the block's shape changes */
	COPY(buf1, t_j, t_j_end)
	RUN(buf1, 100)
	CHECK(25, a0, 2)
	IN_BUF(t1, buf1, t_j, t_j_nop)
	INSN_WORD(t2, t_j_jump)
	sw t2, 0(t1)
	fence.i
	RUN(buf1, 100)
	CHECK(26, a0, 1)
	/* first instruction of a block that is a branch target (taken and fall-through) */
	COPY(buf1, t_bt, t_bt_end)
	li a2, 0
	RUN(buf1, 100)
	CHECK(27, a0, 1)
	li a2, 1
	RUN(buf1, 100)
	CHECK(28, a0, 101)
	IN_BUF(t1, buf1, t_bt, t_bt_target)
	INSN_WORD(t2, t_bt_new)
	sw t2, 0(t1)
	fence.i
	li a2, 0
	RUN(buf1, 1)
	CHECK(29, a0, 0x20)
	li a2, 1
	RUN(buf1, 1)
	CHECK(30, a0, 100 + 0x20)

	/* (e) the same position-dependent code on two pages */
	COPY(buf1, t_pc, t_pc_end)
	COPY(buf2, t_pc, t_pc_end)
	li s2, 50
3:	RUN(buf1, 1)
	la t0, buf1
	CHECK_REG(31, a0, t0)
	RUN(buf2, 1)
	la t0, buf2
	CHECK_REG(32, a0, t0)
	addi s2, s2, -1
	bnez s2, 3b
	/* rewrite only the second page: the first keeps its code */
	COPY(buf2, t_a1, t_a1_end)
	RUN(buf2, 20)
	CHECK(33, a0, 0x111)
	RUN(buf1, 20)
	la t0, buf1
	CHECK_REG(34, a0, t0)
	/* a hot loop copied to the second page, then that page rewritten */
	COPY(buf2, t_loop, t_loop_end)
	RUN(buf2, 50)
	CHECK(35, a0, 1000)
	COPY(buf2, t_a3, t_a3_end)
	RUN(buf2, 1)
	CHECK(36, a0, 0x33000)
	RUN(buf1, 1)
	la t0, buf1
	CHECK_REG(37, a0, t0)

	/*
	 * (f) a page that mixes code and data: stores to its data lines (which
	 * need no invalidation), code written next to hot code, then the hot
	 * code rewritten (which does)
	 */
	COPY(buf1, t_a1, t_a1_end)
	RUN(buf1, 50)
	CHECK(38, a0, 0x111)
	la t0, buf1 + 1024
	li t1, 1000
4:	sd t1, 0(t0)
	sw t1, 8(t0)
	sb t1, 63(t0)
	addi t1, t1, -1
	bnez t1, 4b
	COPY(buf1 + 2048, t_a2, t_a2_end)
	RUN(buf1 + 2048, 20)
	CHECK(39, a0, 0x223)
	RUN(buf1, 20)
	CHECK(40, a0, 0x111)
	COPY(buf1, t_a3, t_a3_end)
	RUN(buf1, 1)
	CHECK(41, a0, 0x33000)
	RUN(buf1 + 2048, 1)
	CHECK(42, a0, 0x223)
	la t0, buf1 + 1024
	ld t1, 0(t0)
	CHECK(43, t1, 1)
	TEST_PASS

/* code_copy: copy halfwords [a1, a2) to a0 (clobbers a0, a1, t0). */
code_copy:
	lhu t0, 0(a1)
	sh t0, 0(a0)
	addi a0, a0, 2
	addi a1, a1, 2
	bltu a1, a2, code_copy
	ret

/* The block of (c) in place: store t3 to t4 (its own next instruction). */
	.option push
	.option norvc
next_inline:
	li a0, 0
	sw t3, 0(t4)
	fence.i
next_inline_insn:
	addi a0, a0, 1
	ret
	.option pop
TEST_END

/* ---- templates: copied, never run in place ---- */
	.text
	.align 2
t_a1:
	li a0, 0x111
	ret
t_a1_end:
	.align 2
t_a2:
	li a0, 0x222
	addi a0, a0, 1
	nop
	nop
	ret
t_a2_end:
	.align 2
t_a3:
	lui a0, 0x33
	ret
t_a3_end:
	.align 2
t_a4:
	li a0, -5
	ret
t_a4_end:

	.option push
	.option norvc
	.align 2
t_loop:
	li a0, 0
	li a1, 1000
t_loop_inc:
	addi a0, a0, 1
	addi a1, a1, -1
	bnez a1, t_loop_inc
	ret
t_loop_end:

	/* t3 = word stored into t4 when a1 reaches 500 */
	.align 2
t_selfloop:
	li a0, 0
	li a1, 1000
	li a2, 500
t_selfloop_inc:
	addi a0, a0, 1
	addi a1, a1, -1
	bne a1, a2, 1f
	sw t3, 0(t4)
	fence.i
1:	bnez a1, t_selfloop_inc
	ret
t_selfloop_end:

	.align 2
t_next:
	li a0, 0
	sw t3, 0(t4)
	fence.i
t_next_insn:
	addi a0, a0, 1
	ret
t_next_end:
t_next_new:
	addi a0, a0, 7

	.align 2
t_w:
	li a0, 0x100
t_w_insn:
	li a0, 0x40
	ret
t_w_end:
	.option pop
	.option push
	.option rvc
	.align 2
t_w_pair:
	c.addi a0, 3
	c.addi a0, 4

	.align 2
t_c:
	c.li a0, 0
	c.li a0, 0
	li a0, 0x100
t_c_insn:
	c.li a0, 5
	c.jr ra
t_c_end:
t_c_li9:
	c.li a0, 9
t_c_addi:
	c.addi a0, 3
	.option pop

	.option push
	.option norvc
	.align 2
t_j:
	li a0, 1
t_j_nop:
	nop
	li a0, 2
	ret
t_j_end:
t_j_jump:
	j . + 8

	/* a2 = 0: branch taken to t_bt_target; a2 = 1: fall through after a0 = 100 */
	.align 2
t_bt:
	li a0, 0
	beqz a2, t_bt_target
	li a0, 100
t_bt_target:
	addi a0, a0, 1
	ret
t_bt_end:
t_bt_new:
	addi a0, a0, 0x20

	.align 2
t_pc:
	auipc a0, 0
	ret
t_pc_end:
	.option pop

	.bss
	.align 12
buf1:	.skip 4096
buf2:	.skip 4096
