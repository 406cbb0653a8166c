/*
 * codepage.S - stores that share a page with translated code or with the
 * HTIF tohost word: they take the translator's inline path past the write
 * TLB (code_write) unless their 64-byte line holds code or the watched
 * tohost, and must land all the same; a store to a code line must still
 * invalidate, and tohost must still reach the HTIF (in the worker; QEMU's
 * virt board has none).
 */
#include "common.h"

TEST_START
	/* 1: a loop storing to data lines of this code page, read back */
	la s0, codebuf
	li s1, 200
	li s2, 0
1:	andi t0, s1, 15
	slli t0, t0, 3
	add t0, t0, s0
	sd s1, 0(t0)
	sw s1, 64(t0)
	ld t1, 0(t0)
	lw t2, 64(t0)
	add s2, s2, t1
	add s2, s2, t2
	addi s1, s1, -1
	bnez s1, 1b
	CHECK(1, s2, 40200)

	/* 2: a store to a code line of the same page still invalidates */
	call patchme
	CHECK(2, a0, 1)
	la t0, patchme
	la t1, patch_insn
	lw t1, 0(t1)
	sw t1, 0(t0)
	fence.i
	call patchme
	CHECK(3, a0, 2)

	/* 3: stores next to tohost, then tohost itself must reach the HTIF */
	la s0, tohost_neighbour
	li s1, 100
1:	sd s1, 0(s0)
	sw s1, 8(s0)
	addi s1, s1, -1
	bnez s1, 1b
	ld t0, 0(s0)
	CHECK(4, t0, 1)
	lw t0, 8(s0)
	CHECK(5, t0, 1)
	/* QEMU's virt board has no HTIF (it is told apart by its nonzero marchid) */
	csrr s3, marchid
	li t0, 1
	la t1, tohost
	sd t0, 0(t1)
	bnez s3, 2f
	/* here the HTIF has ended the run: a store that did not reach it fails */
	CHECK(6, zero, 1)
2:	TEST_PASS
	TEST_END

	.text
	.align 6
	.option push
	.option norvc
patchme:
	li a0, 1
	ret
patch_insn:
	li a0, 2
	.option pop
	/* out of reach of the lines marked for patchme's block */
	.space 512
	.align 6
codebuf:
	.space 256

	.section .tohost, "aw", @progbits
	.align 6
tohost_neighbour:
	.space 64
