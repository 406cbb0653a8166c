/*
 * rv64uc.S - C extension: every RV64C instruction, written with explicit
 * c. mnemonics so the assembler cannot choose the encoding.  Also checks that
 * the link register of c.jalr is pc + 2 and that a 4-byte instruction may
 * start at a 2-byte aligned address.
 */
#include "common.h"

TEST_START
	.option push
	.option rvc
	/* c.li, c.lui, c.addi, c.addiw, c.addi16sp, c.addi4spn */
	c.li a0, -32
	CHECK(2, a0, -32)
	c.li a0, 31
	CHECK(3, a0, 31)
	c.lui a1, 0x1f
	CHECK(4, a1, 0x1f000)
	c.lui a1, 0xfffe0
	CHECK(5, a1, 0xfffffffffffe0000)
	c.li a0, 5
	c.addi a0, -6
	CHECK(6, a0, -1)
	c.addi a0, 31
	CHECK(7, a0, 30)
	li a0, 0x7fffffff
	c.addiw a0, 1
	CHECK(8, a0, 0xffffffff80000000)
	li a0, 0x100000005
	c.addiw a0, 0
	CHECK(9, a0, 5)
	mv s1, sp
	c.addi16sp sp, -64
	sub a0, s1, sp
	CHECK(10, a0, 64)
	c.addi16sp sp, 496
	sub a0, sp, s1
	CHECK(11, a0, 432)
	mv sp, s1
	c.addi4spn a2, sp, 8
	sub a0, a2, sp
	CHECK(12, a0, 8)
	c.addi4spn a2, sp, 1020
	sub a0, a2, sp
	CHECK(13, a0, 1020)

	/* c.mv, c.add, c.sub, c.xor, c.or, c.and, c.subw, c.addw */
	li a1, 0x123456789
	c.mv a0, a1
	CHECK(14, a0, 0x123456789)
	li a0, 10
	li a1, 0xfffffffffffffff0
	c.add a0, a1
	CHECK(15, a0, -6)
	li a0, 10
	li a1, 13
	c.sub a0, a1
	CHECK(16, a0, -3)
	li a0, 0xff00
	li a1, 0x0ff0
	c.xor a0, a1
	CHECK(17, a0, 0xf0f0)
	li a0, 0xff00
	c.or a0, a1
	CHECK(18, a0, 0xfff0)
	li a0, 0xff00
	c.and a0, a1
	CHECK(19, a0, 0x0f00)
	li a0, 0x80000000
	li a1, 1
	c.subw a0, a1
	CHECK(20, a0, 0x7fffffff)
	li a0, 0x7fffffff
	c.addw a0, a1
	CHECK(21, a0, 0xffffffff80000000)
	li a0, 0xffffffff00000003
	li a1, 0x7fffffff00000004
	c.addw a0, a1
	CHECK(22, a0, 7)

	/* c.andi, c.srli, c.srai, c.slli */
	li a0, 0x1234
	c.andi a0, -16
	CHECK(23, a0, 0x1230)
	li a0, 0x1234
	c.andi a0, 0xf
	CHECK(24, a0, 4)
	li a0, 0x8000000000000000
	c.srli a0, 63
	CHECK(25, a0, 1)
	li a0, 0x8000000000000000
	c.srai a0, 60
	CHECK(26, a0, 0xfffffffffffffff8)
	li a0, 0x8000000000000000
	c.srli a0, 32
	CHECK(27, a0, 0x80000000)
	li a0, 3
	c.slli a0, 62
	CHECK(28, a0, 0xc000000000000000)
	li a0, 0x40
	c.srai a0, 3
	CHECK(29, a0, 8)

	/* loads and stores: c.lw, c.ld, c.sw, c.sd (register based) */
	la s0, cdata
	c.lw a0, 0(s0)
	CHECK(30, a0, 0xfffffffff00ff00f)
	c.lw a0, 4(s0)
	CHECK(31, a0, 0x12345678)
	c.ld a0, 0(s0)
	CHECK(32, a0, 0x12345678f00ff00f)
	c.ld a0, 8(s0)
	CHECK(33, a0, 0xfedcba9876543210)
	la a5, cbuf
	li a4, 0x8899aabbccddeeff
	c.sd a4, 8(a5)
	ld a0, 8(a5)
	CHECK(34, a0, 0x8899aabbccddeeff)
	li a4, 0x11223344
	c.sw a4, 124(a5)
	lwu a0, 124(a5)
	CHECK(35, a0, 0x11223344)
	c.sd a4, 248(a5)
	ld a0, 248(a5)
	CHECK(36, a0, 0x11223344)

	/* stack-pointer based: c.lwsp, c.ldsp, c.swsp, c.sdsp */
	mv s1, sp
	la sp, cbuf
	li a4, 0xdeadbeefcafef00d
	c.sdsp a4, 16(sp)
	c.ldsp a0, 16(sp)
	CHECK(37, a0, 0xdeadbeefcafef00d)
	c.lwsp a0, 16(sp)
	CHECK(38, a0, 0xffffffffcafef00d)
	c.lwsp a0, 20(sp)
	CHECK(39, a0, 0xffffffffdeadbeef)
	li a4, 0x7eadbeef
	c.swsp a4, 252(sp)
	c.lwsp a0, 252(sp)
	CHECK(40, a0, 0x7eadbeef)
	c.sdsp a4, 504(sp)
	c.ldsp a0, 504(sp)
	CHECK(41, a0, 0x7eadbeef)
	mv sp, s1

	/* FP loads and stores: c.fld, c.fsd, c.fldsp, c.fsdsp */
	la s0, cdata
	c.fld fa0, 8(s0)
	fmv.x.d a0, fa0
	CHECK(42, a0, 0xfedcba9876543210)
	la a5, cbuf
	c.fsd fa0, 32(a5)
	ld a0, 32(a5)
	CHECK(43, a0, 0xfedcba9876543210)
	mv s1, sp
	la sp, cbuf
	c.fldsp fa1, 32(sp)
	fmv.x.d a0, fa1
	CHECK(44, a0, 0xfedcba9876543210)
	c.fsdsp fa1, 504(sp)
	ld a0, 504(sp)
	CHECK(45, a0, 0xfedcba9876543210)
	mv sp, s1

	/* c.j, c.beqz, c.bnez taken and not taken */
	li TESTNUM, 46
	c.j 1f
	j fail
1:	li a0, 0
	c.beqz a0, 2f
	j fail
2:	li a0, 1
	c.beqz a0, fail_near
	c.bnez a0, 3f
	j fail
3:	li a0, 0
	c.bnez a0, fail_near
	li a0, 0xffffffff00000000
	c.beqz a0, fail_near
	/* backward c.bnez loop */
	li a0, 5
	li a1, 0
4:	c.addi a1, 1
	c.addi a0, -1
	c.bnez a0, 4b
	CHECK(47, a1, 5)

	/* c.jr, c.jalr (link = pc + 2) */
	la a1, 5f
	c.jr a1
	j fail
5:	la a1, 6f
7:	c.jalr a1
8:	j fail
6:	la a2, 8b
	CHECK_REG(48, ra, a2)
	la a2, 7b
	sub a0, ra, a2
	CHECK(49, a0, 2)
	/* c.jalr with rs1 == ra uses the old ra */
	la ra, 9f
	c.jalr ra
10:	j fail
9:	la a2, 10b
	CHECK_REG(50, ra, a2)

	/* c.nop; a 32-bit instruction at a 2-byte aligned address */
	.balign 4
	c.nop
	li a0, 1
	addi a0, a0, 0x123
	CHECK(51, a0, 0x124)
	.balign 4
	c.nop
	lui a0, 0x12345
	c.nop
	CHECK(52, a0, 0x12345000)

	/* c.ebreak: breakpoint, mepc at the instruction, 2-byte skip */
	TRAP_RESET
11:	c.ebreak
	CHECK_TRAP(53, 1, CAUSE_BREAKPOINT)
	CHECK_EPC_LABEL(54, 11b)
	/* an all-zero halfword is an illegal instruction */
	TRAP_RESET
12:	.2byte 0
	CHECK_TRAP(55, 1, CAUSE_ILLEGAL)
	CHECK_EPC_LABEL(56, 12b)
	/* c.addi4spn with zero immediate is reserved */
	TRAP_RESET
	.2byte 0x0004
	CHECK_TRAP(57, 1, CAUSE_ILLEGAL)
	/* c.lui with zero immediate is reserved */
	TRAP_RESET
	.2byte 0x6501
	CHECK_TRAP(58, 1, CAUSE_ILLEGAL)
	/* c.addi16sp with zero immediate is reserved */
	TRAP_RESET
	.2byte 0x6101
	CHECK_TRAP(59, 1, CAUSE_ILLEGAL)
	.option pop
	TEST_PASS

fail_near:
	j fail

TEST_END

	.data
	.align 4
cdata:
	.dword 0x12345678f00ff00f
	.dword 0xfedcba9876543210
	.align 4
cbuf:
	.skip 512
