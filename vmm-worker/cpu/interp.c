/*
 * interp.c - the reference interpreter: fetch, decode (through a small
 * decode cache), execute one struct insn, count, trace.
 *
 * Each instruction has one exec_<name>() function; the exec table is
 * generated from INSN_LIST so every op in the decoder has one. An exec
 * function that faults calls trap_raise() (directly or through mmu_* /
 * csr_access) and returns without further side effects; cpu->next_pc then
 * points at the handler.
 */
#include <stdio.h>
#include <string.h>

#include "../dbt/dbt.h"
#include "../machine/machine.h"
#include "cpu.h"
#include "decode.h"
#include "fpu.h"
#include "trap.h"

typedef void exec_fn(struct cpu *cpu, const struct insn *in);

#define INTERP_CACHE_SIZE 1024u
#define INTERP_TIMER_PERIOD 256u

/* mcountinhibit bits */
#define INTERP_INHIBIT_CY (1ull << 0)
#define INTERP_INHIBIT_IR (1ull << 2)

/*
 * Decoded instructions, direct-mapped by pc and checked against the raw
 * bits just fetched, so code that rewrites itself is decoded afresh without
 * any flush. Decoding depends on the bits only, so one cache per thread
 * serves every hart that thread runs.
 */
static __thread struct insn interp_cache[INTERP_CACHE_SIZE];
static __thread uint64_t interp_cache_pc[INTERP_CACHE_SIZE];

static inline uint64_t sx32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

static void raise_illegal(struct cpu *cpu, const struct insn *in)
{
	trap_raise(cpu, EXC_ILLEGAL_INSN, in->raw);
}

/* ---- RV64I, M, Zba, Zbb, Zbs: register-register and register-immediate ---- */

/* a = x[rs1], b = x[rs2] */
#define EXEC_R(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t a = cpu->x[in->rs1], b = cpu->x[in->rs2]; \
		cpu->x[in->rd] = (expr); \
	}

/* a = x[rs1], b = the immediate (or shift amount) */
#define EXEC_I(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t a = cpu->x[in->rs1], b = (uint64_t)in->imm; \
		cpu->x[in->rd] = (expr); \
	}

/* a = x[rs1] */
#define EXEC_R1(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t a = cpu->x[in->rs1]; \
		cpu->x[in->rd] = (expr); \
	}

static uint64_t rotl64(uint64_t a, unsigned n)
{
	n &= 63;
	return (a << n) | (a >> ((64 - n) & 63));
}

static uint64_t rotr64(uint64_t a, unsigned n)
{
	n &= 63;
	return (a >> n) | (a << ((64 - n) & 63));
}

static uint32_t rotr32(uint32_t a, unsigned n)
{
	n &= 31;
	return (a >> n) | (a << ((32 - n) & 31));
}

static uint64_t orc_b(uint64_t a)
{
	uint64_t r = 0;
	unsigned i;

	for (i = 0; i < 64; i += 8)
		if ((a >> i) & 0xff)
			r |= 0xffull << i;
	return r;
}

static uint64_t div64(int64_t a, int64_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if (a == INT64_MIN && b == -1)
		return (uint64_t)a;
	return (uint64_t)(a / b);
}

static uint64_t rem64(int64_t a, int64_t b)
{
	if (b == 0)
		return (uint64_t)a;
	if (a == INT64_MIN && b == -1)
		return 0;
	return (uint64_t)(a % b);
}

static uint64_t div32(int32_t a, int32_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if (a == INT32_MIN && b == -1)
		return sx32((uint32_t)a);
	return sx32((uint32_t)(a / b));
}

static uint64_t rem32(int32_t a, int32_t b)
{
	if (b == 0)
		return sx32((uint32_t)a);
	if (a == INT32_MIN && b == -1)
		return 0;
	return sx32((uint32_t)(a % b));
}

EXEC_R(add, a + b)
EXEC_R(sub, a - b)
EXEC_R(sll, a << (b & 63))
EXEC_R(slt, (int64_t)a < (int64_t)b)
EXEC_R(sltu, a < b)
EXEC_R(xor, a ^ b)
EXEC_R(srl, a >> (b & 63))
EXEC_R(sra, (uint64_t)((int64_t)a >> (b & 63)))
EXEC_R(or, a | b)
EXEC_R(and, a &b)
EXEC_R(addw, sx32(a + b))
EXEC_R(subw, sx32(a - b))
EXEC_R(sllw, sx32((uint32_t)a << (b & 31)))
EXEC_R(srlw, sx32((uint32_t)a >> (b & 31)))
EXEC_R(sraw, sx32((uint32_t)((int32_t)a >> (b & 31))))

EXEC_I(addi, a + b)
EXEC_I(slti, (int64_t)a < (int64_t)b)
EXEC_I(sltiu, a < b)
EXEC_I(xori, a ^ b)
EXEC_I(ori, a | b)
EXEC_I(andi, a &b)
EXEC_I(slli, a << b)
EXEC_I(srli, a >> b)
EXEC_I(srai, (uint64_t)((int64_t)a >> b))
EXEC_I(addiw, sx32(a + b))
EXEC_I(slliw, sx32((uint32_t)a << b))
EXEC_I(srliw, sx32((uint32_t)a >> b))
EXEC_I(sraiw, sx32((uint32_t)((int32_t)a >> b)))

EXEC_R(mul, a *b)
EXEC_R(mulh, (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64))
EXEC_R(mulhsu, (uint64_t)(((__int128)(int64_t)a * (__int128)b) >> 64))
EXEC_R(mulhu, (uint64_t)(((unsigned __int128)a * b) >> 64))
EXEC_R(div, div64((int64_t)a, (int64_t)b))
EXEC_R(divu, b ? a / b : UINT64_MAX)
EXEC_R(rem, rem64((int64_t)a, (int64_t)b))
EXEC_R(remu, b ? a % b : a)
EXEC_R(mulw, sx32(a *b))
EXEC_R(divw, div32((int32_t)a, (int32_t)b))
EXEC_R(divuw, (uint32_t)b ? sx32((uint32_t)a / (uint32_t)b) : UINT64_MAX)
EXEC_R(remw, rem32((int32_t)a, (int32_t)b))
EXEC_R(remuw, sx32((uint32_t)b ? (uint32_t)a % (uint32_t)b : (uint32_t)a))

EXEC_R(sh1add, (a << 1) + b)
EXEC_R(sh2add, (a << 2) + b)
EXEC_R(sh3add, (a << 3) + b)
EXEC_R(add_uw, (uint64_t)(uint32_t)a + b)
EXEC_R(sh1add_uw, ((uint64_t)(uint32_t)a << 1) + b)
EXEC_R(sh2add_uw, ((uint64_t)(uint32_t)a << 2) + b)
EXEC_R(sh3add_uw, ((uint64_t)(uint32_t)a << 3) + b)
EXEC_I(slli_uw, (uint64_t)(uint32_t)a << b)

EXEC_R(andn, a & ~b)
EXEC_R(orn, a | ~b)
EXEC_R(xnor, ~(a ^ b))
EXEC_R1(clz, a ? (uint64_t)__builtin_clzll(a) : 64)
EXEC_R1(ctz, a ? (uint64_t)__builtin_ctzll(a) : 64)
EXEC_R1(cpop, (uint64_t)__builtin_popcountll(a))
EXEC_R1(sext_b, (uint64_t)(int64_t)(int8_t)a)
EXEC_R1(sext_h, (uint64_t)(int64_t)(int16_t)a)
EXEC_R1(clzw, (uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 32)
EXEC_R1(ctzw, (uint32_t)a ? (uint64_t)__builtin_ctz((uint32_t)a) : 32)
EXEC_R1(cpopw, (uint64_t)__builtin_popcount((uint32_t)a))
EXEC_R(max, (int64_t)a > (int64_t)b ? a : b)
EXEC_R(maxu, a > b ? a : b)
EXEC_R(min, (int64_t)a < (int64_t)b ? a : b)
EXEC_R(minu, a < b ? a : b)
EXEC_R1(zext_h, (uint16_t)a)
EXEC_R(rol, rotl64(a, b))
EXEC_R(ror, rotr64(a, b))
EXEC_R(rolw, sx32(rotr32((uint32_t)a, 32 - (b & 31))))
EXEC_R(rorw, sx32(rotr32((uint32_t)a, b)))
EXEC_I(rori, rotr64(a, b))
EXEC_I(roriw, sx32(rotr32((uint32_t)a, b)))
EXEC_R1(orc_b, orc_b(a))
EXEC_R1(rev8, __builtin_bswap64(a))

EXEC_R(bclr, a & ~(1ull << (b & 63)))
EXEC_R(bext, (a >> (b & 63)) & 1)
EXEC_R(binv, a ^ (1ull << (b & 63)))
EXEC_R(bset, a | (1ull << (b & 63)))
EXEC_I(bclri, a & ~(1ull << b))
EXEC_I(bexti, (a >> b) & 1)
EXEC_I(binvi, a ^ (1ull << b))
EXEC_I(bseti, a | (1ull << b))

/* ---- control transfer ---- */

static void exec_lui(struct cpu *cpu, const struct insn *in)
{
	cpu->x[in->rd] = (uint64_t)in->imm;
}

static void exec_auipc(struct cpu *cpu, const struct insn *in)
{
	cpu->x[in->rd] = cpu->pc + (uint64_t)in->imm;
}

/* With C always present targets need only 2-byte alignment: no misaligned traps. */
static void exec_jal(struct cpu *cpu, const struct insn *in)
{
	cpu->x[in->rd] = cpu->next_pc;
	cpu->next_pc = cpu->pc + (uint64_t)in->imm;
}

static void exec_jalr(struct cpu *cpu, const struct insn *in)
{
	uint64_t target = (cpu->x[in->rs1] + (uint64_t)in->imm) & ~1ull;

	cpu->x[in->rd] = cpu->next_pc;
	cpu->next_pc = target;
}

#define EXEC_BRANCH(id, cond) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t a = cpu->x[in->rs1], b = cpu->x[in->rs2]; \
		if (cond) \
			cpu->next_pc = cpu->pc + (uint64_t)in->imm; \
	}

EXEC_BRANCH(beq, a == b)
EXEC_BRANCH(bne, a != b)
EXEC_BRANCH(blt, (int64_t)a < (int64_t)b)
EXEC_BRANCH(bge, (int64_t)a >= (int64_t)b)
EXEC_BRANCH(bltu, a < b)
EXEC_BRANCH(bgeu, a >= b)

/* ---- loads and stores ---- */

#define EXEC_LOAD(id, size, conv) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t v; \
		if (!mmu_load(cpu, cpu->x[in->rs1] + (uint64_t)in->imm, size, &v)) \
			return; \
		cpu->x[in->rd] = (uint64_t)(conv)v; \
	}

EXEC_LOAD(lb, 1, int8_t)
EXEC_LOAD(lh, 2, int16_t)
EXEC_LOAD(lw, 4, int32_t)
EXEC_LOAD(ld, 8, uint64_t)
EXEC_LOAD(lbu, 1, uint8_t)
EXEC_LOAD(lhu, 2, uint16_t)
EXEC_LOAD(lwu, 4, uint32_t)

#define EXEC_STORE(id, size) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		mmu_store(cpu, cpu->x[in->rs1] + (uint64_t)in->imm, size, cpu->x[in->rs2]); \
	}

EXEC_STORE(sb, 1)
EXEC_STORE(sh, 2)
EXEC_STORE(sw, 4)
EXEC_STORE(sd, 8)

/* ---- fences, environment, privileged ---- */

static void exec_fence(struct cpu *cpu, const struct insn *in)
{
	(void)cpu;
	(void)in;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The decode cache compares the fetched bits, so there is nothing to flush. */
static void exec_fence_i(struct cpu *cpu, const struct insn *in)
{
	(void)cpu;
	(void)in;
}

static void exec_ecall(struct cpu *cpu, const struct insn *in)
{
	(void)in;
	/* 8, 9, 11 for U, S, M: the privilege encodings line up with the causes */
	trap_raise(cpu, EXC_ECALL_U + cpu->priv, 0);
}

static void exec_ebreak(struct cpu *cpu, const struct insn *in)
{
	(void)in;
	trap_raise(cpu, EXC_BREAKPOINT, cpu->pc);
}

static void exec_mret(struct cpu *cpu, const struct insn *in)
{
	if (trap_mret(cpu))
		raise_illegal(cpu, in);
}

static void exec_sret(struct cpu *cpu, const struct insn *in)
{
	if (trap_sret(cpu))
		raise_illegal(cpu, in);
}

static void exec_wfi(struct cpu *cpu, const struct insn *in)
{
	if (trap_wfi(cpu))
		raise_illegal(cpu, in);
}

static void exec_sfence_vma(struct cpu *cpu, const struct insn *in)
{
	if (trap_sfence_vma(cpu, cpu->x[in->rs1], cpu->x[in->rs2]))
		raise_illegal(cpu, in);
}

static void csr_execute(struct cpu *cpu, const struct insn *in, enum csr_op op, uint64_t operand,
			bool write)
{
	uint64_t old;

	if (csr_access(cpu, in->csr, op, operand, write, &old)) {
		raise_illegal(cpu, in);
		return;
	}
	cpu->x[in->rd] = old;
}

static void exec_csrrw(struct cpu *cpu, const struct insn *in)
{
	csr_execute(cpu, in, CSR_OP_RW, cpu->x[in->rs1], true);
}

static void exec_csrrs(struct cpu *cpu, const struct insn *in)
{
	csr_execute(cpu, in, CSR_OP_RS, cpu->x[in->rs1], in->rs1 != 0);
}

static void exec_csrrc(struct cpu *cpu, const struct insn *in)
{
	csr_execute(cpu, in, CSR_OP_RC, cpu->x[in->rs1], in->rs1 != 0);
}

static void exec_csrrwi(struct cpu *cpu, const struct insn *in)
{
	csr_execute(cpu, in, CSR_OP_RW, (uint64_t)in->imm, true);
}

static void exec_csrrsi(struct cpu *cpu, const struct insn *in)
{
	csr_execute(cpu, in, CSR_OP_RS, (uint64_t)in->imm, in->imm != 0);
}

static void exec_csrrci(struct cpu *cpu, const struct insn *in)
{
	csr_execute(cpu, in, CSR_OP_RC, (uint64_t)in->imm, in->imm != 0);
}

/* ---- A: LR/SC and AMOs on host memory with host atomics ---- */

static void exec_lr_w(struct cpu *cpu, const struct insn *in)
{
	uint64_t paddr;
	uint32_t *p = mmu_atomic_ptr(cpu, cpu->x[in->rs1], 4, true, &paddr);

	if (!p)
		return;
	cpu->reservation_value = __atomic_load_n(p, __ATOMIC_SEQ_CST);
	cpu->reservation_addr = paddr;
	cpu->reservation_valid = true;
	cpu->x[in->rd] = sx32(cpu->reservation_value);
}

static void exec_lr_d(struct cpu *cpu, const struct insn *in)
{
	uint64_t paddr;
	uint64_t *p = mmu_atomic_ptr(cpu, cpu->x[in->rs1], 8, true, &paddr);

	if (!p)
		return;
	cpu->reservation_value = __atomic_load_n(p, __ATOMIC_SEQ_CST);
	cpu->reservation_addr = paddr;
	cpu->reservation_valid = true;
	cpu->x[in->rd] = cpu->reservation_value;
}

/*
 * SC succeeds only with a valid reservation on the same physical address
 * and memory still holding what LR read (another hart's store in between
 * makes the compare-and-swap fail). Any SC ends the reservation.
 */
static void exec_sc_w(struct cpu *cpu, const struct insn *in)
{
	uint64_t paddr;
	uint32_t *p = mmu_atomic_ptr(cpu, cpu->x[in->rs1], 4, false, &paddr);
	uint32_t expected = (uint32_t)cpu->reservation_value;
	bool ok;

	if (!p) {
		cpu->reservation_valid = false;
		return;
	}
	ok = cpu->reservation_valid && cpu->reservation_addr == paddr &&
	     __atomic_compare_exchange_n(p, &expected, (uint32_t)cpu->x[in->rs2], false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	cpu->reservation_valid = false;
	cpu->x[in->rd] = !ok;
}

static void exec_sc_d(struct cpu *cpu, const struct insn *in)
{
	uint64_t paddr;
	uint64_t *p = mmu_atomic_ptr(cpu, cpu->x[in->rs1], 8, false, &paddr);
	uint64_t expected = cpu->reservation_value;
	bool ok;

	if (!p) {
		cpu->reservation_valid = false;
		return;
	}
	ok = cpu->reservation_valid && cpu->reservation_addr == paddr &&
	     __atomic_compare_exchange_n(p, &expected, cpu->x[in->rs2], false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST);
	cpu->reservation_valid = false;
	cpu->x[in->rd] = !ok;
}

enum amo_minmax {
	AMO_MIN,
	AMO_MAX,
	AMO_MINU,
	AMO_MAXU,
};

static uint32_t amo_minmax_w(uint32_t *p, uint32_t v, enum amo_minmax kind)
{
	uint32_t old = __atomic_load_n(p, __ATOMIC_RELAXED), want;

	do {
		switch (kind) {
		case AMO_MIN:
			want = (int32_t)old < (int32_t)v ? old : v;
			break;
		case AMO_MAX:
			want = (int32_t)old > (int32_t)v ? old : v;
			break;
		case AMO_MINU:
			want = old < v ? old : v;
			break;
		default:
			want = old > v ? old : v;
			break;
		}
	} while (!__atomic_compare_exchange_n(p, &old, want, true, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return old;
}

static uint64_t amo_minmax_d(uint64_t *p, uint64_t v, enum amo_minmax kind)
{
	uint64_t old = __atomic_load_n(p, __ATOMIC_RELAXED), want;

	do {
		switch (kind) {
		case AMO_MIN:
			want = (int64_t)old < (int64_t)v ? old : v;
			break;
		case AMO_MAX:
			want = (int64_t)old > (int64_t)v ? old : v;
			break;
		case AMO_MINU:
			want = old < v ? old : v;
			break;
		default:
			want = old > v ? old : v;
			break;
		}
	} while (!__atomic_compare_exchange_n(p, &old, want, true, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return old;
}

/* p: host pointer, v: x[rs2] truncated to the access size; expr gives the old value */
#define EXEC_AMO_W(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t paddr; \
		uint32_t *p = mmu_atomic_ptr(cpu, cpu->x[in->rs1], 4, false, &paddr); \
		uint32_t v = (uint32_t)cpu->x[in->rs2]; \
		if (!p) \
			return; \
		cpu->x[in->rd] = sx32(expr); \
	}

#define EXEC_AMO_D(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		uint64_t paddr; \
		uint64_t *p = mmu_atomic_ptr(cpu, cpu->x[in->rs1], 8, false, &paddr); \
		uint64_t v = cpu->x[in->rs2]; \
		if (!p) \
			return; \
		cpu->x[in->rd] = (expr); \
	}

EXEC_AMO_W(amoswap_w, __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_W(amoadd_w, __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_W(amoxor_w, __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_W(amoand_w, __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_W(amoor_w, __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_W(amomin_w, amo_minmax_w(p, v, AMO_MIN))
EXEC_AMO_W(amomax_w, amo_minmax_w(p, v, AMO_MAX))
EXEC_AMO_W(amominu_w, amo_minmax_w(p, v, AMO_MINU))
EXEC_AMO_W(amomaxu_w, amo_minmax_w(p, v, AMO_MAXU))
EXEC_AMO_D(amoswap_d, __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_D(amoadd_d, __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_D(amoxor_d, __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_D(amoand_d, __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_D(amoor_d, __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST))
EXEC_AMO_D(amomin_d, amo_minmax_d(p, v, AMO_MIN))
EXEC_AMO_D(amomax_d, amo_minmax_d(p, v, AMO_MAX))
EXEC_AMO_D(amominu_d, amo_minmax_d(p, v, AMO_MINU))
EXEC_AMO_D(amomaxu_d, amo_minmax_d(p, v, AMO_MAXU))

/* ---- F and D ---- */

#define F32_SIGN 0x80000000u
#define F64_SIGN 0x8000000000000000ull
#define F32_BOX 0xffffffff00000000ull

/* A single-precision operand: a value not properly NaN-boxed reads as the canonical NaN. */
static uint32_t f32_unbox(uint64_t v)
{
	return (v >> 32) == 0xffffffffu ? (uint32_t)v : FPU_F32_CANONICAL_NAN;
}

static bool fp_check_enabled(struct cpu *cpu, const struct insn *in)
{
	if ((cpu->csr.mstatus & MSTATUS_FS) == MSTATUS_FS_OFF) {
		raise_illegal(cpu, in);
		return false;
	}
	return true;
}

/* The static rounding mode to use, or -1 (illegal raised) for a reserved one. */
static int fp_rounding(struct cpu *cpu, const struct insn *in)
{
	unsigned rm = in->rm == 7 ? cpu->frm : in->rm;

	if (!fp_check_enabled(cpu, in))
		return -1;
	if (rm > FPU_RMM) {
		raise_illegal(cpu, in);
		return -1;
	}
	return (int)rm;
}

static void fp_accrue(struct cpu *cpu, unsigned flags)
{
	if (flags) {
		cpu->fflags |= flags;
		cpu->csr.mstatus |= MSTATUS_FS_DIRTY;
	}
}

static void fp_write(struct cpu *cpu, unsigned rd, uint64_t v)
{
	cpu->f[rd] = v;
	cpu->csr.mstatus |= MSTATUS_FS_DIRTY;
}

static void fp_write_s(struct cpu *cpu, unsigned rd, uint32_t v)
{
	fp_write(cpu, rd, F32_BOX | v);
}

#define FS1 f32_unbox(cpu->f[in->rs1])
#define FS2 f32_unbox(cpu->f[in->rs2])
#define FS3 f32_unbox(cpu->f[in->rs3])
#define FD1 cpu->f[in->rs1]
#define FD2 cpu->f[in->rs2]
#define FD3 cpu->f[in->rs3]

/* Result to f[rd] (single: NaN-boxed), with a rounding mode. */
#define EXEC_F_RM(id, write, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		unsigned flags = 0; \
		int rm = fp_rounding(cpu, in); \
		if (rm < 0) \
			return; \
		write(cpu, in->rd, expr); \
		fp_accrue(cpu, flags); \
	}

/* Result to f[rd], no rounding mode. */
#define EXEC_F(id, write, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		unsigned flags = 0; \
		if (!fp_check_enabled(cpu, in)) \
			return; \
		write(cpu, in->rd, expr); \
		fp_accrue(cpu, flags); \
	}

/* Result to x[rd], with a rounding mode. */
#define EXEC_X_RM(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		unsigned flags = 0; \
		int rm = fp_rounding(cpu, in); \
		if (rm < 0) \
			return; \
		cpu->x[in->rd] = (expr); \
		fp_accrue(cpu, flags); \
	}

/* Result to x[rd], no rounding mode. */
#define EXEC_X(id, expr) \
	static void exec_##id(struct cpu *cpu, const struct insn *in) \
	{ \
		unsigned flags = 0; \
		if (!fp_check_enabled(cpu, in)) \
			return; \
		cpu->x[in->rd] = (expr); \
		fp_accrue(cpu, flags); \
	}

static void exec_flw(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (!fp_check_enabled(cpu, in) ||
	    !mmu_load(cpu, cpu->x[in->rs1] + (uint64_t)in->imm, 4, &v))
		return;
	fp_write_s(cpu, in->rd, (uint32_t)v);
}

static void exec_fld(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (!fp_check_enabled(cpu, in) ||
	    !mmu_load(cpu, cpu->x[in->rs1] + (uint64_t)in->imm, 8, &v))
		return;
	fp_write(cpu, in->rd, v);
}

/* fsw stores the low 32 bits whatever the boxing. */
static void exec_fsw(struct cpu *cpu, const struct insn *in)
{
	if (fp_check_enabled(cpu, in))
		mmu_store(cpu, cpu->x[in->rs1] + (uint64_t)in->imm, 4, (uint32_t)cpu->f[in->rs2]);
}

static void exec_fsd(struct cpu *cpu, const struct insn *in)
{
	if (fp_check_enabled(cpu, in))
		mmu_store(cpu, cpu->x[in->rs1] + (uint64_t)in->imm, 8, cpu->f[in->rs2]);
}

/* fmsub: a*b - c; fnmsub: -(a*b) + c; fnmadd: -(a*b) - c. */
EXEC_F_RM(fmadd_s, fp_write_s, f32_fma(FS1, FS2, FS3, rm, &flags))
EXEC_F_RM(fmsub_s, fp_write_s, f32_fma(FS1, FS2, FS3 ^ F32_SIGN, rm, &flags))
EXEC_F_RM(fnmsub_s, fp_write_s, f32_fma(FS1 ^ F32_SIGN, FS2, FS3, rm, &flags))
EXEC_F_RM(fnmadd_s, fp_write_s, f32_fma(FS1 ^ F32_SIGN, FS2, FS3 ^ F32_SIGN, rm, &flags))
EXEC_F_RM(fadd_s, fp_write_s, f32_add(FS1, FS2, rm, &flags))
EXEC_F_RM(fsub_s, fp_write_s, f32_sub(FS1, FS2, rm, &flags))
EXEC_F_RM(fmul_s, fp_write_s, f32_mul(FS1, FS2, rm, &flags))
EXEC_F_RM(fdiv_s, fp_write_s, f32_div(FS1, FS2, rm, &flags))
EXEC_F_RM(fsqrt_s, fp_write_s, f32_sqrt(FS1, rm, &flags))
EXEC_F(fsgnj_s, fp_write_s, (FS1 & ~F32_SIGN) | (FS2 & F32_SIGN))
EXEC_F(fsgnjn_s, fp_write_s, (FS1 & ~F32_SIGN) | (~FS2 & F32_SIGN))
EXEC_F(fsgnjx_s, fp_write_s, FS1 ^ (FS2 & F32_SIGN))
EXEC_F(fmin_s, fp_write_s, f32_min(FS1, FS2, &flags))
EXEC_F(fmax_s, fp_write_s, f32_max(FS1, FS2, &flags))
/* 32-bit results, unsigned ones included, are sign-extended into x[rd] */
EXEC_X_RM(fcvt_w_s, (uint64_t)(int64_t)f32_to_i32(FS1, rm, &flags))
EXEC_X_RM(fcvt_wu_s, sx32(f32_to_u32(FS1, rm, &flags)))
EXEC_X_RM(fcvt_l_s, (uint64_t)f32_to_i64(FS1, rm, &flags))
EXEC_X_RM(fcvt_lu_s, f32_to_u64(FS1, rm, &flags))
EXEC_X(fmv_x_w, sx32(cpu->f[in->rs1]))
EXEC_X(feq_s, (uint64_t)f32_eq(FS1, FS2, &flags))
EXEC_X(flt_s, (uint64_t)f32_lt(FS1, FS2, &flags))
EXEC_X(fle_s, (uint64_t)f32_le(FS1, FS2, &flags))
EXEC_X(fclass_s, f32_classify(FS1))
EXEC_F_RM(fcvt_s_w, fp_write_s, i32_to_f32((int32_t)cpu->x[in->rs1], rm, &flags))
EXEC_F_RM(fcvt_s_wu, fp_write_s, u32_to_f32((uint32_t)cpu->x[in->rs1], rm, &flags))
EXEC_F_RM(fcvt_s_l, fp_write_s, i64_to_f32((int64_t)cpu->x[in->rs1], rm, &flags))
EXEC_F_RM(fcvt_s_lu, fp_write_s, u64_to_f32(cpu->x[in->rs1], rm, &flags))
EXEC_F(fmv_w_x, fp_write_s, (uint32_t)cpu->x[in->rs1])

EXEC_F_RM(fmadd_d, fp_write, f64_fma(FD1, FD2, FD3, rm, &flags))
EXEC_F_RM(fmsub_d, fp_write, f64_fma(FD1, FD2, FD3 ^ F64_SIGN, rm, &flags))
EXEC_F_RM(fnmsub_d, fp_write, f64_fma(FD1 ^ F64_SIGN, FD2, FD3, rm, &flags))
EXEC_F_RM(fnmadd_d, fp_write, f64_fma(FD1 ^ F64_SIGN, FD2, FD3 ^ F64_SIGN, rm, &flags))
EXEC_F_RM(fadd_d, fp_write, f64_add(FD1, FD2, rm, &flags))
EXEC_F_RM(fsub_d, fp_write, f64_sub(FD1, FD2, rm, &flags))
EXEC_F_RM(fmul_d, fp_write, f64_mul(FD1, FD2, rm, &flags))
EXEC_F_RM(fdiv_d, fp_write, f64_div(FD1, FD2, rm, &flags))
EXEC_F_RM(fsqrt_d, fp_write, f64_sqrt(FD1, rm, &flags))
EXEC_F(fsgnj_d, fp_write, (FD1 & ~F64_SIGN) | (FD2 & F64_SIGN))
EXEC_F(fsgnjn_d, fp_write, (FD1 & ~F64_SIGN) | (~FD2 & F64_SIGN))
EXEC_F(fsgnjx_d, fp_write, FD1 ^ (FD2 & F64_SIGN))
EXEC_F(fmin_d, fp_write, f64_min(FD1, FD2, &flags))
EXEC_F(fmax_d, fp_write, f64_max(FD1, FD2, &flags))
EXEC_F_RM(fcvt_s_d, fp_write_s, f64_to_f32(FD1, rm, &flags))
/* exact, but a reserved rm field is still illegal */
EXEC_F_RM(fcvt_d_s, fp_write, f32_to_f64(FS1, &flags))
EXEC_X(feq_d, (uint64_t)f64_eq(FD1, FD2, &flags))
EXEC_X(flt_d, (uint64_t)f64_lt(FD1, FD2, &flags))
EXEC_X(fle_d, (uint64_t)f64_le(FD1, FD2, &flags))
EXEC_X(fclass_d, f64_classify(FD1))
EXEC_X_RM(fcvt_w_d, (uint64_t)(int64_t)f64_to_i32(FD1, rm, &flags))
EXEC_X_RM(fcvt_wu_d, sx32(f64_to_u32(FD1, rm, &flags)))
EXEC_X_RM(fcvt_l_d, (uint64_t)f64_to_i64(FD1, rm, &flags))
EXEC_X_RM(fcvt_lu_d, f64_to_u64(FD1, rm, &flags))
EXEC_F_RM(fcvt_d_w, fp_write, i32_to_f64((int32_t)cpu->x[in->rs1], rm, &flags))
EXEC_F_RM(fcvt_d_wu, fp_write, u32_to_f64((uint32_t)cpu->x[in->rs1], rm, &flags))
EXEC_F_RM(fcvt_d_l, fp_write, i64_to_f64((int64_t)cpu->x[in->rs1], rm, &flags))
EXEC_F_RM(fcvt_d_lu, fp_write, u64_to_f64(cpu->x[in->rs1], rm, &flags))
EXEC_X(fmv_x_d, cpu->f[in->rs1])
EXEC_F(fmv_d_x, fp_write, cpu->x[in->rs1])

static exec_fn *const exec_table[OP_COUNT] = {
#define INSN_EXEC(ID, id, name, mask, match, fmt) [OP_##ID] = exec_##id,
	INSN_LIST(INSN_EXEC)
#undef INSN_EXEC
};

/* ---- the fetch/decode/execute loop ---- */

/* Decoded instruction for (pc, raw), from the cache or decoded now; NULL if illegal. */
static const struct insn *interp_decode(uint64_t pc, uint32_t raw)
{
	unsigned slot = (pc >> 1) & (INTERP_CACHE_SIZE - 1);
	struct insn *in = &interp_cache[slot];

	if (in->len && interp_cache_pc[slot] == pc && in->raw == raw)
		return in;
	if (insn_decode(raw, in)) {
		in->len = 0;
		return NULL;
	}
	interp_cache_pc[slot] = pc;
	return in;
}

static void interp_trace(struct cpu *cpu, uint64_t pc, uint32_t raw, const struct insn *in)
{
	char text[96], result[64] = "";
	const struct csr_state *csr = &cpu->csr;

	if (in)
		insn_disasm(in, pc, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "illegal");

	if (cpu->trapped) {
		/* the trap switched to the mode that handles it */
		bool to_m = cpu->priv == PRIV_M;

		snprintf(result, sizeof(result), "  trap cause=%llu tval=0x%llx",
			 (unsigned long long)(to_m ? csr->mcause : csr->scause),
			 (unsigned long long)(to_m ? csr->mtval : csr->stval));
	} else if (insn_writes_freg(in)) {
		snprintf(result, sizeof(result), "  f%u=0x%016llx", in->rd,
			 (unsigned long long)cpu->f[in->rd]);
	} else if (insn_writes_xreg(in) && in->rd) {
		snprintf(result, sizeof(result), "  x%u=0x%016llx", in->rd,
			 (unsigned long long)cpu->x[in->rd]);
	}
	fprintf(stderr, "%u %016llx (%0*x) %s%s\n", cpu->hart_id, (unsigned long long)pc,
		(raw & 3) == 3 ? 8 : 4, raw, text, result);
}

static void interp_trace_fetch_fault(struct cpu *cpu, uint64_t pc)
{
	bool to_m = cpu->priv == PRIV_M;

	fprintf(stderr, "%u %016llx (fetch)  trap cause=%llu tval=0x%llx\n", cpu->hart_id,
		(unsigned long long)pc,
		(unsigned long long)(to_m ? cpu->csr.mcause : cpu->csr.scause),
		(unsigned long long)(to_m ? cpu->csr.mtval : cpu->csr.stval));
}

/*
 * Count a cycle and, if it retired, an instruction. A counter the
 * instruction itself wrote keeps the written value.
 */
static void interp_count(struct cpu *cpu, uint64_t cycle_before, uint64_t instret_before)
{
	uint64_t inhibit = cpu->csr.mcountinhibit;

	if (!(inhibit & INTERP_INHIBIT_CY) && cpu->csr.mcycle == cycle_before)
		cpu->csr.mcycle++;
	if (!cpu->trapped && !(inhibit & INTERP_INHIBIT_IR) && cpu->csr.minstret == instret_before)
		cpu->csr.minstret++;
}

static void interp_execute(struct cpu *cpu)
{
	uint64_t pc = cpu->pc;
	uint64_t cycle = cpu->csr.mcycle, instret = cpu->csr.minstret;
	const struct insn *in;
	uint32_t raw;

	cpu->trapped = false;
	cpu->next_pc = pc;
	if (!mmu_fetch(cpu, pc, &raw)) {
		if (cpu->trace)
			interp_trace_fetch_fault(cpu, pc);
		interp_count(cpu, cycle, instret);
		cpu->pc = cpu->next_pc;
		return;
	}
	if ((raw & 3) != 3)
		raw &= 0xffff;

	in = interp_decode(pc, raw);
	if (!in) {
		trap_raise(cpu, EXC_ILLEGAL_INSN, raw);
	} else {
		cpu->next_pc = pc + in->len;
		exec_table[in->op](cpu, in);
		cpu->x[0] = 0;
	}
	interp_count(cpu, cycle, instret);
	if (cpu->trace)
		interp_trace(cpu, pc, raw, in);
	cpu->pc = cpu->next_pc;
}

/* cpu_execute_one - see cpu.h. */
void cpu_execute_one(struct cpu *cpu)
{
	interp_execute(cpu);
}

/* cpu_exec_insn - see cpu.h. */
void cpu_exec_insn(struct cpu *cpu, const struct insn *in, uint64_t pc, bool count)
{
	uint64_t cycle = cpu->csr.mcycle, instret = cpu->csr.minstret;

	cpu->pc = pc;
	cpu->trapped = false;
	cpu->next_pc = pc + in->len;
	exec_table[in->op](cpu, in);
	cpu->x[0] = 0;
	if (count)
		interp_count(cpu, cycle, instret);
}

/* Take a pending enabled interrupt (trap_check_interrupts moves cpu->pc). */
static bool interp_take_interrupt(struct cpu *cpu)
{
	uint64_t pc = cpu->pc;

	if (!trap_check_interrupts(cpu))
		return false;
	if (cpu->trace)
		fprintf(stderr, "%u %016llx interrupt cause=%llu\n", cpu->hart_id,
			(unsigned long long)pc,
			(unsigned long long)((cpu->priv == PRIV_M ? cpu->csr.mcause
								  : cpu->csr.scause) &
					     ~(1ull << 63)));
	return true;
}

/* Reset a hart: all state cleared, M-mode, pc = reset_pc, a0 = hart id. */
void cpu_init(struct cpu *cpu, struct machine *machine, unsigned hart_id, uint64_t reset_pc)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->machine = machine;
	cpu->hart_id = hart_id;
	cpu->priv = PRIV_M;
	cpu->pc = reset_pc;
	cpu->next_pc = reset_pc;
	cpu->x[10] = hart_id;
	cpu->mtimecmp = UINT64_MAX;
	csr_reset(cpu);
}

/* Execute one instruction, or take one pending interrupt instead. */
void cpu_step(struct cpu *cpu)
{
	if (interp_take_interrupt(cpu))
		return;
	interp_execute(cpu);
}

/* Run until the budget is used up or a stop is requested; returns why it stopped. */
enum cpu_stop_reason cpu_run(struct cpu *cpu, uint64_t budget)
{
	uint64_t n;

	if (cpu->dbt)
		return (enum cpu_stop_reason)dbt_run(cpu, budget);
	for (n = 0; n < budget; n++) {
		if (__atomic_load_n(&cpu->stop_request, __ATOMIC_RELAXED))
			return CPU_STOP_REQUEST;
		/* the clock is read here only, not per instruction */
		if (n % INTERP_TIMER_PERIOD == 0)
			trap_update_timers(cpu);
		if (interp_take_interrupt(cpu))
			continue;
		interp_execute(cpu);
	}
	if (__atomic_load_n(&cpu->stop_request, __ATOMIC_RELAXED))
		return CPU_STOP_REQUEST;
	return CPU_STOP_BUDGET;
}

/* Raise or lower interrupt line `irq` of a hart (any thread), then wake sleeping harts. */
void cpu_set_irq(struct cpu *cpu, enum cpu_interrupt irq, bool level)
{
	uint64_t bit = 1ull << irq;

	if (level)
		__atomic_fetch_or(&cpu->mip_async, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&cpu->mip_async, ~bit, __ATOMIC_SEQ_CST);
	if (cpu->machine)
		machine_kick_harts(cpu->machine);
}
