/*
 * decode.c - the instruction table, its lookup index, operand extraction
 * and the RVC (compressed) expander.
 *
 * Lookup: at first use the table is indexed by opcode[6:2], funct3 and
 * funct7 (15 bits). Every entry whose fixed bits agree with a key is listed
 * in that key's bucket, so a decode looks at one or two candidates instead
 * of scanning ~190 rows.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

const struct insn_desc insn_table[OP_COUNT] = {
#define INSN_ROW(ID, id, nm, msk, mtch, fmt) \
	[OP_##ID] = { .name = nm, .mask = msk, .match = mtch, .format = fmt },
	INSN_LIST(INSN_ROW)
#undef INSN_ROW
};

#define DECODE_KEY_BITS 15
#define DECODE_KEY_COUNT (1u << DECODE_KEY_BITS)
/* The raw bits the key is made of: opcode[6:2], funct3, funct7. */
#define DECODE_KEY_MASK 0xfe00707cu

static uint32_t decode_key(uint32_t raw)
{
	return ((raw >> 2) & 0x1f) << 10 | ((raw >> 12) & 7) << 7 | raw >> 25;
}

static uint32_t decode_key_bits(uint32_t key)
{
	return ((key >> 10) & 0x1f) << 2 | ((key >> 7) & 7) << 12 | (key & 0x7f) << 25 | 3;
}

/* bucket k lists decode_ops[decode_start[k] .. decode_start[k + 1]) */
static uint32_t decode_start[DECODE_KEY_COUNT + 1];
static uint8_t *decode_ops;
static pthread_once_t decode_once = PTHREAD_ONCE_INIT;

_Static_assert(OP_COUNT <= 256, "decode_ops holds ops in a byte");

static bool decode_key_fits(uint32_t key, unsigned op)
{
	uint32_t fixed = insn_table[op].mask & (DECODE_KEY_MASK | 3);

	return (decode_key_bits(key) & fixed) == (insn_table[op].match & fixed);
}

/*
 * Every op fixes the major opcode (raw[6:2]), the key's top five bits: so
 * a key need only be checked against the ops of its opcode, listed first.
 */
static void decode_build_index(void)
{
	uint8_t by_opc[32][OP_COUNT];
	unsigned n_opc[32] = { 0 };
	uint32_t key, total = 0;
	unsigned op, i;

	/* (an op that left opcode bits free would be listed under each opcode it fits) */
	for (op = 0; op < OP_COUNT; op++)
		for (unsigned o = 0; o < 32; o++)
			if (((o << 2 ^ insn_table[op].match) & insn_table[op].mask & 0x7c) == 0)
				by_opc[o][n_opc[o]++] = (uint8_t)op;
	for (key = 0; key < DECODE_KEY_COUNT; key++) {
		unsigned o = key >> 10;

		decode_start[key] = total;
		for (i = 0; i < n_opc[o]; i++)
			total += decode_key_fits(key, by_opc[o][i]);
	}
	decode_start[DECODE_KEY_COUNT] = total;
	decode_ops = malloc(total ? total : 1);
	/* Without the index nothing can be decoded: a broken invariant, not guest input. */
	if (!decode_ops)
		abort();
	for (key = 0; key < DECODE_KEY_COUNT; key++) {
		unsigned o = key >> 10;
		uint32_t n = decode_start[key];

		for (i = 0; i < n_opc[o]; i++)
			if (decode_key_fits(key, by_opc[o][i]))
				decode_ops[n++] = by_opc[o][i];
	}
}

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void decode_operands(uint32_t raw, enum insn_format fmt, struct insn *in)
{
	in->rd = (raw >> 7) & 0x1f;
	in->rs1 = (raw >> 15) & 0x1f;
	in->rs2 = (raw >> 20) & 0x1f;
	in->rs3 = raw >> 27;
	in->rm = (raw >> 12) & 7;
	in->aqrl = 0;
	in->csr = 0;
	in->imm = 0;

	switch (fmt) {
	case INSN_FMT_I:
	case INSN_FMT_LOAD:
	case INSN_FMT_JALR:
	case INSN_FMT_FLOAD:
		in->imm = sext(raw >> 20, 12);
		break;
	case INSN_FMT_STORE:
	case INSN_FMT_FSTORE:
		in->imm = sext(((raw >> 25) << 5) | ((raw >> 7) & 0x1f), 12);
		break;
	case INSN_FMT_BRANCH:
		in->imm = sext(((raw >> 31) & 1) << 12 | ((raw >> 7) & 1) << 11 |
				       ((raw >> 25) & 0x3f) << 5 | ((raw >> 8) & 0xf) << 1,
			       13);
		break;
	case INSN_FMT_U:
		in->imm = (int32_t)(raw & 0xfffff000u);
		break;
	case INSN_FMT_JAL:
		in->imm = sext(((raw >> 31) & 1) << 20 | ((raw >> 12) & 0xff) << 12 |
				       ((raw >> 20) & 1) << 11 | ((raw >> 21) & 0x3ff) << 1,
			       21);
		break;
	case INSN_FMT_SHIFT:
		in->imm = (raw >> 20) & 0x3f;
		break;
	case INSN_FMT_FENCE:
		in->imm = raw >> 20;
		break;
	case INSN_FMT_CSR:
		in->csr = raw >> 20;
		break;
	case INSN_FMT_CSRI:
		in->csr = raw >> 20;
		in->imm = in->rs1;
		break;
	case INSN_FMT_LR:
	case INSN_FMT_AMO:
		in->aqrl = (raw >> 25) & 3;
		break;
	default:
		break;
	}
}

static int decode_32(uint32_t raw, struct insn *out)
{
	uint32_t key = decode_key(raw), i;

	for (i = decode_start[key]; i < decode_start[key + 1]; i++) {
		unsigned op = decode_ops[i];

		if ((raw & insn_table[op].mask) == insn_table[op].match) {
			out->op = op;
			decode_operands(raw, insn_table[op].format, out);
			return 0;
		}
	}
	return -EINVAL;
}

/* 32-bit encoders used by the RVC expander. */
static uint32_t enc_r(uint32_t opc, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1,
		      uint32_t rs2)
{
	return opc | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

static uint32_t enc_i(uint32_t opc, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm)
{
	return opc | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t enc_s(uint32_t opc, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
	uint32_t u = imm;

	return opc | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
	uint32_t u = imm;

	return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 |
	       rs2 << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}

static uint32_t enc_j(uint32_t rd, int32_t imm)
{
	uint32_t u = imm;

	return 0x6f | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
	       ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}

/* bit `from` of c moved to bit `to` */
static uint32_t cbit(uint32_t c, unsigned from, unsigned to)
{
	return ((c >> from) & 1) << to;
}

static uint32_t cbits(uint32_t c, unsigned hi, unsigned lo, unsigned to)
{
	return ((c >> lo) & ((1u << (hi - lo + 1)) - 1)) << to;
}

/* Compressed register fields rd'/rs1'/rs2' name x8..x15. */
static uint32_t creg(uint32_t c, unsigned lo)
{
	return 8 + ((c >> lo) & 7);
}

static int expand_q0(uint32_t c, uint32_t *out)
{
	uint32_t rd = creg(c, 2), rs1 = creg(c, 7);
	/* offsets of c.lw/c.sw and c.ld/c.sd/c.fld/c.fsd */
	uint32_t off_w = cbits(c, 12, 10, 3) | cbit(c, 6, 2) | cbit(c, 5, 6);
	uint32_t off_d = cbits(c, 12, 10, 3) | cbits(c, 6, 5, 6);
	uint32_t nzuimm;

	switch (c >> 13) {
	case 0: /* c.addi4spn */
		nzuimm = cbits(c, 12, 11, 4) | cbits(c, 10, 7, 6) | cbit(c, 6, 2) | cbit(c, 5, 3);
		if (!nzuimm)
			return -EINVAL;
		*out = enc_i(0x13, 0, rd, 2, nzuimm);
		return 0;
	case 1: /* c.fld */
		*out = enc_i(0x07, 3, rd, rs1, off_d);
		return 0;
	case 2: /* c.lw */
		*out = enc_i(0x03, 2, rd, rs1, off_w);
		return 0;
	case 3: /* c.ld */
		*out = enc_i(0x03, 3, rd, rs1, off_d);
		return 0;
	case 5: /* c.fsd */
		*out = enc_s(0x27, 3, rs1, rd, off_d);
		return 0;
	case 6: /* c.sw */
		*out = enc_s(0x23, 2, rs1, rd, off_w);
		return 0;
	case 7: /* c.sd */
		*out = enc_s(0x23, 3, rs1, rd, off_d);
		return 0;
	default: /* 4 is reserved */
		return -EINVAL;
	}
}

static int expand_q1_alu(uint32_t c, uint32_t *out)
{
	uint32_t rd = creg(c, 7), rs2 = creg(c, 2);
	uint32_t shamt = cbit(c, 12, 5) | cbits(c, 6, 2, 0);
	int32_t imm = sext(shamt, 6);
	static const uint32_t f3_of[4] = { 0, 4, 6, 7 }; /* sub xor or and */

	switch ((c >> 10) & 3) {
	case 0: /* c.srli */
		*out = enc_i(0x13, 5, rd, rd, shamt);
		return 0;
	case 1: /* c.srai */
		*out = enc_i(0x13, 5, rd, rd, shamt | 0x400);
		return 0;
	case 2: /* c.andi */
		*out = enc_i(0x13, 7, rd, rd, imm);
		return 0;
	}
	if (!(c & 0x1000)) {
		unsigned k = (c >> 5) & 3;

		*out = enc_r(0x33, f3_of[k], k == 0 ? 0x20 : 0, rd, rd, rs2);
		return 0;
	}
	switch ((c >> 5) & 3) {
	case 0: /* c.subw */
		*out = enc_r(0x3b, 0, 0x20, rd, rd, rs2);
		return 0;
	case 1: /* c.addw */
		*out = enc_r(0x3b, 0, 0, rd, rd, rs2);
		return 0;
	default:
		return -EINVAL;
	}
}

static int expand_q1(uint32_t c, uint32_t *out)
{
	uint32_t rd = (c >> 7) & 0x1f, rs1c = creg(c, 7);
	int32_t imm6 = sext(cbit(c, 12, 5) | cbits(c, 6, 2, 0), 6);
	int32_t off;

	switch (c >> 13) {
	case 0: /* c.addi (c.nop for rd = 0; rd/imm = 0 are hints) */
		*out = enc_i(0x13, 0, rd, rd, imm6);
		return 0;
	case 1: /* c.addiw */
		if (!rd)
			return -EINVAL;
		*out = enc_i(0x1b, 0, rd, rd, imm6);
		return 0;
	case 2: /* c.li */
		*out = enc_i(0x13, 0, rd, 0, imm6);
		return 0;
	case 3:
		if (rd == 2) { /* c.addi16sp */
			off = sext(cbit(c, 12, 9) | cbit(c, 6, 4) | cbit(c, 5, 6) |
					   cbits(c, 4, 3, 7) | cbit(c, 2, 5),
				   10);
			if (!off)
				return -EINVAL;
			*out = enc_i(0x13, 0, 2, 2, off);
			return 0;
		}
		/* c.lui */
		if (!imm6)
			return -EINVAL;
		*out = 0x37 | rd << 7 | ((uint32_t)imm6 << 12);
		return 0;
	case 4:
		return expand_q1_alu(c, out);
	case 5: /* c.j */
		off = sext(cbit(c, 12, 11) | cbit(c, 11, 4) | cbits(c, 10, 9, 8) | cbit(c, 8, 10) |
				   cbit(c, 7, 6) | cbit(c, 6, 7) | cbits(c, 5, 3, 1) |
				   cbit(c, 2, 5),
			   12);
		*out = enc_j(0, off);
		return 0;
	default: /* 6 c.beqz, 7 c.bnez */
		off = sext(cbit(c, 12, 8) | cbits(c, 11, 10, 3) | cbits(c, 6, 5, 6) |
				   cbits(c, 4, 3, 1) | cbit(c, 2, 5),
			   9);
		*out = enc_b((c >> 13) == 6 ? 0 : 1, rs1c, 0, off);
		return 0;
	}
}

static int expand_q2(uint32_t c, uint32_t *out)
{
	uint32_t rd = (c >> 7) & 0x1f, rs2 = (c >> 2) & 0x1f;
	uint32_t shamt = cbit(c, 12, 5) | cbits(c, 6, 2, 0);
	uint32_t off_lw = cbit(c, 12, 5) | cbits(c, 6, 4, 2) | cbits(c, 3, 2, 6);
	uint32_t off_ld = cbit(c, 12, 5) | cbits(c, 6, 5, 3) | cbits(c, 4, 2, 6);
	uint32_t off_sw = cbits(c, 12, 9, 2) | cbits(c, 8, 7, 6);
	uint32_t off_sd = cbits(c, 12, 10, 3) | cbits(c, 9, 7, 6);

	switch (c >> 13) {
	case 0: /* c.slli */
		*out = enc_i(0x13, 1, rd, rd, shamt);
		return 0;
	case 1: /* c.fldsp */
		*out = enc_i(0x07, 3, rd, 2, off_ld);
		return 0;
	case 2: /* c.lwsp */
		if (!rd)
			return -EINVAL;
		*out = enc_i(0x03, 2, rd, 2, off_lw);
		return 0;
	case 3: /* c.ldsp */
		if (!rd)
			return -EINVAL;
		*out = enc_i(0x03, 3, rd, 2, off_ld);
		return 0;
	case 4:
		if (!(c & 0x1000)) {
			if (rs2) { /* c.mv */
				*out = enc_r(0x33, 0, 0, rd, 0, rs2);
				return 0;
			}
			if (!rd) /* c.jr x0 is reserved */
				return -EINVAL;
			*out = enc_i(0x67, 0, 0, rd, 0);
			return 0;
		}
		if (rs2) { /* c.add */
			*out = enc_r(0x33, 0, 0, rd, rd, rs2);
			return 0;
		}
		if (!rd) { /* c.ebreak */
			*out = 0x00100073;
			return 0;
		}
		*out = enc_i(0x67, 0, 1, rd, 0); /* c.jalr */
		return 0;
	case 5: /* c.fsdsp */
		*out = enc_s(0x27, 3, 2, rs2, off_sd);
		return 0;
	case 6: /* c.swsp */
		*out = enc_s(0x23, 2, 2, rs2, off_sw);
		return 0;
	default: /* c.sdsp */
		*out = enc_s(0x23, 3, 2, rs2, off_sd);
		return 0;
	}
}

/* Expand a 16-bit RVC parcel to the equivalent 32-bit instruction. */
int insn_expand_compressed(uint16_t parcel, uint32_t *out)
{
	switch (parcel & 3) {
	case 0:
		return expand_q0(parcel, out);
	case 1:
		return expand_q1(parcel, out);
	case 2:
		return expand_q2(parcel, out);
	default:
		return -EINVAL;
	}
}

/* Decode one instruction (compressed parcels are expanded first). */
int insn_decode(uint32_t raw, struct insn *out)
{
	uint32_t full = raw;
	int ret;

	pthread_once(&decode_once, decode_build_index);
	if ((raw & 3) != 3) {
		ret = insn_expand_compressed(raw & 0xffff, &full);
		if (ret)
			return ret;
		out->len = 2;
		out->raw = raw & 0xffff;
	} else {
		out->len = 4;
		out->raw = raw;
	}
	return decode_32(full, out);
}

/* True when the format's first operand is an integer destination register. */
bool insn_writes_xreg(const struct insn *in)
{
	switch (insn_table[in->op].format) {
	case INSN_FMT_R:
	case INSN_FMT_R1:
	case INSN_FMT_I:
	case INSN_FMT_SHIFT:
	case INSN_FMT_LOAD:
	case INSN_FMT_U:
	case INSN_FMT_JAL:
	case INSN_FMT_JALR:
	case INSN_FMT_CSR:
	case INSN_FMT_CSRI:
	case INSN_FMT_LR:
	case INSN_FMT_AMO:
	case INSN_FMT_F_CMP:
	case INSN_FMT_F_XF_RM:
	case INSN_FMT_F_XF:
		return true;
	default:
		return false;
	}
}

/* True when the instruction's destination is an f register. */
bool insn_writes_freg(const struct insn *in)
{
	switch (insn_table[in->op].format) {
	case INSN_FMT_FLOAD:
	case INSN_FMT_F_RRR_RM:
	case INSN_FMT_F_RRR:
	case INSN_FMT_F_R4:
	case INSN_FMT_F_RR_RM:
	case INSN_FMT_F_RR:
	case INSN_FMT_F_FX_RM:
	case INSN_FMT_F_FX:
		return true;
	default:
		return false;
	}
}
