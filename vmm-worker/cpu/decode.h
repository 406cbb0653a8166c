/*
 * decode.h - the one RV64GC (+ Zba/Zbb/Zbs, Zicsr, Zifencei, privileged)
 * instruction table, the decoder and the disassembler.
 *
 * INSN_LIST below is the single description of every instruction. It
 * generates the op enum, the decoder's table (decode.c), the disassembler's
 * names and operand layout (disasm.c) and the interpreter's exec table
 * (interp.c), so none of them can drift from the others: an op without an
 * exec function does not compile.
 *
 * Trace format (cpu->trace, printed by interp.c to stderr, one line per
 * instruction, one fprintf per line):
 *
 *   <hart> <pc: 16 hex digits> (<raw: 8 hex digits, or 4 if compressed>) <disassembly>
 *
 * followed, for a retired instruction that wrote a register, by two spaces
 * and "x<n>=0x<16 hex digits>" (integer rd != 0) or "f<n>=0x<16 hex digits>";
 * for an instruction that trapped, by two spaces and
 * "trap cause=<decimal> tval=0x<hex>". A fetch fault prints "(fetch)" in
 * place of the raw bits and no disassembly; an illegal encoding prints
 * "illegal". An interrupt taken before an instruction prints
 * "<hart> <pc> interrupt cause=<decimal>".
 */
#ifndef VMM_CPU_DECODE_H
#define VMM_CPU_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Operand layouts: how the decoder extracts operands, how disasm prints them. */
enum insn_format {
	INSN_FMT_NONE,	   /* ecall, mret, fence.i, ... */
	INSN_FMT_R,	   /* rd, rs1, rs2 */
	INSN_FMT_R1,	   /* rd, rs1 (clz, sext.b, rev8, ...) */
	INSN_FMT_I,	   /* rd, rs1, simm12 */
	INSN_FMT_SHIFT,	   /* rd, rs1, shamt (bits 25:20) */
	INSN_FMT_LOAD,	   /* rd, simm12(rs1) */
	INSN_FMT_STORE,	   /* rs2, simm12(rs1) */
	INSN_FMT_BRANCH,   /* rs1, rs2, pc + simm13 */
	INSN_FMT_U,	   /* rd, imm20 << 12 */
	INSN_FMT_JAL,	   /* rd, pc + simm21 */
	INSN_FMT_JALR,	   /* rd, simm12(rs1) */
	INSN_FMT_FENCE,	   /* pred, succ; imm = bits 31:20 */
	INSN_FMT_CSR,	   /* rd, csr, rs1 */
	INSN_FMT_CSRI,	   /* rd, csr, uimm5 (in imm) */
	INSN_FMT_LR,	   /* rd, (rs1) */
	INSN_FMT_AMO,	   /* rd, rs2, (rs1) */
	INSN_FMT_SFENCE,   /* rs1, rs2 */
	INSN_FMT_FLOAD,	   /* fd, simm12(rs1) */
	INSN_FMT_FSTORE,   /* fs2, simm12(rs1) */
	INSN_FMT_F_RRR_RM, /* fd, fs1, fs2, rm */
	INSN_FMT_F_RRR,	   /* fd, fs1, fs2 */
	INSN_FMT_F_R4,	   /* fd, fs1, fs2, fs3, rm */
	INSN_FMT_F_RR_RM,  /* fd, fs1, rm */
	INSN_FMT_F_RR,	   /* fd, fs1 (exact conversions: rm not printed) */
	INSN_FMT_F_CMP,	   /* xd, fs1, fs2 */
	INSN_FMT_F_XF_RM,  /* xd, fs1, rm */
	INSN_FMT_F_XF,	   /* xd, fs1 */
	INSN_FMT_F_FX_RM,  /* fd, xs1, rm */
	INSN_FMT_F_FX,	   /* fd, xs1 */
};

/* Masks: which bits identify an instruction. */
#define INSN_MASK_OPC 0x0000007fu    /* opcode */
#define INSN_MASK_F3 0x0000707fu     /* + funct3 */
#define INSN_MASK_R 0xfe00707fu	     /* + funct7 */
#define INSN_MASK_SH64 0xfc00707fu   /* + funct6 (6-bit shamt) */
#define INSN_MASK_R_RS2 0xfff0707fu  /* + funct7, rs2 */
#define INSN_MASK_FP 0xfe00007fu     /* funct7, opcode; rm free */
#define INSN_MASK_FP_RS2 0xfff0007fu /* funct7, rs2, opcode; rm free */
#define INSN_MASK_R4 0x0600007fu     /* fmt, opcode */
#define INSN_MASK_AMO 0xf800707fu    /* funct5, funct3, opcode; aq/rl free */
#define INSN_MASK_LR 0xf9f0707fu     /* + rs2 = 0 */
#define INSN_MASK_SFENCE 0xfe007fffu
#define INSN_MASK_ALL 0xffffffffu

/* Match values built from the fields. */
#define INSN_ENC(opc, f3, f7) ((uint32_t)(opc) | ((uint32_t)(f3) << 12) | ((uint32_t)(f7) << 25))
#define INSN_ENC_RS2(opc, f3, f7, rs2) (INSN_ENC(opc, f3, f7) | ((uint32_t)(rs2) << 20))
#define INSN_ENC_SH64(opc, f3, f6) INSN_ENC(opc, f3, (f6) << 1)
#define INSN_ENC_AMO(f3, f5) INSN_ENC(0x2f, f3, (f5) << 2)
#define INSN_ENC_R4(opc, fmt) INSN_ENC(opc, 0, fmt)

/*
 * X(ENUM_ID, function_id, "mnemonic", mask, match, format)
 * ENUM_ID names the op (OP_ENUM_ID); function_id names its exec function.
 */
#define INSN_LIST(X) \
	/* RV64I */ \
	X(LUI, lui, "lui", INSN_MASK_OPC, 0x37, INSN_FMT_U) \
	X(AUIPC, auipc, "auipc", INSN_MASK_OPC, 0x17, INSN_FMT_U) \
	X(JAL, jal, "jal", INSN_MASK_OPC, 0x6f, INSN_FMT_JAL) \
	X(JALR, jalr, "jalr", INSN_MASK_F3, INSN_ENC(0x67, 0, 0), INSN_FMT_JALR) \
	X(BEQ, beq, "beq", INSN_MASK_F3, INSN_ENC(0x63, 0, 0), INSN_FMT_BRANCH) \
	X(BNE, bne, "bne", INSN_MASK_F3, INSN_ENC(0x63, 1, 0), INSN_FMT_BRANCH) \
	X(BLT, blt, "blt", INSN_MASK_F3, INSN_ENC(0x63, 4, 0), INSN_FMT_BRANCH) \
	X(BGE, bge, "bge", INSN_MASK_F3, INSN_ENC(0x63, 5, 0), INSN_FMT_BRANCH) \
	X(BLTU, bltu, "bltu", INSN_MASK_F3, INSN_ENC(0x63, 6, 0), INSN_FMT_BRANCH) \
	X(BGEU, bgeu, "bgeu", INSN_MASK_F3, INSN_ENC(0x63, 7, 0), INSN_FMT_BRANCH) \
	X(LB, lb, "lb", INSN_MASK_F3, INSN_ENC(0x03, 0, 0), INSN_FMT_LOAD) \
	X(LH, lh, "lh", INSN_MASK_F3, INSN_ENC(0x03, 1, 0), INSN_FMT_LOAD) \
	X(LW, lw, "lw", INSN_MASK_F3, INSN_ENC(0x03, 2, 0), INSN_FMT_LOAD) \
	X(LD, ld, "ld", INSN_MASK_F3, INSN_ENC(0x03, 3, 0), INSN_FMT_LOAD) \
	X(LBU, lbu, "lbu", INSN_MASK_F3, INSN_ENC(0x03, 4, 0), INSN_FMT_LOAD) \
	X(LHU, lhu, "lhu", INSN_MASK_F3, INSN_ENC(0x03, 5, 0), INSN_FMT_LOAD) \
	X(LWU, lwu, "lwu", INSN_MASK_F3, INSN_ENC(0x03, 6, 0), INSN_FMT_LOAD) \
	X(SB, sb, "sb", INSN_MASK_F3, INSN_ENC(0x23, 0, 0), INSN_FMT_STORE) \
	X(SH, sh, "sh", INSN_MASK_F3, INSN_ENC(0x23, 1, 0), INSN_FMT_STORE) \
	X(SW, sw, "sw", INSN_MASK_F3, INSN_ENC(0x23, 2, 0), INSN_FMT_STORE) \
	X(SD, sd, "sd", INSN_MASK_F3, INSN_ENC(0x23, 3, 0), INSN_FMT_STORE) \
	X(ADDI, addi, "addi", INSN_MASK_F3, INSN_ENC(0x13, 0, 0), INSN_FMT_I) \
	X(SLTI, slti, "slti", INSN_MASK_F3, INSN_ENC(0x13, 2, 0), INSN_FMT_I) \
	X(SLTIU, sltiu, "sltiu", INSN_MASK_F3, INSN_ENC(0x13, 3, 0), INSN_FMT_I) \
	X(XORI, xori, "xori", INSN_MASK_F3, INSN_ENC(0x13, 4, 0), INSN_FMT_I) \
	X(ORI, ori, "ori", INSN_MASK_F3, INSN_ENC(0x13, 6, 0), INSN_FMT_I) \
	X(ANDI, andi, "andi", INSN_MASK_F3, INSN_ENC(0x13, 7, 0), INSN_FMT_I) \
	X(SLLI, slli, "slli", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 1, 0x00), INSN_FMT_SHIFT) \
	X(SRLI, srli, "srli", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 5, 0x00), INSN_FMT_SHIFT) \
	X(SRAI, srai, "srai", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 5, 0x10), INSN_FMT_SHIFT) \
	X(ADD, add, "add", INSN_MASK_R, INSN_ENC(0x33, 0, 0x00), INSN_FMT_R) \
	X(SUB, sub, "sub", INSN_MASK_R, INSN_ENC(0x33, 0, 0x20), INSN_FMT_R) \
	X(SLL, sll, "sll", INSN_MASK_R, INSN_ENC(0x33, 1, 0x00), INSN_FMT_R) \
	X(SLT, slt, "slt", INSN_MASK_R, INSN_ENC(0x33, 2, 0x00), INSN_FMT_R) \
	X(SLTU, sltu, "sltu", INSN_MASK_R, INSN_ENC(0x33, 3, 0x00), INSN_FMT_R) \
	X(XOR, xor, "xor", INSN_MASK_R, INSN_ENC(0x33, 4, 0x00), INSN_FMT_R) \
	X(SRL, srl, "srl", INSN_MASK_R, INSN_ENC(0x33, 5, 0x00), INSN_FMT_R) \
	X(SRA, sra, "sra", INSN_MASK_R, INSN_ENC(0x33, 5, 0x20), INSN_FMT_R) \
	X(OR, or, "or", INSN_MASK_R, INSN_ENC(0x33, 6, 0x00), INSN_FMT_R) \
	X(AND, and, "and", INSN_MASK_R, INSN_ENC(0x33, 7, 0x00), INSN_FMT_R) \
	X(ADDIW, addiw, "addiw", INSN_MASK_F3, INSN_ENC(0x1b, 0, 0), INSN_FMT_I) \
	X(SLLIW, slliw, "slliw", INSN_MASK_R, INSN_ENC(0x1b, 1, 0x00), INSN_FMT_SHIFT) \
	X(SRLIW, srliw, "srliw", INSN_MASK_R, INSN_ENC(0x1b, 5, 0x00), INSN_FMT_SHIFT) \
	X(SRAIW, sraiw, "sraiw", INSN_MASK_R, INSN_ENC(0x1b, 5, 0x20), INSN_FMT_SHIFT) \
	X(ADDW, addw, "addw", INSN_MASK_R, INSN_ENC(0x3b, 0, 0x00), INSN_FMT_R) \
	X(SUBW, subw, "subw", INSN_MASK_R, INSN_ENC(0x3b, 0, 0x20), INSN_FMT_R) \
	X(SLLW, sllw, "sllw", INSN_MASK_R, INSN_ENC(0x3b, 1, 0x00), INSN_FMT_R) \
	X(SRLW, srlw, "srlw", INSN_MASK_R, INSN_ENC(0x3b, 5, 0x00), INSN_FMT_R) \
	X(SRAW, sraw, "sraw", INSN_MASK_R, INSN_ENC(0x3b, 5, 0x20), INSN_FMT_R) \
	/* fm, rs1 and rd of FENCE and the fields of FENCE.I are ignored by spec */ \
	X(FENCE, fence, "fence", INSN_MASK_F3, INSN_ENC(0x0f, 0, 0), INSN_FMT_FENCE) \
	X(FENCE_I, fence_i, "fence.i", INSN_MASK_F3, INSN_ENC(0x0f, 1, 0), INSN_FMT_NONE) \
	X(ECALL, ecall, "ecall", INSN_MASK_ALL, 0x00000073, INSN_FMT_NONE) \
	X(EBREAK, ebreak, "ebreak", INSN_MASK_ALL, 0x00100073, INSN_FMT_NONE) \
	/* Privileged */ \
	X(MRET, mret, "mret", INSN_MASK_ALL, 0x30200073, INSN_FMT_NONE) \
	X(SRET, sret, "sret", INSN_MASK_ALL, 0x10200073, INSN_FMT_NONE) \
	X(WFI, wfi, "wfi", INSN_MASK_ALL, 0x10500073, INSN_FMT_NONE) \
	X(SFENCE_VMA, sfence_vma, "sfence.vma", INSN_MASK_SFENCE, 0x12000073, INSN_FMT_SFENCE) \
	/* Zicsr */ \
	X(CSRRW, csrrw, "csrrw", INSN_MASK_F3, INSN_ENC(0x73, 1, 0), INSN_FMT_CSR) \
	X(CSRRS, csrrs, "csrrs", INSN_MASK_F3, INSN_ENC(0x73, 2, 0), INSN_FMT_CSR) \
	X(CSRRC, csrrc, "csrrc", INSN_MASK_F3, INSN_ENC(0x73, 3, 0), INSN_FMT_CSR) \
	X(CSRRWI, csrrwi, "csrrwi", INSN_MASK_F3, INSN_ENC(0x73, 5, 0), INSN_FMT_CSRI) \
	X(CSRRSI, csrrsi, "csrrsi", INSN_MASK_F3, INSN_ENC(0x73, 6, 0), INSN_FMT_CSRI) \
	X(CSRRCI, csrrci, "csrrci", INSN_MASK_F3, INSN_ENC(0x73, 7, 0), INSN_FMT_CSRI) \
	/* M */ \
	X(MUL, mul, "mul", INSN_MASK_R, INSN_ENC(0x33, 0, 0x01), INSN_FMT_R) \
	X(MULH, mulh, "mulh", INSN_MASK_R, INSN_ENC(0x33, 1, 0x01), INSN_FMT_R) \
	X(MULHSU, mulhsu, "mulhsu", INSN_MASK_R, INSN_ENC(0x33, 2, 0x01), INSN_FMT_R) \
	X(MULHU, mulhu, "mulhu", INSN_MASK_R, INSN_ENC(0x33, 3, 0x01), INSN_FMT_R) \
	X(DIV, div, "div", INSN_MASK_R, INSN_ENC(0x33, 4, 0x01), INSN_FMT_R) \
	X(DIVU, divu, "divu", INSN_MASK_R, INSN_ENC(0x33, 5, 0x01), INSN_FMT_R) \
	X(REM, rem, "rem", INSN_MASK_R, INSN_ENC(0x33, 6, 0x01), INSN_FMT_R) \
	X(REMU, remu, "remu", INSN_MASK_R, INSN_ENC(0x33, 7, 0x01), INSN_FMT_R) \
	X(MULW, mulw, "mulw", INSN_MASK_R, INSN_ENC(0x3b, 0, 0x01), INSN_FMT_R) \
	X(DIVW, divw, "divw", INSN_MASK_R, INSN_ENC(0x3b, 4, 0x01), INSN_FMT_R) \
	X(DIVUW, divuw, "divuw", INSN_MASK_R, INSN_ENC(0x3b, 5, 0x01), INSN_FMT_R) \
	X(REMW, remw, "remw", INSN_MASK_R, INSN_ENC(0x3b, 6, 0x01), INSN_FMT_R) \
	X(REMUW, remuw, "remuw", INSN_MASK_R, INSN_ENC(0x3b, 7, 0x01), INSN_FMT_R) \
	/* A */ \
	X(LR_W, lr_w, "lr.w", INSN_MASK_LR, INSN_ENC_AMO(2, 0x02), INSN_FMT_LR) \
	X(SC_W, sc_w, "sc.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x03), INSN_FMT_AMO) \
	X(AMOSWAP_W, amoswap_w, "amoswap.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x01), INSN_FMT_AMO) \
	X(AMOADD_W, amoadd_w, "amoadd.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x00), INSN_FMT_AMO) \
	X(AMOXOR_W, amoxor_w, "amoxor.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x04), INSN_FMT_AMO) \
	X(AMOAND_W, amoand_w, "amoand.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x0c), INSN_FMT_AMO) \
	X(AMOOR_W, amoor_w, "amoor.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x08), INSN_FMT_AMO) \
	X(AMOMIN_W, amomin_w, "amomin.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x10), INSN_FMT_AMO) \
	X(AMOMAX_W, amomax_w, "amomax.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x14), INSN_FMT_AMO) \
	X(AMOMINU_W, amominu_w, "amominu.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x18), INSN_FMT_AMO) \
	X(AMOMAXU_W, amomaxu_w, "amomaxu.w", INSN_MASK_AMO, INSN_ENC_AMO(2, 0x1c), INSN_FMT_AMO) \
	X(LR_D, lr_d, "lr.d", INSN_MASK_LR, INSN_ENC_AMO(3, 0x02), INSN_FMT_LR) \
	X(SC_D, sc_d, "sc.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x03), INSN_FMT_AMO) \
	X(AMOSWAP_D, amoswap_d, "amoswap.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x01), INSN_FMT_AMO) \
	X(AMOADD_D, amoadd_d, "amoadd.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x00), INSN_FMT_AMO) \
	X(AMOXOR_D, amoxor_d, "amoxor.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x04), INSN_FMT_AMO) \
	X(AMOAND_D, amoand_d, "amoand.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x0c), INSN_FMT_AMO) \
	X(AMOOR_D, amoor_d, "amoor.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x08), INSN_FMT_AMO) \
	X(AMOMIN_D, amomin_d, "amomin.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x10), INSN_FMT_AMO) \
	X(AMOMAX_D, amomax_d, "amomax.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x14), INSN_FMT_AMO) \
	X(AMOMINU_D, amominu_d, "amominu.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x18), INSN_FMT_AMO) \
	X(AMOMAXU_D, amomaxu_d, "amomaxu.d", INSN_MASK_AMO, INSN_ENC_AMO(3, 0x1c), INSN_FMT_AMO) \
	/* F */ \
	X(FLW, flw, "flw", INSN_MASK_F3, INSN_ENC(0x07, 2, 0), INSN_FMT_FLOAD) \
	X(FSW, fsw, "fsw", INSN_MASK_F3, INSN_ENC(0x27, 2, 0), INSN_FMT_FSTORE) \
	X(FMADD_S, fmadd_s, "fmadd.s", INSN_MASK_R4, INSN_ENC_R4(0x43, 0), INSN_FMT_F_R4) \
	X(FMSUB_S, fmsub_s, "fmsub.s", INSN_MASK_R4, INSN_ENC_R4(0x47, 0), INSN_FMT_F_R4) \
	X(FNMSUB_S, fnmsub_s, "fnmsub.s", INSN_MASK_R4, INSN_ENC_R4(0x4b, 0), INSN_FMT_F_R4) \
	X(FNMADD_S, fnmadd_s, "fnmadd.s", INSN_MASK_R4, INSN_ENC_R4(0x4f, 0), INSN_FMT_F_R4) \
	X(FADD_S, fadd_s, "fadd.s", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x00), INSN_FMT_F_RRR_RM) \
	X(FSUB_S, fsub_s, "fsub.s", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x04), INSN_FMT_F_RRR_RM) \
	X(FMUL_S, fmul_s, "fmul.s", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x08), INSN_FMT_F_RRR_RM) \
	X(FDIV_S, fdiv_s, "fdiv.s", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x0c), INSN_FMT_F_RRR_RM) \
	X(FSQRT_S, fsqrt_s, "fsqrt.s", INSN_MASK_FP_RS2, INSN_ENC(0x53, 0, 0x2c), \
	  INSN_FMT_F_RR_RM) \
	X(FSGNJ_S, fsgnj_s, "fsgnj.s", INSN_MASK_R, INSN_ENC(0x53, 0, 0x10), INSN_FMT_F_RRR) \
	X(FSGNJN_S, fsgnjn_s, "fsgnjn.s", INSN_MASK_R, INSN_ENC(0x53, 1, 0x10), INSN_FMT_F_RRR) \
	X(FSGNJX_S, fsgnjx_s, "fsgnjx.s", INSN_MASK_R, INSN_ENC(0x53, 2, 0x10), INSN_FMT_F_RRR) \
	X(FMIN_S, fmin_s, "fmin.s", INSN_MASK_R, INSN_ENC(0x53, 0, 0x14), INSN_FMT_F_RRR) \
	X(FMAX_S, fmax_s, "fmax.s", INSN_MASK_R, INSN_ENC(0x53, 1, 0x14), INSN_FMT_F_RRR) \
	X(FCVT_W_S, fcvt_w_s, "fcvt.w.s", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x60, 0), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_WU_S, fcvt_wu_s, "fcvt.wu.s", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x60, 1), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_L_S, fcvt_l_s, "fcvt.l.s", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x60, 2), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_LU_S, fcvt_lu_s, "fcvt.lu.s", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x60, 3), \
	  INSN_FMT_F_XF_RM) \
	X(FMV_X_W, fmv_x_w, "fmv.x.w", INSN_MASK_R_RS2, INSN_ENC(0x53, 0, 0x70), INSN_FMT_F_XF) \
	X(FEQ_S, feq_s, "feq.s", INSN_MASK_R, INSN_ENC(0x53, 2, 0x50), INSN_FMT_F_CMP) \
	X(FLT_S, flt_s, "flt.s", INSN_MASK_R, INSN_ENC(0x53, 1, 0x50), INSN_FMT_F_CMP) \
	X(FLE_S, fle_s, "fle.s", INSN_MASK_R, INSN_ENC(0x53, 0, 0x50), INSN_FMT_F_CMP) \
	X(FCLASS_S, fclass_s, "fclass.s", INSN_MASK_R_RS2, INSN_ENC(0x53, 1, 0x70), INSN_FMT_F_XF) \
	X(FCVT_S_W, fcvt_s_w, "fcvt.s.w", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x68, 0), \
	  INSN_FMT_F_FX_RM) \
	X(FCVT_S_WU, fcvt_s_wu, "fcvt.s.wu", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x68, 1), \
	  INSN_FMT_F_FX_RM) \
	X(FCVT_S_L, fcvt_s_l, "fcvt.s.l", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x68, 2), \
	  INSN_FMT_F_FX_RM) \
	X(FCVT_S_LU, fcvt_s_lu, "fcvt.s.lu", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x68, 3), \
	  INSN_FMT_F_FX_RM) \
	X(FMV_W_X, fmv_w_x, "fmv.w.x", INSN_MASK_R_RS2, INSN_ENC(0x53, 0, 0x78), INSN_FMT_F_FX) \
	/* D */ \
	X(FLD, fld, "fld", INSN_MASK_F3, INSN_ENC(0x07, 3, 0), INSN_FMT_FLOAD) \
	X(FSD, fsd, "fsd", INSN_MASK_F3, INSN_ENC(0x27, 3, 0), INSN_FMT_FSTORE) \
	X(FMADD_D, fmadd_d, "fmadd.d", INSN_MASK_R4, INSN_ENC_R4(0x43, 1), INSN_FMT_F_R4) \
	X(FMSUB_D, fmsub_d, "fmsub.d", INSN_MASK_R4, INSN_ENC_R4(0x47, 1), INSN_FMT_F_R4) \
	X(FNMSUB_D, fnmsub_d, "fnmsub.d", INSN_MASK_R4, INSN_ENC_R4(0x4b, 1), INSN_FMT_F_R4) \
	X(FNMADD_D, fnmadd_d, "fnmadd.d", INSN_MASK_R4, INSN_ENC_R4(0x4f, 1), INSN_FMT_F_R4) \
	X(FADD_D, fadd_d, "fadd.d", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x01), INSN_FMT_F_RRR_RM) \
	X(FSUB_D, fsub_d, "fsub.d", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x05), INSN_FMT_F_RRR_RM) \
	X(FMUL_D, fmul_d, "fmul.d", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x09), INSN_FMT_F_RRR_RM) \
	X(FDIV_D, fdiv_d, "fdiv.d", INSN_MASK_FP, INSN_ENC(0x53, 0, 0x0d), INSN_FMT_F_RRR_RM) \
	X(FSQRT_D, fsqrt_d, "fsqrt.d", INSN_MASK_FP_RS2, INSN_ENC(0x53, 0, 0x2d), \
	  INSN_FMT_F_RR_RM) \
	X(FSGNJ_D, fsgnj_d, "fsgnj.d", INSN_MASK_R, INSN_ENC(0x53, 0, 0x11), INSN_FMT_F_RRR) \
	X(FSGNJN_D, fsgnjn_d, "fsgnjn.d", INSN_MASK_R, INSN_ENC(0x53, 1, 0x11), INSN_FMT_F_RRR) \
	X(FSGNJX_D, fsgnjx_d, "fsgnjx.d", INSN_MASK_R, INSN_ENC(0x53, 2, 0x11), INSN_FMT_F_RRR) \
	X(FMIN_D, fmin_d, "fmin.d", INSN_MASK_R, INSN_ENC(0x53, 0, 0x15), INSN_FMT_F_RRR) \
	X(FMAX_D, fmax_d, "fmax.d", INSN_MASK_R, INSN_ENC(0x53, 1, 0x15), INSN_FMT_F_RRR) \
	X(FCVT_S_D, fcvt_s_d, "fcvt.s.d", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x20, 1), \
	  INSN_FMT_F_RR_RM) \
	X(FCVT_D_S, fcvt_d_s, "fcvt.d.s", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x21, 0), \
	  INSN_FMT_F_RR) \
	X(FEQ_D, feq_d, "feq.d", INSN_MASK_R, INSN_ENC(0x53, 2, 0x51), INSN_FMT_F_CMP) \
	X(FLT_D, flt_d, "flt.d", INSN_MASK_R, INSN_ENC(0x53, 1, 0x51), INSN_FMT_F_CMP) \
	X(FLE_D, fle_d, "fle.d", INSN_MASK_R, INSN_ENC(0x53, 0, 0x51), INSN_FMT_F_CMP) \
	X(FCLASS_D, fclass_d, "fclass.d", INSN_MASK_R_RS2, INSN_ENC(0x53, 1, 0x71), INSN_FMT_F_XF) \
	X(FCVT_W_D, fcvt_w_d, "fcvt.w.d", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x61, 0), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_WU_D, fcvt_wu_d, "fcvt.wu.d", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x61, 1), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_L_D, fcvt_l_d, "fcvt.l.d", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x61, 2), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_LU_D, fcvt_lu_d, "fcvt.lu.d", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x61, 3), \
	  INSN_FMT_F_XF_RM) \
	X(FCVT_D_W, fcvt_d_w, "fcvt.d.w", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x69, 0), \
	  INSN_FMT_F_FX) \
	X(FCVT_D_WU, fcvt_d_wu, "fcvt.d.wu", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x69, 1), \
	  INSN_FMT_F_FX) \
	X(FCVT_D_L, fcvt_d_l, "fcvt.d.l", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x69, 2), \
	  INSN_FMT_F_FX_RM) \
	X(FCVT_D_LU, fcvt_d_lu, "fcvt.d.lu", INSN_MASK_FP_RS2, INSN_ENC_RS2(0x53, 0, 0x69, 3), \
	  INSN_FMT_F_FX_RM) \
	X(FMV_X_D, fmv_x_d, "fmv.x.d", INSN_MASK_R_RS2, INSN_ENC(0x53, 0, 0x71), INSN_FMT_F_XF) \
	X(FMV_D_X, fmv_d_x, "fmv.d.x", INSN_MASK_R_RS2, INSN_ENC(0x53, 0, 0x79), INSN_FMT_F_FX) \
	/* Zba */ \
	X(SH1ADD, sh1add, "sh1add", INSN_MASK_R, INSN_ENC(0x33, 2, 0x10), INSN_FMT_R) \
	X(SH2ADD, sh2add, "sh2add", INSN_MASK_R, INSN_ENC(0x33, 4, 0x10), INSN_FMT_R) \
	X(SH3ADD, sh3add, "sh3add", INSN_MASK_R, INSN_ENC(0x33, 6, 0x10), INSN_FMT_R) \
	X(ADD_UW, add_uw, "add.uw", INSN_MASK_R, INSN_ENC(0x3b, 0, 0x04), INSN_FMT_R) \
	X(SH1ADD_UW, sh1add_uw, "sh1add.uw", INSN_MASK_R, INSN_ENC(0x3b, 2, 0x10), INSN_FMT_R) \
	X(SH2ADD_UW, sh2add_uw, "sh2add.uw", INSN_MASK_R, INSN_ENC(0x3b, 4, 0x10), INSN_FMT_R) \
	X(SH3ADD_UW, sh3add_uw, "sh3add.uw", INSN_MASK_R, INSN_ENC(0x3b, 6, 0x10), INSN_FMT_R) \
	X(SLLI_UW, slli_uw, "slli.uw", INSN_MASK_SH64, INSN_ENC_SH64(0x1b, 1, 0x02), \
	  INSN_FMT_SHIFT) \
	/* Zbb */ \
	X(ANDN, andn, "andn", INSN_MASK_R, INSN_ENC(0x33, 7, 0x20), INSN_FMT_R) \
	X(ORN, orn, "orn", INSN_MASK_R, INSN_ENC(0x33, 6, 0x20), INSN_FMT_R) \
	X(XNOR, xnor, "xnor", INSN_MASK_R, INSN_ENC(0x33, 4, 0x20), INSN_FMT_R) \
	X(CLZ, clz, "clz", INSN_MASK_R_RS2, INSN_ENC_RS2(0x13, 1, 0x30, 0), INSN_FMT_R1) \
	X(CTZ, ctz, "ctz", INSN_MASK_R_RS2, INSN_ENC_RS2(0x13, 1, 0x30, 1), INSN_FMT_R1) \
	X(CPOP, cpop, "cpop", INSN_MASK_R_RS2, INSN_ENC_RS2(0x13, 1, 0x30, 2), INSN_FMT_R1) \
	X(SEXT_B, sext_b, "sext.b", INSN_MASK_R_RS2, INSN_ENC_RS2(0x13, 1, 0x30, 4), INSN_FMT_R1) \
	X(SEXT_H, sext_h, "sext.h", INSN_MASK_R_RS2, INSN_ENC_RS2(0x13, 1, 0x30, 5), INSN_FMT_R1) \
	X(CLZW, clzw, "clzw", INSN_MASK_R_RS2, INSN_ENC_RS2(0x1b, 1, 0x30, 0), INSN_FMT_R1) \
	X(CTZW, ctzw, "ctzw", INSN_MASK_R_RS2, INSN_ENC_RS2(0x1b, 1, 0x30, 1), INSN_FMT_R1) \
	X(CPOPW, cpopw, "cpopw", INSN_MASK_R_RS2, INSN_ENC_RS2(0x1b, 1, 0x30, 2), INSN_FMT_R1) \
	X(MAX, max, "max", INSN_MASK_R, INSN_ENC(0x33, 6, 0x05), INSN_FMT_R) \
	X(MAXU, maxu, "maxu", INSN_MASK_R, INSN_ENC(0x33, 7, 0x05), INSN_FMT_R) \
	X(MIN, min, "min", INSN_MASK_R, INSN_ENC(0x33, 4, 0x05), INSN_FMT_R) \
	X(MINU, minu, "minu", INSN_MASK_R, INSN_ENC(0x33, 5, 0x05), INSN_FMT_R) \
	X(ZEXT_H, zext_h, "zext.h", INSN_MASK_R_RS2, INSN_ENC_RS2(0x3b, 4, 0x04, 0), INSN_FMT_R1) \
	X(ROL, rol, "rol", INSN_MASK_R, INSN_ENC(0x33, 1, 0x30), INSN_FMT_R) \
	X(ROR, ror, "ror", INSN_MASK_R, INSN_ENC(0x33, 5, 0x30), INSN_FMT_R) \
	X(ROLW, rolw, "rolw", INSN_MASK_R, INSN_ENC(0x3b, 1, 0x30), INSN_FMT_R) \
	X(RORW, rorw, "rorw", INSN_MASK_R, INSN_ENC(0x3b, 5, 0x30), INSN_FMT_R) \
	X(RORI, rori, "rori", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 5, 0x18), INSN_FMT_SHIFT) \
	X(RORIW, roriw, "roriw", INSN_MASK_R, INSN_ENC(0x1b, 5, 0x30), INSN_FMT_SHIFT) \
	X(ORC_B, orc_b, "orc.b", INSN_MASK_ALL & ~0xf8f80u, 0x28705013u, INSN_FMT_R1) \
	X(REV8, rev8, "rev8", INSN_MASK_ALL & ~0xf8f80u, 0x6b805013u, INSN_FMT_R1) \
	/* Zbs */ \
	X(BCLR, bclr, "bclr", INSN_MASK_R, INSN_ENC(0x33, 1, 0x24), INSN_FMT_R) \
	X(BEXT, bext, "bext", INSN_MASK_R, INSN_ENC(0x33, 5, 0x24), INSN_FMT_R) \
	X(BINV, binv, "binv", INSN_MASK_R, INSN_ENC(0x33, 1, 0x34), INSN_FMT_R) \
	X(BSET, bset, "bset", INSN_MASK_R, INSN_ENC(0x33, 1, 0x14), INSN_FMT_R) \
	X(BCLRI, bclri, "bclri", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 1, 0x12), INSN_FMT_SHIFT) \
	X(BEXTI, bexti, "bexti", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 5, 0x12), INSN_FMT_SHIFT) \
	X(BINVI, binvi, "binvi", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 1, 0x1a), INSN_FMT_SHIFT) \
	X(BSETI, bseti, "bseti", INSN_MASK_SH64, INSN_ENC_SH64(0x13, 1, 0x0a), INSN_FMT_SHIFT)

enum insn_op {
#define INSN_ENUM(ID, id, name, mask, match, fmt) OP_##ID,
	INSN_LIST(INSN_ENUM)
#undef INSN_ENUM
		OP_COUNT
};

/* One row of the instruction table, indexed by enum insn_op. */
struct insn_desc {
	const char *name;
	uint32_t mask, match;
	enum insn_format format;
};

extern const struct insn_desc insn_table[OP_COUNT];

/* A decoded instruction. Fields a format does not use are zero. */
struct insn {
	uint16_t op; /* enum insn_op */
	uint8_t rd, rs1, rs2, rs3;
	uint8_t len;  /* 2 (compressed) or 4 */
	uint8_t rm;   /* funct3 as found: rounding mode for F/D */
	uint8_t aqrl; /* A: bit 1 = aq, bit 0 = rl */
	uint16_t csr; /* Zicsr: CSR number */
	int64_t imm;  /* sign-extended immediate, shamt, uimm5 or fence bits */
	uint32_t raw; /* the bits fetched: a 16-bit parcel if compressed */
};

/*
 * Decode one instruction. `raw` holds a 16-bit parcel in its low half when
 * (raw & 3) != 3; compressed instructions are expanded to their 32-bit
 * equivalent and decoded through the same table (len = 2, raw keeps the
 * parcel). Returns 0, or -EINVAL for an illegal or reserved encoding.
 * Thread safe.
 */
int insn_decode(uint32_t raw, struct insn *out);

/*
 * Expand a 16-bit RVC parcel to the equivalent 32-bit instruction.
 * Returns 0, or -EINVAL for a reserved or illegal encoding.
 */
int insn_expand_compressed(uint16_t parcel, uint32_t *out);

/* Does this instruction write an integer rd / an f register (by format)? */
bool insn_writes_xreg(const struct insn *in);
bool insn_writes_freg(const struct insn *in);

/*
 * Disassemble into buf (objdump-like, no pseudo-instructions, ABI register
 * names, absolute branch targets computed from pc). Always NUL-terminates
 * when len > 0. Returns the length snprintf would produce.
 */
int insn_disasm(const struct insn *in, uint64_t pc, char *buf, size_t len);

/* ABI names of x0..x31 and f0..f31. */
extern const char *const insn_xreg_names[32];
extern const char *const insn_freg_names[32];

#endif /* VMM_CPU_DECODE_H */
