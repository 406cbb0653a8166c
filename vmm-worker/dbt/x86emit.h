/*
 * x86emit.h - a small x86-64 machine-code encoder for the translator.
 *
 * Each x86_<insn>() appends one instruction to a struct x86_buf. The
 * encoder never fails mid-instruction: when fewer than X86_MAX_INSN bytes
 * are left it sets buf->overflow and writes nothing more, so a caller
 * emits a whole block and checks overflow once at the end.
 *
 * Operand widths are given in bytes (w = 1, 2, 4 or 8). As on x86-64, a
 * 32-bit operation on a register zero-extends it to 64 bits.
 *
 * Every form is checked against the capstone disassembler, register by
 * register, in tests/unit/test_x86emit.c.
 */
#ifndef VMM_DBT_X86EMIT_H
#define VMM_DBT_X86EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest instruction the encoder writes (movabs is 10 bytes). */
#define X86_MAX_INSN 16

enum x86_reg {
	X86_RAX,
	X86_RCX,
	X86_RDX,
	X86_RBX,
	X86_RSP,
	X86_RBP,
	X86_RSI,
	X86_RDI,
	X86_R8,
	X86_R9,
	X86_R10,
	X86_R11,
	X86_R12,
	X86_R13,
	X86_R14,
	X86_R15,
	X86_NOREG = -1,
};

/* Condition codes, in the encoding's order (the low nibble of Jcc/SETcc/CMOVcc). */
enum x86_cond {
	X86_CC_O,
	X86_CC_NO,
	X86_CC_B, /* unsigned < */
	X86_CC_AE,
	X86_CC_E,
	X86_CC_NE,
	X86_CC_BE,
	X86_CC_A,
	X86_CC_S,
	X86_CC_NS,
	X86_CC_P,
	X86_CC_NP,
	X86_CC_L, /* signed < */
	X86_CC_GE,
	X86_CC_LE,
	X86_CC_G,
};

/* The eight classic ALU operations, in their /digit order. */
enum x86_alu {
	X86_ADD,
	X86_OR,
	X86_ADC,
	X86_SBB,
	X86_AND,
	X86_SUB,
	X86_XOR,
	X86_CMP,
};

/* Shifts and rotates, in their /digit order. */
enum x86_shift {
	X86_ROL = 0,
	X86_ROR = 1,
	X86_SHL = 4,
	X86_SHR = 5,
	X86_SAR = 7,
};

/*
 * A memory operand: [base + index * scale + disp]. index X86_NOREG means
 * none (X86_RSP cannot be an index); scale is 1, 2, 4 or 8. base X86_NOREG
 * means RIP-relative is NOT supported: base is always a register.
 */
struct x86_mem {
	enum x86_reg base;
	enum x86_reg index;
	uint8_t scale;
	int32_t disp;
};

/* [base + disp] */
static inline struct x86_mem x86_mem(enum x86_reg base, int32_t disp)
{
	return (struct x86_mem){ .base = base, .index = X86_NOREG, .scale = 1, .disp = disp };
}

/* [base + index * scale + disp] */
static inline struct x86_mem x86_mem_idx(enum x86_reg base, enum x86_reg index, uint8_t scale,
					 int32_t disp)
{
	return (struct x86_mem){ .base = base, .index = index, .scale = scale, .disp = disp };
}

struct x86_buf {
	uint8_t *start;
	uint8_t *p;   /* next byte to write */
	uint8_t *end; /* one past the last usable byte */
	bool overflow;
};

/* x86_buf_init - emit into [mem, mem + size). */
void x86_buf_init(struct x86_buf *b, void *mem, size_t size);

/* ---- moves ---- */

/* mov dst, src (w = 4 or 8). */
void x86_mov_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
/* dst = imm, with the shortest encoding (xor is NOT used: flags are kept). */
void x86_mov_ri(struct x86_buf *b, enum x86_reg dst, uint64_t imm);
/* dst = zero-extended load of w bytes (movzx for 1 and 2, mov for 4 and 8). */
void x86_load(struct x86_buf *b, unsigned w, enum x86_reg dst, struct x86_mem m);
/* dst = sign-extended load of w bytes (movsx / movsxd; w = 1, 2 or 4) into 64 bits. */
void x86_load_sx(struct x86_buf *b, unsigned w, enum x86_reg dst, struct x86_mem m);
/* store the low w bytes of src. */
void x86_store(struct x86_buf *b, unsigned w, struct x86_mem m, enum x86_reg src);
/* store imm (sign-extended to 64 bits when w = 8; w = 1, 2, 4 or 8). */
void x86_store_imm(struct x86_buf *b, unsigned w, struct x86_mem m, int32_t imm);
/* lea dst, [m] (64-bit). */
void x86_lea(struct x86_buf *b, enum x86_reg dst, struct x86_mem m);
/* dst = sign-extend the low 32 bits of src (movsxd). */
void x86_movsxd_rr(struct x86_buf *b, enum x86_reg dst, enum x86_reg src);
/* dst = sign/zero-extend the low w bytes (w = 1 or 2) of src to 64 bits. */
void x86_movsx_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
void x86_movzx_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
/* cmovcc dst, src (w = 4 or 8). */
void x86_cmov_rr(struct x86_buf *b, unsigned w, enum x86_cond cc, enum x86_reg dst,
		 enum x86_reg src);
/* setcc on the low byte of dst (any register, REX used for spl..r15b). */
void x86_setcc(struct x86_buf *b, enum x86_cond cc, enum x86_reg dst);

/* ---- arithmetic (w = 4 or 8 unless noted) ---- */

void x86_alu_rr(struct x86_buf *b, unsigned w, enum x86_alu op, enum x86_reg dst, enum x86_reg src);
/* op dst, imm (imm8 form when it fits). */
void x86_alu_ri(struct x86_buf *b, unsigned w, enum x86_alu op, enum x86_reg dst, int32_t imm);
/* op dst, [m] */
void x86_alu_rm(struct x86_buf *b, unsigned w, enum x86_alu op, enum x86_reg dst, struct x86_mem m);
/* op [m], src */
void x86_alu_mr(struct x86_buf *b, unsigned w, enum x86_alu op, struct x86_mem m, enum x86_reg src);
/* op [m], imm (imm8 form when it fits; w = 1, 4 or 8). */
void x86_alu_mi(struct x86_buf *b, unsigned w, enum x86_alu op, struct x86_mem m, int32_t imm);
/* test a, b */
void x86_test_rr(struct x86_buf *b, unsigned w, enum x86_reg a, enum x86_reg c);
/* test dst, imm32 */
void x86_test_ri(struct x86_buf *b, unsigned w, enum x86_reg dst, int32_t imm);
/* shift/rotate dst by an immediate count (0..63; 1 uses the short form or not, either is fine). */
void x86_shift_ri(struct x86_buf *b, unsigned w, enum x86_shift op, enum x86_reg dst,
		  uint8_t count);
/* shift/rotate dst by CL. */
void x86_shift_rcl(struct x86_buf *b, unsigned w, enum x86_shift op, enum x86_reg dst);
/* dst *= src (two-operand imul, low half). */
void x86_imul_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
/* rdx:rax = rax * src, unsigned (mul) or signed (imul, one operand). */
void x86_mul_r(struct x86_buf *b, unsigned w, enum x86_reg src);
void x86_imul1_r(struct x86_buf *b, unsigned w, enum x86_reg src);
/* rax = rdx:rax / src, rdx = remainder: unsigned div / signed idiv. */
void x86_div_r(struct x86_buf *b, unsigned w, enum x86_reg src);
void x86_idiv_r(struct x86_buf *b, unsigned w, enum x86_reg src);
/* cqo (w = 8) / cdq (w = 4): sign-extend rax into rdx. */
void x86_cqo(struct x86_buf *b, unsigned w);
void x86_neg(struct x86_buf *b, unsigned w, enum x86_reg dst);
void x86_not(struct x86_buf *b, unsigned w, enum x86_reg dst);
/* bswap dst (w = 4 or 8). */
void x86_bswap(struct x86_buf *b, unsigned w, enum x86_reg dst);
/* rorx dst, src, imm (BMI2; w = 4 or 8): rotate right into another register, flags kept. */
void x86_rorx(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src, uint8_t imm);
/* bsr / bsf / popcnt / tzcnt dst, src (w = 4 or 8). */
void x86_bsr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
void x86_bsf(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
void x86_popcnt(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);
void x86_tzcnt(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src);

/* ---- control flow ---- */

/*
 * jcc / jmp with a rel32 displacement; both return the address of the
 * rel32 field so the caller can patch it later (NULL on overflow). A
 * target out of rel32 range (e.g. NULL, for a forward branch) is written
 * as rel32 = 0 until patched.
 */
uint8_t *x86_jcc(struct x86_buf *b, enum x86_cond cc, const void *target);
uint8_t *x86_jmp(struct x86_buf *b, const void *target);
/* Point a rel32 field written by x86_jcc/x86_jmp/x86_call at target (the caller ensures range). */
void x86_patch_rel32(uint8_t *field, const void *target);
/* Whether target is reachable with a rel32 from an instruction ending at `from`. */
bool x86_rel32_ok(const void *from, const void *target);
/* call target: rel32 when reachable, else mov rax, imm64; call rax (rax is clobbered). */
void x86_call(struct x86_buf *b, const void *target);
/* jmp reg / jmp [m] / call reg */
void x86_jmp_r(struct x86_buf *b, enum x86_reg r);
void x86_jmp_m(struct x86_buf *b, struct x86_mem m);
void x86_call_r(struct x86_buf *b, enum x86_reg r);
void x86_ret(struct x86_buf *b);
void x86_push(struct x86_buf *b, enum x86_reg r);
void x86_pop(struct x86_buf *b, enum x86_reg r);
/* A multi-byte nop of n bytes (1..9), for patch alignment. */
void x86_nop(struct x86_buf *b, unsigned n);
/* ud2: for code that must never be reached. */
void x86_ud2(struct x86_buf *b);

/* ---- SSE2 scalar floating point (xmm0..xmm15 as 0..15) ---- */

/* movq xmm, r64 / movq r64, xmm */
void x86_movq_xr(struct x86_buf *b, unsigned xmm, enum x86_reg src);
void x86_movq_rx(struct x86_buf *b, enum x86_reg dst, unsigned xmm);
/* op xmm_dst, xmm_src for addsd/subsd/mulsd/divsd/sqrtsd (dbl = true) or the ss forms. */
enum x86_sse {
	X86_SSE_ADD = 0x58,
	X86_SSE_MUL = 0x59,
	X86_SSE_SUB = 0x5c,
	X86_SSE_DIV = 0x5e,
	X86_SSE_SQRT = 0x51,
};
void x86_sse_rr(struct x86_buf *b, bool dbl, enum x86_sse op, unsigned dst, unsigned src);
/* op xmm_dst, [m] for the same operations. */
void x86_sse_rm(struct x86_buf *b, bool dbl, enum x86_sse op, unsigned dst, struct x86_mem m);
/* movsd/movss xmm, [m] (the rest of xmm cleared) and movsd/movss [m], xmm. */
void x86_movs_load(struct x86_buf *b, bool dbl, unsigned xmm, struct x86_mem m);
void x86_movs_store(struct x86_buf *b, bool dbl, struct x86_mem m, unsigned xmm);
/* ucomisd/ucomiss a, c: ZF, PF, CF from an unordered compare (PF: a NaN). */
void x86_ucomis_rr(struct x86_buf *b, bool dbl, unsigned a, unsigned c);
/* comisd/comiss a, c: like ucomis, but a quiet NaN raises "invalid" too. */
void x86_comis_rr(struct x86_buf *b, bool dbl, unsigned a, unsigned c);
/* cvtsi2sd/cvtsi2ss xmm, r32/r64 (w = 4 or 8): rounds by MXCSR. */
void x86_cvtsi2s(struct x86_buf *b, bool dbl, unsigned w, unsigned xmm, enum x86_reg src);
/*
 * cvtsd2si/cvtss2si r32/r64, xmm (rounded by MXCSR) or, @truncate, the
 * cvtt forms (toward zero); out of range or NaN gives the "integer
 * indefinite" 1 << (w * 8 - 1).
 */
void x86_cvts2si(struct x86_buf *b, bool dbl, bool truncate, unsigned w, enum x86_reg dst,
		 unsigned xmm);
/* mfence: orders earlier stores before later loads, which TSO alone does not. */
void x86_mfence(struct x86_buf *b);
/* ldmxcsr [m] / stmxcsr [m]: load or store the SSE control/status register. */
void x86_ldmxcsr(struct x86_buf *b, struct x86_mem m);
void x86_stmxcsr(struct x86_buf *b, struct x86_mem m);

#endif
