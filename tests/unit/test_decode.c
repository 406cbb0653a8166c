/*
 * test_decode.c - the instruction table, the decoder (including RVC
 * expansion and reserved encodings) and the disassembler.
 *
 * The expected texts were produced once by GNU objdump 2.40
 * (`riscv64-unknown-elf-objdump -d -M no-aliases`) from the same bytes,
 * rewritten to our spacing (mnemonic padded to 8, ", " between operands,
 * absolute targets). For a compressed parcel the expectation is objdump's
 * text of the 32-bit instruction GNU as emitted for the same source line
 * with .option norvc, and `expanded` holds that instruction's bits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/decode.h"

struct decode_case {
	uint32_t raw;
	uint32_t expanded; /* 32-bit equivalent of a compressed parcel, else 0 */
	uint64_t pc;
	const char *text;
};

static const struct decode_case decode_cases[] = {
	{ 0x757d, 0xfffff537, 0x0, "lui     a0, 0xfffff" },
	{ 0x12345fb7, 0, 0x4, "lui     t6, 0x12345" },
	{ 0x80000d97, 0, 0x8, "auipc   s11, 0x80000" },
	{ 0x001000ef, 0, 0xc, "jal     ra, 0x80c" },
	{ 0xffdff06f, 0, 0x10, "jal     zero, 0xc" },
	{ 0x800500e7, 0, 0x14, "jalr    ra, -2048(a0)" },
	{ 0x00b50863, 0, 0x18, "beq     a0, a1, 0x28" },
	{ 0x80041063, 0, 0x1c, "bne     s0, zero, 0xfffffffffffff01c" },
	{ 0x7e62cfe3, 0, 0x20, "blt     t0, t1, 0x101e" },
	{ 0xfee7dfe3, 0, 0x24, "bge     a5, a4, 0x22" },
	{ 0x00b56463, 0, 0x28, "bltu    a0, a1, 0x30" },
	{ 0x00b57463, 0, 0x2c, "bgeu    a0, a1, 0x34" },
	{ 0xfff58503, 0, 0x30, "lb      a0, -1(a1)" },
	{ 0x7ff11503, 0, 0x34, "lh      a0, 2047(sp)" },
	{ 0x4048, 0x00442503, 0x38, "lw      a0, 4(s0)" },
	{ 0x60a2, 0x00813083, 0x3c, "ld      ra, 8(sp)" },
	{ 0x000ece03, 0, 0x40, "lbu     t3, 0(t4)" },
	{ 0x800fdf03, 0, 0x44, "lhu     t5, -2048(t6)" },
	{ 0x00c86883, 0, 0x48, "lwu     a7, 12(a6)" },
	{ 0xfea58fa3, 0, 0x4c, "sb      a0, -1(a1)" },
	{ 0x00a11123, 0, 0x50, "sh      a0, 2(sp)" },
	{ 0xc0cc, 0x00b4a223, 0x54, "sw      a1, 4(s1)" },
	{ 0xe406, 0x00113423, 0x58, "sd      ra, 8(sp)" },
	{ 0x1141, 0xff010113, 0x5c, "addi    sp, sp, -16" },
	{ 0x4505, 0x00100513, 0x60, "addi    a0, zero, 1" },
	{ 0xffb5a513, 0, 0x64, "slti    a0, a1, -5" },
	{ 0x0015b513, 0, 0x68, "sltiu   a0, a1, 1" },
	{ 0xfff5c513, 0, 0x6c, "xori    a0, a1, -1" },
	{ 0x0ff5e513, 0, 0x70, "ori     a0, a1, 255" },
	{ 0x88bd, 0x00f4f493, 0x74, "andi    s1, s1, 15" },
	{ 0x03f59513, 0, 0x78, "slli    a0, a1, 0x3f" },
	{ 0x8105, 0x00155513, 0x7c, "srli    a0, a0, 0x1" },
	{ 0x4205d513, 0, 0x80, "srai    a0, a1, 0x20" },
	{ 0x952e, 0x00b50533, 0x84, "add     a0, a0, a1" },
	{ 0x8c05, 0x40940433, 0x88, "sub     s0, s0, s1" },
	{ 0x00c59533, 0, 0x8c, "sll     a0, a1, a2" },
	{ 0x00c5a533, 0, 0x90, "slt     a0, a1, a2" },
	{ 0x00c5b533, 0, 0x94, "sltu    a0, a1, a2" },
	{ 0x8cbd, 0x00f4c4b3, 0x98, "xor     s1, s1, a5" },
	{ 0x00c5d533, 0, 0x9c, "srl     a0, a1, a2" },
	{ 0x40c5d533, 0, 0xa0, "sra     a0, a1, a2" },
	{ 0x8f5d, 0x00f76733, 0xa4, "or      a4, a4, a5" },
	{ 0x8d6d, 0x00b57533, 0xa8, "and     a0, a0, a1" },
	{ 0x357d, 0xfff5051b, 0xac, "addiw   a0, a0, -1" },
	{ 0x01f5951b, 0, 0xb0, "slliw   a0, a1, 0x1f" },
	{ 0x0015d51b, 0, 0xb4, "srliw   a0, a1, 0x1" },
	{ 0x41f5d51b, 0, 0xb8, "sraiw   a0, a1, 0x1f" },
	{ 0x9d2d, 0x00b5053b, 0xbc, "addw    a0, a0, a1" },
	{ 0x9c1d, 0x40f4043b, 0xc0, "subw    s0, s0, a5" },
	{ 0x00c5953b, 0, 0xc4, "sllw    a0, a1, a2" },
	{ 0x00c5d53b, 0, 0xc8, "srlw    a0, a1, a2" },
	{ 0x40c5d53b, 0, 0xcc, "sraw    a0, a1, a2" },
	{ 0x0ff0000f, 0, 0xd0, "fence   iorw, iorw" },
	{ 0x0310000f, 0, 0xd4, "fence   rw, w" },
	{ 0x8330000f, 0, 0xd8, "fence.tso" },
	{ 0x0000100f, 0, 0xdc, "fence.i" },
	{ 0x00000073, 0, 0xe0, "ecall" },
	{ 0x9002, 0x00100073, 0xe4, "ebreak" },
	{ 0x30200073, 0, 0xe8, "mret" },
	{ 0x10200073, 0, 0xec, "sret" },
	{ 0x10500073, 0, 0xf0, "wfi" },
	{ 0x12b50073, 0, 0xf4, "sfence.vma a0, a1" },
	{ 0x12000073, 0, 0xf8, "sfence.vma zero, zero" },
	{ 0x30059573, 0, 0xfc, "csrrw   a0, mstatus, a1" },
	{ 0x34202573, 0, 0x100, "csrrs   a0, mcause, zero" },
	{ 0x3042b073, 0, 0x104, "csrrc   zero, mie, t0" },
	{ 0x3402d573, 0, 0x108, "csrrwi  a0, mscratch, 5" },
	{ 0x7c0fe573, 0, 0x10c, "csrrsi  a0, 0x7c0, 31" },
	{ 0x0030f573, 0, 0x110, "csrrci  a0, fcsr, 1" },
	{ 0x1805a573, 0, 0x114, "csrrs   a0, satp, a1" },
	{ 0x02c58533, 0, 0x118, "mul     a0, a1, a2" },
	{ 0x02c59533, 0, 0x11c, "mulh    a0, a1, a2" },
	{ 0x02c5a533, 0, 0x120, "mulhsu  a0, a1, a2" },
	{ 0x02c5b533, 0, 0x124, "mulhu   a0, a1, a2" },
	{ 0x02c5c533, 0, 0x128, "div     a0, a1, a2" },
	{ 0x02c5d533, 0, 0x12c, "divu    a0, a1, a2" },
	{ 0x02c5e533, 0, 0x130, "rem     a0, a1, a2" },
	{ 0x02c5f533, 0, 0x134, "remu    a0, a1, a2" },
	{ 0x02c5853b, 0, 0x138, "mulw    a0, a1, a2" },
	{ 0x02c5c53b, 0, 0x13c, "divw    a0, a1, a2" },
	{ 0x02c5d53b, 0, 0x140, "divuw   a0, a1, a2" },
	{ 0x02c5e53b, 0, 0x144, "remw    a0, a1, a2" },
	{ 0x02c5f53b, 0, 0x148, "remuw   a0, a1, a2" },
	{ 0x1005a52f, 0, 0x14c, "lr.w    a0, (a1)" },
	{ 0x18b6252f, 0, 0x150, "sc.w    a0, a1, (a2)" },
	{ 0x0cb6252f, 0, 0x154, "amoswap.w.aq a0, a1, (a2)" },
	{ 0x00b6252f, 0, 0x158, "amoadd.w a0, a1, (a2)" },
	{ 0x22b6252f, 0, 0x15c, "amoxor.w.rl a0, a1, (a2)" },
	{ 0x60b6252f, 0, 0x160, "amoand.w a0, a1, (a2)" },
	{ 0x40b6252f, 0, 0x164, "amoor.w a0, a1, (a2)" },
	{ 0x80b6252f, 0, 0x168, "amomin.w a0, a1, (a2)" },
	{ 0xa0b6252f, 0, 0x16c, "amomax.w a0, a1, (a2)" },
	{ 0xc0b6252f, 0, 0x170, "amominu.w a0, a1, (a2)" },
	{ 0xe6b6252f, 0, 0x174, "amomaxu.w.aqrl a0, a1, (a2)" },
	{ 0x1605b52f, 0, 0x178, "lr.d.aqrl a0, (a1)" },
	{ 0x1ab6352f, 0, 0x17c, "sc.d.rl a0, a1, (a2)" },
	{ 0x08b6352f, 0, 0x180, "amoswap.d a0, a1, (a2)" },
	{ 0x00b6352f, 0, 0x184, "amoadd.d a0, a1, (a2)" },
	{ 0x20b6352f, 0, 0x188, "amoxor.d a0, a1, (a2)" },
	{ 0x60b6352f, 0, 0x18c, "amoand.d a0, a1, (a2)" },
	{ 0x40b6352f, 0, 0x190, "amoor.d a0, a1, (a2)" },
	{ 0x80b6352f, 0, 0x194, "amomin.d a0, a1, (a2)" },
	{ 0xa0b6352f, 0, 0x198, "amomax.d a0, a1, (a2)" },
	{ 0xc0b6352f, 0, 0x19c, "amominu.d a0, a1, (a2)" },
	{ 0xe0b6352f, 0, 0x1a0, "amomaxu.d a0, a1, (a2)" },
	{ 0xffc12407, 0, 0x1a4, "flw     fs0, -4(sp)" },
	{ 0x00a5a227, 0, 0x1a8, "fsw     fa0, 4(a1)" },
	{ 0x68c5f543, 0, 0x1ac, "fmadd.s fa0, fa1, fa2, fa3" },
	{ 0x68c59547, 0, 0x1b0, "fmsub.s fa0, fa1, fa2, fa3, rtz" },
	{ 0x1820f04b, 0, 0x1b4, "fnmsub.s ft0, ft1, ft2, ft3" },
	{ 0xe9efcdcf, 0, 0x1b8, "fnmadd.s fs11, ft11, ft10, ft9, rmm" },
	{ 0x00c5f553, 0, 0x1bc, "fadd.s  fa0, fa1, fa2" },
	{ 0x08c5a553, 0, 0x1c0, "fsub.s  fa0, fa1, fa2, rdn" },
	{ 0x10c5f553, 0, 0x1c4, "fmul.s  fa0, fa1, fa2" },
	{ 0x18c5b553, 0, 0x1c8, "fdiv.s  fa0, fa1, fa2, rup" },
	{ 0x5805f553, 0, 0x1cc, "fsqrt.s fa0, fa1" },
	{ 0x20c58553, 0, 0x1d0, "fsgnj.s fa0, fa1, fa2" },
	{ 0x20c59553, 0, 0x1d4, "fsgnjn.s fa0, fa1, fa2" },
	{ 0x20c5a553, 0, 0x1d8, "fsgnjx.s fa0, fa1, fa2" },
	{ 0x28c58553, 0, 0x1dc, "fmin.s  fa0, fa1, fa2" },
	{ 0x28c59553, 0, 0x1e0, "fmax.s  fa0, fa1, fa2" },
	{ 0xc0059553, 0, 0x1e4, "fcvt.w.s a0, fa1, rtz" },
	{ 0xc015f553, 0, 0x1e8, "fcvt.wu.s a0, fa1" },
	{ 0xc025f553, 0, 0x1ec, "fcvt.l.s a0, fa1" },
	{ 0xc0358553, 0, 0x1f0, "fcvt.lu.s a0, fa1, rne" },
	{ 0xe0058553, 0, 0x1f4, "fmv.x.w a0, fa1" },
	{ 0xa0c5a553, 0, 0x1f8, "feq.s   a0, fa1, fa2" },
	{ 0xa0c59553, 0, 0x1fc, "flt.s   a0, fa1, fa2" },
	{ 0xa0c58553, 0, 0x200, "fle.s   a0, fa1, fa2" },
	{ 0xe0059553, 0, 0x204, "fclass.s a0, fa1" },
	{ 0xd005f553, 0, 0x208, "fcvt.s.w fa0, a1" },
	{ 0xd0159553, 0, 0x20c, "fcvt.s.wu fa0, a1, rtz" },
	{ 0xd025f553, 0, 0x210, "fcvt.s.l fa0, a1" },
	{ 0xd035f553, 0, 0x214, "fcvt.s.lu fa0, a1" },
	{ 0xf0058553, 0, 0x218, "fmv.w.x fa0, a1" },
	{ 0x2522, 0x00813507, 0x21c, "fld     fa0, 8(sp)" },
	{ 0x7fb13c27, 0, 0x220, "fsd     fs11, 2040(sp)" },
	{ 0x6ac5f543, 0, 0x224, "fmadd.d fa0, fa1, fa2, fa3" },
	{ 0x6ac5f547, 0, 0x228, "fmsub.d fa0, fa1, fa2, fa3" },
	{ 0x6ac5f54b, 0, 0x22c, "fnmsub.d fa0, fa1, fa2, fa3" },
	{ 0x6ac5f54f, 0, 0x230, "fnmadd.d fa0, fa1, fa2, fa3" },
	{ 0x02c58553, 0, 0x234, "fadd.d  fa0, fa1, fa2, rne" },
	{ 0x0ac5f553, 0, 0x238, "fsub.d  fa0, fa1, fa2" },
	{ 0x12c5f553, 0, 0x23c, "fmul.d  fa0, fa1, fa2" },
	{ 0x1ac5f553, 0, 0x240, "fdiv.d  fa0, fa1, fa2" },
	{ 0x5a059553, 0, 0x244, "fsqrt.d fa0, fa1, rtz" },
	{ 0x22c58553, 0, 0x248, "fsgnj.d fa0, fa1, fa2" },
	{ 0x22c59553, 0, 0x24c, "fsgnjn.d fa0, fa1, fa2" },
	{ 0x22c5a553, 0, 0x250, "fsgnjx.d fa0, fa1, fa2" },
	{ 0x2ac58553, 0, 0x254, "fmin.d  fa0, fa1, fa2" },
	{ 0x2ac59553, 0, 0x258, "fmax.d  fa0, fa1, fa2" },
	{ 0x4015f553, 0, 0x25c, "fcvt.s.d fa0, fa1" },
	{ 0x42058553, 0, 0x260, "fcvt.d.s fa0, fa1" },
	{ 0xa2c5a553, 0, 0x264, "feq.d   a0, fa1, fa2" },
	{ 0xa2c59553, 0, 0x268, "flt.d   a0, fa1, fa2" },
	{ 0xa2c58553, 0, 0x26c, "fle.d   a0, fa1, fa2" },
	{ 0xe2059553, 0, 0x270, "fclass.d a0, fa1" },
	{ 0xc2059553, 0, 0x274, "fcvt.w.d a0, fa1, rtz" },
	{ 0xc215f553, 0, 0x278, "fcvt.wu.d a0, fa1" },
	{ 0xc225f553, 0, 0x27c, "fcvt.l.d a0, fa1" },
	{ 0xc235f553, 0, 0x280, "fcvt.lu.d a0, fa1" },
	{ 0xd2058553, 0, 0x284, "fcvt.d.w fa0, a1" },
	{ 0xd2158553, 0, 0x288, "fcvt.d.wu fa0, a1" },
	{ 0xd225f553, 0, 0x28c, "fcvt.d.l fa0, a1" },
	{ 0xd235b553, 0, 0x290, "fcvt.d.lu fa0, a1, rup" },
	{ 0xe2058553, 0, 0x294, "fmv.x.d a0, fa1" },
	{ 0xf2058553, 0, 0x298, "fmv.d.x fa0, a1" },
	{ 0x20c5a533, 0, 0x29c, "sh1add  a0, a1, a2" },
	{ 0x20c5c533, 0, 0x2a0, "sh2add  a0, a1, a2" },
	{ 0x20c5e533, 0, 0x2a4, "sh3add  a0, a1, a2" },
	{ 0x08c5853b, 0, 0x2a8, "add.uw  a0, a1, a2" },
	{ 0x20c5a53b, 0, 0x2ac, "sh1add.uw a0, a1, a2" },
	{ 0x20c5c53b, 0, 0x2b0, "sh2add.uw a0, a1, a2" },
	{ 0x20c5e53b, 0, 0x2b4, "sh3add.uw a0, a1, a2" },
	{ 0x0855951b, 0, 0x2b8, "slli.uw a0, a1, 0x5" },
	{ 0x40c5f533, 0, 0x2bc, "andn    a0, a1, a2" },
	{ 0x40c5e533, 0, 0x2c0, "orn     a0, a1, a2" },
	{ 0x40c5c533, 0, 0x2c4, "xnor    a0, a1, a2" },
	{ 0x60059513, 0, 0x2c8, "clz     a0, a1" },
	{ 0x60159513, 0, 0x2cc, "ctz     a0, a1" },
	{ 0x60259513, 0, 0x2d0, "cpop    a0, a1" },
	{ 0x60459513, 0, 0x2d4, "sext.b  a0, a1" },
	{ 0x60559513, 0, 0x2d8, "sext.h  a0, a1" },
	{ 0x6005951b, 0, 0x2dc, "clzw    a0, a1" },
	{ 0x6015951b, 0, 0x2e0, "ctzw    a0, a1" },
	{ 0x6025951b, 0, 0x2e4, "cpopw   a0, a1" },
	{ 0x0ac5e533, 0, 0x2e8, "max     a0, a1, a2" },
	{ 0x0ac5f533, 0, 0x2ec, "maxu    a0, a1, a2" },
	{ 0x0ac5c533, 0, 0x2f0, "min     a0, a1, a2" },
	{ 0x0ac5d533, 0, 0x2f4, "minu    a0, a1, a2" },
	{ 0x0805c53b, 0, 0x2f8, "zext.h  a0, a1" },
	{ 0x60c59533, 0, 0x2fc, "rol     a0, a1, a2" },
	{ 0x60c5d533, 0, 0x300, "ror     a0, a1, a2" },
	{ 0x60c5953b, 0, 0x304, "rolw    a0, a1, a2" },
	{ 0x60c5d53b, 0, 0x308, "rorw    a0, a1, a2" },
	{ 0x63f5d513, 0, 0x30c, "rori    a0, a1, 0x3f" },
	{ 0x61f5d51b, 0, 0x310, "roriw   a0, a1, 0x1f" },
	{ 0x2875d513, 0, 0x314, "orc.b   a0, a1" },
	{ 0x6b85d513, 0, 0x318, "rev8    a0, a1" },
	{ 0x48c59533, 0, 0x31c, "bclr    a0, a1, a2" },
	{ 0x48c5d533, 0, 0x320, "bext    a0, a1, a2" },
	{ 0x68c59533, 0, 0x324, "binv    a0, a1, a2" },
	{ 0x28c59533, 0, 0x328, "bset    a0, a1, a2" },
	{ 0x4bf59513, 0, 0x32c, "bclri   a0, a1, 0x3f" },
	{ 0x4845d513, 0, 0x330, "bexti   a0, a1, 0x4" },
	{ 0x68059513, 0, 0x334, "binvi   a0, a1, 0x0" },
	{ 0x2a859513, 0, 0x338, "bseti   a0, a1, 0x28" },
	{ 0x1fe8, 0x3fc10513, 0x33c, "addi    a0, sp, 1020" },
	{ 0x0044, 0x00410493, 0x340, "addi    s1, sp, 4" },
	{ 0x3d7c, 0x0f853787, 0x344, "fld     fa5, 248(a0)" },
	{ 0x5f7c, 0x07c72783, 0x348, "lw      a5, 124(a4)" },
	{ 0x7fe0, 0x0f87b403, 0x34c, "ld      s0, 248(a5)" },
	{ 0xa098, 0x00e4b027, 0x350, "fsd     fa4, 0(s1)" },
	{ 0xc234, 0x04d62023, 0x354, "sw      a3, 64(a2)" },
	{ 0xe050, 0x08c43023, 0x358, "sd      a2, 128(s0)" },
	{ 0x0001, 0x00000013, 0x35c, "addi    zero, zero, 0" },
	{ 0x1501, 0xfe050513, 0x360, "addi    a0, a0, -32" },
	{ 0x02fd, 0x01f28293, 0x364, "addi    t0, t0, 31" },
	{ 0x37fd, 0xfff7879b, 0x368, "addiw   a5, a5, -1" },
	{ 0x5501, 0xfe000513, 0x36c, "addi    a0, zero, -32" },
	{ 0x7101, 0xe0010113, 0x370, "addi    sp, sp, -512" },
	{ 0x617d, 0x1f010113, 0x374, "addi    sp, sp, 496" },
	{ 0x7781, 0xfffe07b7, 0x378, "lui     a5, 0xfffe0" },
	{ 0x637d, 0x0001f337, 0x37c, "lui     t1, 0x1f" },
	{ 0x90fd, 0x03f4d493, 0x380, "srli    s1, s1, 0x3f" },
	{ 0x8505, 0x40155513, 0x384, "srai    a0, a0, 0x1" },
	{ 0x9b81, 0xfe07f793, 0x388, "andi    a5, a5, -32" },
	{ 0x8c1d, 0x40f40433, 0x38c, "sub     s0, s0, a5" },
	{ 0x8d2d, 0x00b54533, 0x390, "xor     a0, a0, a1" },
	{ 0x8f5d, 0x00f76733, 0x394, "or      a4, a4, a5" },
	{ 0x8cf1, 0x00c4f4b3, 0x398, "and     s1, s1, a2" },
	{ 0x9d0d, 0x40b5053b, 0x39c, "subw    a0, a0, a1" },
	{ 0x9fb9, 0x00e787bb, 0x3a0, "addw    a5, a5, a4" },
	{ 0x7fe0006f, 0, 0x3a4, "jal     zero, 0xba2" },
	{ 0x801ff06f, 0, 0x3a8, "jal     zero, 0xfffffffffffffba8" },
	{ 0xcc7d, 0x0e040f63, 0x3ac, "beq     s0, zero, 0x4aa" },
	{ 0xf381, 0xf00790e3, 0x3b0, "bne     a5, zero, 0x2b0" },
	{ 0x1ffe, 0x03ff9f93, 0x3b4, "slli    t6, t6, 0x3f" },
	{ 0x307e, 0x1f813007, 0x3b8, "fld     ft0, 504(sp)" },
	{ 0x50fe, 0x0fc12083, 0x3bc, "lw      ra, 252(sp)" },
	{ 0x7dfe, 0x1f813d83, 0x3c0, "ld      s11, 504(sp)" },
	{ 0x00008067, 0, 0x3c4, "jalr    zero, 0(ra)" },
	{ 0x857e, 0x01f00533, 0x3c8, "add     a0, zero, t6" },
	{ 0x9002, 0x00100073, 0x3cc, "ebreak" },
	{ 0x000780e7, 0, 0x3d0, "jalr    ra, 0(a5)" },
	{ 0x942a, 0x00a40433, 0x3d4, "add     s0, s0, a0" },
	{ 0xbfa2, 0x1e813c27, 0x3d8, "fsd     fs0, 504(sp)" },
	{ 0xdfaa, 0x0ea12e23, 0x3dc, "sw      a0, 252(sp)" },
	{ 0xe006, 0x00113023, 0x3e0, "sd      ra, 0(sp)" },
	{ 0xaffd, 0x7fe0006f, 0x0, "jal     zero, 0x7fe" },
	{ 0xb001, 0x801ff06f, 0x4, "jal     zero, 0xfffffffffffff804" },
	{ 0xa009, 0x0020006f, 0x8, "jal     zero, 0xa" },
	{ 0x8082, 0x00008067, 0xc, "jalr    zero, 0(ra)" },
	{ 0x9782, 0x000780e7, 0x10, "jalr    ra, 0(a5)" },
	{ 0x0001, 0x00000013, 0x14, "addi    zero, zero, 0" },
	{ 0x857e, 0x01f00533, 0x18, "add     a0, zero, t6" },
	{ 0x005c, 0x00410793, 0x1c, "addi    a5, sp, 4" },
};

static void test_decode_matches_objdump(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct insn in;
		char text[96];

		if (insn_decode(c->raw, &in) != 0)
			fail_msg("0x%08x (%s) did not decode", c->raw, c->text);
		insn_disasm(&in, c->pc, text, sizeof(text));
		if (strcmp(text, c->text))
			fail_msg("0x%08x: got \"%s\", want \"%s\"", c->raw, text, c->text);
		assert_int_equal(in.raw, c->raw);
		assert_int_equal(in.len, c->expanded ? 2 : 4);
	}
}

/* A compressed parcel decodes to exactly what its 32-bit expansion decodes to. */
static void test_compressed_equals_expansion(void **state)
{
	size_t i, checked = 0;

	(void)state;
	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct insn in16, in32;
		uint32_t word;

		if (!c->expanded)
			continue;
		assert_int_equal(insn_expand_compressed(c->raw, &word), 0);
		assert_int_equal(insn_decode(c->raw, &in16), 0);
		assert_int_equal(insn_decode(c->expanded, &in32), 0);
		if (in16.op != in32.op || in16.rd != in32.rd || in16.rs1 != in32.rs1 ||
		    in16.rs2 != in32.rs2 || in16.imm != in32.imm)
			fail_msg("0x%04x expands to 0x%08x, want 0x%08x", c->raw, word,
				 c->expanded);
		checked++;
	}
	assert_true(checked > 50);
}

static const uint32_t illegal_encodings[] = {
	0x0000,	    /* all-zero parcel (c.addi4spn, nzuimm = 0) */
	0x0004,	    /* c.addi4spn a1, sp, 0 */
	0x8000,	    /* quadrant 0, funct3 = 100: reserved */
	0x2001,	    /* c.addiw with rd = 0 */
	0x6101,	    /* c.addi16sp with nzimm = 0 */
	0x6081,	    /* c.lui ra, 0 */
	0x9c41,	    /* quadrant 1 funct3 = 100, bit 12, funct2 = 10: reserved */
	0x9c61,	    /* ... funct2 = 11: reserved */
	0x8002,	    /* c.jr zero */
	0x4002,	    /* c.lwsp zero */
	0x6002,	    /* c.ldsp zero */
	0xffffffff, /* 48+-bit encoding space */
	0x0000007f,
	0x0c000033,		    /* OP with funct7 = 0x06 */
	0x04000053,		    /* fadd.q: Q is not implemented */
	0x06000043,		    /* fmadd.q */
	0x00004073,		    /* SYSTEM funct3 = 4 */
	0x0000402f,		    /* AMO funct3 = 4 */
	0x1015a52f,		    /* lr.w with rs2 != 0 */
	0x0200151b,		    /* slliw with shamt[5] set */
	0x6b905013,		    /* rev8 with a wrong imm */
	0x0815453b,		    /* zext.h with rs2 != 0 */
	0x30200173,		    /* mret with rd != 0 */
	0x00000073 | (1u << 7),	    /* ecall with rd != 0 */
	0x0000302f | (0x14u << 27), /* AMO funct5 = 0x14 with funct3 = 3 is amomax.d: legal */
};

static void test_illegal_encodings(void **state)
{
	size_t i, n = sizeof(illegal_encodings) / sizeof(illegal_encodings[0]);
	struct insn in;

	(void)state;
	/* the last entry is a legal control sample */
	for (i = 0; i + 1 < n; i++)
		if (insn_decode(illegal_encodings[i], &in) != -EINVAL)
			fail_msg("0x%08x decoded as %s", illegal_encodings[i],
				 insn_table[in.op].name);
	assert_int_equal(insn_decode(illegal_encodings[n - 1], &in), 0);
	assert_int_equal(in.op, OP_AMOMAX_D);
}

/*
 * GNU objdump 2.40 accepts 46744 of the 49152 16-bit parcels; 0x6101
 * (c.addi16sp with nzimm = 0) is reserved by the spec, so we accept one fewer.
 */
static void test_compressed_space(void **state)
{
	unsigned p, legal = 0;
	struct insn in;

	(void)state;
	for (p = 0; p < 0x10000; p++) {
		if ((p & 3) == 3)
			continue;
		if (insn_decode(p, &in) == 0) {
			legal++;
			assert_int_equal(in.len, 2);
			assert_int_equal(in.raw, p);
		}
	}
	assert_int_equal(legal, 46743);
}

/* No encoding matches two rows, and every match lies inside its mask. */
static void test_table_is_unambiguous(void **state)
{
	unsigned a, b;

	(void)state;
	for (a = 0; a < OP_COUNT; a++) {
		const struct insn_desc *da = &insn_table[a];

		assert_non_null(da->name);
		assert_int_equal(da->match & ~da->mask, 0);
		assert_int_equal(da->match & 3, 3);
		for (b = a + 1; b < OP_COUNT; b++) {
			const struct insn_desc *db = &insn_table[b];

			if (((da->match ^ db->match) & da->mask & db->mask) == 0)
				fail_msg("%s and %s overlap", da->name, db->name);
		}
	}
}

/* Each row's own match pattern decodes back to that row. */
static void test_every_row_decodes(void **state)
{
	unsigned op;
	struct insn in;

	(void)state;
	for (op = 0; op < OP_COUNT; op++) {
		assert_int_equal(insn_decode(insn_table[op].match, &in), 0);
		if (in.op != op)
			fail_msg("%s decoded as %s", insn_table[op].name, insn_table[in.op].name);
	}
}

static void test_operand_fields(void **state)
{
	struct insn in;

	(void)state;
	/* csrrsi a0, 0x7c0, 31 */
	assert_int_equal(insn_decode(0x7c0fe573, &in), 0);
	assert_int_equal(in.csr, 0x7c0);
	assert_int_equal(in.imm, 31);
	/* amomaxu.w.aqrl a0, a1, (a2) */
	assert_int_equal(insn_decode(0xe6b6252f, &in), 0);
	assert_int_equal(in.aqrl, 3);
	/* fnmadd.s fs11, ft11, ft10, ft9, rmm */
	assert_int_equal(insn_decode(0xe9efcdcf, &in), 0);
	assert_int_equal(in.op, OP_FNMADD_S);
	assert_int_equal(in.rs3, 29);
	assert_int_equal(in.rm, 4);
	assert_true(insn_writes_freg(&in));
	assert_false(insn_writes_xreg(&in));
	/* sd ra, 8(sp) writes no register */
	assert_int_equal(insn_decode(0x00113423, &in), 0);
	assert_false(insn_writes_xreg(&in));
	assert_false(insn_writes_freg(&in));
}

static void test_disasm_truncates(void **state)
{
	struct insn in;
	char buf[6];
	int n;

	(void)state;
	assert_int_equal(insn_decode(0xff010113, &in), 0); /* addi sp, sp, -16 */
	n = insn_disasm(&in, 0, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen("addi    sp, sp, -16"));
	assert_string_equal(buf, "addi ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_matches_objdump),
		cmocka_unit_test(test_compressed_equals_expansion),
		cmocka_unit_test(test_illegal_encodings),
		cmocka_unit_test(test_compressed_space),
		cmocka_unit_test(test_table_is_unambiguous),
		cmocka_unit_test(test_every_row_decodes),
		cmocka_unit_test(test_operand_fields),
		cmocka_unit_test(test_disasm_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
