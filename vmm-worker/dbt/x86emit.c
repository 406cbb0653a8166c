/*
 * x86emit.c - the x86-64 encoder behind x86emit.h.
 *
 * Every instruction goes through one of three shapes: a register-register
 * ModRM form (enc_rr), a register-memory ModRM form (enc_rm), or a handful
 * of fixed byte sequences. The shapes take care of the operand-size prefix,
 * REX and the ModRM/SIB/displacement rules, so each public function only
 * names its opcode.
 */
#include <assert.h>
#include <string.h>

#include "dbt/x86emit.h"

/* Flags for the encoding helpers. */
enum {
	ENC_W = 1 << 0,	       /* REX.W: 64-bit operand size */
	ENC_OPSIZE = 1 << 1,   /* 0x66: 16-bit operand size (or SSE's mandatory 66) */
	ENC_F2 = 1 << 2,       /* mandatory F2 prefix (scalar double) */
	ENC_F3 = 1 << 3,       /* mandatory F3 prefix (scalar single, popcnt) */
	ENC_BYTE_REG = 1 << 4, /* the ModRM reg field names an 8-bit register */
	ENC_BYTE_RM = 1 << 5,  /* the ModRM rm field names an 8-bit register */
};

/* The longest opcode the helpers take: 0F xx or 0F 38 xx style escapes. */
struct x86_op {
	uint8_t len;
	uint8_t bytes[3];
};

#define OP1(a) ((struct x86_op){ .len = 1, .bytes = { (a) } })
#define OP2(a, b) ((struct x86_op){ .len = 2, .bytes = { (a), (b) } })

void x86_buf_init(struct x86_buf *b, void *mem, size_t size)
{
	b->start = mem;
	b->p = mem;
	b->end = b->start + size;
	b->overflow = false;
}

/* Whether a whole instruction fits; once full, the buffer stays full. */
static bool buf_room(struct x86_buf *b)
{
	if (b->overflow || b->end - b->p < X86_MAX_INSN) {
		b->overflow = true;
		return false;
	}
	return true;
}

static void put8(struct x86_buf *b, uint8_t v)
{
	*b->p++ = v;
}

static void put32(struct x86_buf *b, uint32_t v)
{
	memcpy(b->p, &v, 4); /* x86 is little-endian, like the host */
	b->p += 4;
}

static void put64(struct x86_buf *b, uint64_t v)
{
	memcpy(b->p, &v, 8);
	b->p += 8;
}

static bool fits8(int64_t v)
{
	return v >= INT8_MIN && v <= INT8_MAX;
}

/* Legacy prefixes come before REX, REX right before the opcode. */
static void put_prefixes(struct x86_buf *b, unsigned flags)
{
	if (flags & ENC_OPSIZE)
		put8(b, 0x66);
	if (flags & ENC_F2)
		put8(b, 0xf2);
	if (flags & ENC_F3)
		put8(b, 0xf3);
}

/*
 * REX is needed for REX.W, for any of r8-r15, and for spl/bpl/sil/dil:
 * without a REX, byte registers 4-7 mean ah/ch/dh/bh.
 */
static void put_rex(struct x86_buf *b, unsigned flags, unsigned reg, unsigned index, unsigned base)
{
	uint8_t rex = 0x40;
	bool need = false;

	if (flags & ENC_W)
		rex |= 8;
	if (reg & 8)
		rex |= 4;
	if (index & 8)
		rex |= 2;
	if (base & 8)
		rex |= 1;
	if ((flags & ENC_BYTE_REG) && reg >= 4 && reg < 8)
		need = true;
	if ((flags & ENC_BYTE_RM) && base >= 4 && base < 8)
		need = true;
	if (rex != 0x40 || need)
		put8(b, rex);
}

static void put_op(struct x86_buf *b, struct x86_op op)
{
	for (unsigned i = 0; i < op.len; i++)
		put8(b, op.bytes[i]);
}

/* op with ModRM mod=11: reg is a register or an opcode /digit, rm a register. */
static void enc_rr(struct x86_buf *b, unsigned flags, struct x86_op op, unsigned reg, unsigned rm)
{
	put_prefixes(b, flags);
	put_rex(b, flags, reg, 0, rm);
	put_op(b, op);
	put8(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/*
 * op with a memory operand. The special cases of the ModRM/SIB encoding:
 * rm=100 (rsp/r12) means "a SIB follows", so those bases always take a SIB;
 * mod=00 with base 101 (rbp/r13) means RIP-relative (or no base in a SIB),
 * so those bases need an explicit disp8 of 0; index 100 in a SIB means "no
 * index", which is why rsp cannot be an index (r12 can: REX.X tells it apart).
 */
static void enc_rm(struct x86_buf *b, unsigned flags, struct x86_op op, unsigned reg,
		   struct x86_mem m)
{
	unsigned base = (unsigned)m.base;
	bool has_index = m.index != X86_NOREG;
	unsigned index = has_index ? (unsigned)m.index : 4;
	unsigned scale_bits, mod;

	assert(m.base != X86_NOREG && m.index != X86_RSP);
	assert(m.scale == 1 || m.scale == 2 || m.scale == 4 || m.scale == 8 || !has_index);
	scale_bits = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;

	if (m.disp == 0 && (base & 7) != 5)
		mod = 0;
	else if (fits8(m.disp))
		mod = 1;
	else
		mod = 2;

	put_prefixes(b, flags);
	put_rex(b, flags & ~ENC_BYTE_RM, reg, has_index ? index : 0, base);
	put_op(b, op);
	if (has_index || (base & 7) == 4) {
		put8(b, mod << 6 | (reg & 7) << 3 | 4);
		put8(b, scale_bits << 6 | (index & 7) << 3 | (base & 7));
	} else {
		put8(b, mod << 6 | (reg & 7) << 3 | (base & 7));
	}
	if (mod == 1)
		put8(b, (uint8_t)m.disp);
	else if (mod == 2)
		put32(b, (uint32_t)m.disp);
}

/* Operand-size flags for w = 2, 4 or 8 (w = 1 has its own opcodes). */
static unsigned width_flags(unsigned w)
{
	return w == 8 ? ENC_W : w == 2 ? ENC_OPSIZE : 0;
}

/*
 * The classic integer opcodes come in pairs: the even one works on bytes,
 * the odd one (op | 1) on 16/32/64 bits. flags_byte marks which ModRM
 * fields hold byte registers when w = 1.
 */
static void enc_rr_w(struct x86_buf *b, unsigned w, uint8_t op, unsigned byte_flags, unsigned reg,
		     unsigned rm)
{
	if (w == 1)
		enc_rr(b, byte_flags, OP1(op & ~1), reg, rm);
	else
		enc_rr(b, width_flags(w), OP1(op | 1), reg, rm);
}

static void enc_rm_w(struct x86_buf *b, unsigned w, uint8_t op, unsigned reg, struct x86_mem m)
{
	if (w == 1)
		enc_rm(b, ENC_BYTE_REG, OP1(op & ~1), reg, m);
	else
		enc_rm(b, width_flags(w), OP1(op | 1), reg, m);
}

/* An immediate of the operand's width (imm32 sign-extended when w = 8). */
static void put_imm_w(struct x86_buf *b, unsigned w, int32_t imm)
{
	if (w == 1) {
		put8(b, (uint8_t)imm);
	} else if (w == 2) {
		put8(b, (uint8_t)imm);
		put8(b, (uint8_t)(imm >> 8));
	} else {
		put32(b, (uint32_t)imm);
	}
}

/* ---- moves ---- */

/* mov dst, src: 89 /r (w = 1, 2, 4 or 8). */
void x86_mov_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, 0x89, ENC_BYTE_REG | ENC_BYTE_RM, src, dst);
}

/*
 * dst = imm: mov r32, imm32 (zero-extends, 5-6 bytes) for values below 2^32,
 * mov r/m64, simm32 (7 bytes) for small negative ones, movabs (10) otherwise.
 */
void x86_mov_ri(struct x86_buf *b, enum x86_reg dst, uint64_t imm)
{
	if (!buf_room(b))
		return;
	if (imm <= UINT32_MAX) {
		put_rex(b, 0, 0, 0, dst);
		put8(b, 0xb8 + (dst & 7));
		put32(b, (uint32_t)imm);
	} else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
		enc_rr(b, ENC_W, OP1(0xc7), 0, dst);
		put32(b, (uint32_t)imm);
	} else {
		put_rex(b, ENC_W, 0, 0, dst);
		put8(b, 0xb8 + (dst & 7));
		put64(b, imm);
	}
}

/* Zero-extending load: movzx r32 for bytes and halves (writing r32 clears the top). */
void x86_load(struct x86_buf *b, unsigned w, enum x86_reg dst, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	if (w == 1)
		enc_rm(b, 0, OP2(0x0f, 0xb6), dst, m);
	else if (w == 2)
		enc_rm(b, 0, OP2(0x0f, 0xb7), dst, m);
	else
		enc_rm(b, width_flags(w), OP1(0x8b), dst, m);
}

/* Sign-extending load into 64 bits: movsx (0F BE/BF) or movsxd (63). */
void x86_load_sx(struct x86_buf *b, unsigned w, enum x86_reg dst, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	if (w == 1)
		enc_rm(b, ENC_W, OP2(0x0f, 0xbe), dst, m);
	else if (w == 2)
		enc_rm(b, ENC_W, OP2(0x0f, 0xbf), dst, m);
	else
		enc_rm(b, ENC_W, OP1(0x63), dst, m);
}

/* mov [m], src: 88/89 /r. */
void x86_store(struct x86_buf *b, unsigned w, struct x86_mem m, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rm_w(b, w, 0x89, src, m);
}

/* mov [m], imm: C6/C7 /0. */
void x86_store_imm(struct x86_buf *b, unsigned w, struct x86_mem m, int32_t imm)
{
	if (!buf_room(b))
		return;
	enc_rm_w(b, w, 0xc7, 0, m);
	put_imm_w(b, w, imm);
}

/* lea dst, [m]: REX.W 8D /r. */
void x86_lea(struct x86_buf *b, enum x86_reg dst, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm(b, ENC_W, OP1(0x8d), dst, m);
}

/* movsxd dst, src32: REX.W 63 /r. */
void x86_movsxd_rr(struct x86_buf *b, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, ENC_W, OP1(0x63), dst, src);
}

/* movsx r64, r8/r16: REX.W 0F BE/BF /r. */
void x86_movsx_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	if (w == 1)
		enc_rr(b, ENC_W | ENC_BYTE_RM, OP2(0x0f, 0xbe), dst, src);
	else
		enc_rr(b, ENC_W, OP2(0x0f, 0xbf), dst, src);
}

/* movzx r32, r8/r16: 0F B6/B7 /r; the 32-bit destination clears bits 32-63. */
void x86_movzx_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	if (w == 1)
		enc_rr(b, ENC_BYTE_RM, OP2(0x0f, 0xb6), dst, src);
	else
		enc_rr(b, 0, OP2(0x0f, 0xb7), dst, src);
}

/* cmovcc dst, src: 0F 40+cc /r. */
void x86_cmov_rr(struct x86_buf *b, unsigned w, enum x86_cond cc, enum x86_reg dst,
		 enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, width_flags(w), OP2(0x0f, 0x40 + cc), dst, src);
}

/* setcc r8: 0F 90+cc /0. */
void x86_setcc(struct x86_buf *b, enum x86_cond cc, enum x86_reg dst)
{
	if (!buf_room(b))
		return;
	enc_rr(b, ENC_BYTE_RM, OP2(0x0f, 0x90 + cc), 0, dst);
}

/* ---- arithmetic ---- */

/* op dst, src: the "r/m, reg" opcode op*8+1 (op*8 for bytes). */
void x86_alu_rr(struct x86_buf *b, unsigned w, enum x86_alu op, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, op * 8 + 1, ENC_BYTE_REG | ENC_BYTE_RM, src, dst);
}

/* op dst, imm: 83 /op ib when imm fits a sign-extended byte, else 81 /op (80 for bytes). */
void x86_alu_ri(struct x86_buf *b, unsigned w, enum x86_alu op, enum x86_reg dst, int32_t imm)
{
	if (!buf_room(b))
		return;
	if (w == 1) {
		enc_rr(b, ENC_BYTE_RM, OP1(0x80), op, dst);
		put8(b, (uint8_t)imm);
	} else if (fits8(imm)) {
		enc_rr(b, width_flags(w), OP1(0x83), op, dst);
		put8(b, (uint8_t)imm);
	} else {
		enc_rr(b, width_flags(w), OP1(0x81), op, dst);
		put_imm_w(b, w, imm);
	}
}

/* op dst, [m]: op*8+3 /r. */
void x86_alu_rm(struct x86_buf *b, unsigned w, enum x86_alu op, enum x86_reg dst, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm_w(b, w, op * 8 + 3, dst, m);
}

/* op [m], src: op*8+1 /r. */
void x86_alu_mr(struct x86_buf *b, unsigned w, enum x86_alu op, struct x86_mem m, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rm_w(b, w, op * 8 + 1, src, m);
}

/* op [m], imm: 80 /op ib for bytes, else 83 /op ib or 81 /op. */
void x86_alu_mi(struct x86_buf *b, unsigned w, enum x86_alu op, struct x86_mem m, int32_t imm)
{
	if (!buf_room(b))
		return;
	if (w == 1) {
		enc_rm(b, 0, OP1(0x80), op, m);
		put8(b, (uint8_t)imm);
	} else if (fits8(imm)) {
		enc_rm(b, width_flags(w), OP1(0x83), op, m);
		put8(b, (uint8_t)imm);
	} else {
		enc_rm(b, width_flags(w), OP1(0x81), op, m);
		put_imm_w(b, w, imm);
	}
}

/* test a, c: 85 /r (84 for bytes). */
void x86_test_rr(struct x86_buf *b, unsigned w, enum x86_reg a, enum x86_reg c)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, 0x85, ENC_BYTE_REG | ENC_BYTE_RM, c, a);
}

/* test dst, imm: F7 /0 (F6 for bytes); test has no imm8 form. */
void x86_test_ri(struct x86_buf *b, unsigned w, enum x86_reg dst, int32_t imm)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, 0xf7, ENC_BYTE_RM, 0, dst);
	put_imm_w(b, w, imm);
}

/* shift dst, imm8: C1 /op ib (C0 for bytes). */
void x86_shift_ri(struct x86_buf *b, unsigned w, enum x86_shift op, enum x86_reg dst, uint8_t count)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, 0xc1, ENC_BYTE_RM, op, dst);
	put8(b, count);
}

/* shift dst, cl: D3 /op (D2 for bytes). */
void x86_shift_rcl(struct x86_buf *b, unsigned w, enum x86_shift op, enum x86_reg dst)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, 0xd3, ENC_BYTE_RM, op, dst);
}

/* imul dst, src: 0F AF /r (no byte form). */
void x86_imul_rr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, width_flags(w), OP2(0x0f, 0xaf), dst, src);
}

/* The F7 group (F6 for bytes): /2 not, /3 neg, /4 mul, /5 imul, /6 div, /7 idiv. */
static void enc_group3(struct x86_buf *b, unsigned w, unsigned digit, enum x86_reg r)
{
	if (!buf_room(b))
		return;
	enc_rr_w(b, w, 0xf7, ENC_BYTE_RM, digit, r);
}

/* mul src: F7 /4. */
void x86_mul_r(struct x86_buf *b, unsigned w, enum x86_reg src)
{
	enc_group3(b, w, 4, src);
}

/* imul src (one operand): F7 /5. */
void x86_imul1_r(struct x86_buf *b, unsigned w, enum x86_reg src)
{
	enc_group3(b, w, 5, src);
}

/* div src: F7 /6. */
void x86_div_r(struct x86_buf *b, unsigned w, enum x86_reg src)
{
	enc_group3(b, w, 6, src);
}

/* idiv src: F7 /7. */
void x86_idiv_r(struct x86_buf *b, unsigned w, enum x86_reg src)
{
	enc_group3(b, w, 7, src);
}

/* neg dst: F7 /3. */
void x86_neg(struct x86_buf *b, unsigned w, enum x86_reg dst)
{
	enc_group3(b, w, 3, dst);
}

/* not dst: F7 /2. */
void x86_not(struct x86_buf *b, unsigned w, enum x86_reg dst)
{
	enc_group3(b, w, 2, dst);
}

/* cqo (REX.W 99), cdq (99), cwd (66 99). */
void x86_cqo(struct x86_buf *b, unsigned w)
{
	if (!buf_room(b))
		return;
	put_prefixes(b, width_flags(w) & ENC_OPSIZE);
	put_rex(b, width_flags(w) & ENC_W, 0, 0, 0);
	put8(b, 0x99);
}

/* bswap dst: 0F C8+r. */
void x86_bswap(struct x86_buf *b, unsigned w, enum x86_reg dst)
{
	if (!buf_room(b))
		return;
	put_rex(b, width_flags(w), 0, 0, dst);
	put8(b, 0x0f);
	put8(b, 0xc8 + (dst & 7));
}

/* bsr dst, src: 0F BD /r. */
void x86_bsr(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, width_flags(w), OP2(0x0f, 0xbd), dst, src);
}

/* bsf dst, src: 0F BC /r. */
void x86_bsf(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, width_flags(w), OP2(0x0f, 0xbc), dst, src);
}

/* popcnt dst, src: F3 0F B8 /r. */
void x86_popcnt(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, width_flags(w) | ENC_F3, OP2(0x0f, 0xb8), dst, src);
}

/* tzcnt dst, src: F3 0F BC /r (bsf on CPUs without BMI1, so callers check the CPU). */
void x86_tzcnt(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, width_flags(w) | ENC_F3, OP2(0x0f, 0xbc), dst, src);
}

/* ---- control flow ---- */

bool x86_rel32_ok(const void *from, const void *target)
{
	int64_t rel = (int64_t)((uintptr_t)target - (uintptr_t)from);

	return rel >= INT32_MIN && rel <= INT32_MAX;
}

void x86_patch_rel32(uint8_t *field, const void *target)
{
	uint32_t rel = (uint32_t)((uintptr_t)target - (uintptr_t)(field + 4));

	memcpy(field, &rel, 4);
}

/*
 * Write a rel32 field that ends the instruction. An unreachable target
 * (NULL, typically, for a forward branch patched later) gets rel32 = 0,
 * a branch to the next instruction, rather than a truncated displacement.
 */
static uint8_t *put_rel32(struct x86_buf *b, const void *target)
{
	uint8_t *field = b->p;

	if (x86_rel32_ok(field + 4, target))
		x86_patch_rel32(field, target);
	else
		memset(field, 0, 4);
	b->p += 4;
	return field;
}

/* jcc rel32: 0F 80+cc. */
uint8_t *x86_jcc(struct x86_buf *b, enum x86_cond cc, const void *target)
{
	if (!buf_room(b))
		return NULL;
	put8(b, 0x0f);
	put8(b, 0x80 + cc);
	return put_rel32(b, target);
}

/* jmp rel32: E9. */
uint8_t *x86_jmp(struct x86_buf *b, const void *target)
{
	if (!buf_room(b))
		return NULL;
	put8(b, 0xe9);
	return put_rel32(b, target);
}

/* call rel32 (E8), or movabs rax, target; call rax (FF /2) when out of reach. */
void x86_call(struct x86_buf *b, const void *target)
{
	if (!buf_room(b))
		return;
	if (x86_rel32_ok(b->p + 5, target)) {
		put8(b, 0xe8);
		put_rel32(b, target);
	} else {
		put_rex(b, ENC_W, 0, 0, X86_RAX);
		put8(b, 0xb8);
		put64(b, (uint64_t)(uintptr_t)target);
		enc_rr(b, 0, OP1(0xff), 2, X86_RAX);
	}
}

/* jmp r64: FF /4 (64-bit by default in long mode, no REX.W needed). */
void x86_jmp_r(struct x86_buf *b, enum x86_reg r)
{
	if (!buf_room(b))
		return;
	enc_rr(b, 0, OP1(0xff), 4, r);
}

/* jmp qword [m]: FF /4. */
void x86_jmp_m(struct x86_buf *b, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm(b, 0, OP1(0xff), 4, m);
}

/* call r64: FF /2. */
void x86_call_r(struct x86_buf *b, enum x86_reg r)
{
	if (!buf_room(b))
		return;
	enc_rr(b, 0, OP1(0xff), 2, r);
}

/* ret: C3. */
void x86_ret(struct x86_buf *b)
{
	if (!buf_room(b))
		return;
	put8(b, 0xc3);
}

/* push r64: 50+r. */
void x86_push(struct x86_buf *b, enum x86_reg r)
{
	if (!buf_room(b))
		return;
	put_rex(b, 0, 0, 0, r);
	put8(b, 0x50 + (r & 7));
}

/* pop r64: 58+r. */
void x86_pop(struct x86_buf *b, enum x86_reg r)
{
	if (!buf_room(b))
		return;
	put_rex(b, 0, 0, 0, r);
	put8(b, 0x58 + (r & 7));
}

/*
 * The recommended single-instruction NOPs of 1 to 9 bytes (Intel SDM vol. 2,
 * NOP). A longer n is made of several of them, 9 bytes at a time.
 */
void x86_nop(struct x86_buf *b, unsigned n)
{
	static const uint8_t nops[9][9] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};

	while (n > 0) {
		unsigned len = n > 9 ? 9 : n;

		if (!buf_room(b))
			return;
		memcpy(b->p, nops[len - 1], len);
		b->p += len;
		n -= len;
	}
}

/* ud2: 0F 0B. */
void x86_ud2(struct x86_buf *b)
{
	if (!buf_room(b))
		return;
	put8(b, 0x0f);
	put8(b, 0x0b);
}

/*
 * rorx: VEX.LZ.F2.0F3A.W0/W1 F0 /r ib, in the three-byte VEX form: C4,
 * then inverted R, X, B with map 3 (0F 3A), then W, vvvv = 1111 (unused),
 * L = 0 and pp = 11 (F2).
 */
void x86_rorx(struct x86_buf *b, unsigned w, enum x86_reg dst, enum x86_reg src, uint8_t imm)
{
	if (!buf_room(b))
		return;
	put8(b, 0xc4);
	put8(b, (uint8_t)((dst & 8 ? 0 : 0x80) | 0x40 | (src & 8 ? 0 : 0x20) | 0x03));
	put8(b, (uint8_t)((w == 8 ? 0x80 : 0) | 0x78 | 0x03));
	put8(b, 0xf0);
	put8(b, (uint8_t)(0xc0 | (dst & 7) << 3 | (src & 7)));
	put8(b, imm);
}

/* ---- SSE2 ---- */

/* movq xmm, r64: 66 REX.W 0F 6E /r. */
void x86_movq_xr(struct x86_buf *b, unsigned xmm, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, ENC_OPSIZE | ENC_W, OP2(0x0f, 0x6e), xmm, src);
}

/* movq r64, xmm: 66 REX.W 0F 7E /r (the xmm register in the reg field). */
void x86_movq_rx(struct x86_buf *b, enum x86_reg dst, unsigned xmm)
{
	if (!buf_room(b))
		return;
	enc_rr(b, ENC_OPSIZE | ENC_W, OP2(0x0f, 0x7e), xmm, dst);
}

/* addsd etc.: F2 0F op /r (F3 for the single-precision forms). */
void x86_sse_rr(struct x86_buf *b, bool dbl, enum x86_sse op, unsigned dst, unsigned src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, dbl ? ENC_F2 : ENC_F3, OP2(0x0f, op), dst, src);
}

/* addsd xmm, m64 etc.: F2 0F op /r (F3 for single precision). */
void x86_sse_rm(struct x86_buf *b, bool dbl, enum x86_sse op, unsigned dst, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm(b, dbl ? ENC_F2 : ENC_F3, OP2(0x0f, op), dst, m);
}

/* movsd xmm, m64: F2 0F 10 /r; movss xmm, m32: F3 0F 10 /r. */
void x86_movs_load(struct x86_buf *b, bool dbl, unsigned xmm, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm(b, dbl ? ENC_F2 : ENC_F3, OP2(0x0f, 0x10), xmm, m);
}

/* movsd m64, xmm: F2 0F 11 /r; movss m32, xmm: F3 0F 11 /r. */
void x86_movs_store(struct x86_buf *b, bool dbl, struct x86_mem m, unsigned xmm)
{
	if (!buf_room(b))
		return;
	enc_rm(b, dbl ? ENC_F2 : ENC_F3, OP2(0x0f, 0x11), xmm, m);
}

/* ucomisd: 66 0F 2E /r; ucomiss: 0F 2E /r. */
void x86_ucomis_rr(struct x86_buf *b, bool dbl, unsigned a, unsigned c)
{
	if (!buf_room(b))
		return;
	enc_rr(b, dbl ? ENC_OPSIZE : 0, OP2(0x0f, 0x2e), a, c);
}

/* comisd: 66 0F 2F /r; comiss: 0F 2F /r. */
void x86_comis_rr(struct x86_buf *b, bool dbl, unsigned a, unsigned c)
{
	if (!buf_room(b))
		return;
	enc_rr(b, dbl ? ENC_OPSIZE : 0, OP2(0x0f, 0x2f), a, c);
}

/* cvtsi2sd: F2 [REX.W] 0F 2A /r; cvtsi2ss: F3 [REX.W] 0F 2A /r. */
void x86_cvtsi2s(struct x86_buf *b, bool dbl, unsigned w, unsigned xmm, enum x86_reg src)
{
	if (!buf_room(b))
		return;
	enc_rr(b, (dbl ? ENC_F2 : ENC_F3) | (w == 8 ? ENC_W : 0), OP2(0x0f, 0x2a), xmm, src);
}

/* cvt(t)sd2si: F2 [REX.W] 0F 2D/2C /r; cvt(t)ss2si: F3 [REX.W] 0F 2D/2C /r. */
void x86_cvts2si(struct x86_buf *b, bool dbl, bool truncate, unsigned w, enum x86_reg dst,
		 unsigned xmm)
{
	if (!buf_room(b))
		return;
	enc_rr(b, (dbl ? ENC_F2 : ENC_F3) | (w == 8 ? ENC_W : 0), OP2(0x0f, truncate ? 0x2c : 0x2d),
	       dst, xmm);
}

/* ldmxcsr m32: 0F AE /2. */
void x86_ldmxcsr(struct x86_buf *b, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm(b, 0, OP2(0x0f, 0xae), 2, m);
}

/* stmxcsr m32: 0F AE /3. */
void x86_stmxcsr(struct x86_buf *b, struct x86_mem m)
{
	if (!buf_room(b))
		return;
	enc_rm(b, 0, OP2(0x0f, 0xae), 3, m);
}

/* mfence: 0F AE F0. */
void x86_mfence(struct x86_buf *b)
{
	if (!buf_room(b))
		return;
	put8(b, 0x0f);
	put8(b, 0xae);
	put8(b, 0xf0);
}
