/*
 * translate.c - guest blocks to x86-64: the code generator.
 *
 * A block is straight-line guest code from one pc up to a control
 * transfer, a system instruction, DBT_BLOCK_MAX_INSNS or the end of the
 * guest page. Its host code is:
 *
 *   prologue   budget -= n, back to the dispatcher when it runs out; the
 *              budget consumed is the count of retired instructions,
 *              which the dispatcher adds to minstret and mcycle (and the
 *              sys helper before it runs), so no counter is touched per
 *              block
 *   body       one inline sequence per instruction; the rare or complex
 *              ones call dbt_helper_op(), which runs the interpreter's own
 *              exec function
 *   end        direct exits (patchable jmp rel32, chained by the
 *              dispatcher), indirect jumps through the jump cache, T3
 *              returns through the return-address array
 *   out of line  slow paths of loads and stores, side exits that correct
 *              the counters for the instructions that did not retire, the
 *              exit stubs, and the T3 confirm blocks of call sites
 *
 * Host registers: rbp = struct cpu *; rax, rcx, rdx, rsi, rdi, r8-r11 are
 * scratch; nothing guest-visible is kept in a host register across
 * instructions, so a helper or a side exit needs no spilling.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/cpu.h"
#include "dbt_internal.h"
#include "tlbindex.h"
#include "x86emit.h"

#define RAX X86_RAX
#define RCX X86_RCX
#define RDX X86_RDX
#define RSI X86_RSI
#define RDI X86_RDI
#define RBP X86_RBP

#define OFF(field) ((int32_t)offsetof(struct cpu, field))
#define OFF_X(r) ((int32_t)(offsetof(struct cpu, x) + 8 * (r)))
#define OFF_STAT(s) ((int32_t)(offsetof(struct cpu, dbt_stat) + 8 * (s)))
#define OFF_TLB(a) ((int32_t)(offsetof(struct cpu, mmu.tlb) + (a)*MMU_TLB_SIZE * 16))
#define CPU_MEM(off) x86_mem(RBP, (off))

#define RA 1
#define T0 5

/* Out-of-line work recorded while the body is emitted. */
enum dbt_ool_kind {
	DBT_OOL_SLOW,	/* slow path of an inline load/store: call the helper, come back */
	DBT_OOL_HELPER, /* a helper asked to leave: fix the counters, exit */
	DBT_OOL_MEMBER, /* a group member whose group could not be set up: the plain access */
	DBT_OOL_SIDE,	/* the taken side of a conditional branch inside the block */
};

struct dbt_ool {
	enum dbt_ool_kind kind;
	uint8_t *fields[6]; /* jcc rel32s to point at the out-of-line code */
	unsigned n_fields;
	uint32_t dirty;	 /* DBT_OOL_SLOW: the dirty assigned registers at the site */
	uint8_t *resume; /* DBT_OOL_SLOW: where to continue */
	/*
	 * DBT_OOL_SLOW of a store: the write TLB miss's jcc (not in fields,
	 * which may come from elsewhere with no address in rax), and the
	 * main path's store, which a store to a code page's data line
	 * rejoins (gen_code_page_store).
	 */
	uint8_t *tlb_miss, *store_at;
	/* DBT_OOL_SLOW: before resuming, reload xmm0 from f[xmm_reg] (see xmm0_holds) */
	bool xmm_reload;
	unsigned xmm_reg;
	struct dbt_hinsn *h;   /* DBT_OOL_SLOW: the instruction */
	unsigned index;	       /* instruction index in the block */
	const struct insn *in; /* DBT_OOL_MEMBER: the access */
	uint64_t pc;	       /* DBT_OOL_MEMBER; DBT_OOL_SIDE: the branch target */
};

/*
 * A memory group: three or more integer loads and stores of one block off
 * one base register that nothing in between writes, whose addresses all
 * lie within [base + lo, base + hi). Its first member checks once that
 * the range sits in one page with a TLB entry (the write one if a member
 * stores) and that the members are aligned, and leaves the host address
 * of base + 0 in r15 (0 if not); each member is then one access off r15,
 * or the ordinary inline access when r15 is 0. Function prologues and
 * epilogues are the common case.
 */
#define GEN_GROUP_REG X86_R15
#define GEN_GROUP_MIN 3

struct dbt_group {
	int32_t lo, hi;	   /* offsets: lowest byte, one past the highest */
	int32_t align_off; /* the member whose alignment implies the others' */
	unsigned align;	   /* its size */
	bool store;	   /* a member stores: use the write TLB */
};

/* A call site's continuation: its confirm block is emitted out of line. */
struct dbt_confirm {
	uint8_t *imm64; /* movabs field that receives the confirm block's address */
	uint64_t ret_pc;
};

struct dbt_gen {
	struct dbt *d;
	struct cpu *cpu;
	struct x86_buf b;
	struct dbt_block *blk;
	struct dbt_ool ool[DBT_BLOCK_MAX_INSNS * 3];
	unsigned n_ool;
	struct dbt_confirm confirm[2];
	unsigned n_confirm;
	/* exits whose jmp rel32 fields still point nowhere: stubs come out of line */
	uint8_t *exit_fields[DBT_BLOCK_MAX_EXITS];
	unsigned n_insns; /* final count, known once the body is done */
	int rax_holds;	  /* guest register whose value rax holds, or -1 */
	/*
	 * The f register (double) whose value xmm0 holds, as in struct cpu,
	 * or -1: set by fld, F/D arithmetic and read by the next instruction
	 * only (xmm_in), so that a chain of them does not pass each value
	 * through memory. Every instruction starts with it cleared.
	 */
	int xmm0_holds, xmm_in;
	/*
	 * Guest registers living in host registers (gen_pool) for the whole
	 * block: host[r] is the host register of guest x[r] (0: none; rbx is
	 * never 0 in this map since X86_RAX is 0 and never assigned), loaded
	 * in the prologue; the ones the block writes (dirty) are stored back
	 * before every helper call and every exit.
	 */
	uint8_t host[32];
	uint32_t assigned, dirty;
	/*
	 * mstatus.FS is dirty from here to the end of the block: an F/D
	 * instruction that writes an f register checked it, and its slow path
	 * (the interpreter) makes it dirty or traps. Nothing inside a block
	 * can clean it: CSR writes and xRET end blocks.
	 */
	bool fs_dirty;
	bool in_ool; /* emitting out-of-line code: group members take the plain path */
	/*
	 * The block branches back to its own start: that edge runs the budget
	 * check and jumps to body, after the fill, with every register still
	 * in its host register. So that no exit misses a register an earlier
	 * iteration wrote, the registers the block writes count as dirty from
	 * body on (loop_dirty).
	 */
	uint8_t *body;
	uint32_t loop_dirty;
	/* memory groups: group[i] = group of instruction i + 1 (0: none) */
	uint8_t group[DBT_BLOCK_MAX_INSNS];
	bool group_first[DBT_BLOCK_MAX_INSNS];
	struct dbt_group groups[DBT_BLOCK_MAX_INSNS / GEN_GROUP_MIN + 1];
	unsigned n_groups;
};

/*
 * The host registers guest registers are kept in. Helper calls are always
 * preceded by a spill and followed by a fill, so the caller-saved ones
 * serve as well as the callee-saved; rax, rcx and rdx are the emitters'
 * scratch registers, rsi a scratch of division and T3, rbp the cpu, rsp
 * the host stack.
 */
static const enum x86_reg gen_pool[] = { X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
					 X86_RDI, X86_R8,  X86_R9,  X86_R10, X86_R11 };

/* ---- small emit helpers ---- */

/*
 * Guest register reads and writes. rax often still holds the register the
 * previous instruction wrote (g->rax_holds), and reading it back from
 * memory right after the store would put a store-to-load forwarding on
 * every dependency chain; so a read of that register copies rax instead.
 * Everything that clobbers rax without going through these two helpers
 * sets rax_holds to -1 (helper calls, address arithmetic, the FP paths,
 * and every rejoin point of a slow path).
 */
static void gen_load_x(struct dbt_gen *g, enum x86_reg dst, unsigned r)
{
	if (g->assigned >> r & 1) {
		if (dst != (enum x86_reg)g->host[r])
			x86_mov_rr(&g->b, 8, dst, (enum x86_reg)g->host[r]);
		if (dst == RAX)
			g->rax_holds = -1;
		return;
	}
	if (r == 0) {
		x86_mov_ri(&g->b, dst, 0);
		if (dst == RAX)
			g->rax_holds = -1;
		return;
	}
	if ((int)r == g->rax_holds) {
		if (dst != RAX)
			x86_mov_rr(&g->b, 8, dst, RAX);
		return;
	}
	x86_load(&g->b, 8, dst, CPU_MEM(OFF_X(r)));
	if (dst == RAX)
		g->rax_holds = (int)r;
}

static void gen_store_x(struct dbt_gen *g, unsigned r, enum x86_reg src)
{
	if (r == 0)
		return;
	if (g->assigned >> r & 1) {
		if (src != (enum x86_reg)g->host[r])
			x86_mov_rr(&g->b, 8, (enum x86_reg)g->host[r], src);
		g->dirty |= 1u << r;
		/* rax now holds an assigned register's value: nothing to remember */
		if (src == RAX)
			g->rax_holds = -1;
		return;
	}
	x86_store(&g->b, 8, CPU_MEM(OFF_X(r)), src);
	if (src == RAX)
		g->rax_holds = (int)r;
	else if ((int)r == g->rax_holds)
		g->rax_holds = -1;
}

/* dst op= x[r], from its host register or from memory */
static void gen_alu_x(struct dbt_gen *g, unsigned w, enum x86_alu op, enum x86_reg dst, unsigned r)
{
	if (g->assigned >> r & 1)
		x86_alu_rr(&g->b, w, op, dst, (enum x86_reg)g->host[r]);
	else
		x86_alu_rm(&g->b, w, op, dst, CPU_MEM(OFF_X(r)));
}

/* Store the dirty assigned registers back to struct cpu (before a helper or an exit). */
static void gen_spill(struct dbt_gen *g)
{
	for (unsigned r = 1; r < 32; r++)
		if (g->dirty >> r & 1)
			x86_store(&g->b, 8, CPU_MEM(OFF_X(r)), (enum x86_reg)g->host[r]);
	g->dirty = 0;
}

/* Load every assigned register (the prologue, and after a helper that may write any). */
static void gen_fill(struct dbt_gen *g)
{
	for (unsigned r = 1; r < 32; r++)
		if (g->assigned >> r & 1)
			x86_load(&g->b, 8, (enum x86_reg)g->host[r], CPU_MEM(OFF_X(r)));
}

static void gen_stat_inc(struct dbt_gen *g, enum dbt_stat s)
{
	x86_alu_mi(&g->b, 8, X86_ADD, CPU_MEM(OFF_STAT(s)), 1);
}

/* Call a helper with (cpu, h). */
static void gen_call_helper(struct dbt_gen *g, const void *fn, const struct dbt_hinsn *h)
{
	g->rax_holds = -1;
	x86_mov_rr(&g->b, 8, RDI, RBP);
	x86_mov_ri(&g->b, RSI, (uint64_t)(uintptr_t)h);
	x86_call(&g->b, fn);
}

static struct dbt_hinsn *gen_hinsn(struct dbt_gen *g, const struct insn *in, uint64_t pc)
{
	struct dbt_block *blk = g->blk;
	struct dbt_hinsn *h = &blk->hinsns[blk->n_hinsns++];

	h->in = *in;
	h->pc = pc;
	return h;
}

/* A jmp rel32 to be resolved later (exit slot). */
static struct dbt_exit *gen_exit_slot(struct dbt_gen *g, uint64_t target)
{
	struct dbt_block *blk = g->blk;
	struct dbt_exit *e = &blk->exits[blk->n_exits];

	g->exit_fields[blk->n_exits] = x86_jmp(&g->b, g->b.p);
	e->jmp_field = g->exit_fields[blk->n_exits];
	e->target = target;
	e->owner = blk;
	blk->n_exits++;
	return e;
}

/* ---- instructions ---- */

/* rd = rs1 op rs2 (or op imm): the two-operand x86 ALU forms. */
/*
 * rd = rs1 op rs2/imm straight in rd's host register (64-bit operations
 * only): no round trip through rax. Returns false when the sequence would
 * read rd after overwriting it (rs2 = rd != rs1, not commutative).
 */
static bool gen_alu_in_host(struct dbt_gen *g, const struct insn *in, enum x86_alu op, bool imm,
			    bool w32)
{
	enum x86_reg h = (enum x86_reg)g->host[in->rd];
	bool commutes = op == X86_ADD || op == X86_AND || op == X86_OR || op == X86_XOR;
	unsigned a = in->rs1, b = in->rs2, w = w32 ? 4 : 8;

	if (!imm && b == in->rd && a != in->rd) {
		if (!commutes)
			return false;
		a = in->rs2;
		b = in->rs1;
	} else if (!imm && a == 0 && b != 0 && commutes) {
		/* mv (add rd, x0, rs): rd = rs, the x0 operand dropped below */
		a = in->rs2;
		b = 0;
	}
	if (!w32 && imm && op == X86_ADD && a != in->rd && a != 0 && (g->assigned >> a & 1)) {
		x86_lea(&g->b, h, x86_mem((enum x86_reg)g->host[a], (int32_t)in->imm));
	} else if (imm && a == 0 && (op == X86_ADD || op == X86_OR || op == X86_XOR)) {
		/* li: a 12-bit immediate, the same sign-extended from 32 or 64 bits */
		x86_mov_ri(&g->b, h, (uint64_t)in->imm);
		w32 = false;
	} else {
		if (a != in->rd)
			gen_load_x(g, h, a);
		if (imm) {
			if (in->imm != 0 || op == X86_AND)
				x86_alu_ri(&g->b, w, op, h, (int32_t)in->imm);
		} else if (b == 0) {
			if (op == X86_AND)
				x86_mov_ri(&g->b, h, 0);
			else if (op != X86_ADD && op != X86_OR && op != X86_XOR)
				x86_alu_ri(&g->b, w, op, h, 0);
		} else {
			gen_alu_x(g, w, op, h, b);
		}
	}
	if (w32)
		x86_movsxd_rr(&g->b, h, h);
	g->dirty |= 1u << in->rd;
	return true;
}

static void gen_alu(struct dbt_gen *g, const struct insn *in, enum x86_alu op, bool imm, bool w32)
{
	unsigned w = w32 ? 4 : 8;

	if (in->rd == 0)
		return;
	if ((g->assigned >> in->rd & 1) && gen_alu_in_host(g, in, op, imm, w32))
		return;
	if (!w32 && in->rs1 == 0 && (op == X86_ADD || op == X86_OR || op == X86_XOR)) {
		if (imm) {
			/* li: an immediate store */
			x86_store_imm(&g->b, 8, CPU_MEM(OFF_X(in->rd)), (int32_t)in->imm);
			if (g->rax_holds == (int)in->rd)
				g->rax_holds = -1;
		} else {
			/* mv (add rd, x0, rs2) */
			gen_load_x(g, RAX, in->rs2);
			gen_store_x(g, in->rd, RAX);
		}
		return;
	}
	gen_load_x(g, RAX, in->rs1);
	if (imm)
		x86_alu_ri(&g->b, w, op, RAX, (int32_t)in->imm);
	else if (in->rs2 == 0)
		x86_alu_ri(&g->b, w, op, RAX, 0);
	else
		gen_alu_x(g, w, op, RAX, in->rs2);
	if (w32)
		x86_movsxd_rr(&g->b, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
}

static void gen_shift(struct dbt_gen *g, const struct insn *in, enum x86_shift op, bool imm,
		      bool w32)
{
	unsigned w = w32 ? 4 : 8;

	if (in->rd == 0)
		return;
	if (imm && (g->assigned >> in->rd & 1)) {
		enum x86_reg h = (enum x86_reg)g->host[in->rd];

		if (in->rs1 != in->rd)
			gen_load_x(g, h, in->rs1);
		x86_shift_ri(&g->b, w, op, h, (uint8_t)(in->imm & (w32 ? 31 : 63)));
		if (w32)
			x86_movsxd_rr(&g->b, h, h);
		g->dirty |= 1u << in->rd;
		return;
	}
	gen_load_x(g, RAX, in->rs1);
	if (imm) {
		x86_shift_ri(&g->b, w, op, RAX, (uint8_t)(in->imm & (w32 ? 31 : 63)));
	} else {
		gen_load_x(g, RCX, in->rs2);
		x86_shift_rcl(&g->b, w, op, RAX);
	}
	if (w32)
		x86_movsxd_rr(&g->b, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
}

/*
 * Flags of x[rs1] - x[rs2] (x[rs1] - 0 for rs2 = x0): straight from rs1's
 * host register when it has one, else through rax.
 */
static void gen_cmp_x(struct dbt_gen *g, unsigned rs1, unsigned rs2)
{
	enum x86_reg a = RAX;

	if (rs1 != 0 && (g->assigned >> rs1 & 1))
		a = (enum x86_reg)g->host[rs1];
	else
		gen_load_x(g, RAX, rs1);
	if (rs2 == 0)
		x86_alu_ri(&g->b, 8, X86_CMP, a, 0);
	else
		gen_alu_x(g, 8, X86_CMP, a, rs2);
}

/* slt/sltu/slti/sltiu */
static void gen_set_less(struct dbt_gen *g, const struct insn *in, bool imm, enum x86_cond cc)
{
	if (in->rd == 0)
		return;
	if (imm) {
		gen_load_x(g, RAX, in->rs1);
		x86_alu_ri(&g->b, 8, X86_CMP, RAX, (int32_t)in->imm);
	} else {
		gen_cmp_x(g, in->rs1, in->rs2);
	}
	x86_setcc(&g->b, cc, RAX);
	x86_movzx_rr(&g->b, 1, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
}

static void gen_mul(struct dbt_gen *g, const struct insn *in, bool w32)
{
	if (in->rd == 0)
		return;
	gen_load_x(g, RAX, in->rs1);
	gen_load_x(g, RCX, in->rs2);
	x86_imul_rr(&g->b, w32 ? 4 : 8, RAX, RCX);
	if (w32)
		x86_movsxd_rr(&g->b, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
}

/* mulh / mulhu / mulhsu: the high half lands in rdx. */
static void gen_mulh(struct dbt_gen *g, const struct insn *in)
{
	if (in->rd == 0)
		return;
	gen_load_x(g, RAX, in->rs1);
	gen_load_x(g, RCX, in->rs2);
	if (in->op == OP_MULH) {
		x86_imul1_r(&g->b, 8, RCX);
	} else {
		x86_mov_rr(&g->b, 8, RSI, RAX);
		x86_mul_r(&g->b, 8, RCX);
		if (in->op == OP_MULHSU) {
			/* signed a times unsigned b: subtract b when a is negative */
			x86_shift_ri(&g->b, 8, X86_SAR, RSI, 63);
			x86_alu_rr(&g->b, 8, X86_AND, RSI, RCX);
			x86_alu_rr(&g->b, 8, X86_SUB, RDX, RSI);
		}
	}
	g->rax_holds = -1; /* the multiply left its low half there */
	gen_store_x(g, in->rd, RDX);
}

/*
 * div/divu/rem/remu and their W forms, with RISC-V's answers where x86
 * would fault: x / 0 = all ones (signed: -1), x % 0 = x, and for the
 * signed overflow MIN / -1 = MIN, MIN % -1 = 0.
 */
static void gen_div(struct dbt_gen *g, const struct insn *in, bool sgn, bool rem, bool w32)
{
	unsigned w = w32 ? 4 : 8;
	uint8_t *zero, *ovf = NULL, *not_m1 = NULL, *done[3];
	unsigned n_done = 0;

	if (in->rd == 0)
		return;
	gen_load_x(g, RCX, in->rs2);
	gen_load_x(g, RAX, in->rs1);
	g->rax_holds = -1;
	x86_test_rr(&g->b, w, RCX, RCX);
	zero = x86_jcc(&g->b, X86_CC_E, g->b.p);
	if (sgn) {
		x86_alu_ri(&g->b, w, X86_CMP, RCX, -1);
		not_m1 = x86_jcc(&g->b, X86_CC_NE, g->b.p);
		if (w32) {
			x86_alu_ri(&g->b, 4, X86_CMP, RAX, INT32_MIN);
		} else {
			x86_mov_ri(&g->b, RDX, 1ull << 63);
			x86_alu_rr(&g->b, 8, X86_CMP, RAX, RDX);
		}
		ovf = x86_jcc(&g->b, X86_CC_E, g->b.p);
		if (not_m1)
			x86_patch_rel32(not_m1, g->b.p);
		x86_cqo(&g->b, w);
		x86_idiv_r(&g->b, w, RCX);
	} else {
		x86_mov_ri(&g->b, RDX, 0);
		x86_div_r(&g->b, w, RCX);
	}
	if (rem)
		x86_mov_rr(&g->b, 8, RAX, RDX);
	done[n_done++] = x86_jmp(&g->b, g->b.p);
	/* divisor zero: the quotient is all ones, the remainder the dividend (in rax) */
	if (zero)
		x86_patch_rel32(zero, g->b.p);
	if (!rem)
		x86_mov_ri(&g->b, RAX, UINT64_MAX);
	if (ovf) {
		done[n_done++] = x86_jmp(&g->b, g->b.p);
		/* MIN / -1: the quotient is the dividend (in rax), the remainder 0 */
		x86_patch_rel32(ovf, g->b.p);
		if (rem)
			x86_mov_ri(&g->b, RAX, 0);
	}
	for (unsigned i = 0; i < n_done; i++)
		if (done[i])
			x86_patch_rel32(done[i], g->b.p);
	if (w32)
		x86_movsxd_rr(&g->b, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
}

/* Zba: rd = (rs1 [zero-extended] << n) + rs2 */
static void gen_shadd(struct dbt_gen *g, const struct insn *in, unsigned shift, bool uw)
{
	if (in->rd == 0)
		return;
	gen_load_x(g, RCX, in->rs2);
	gen_load_x(g, RAX, in->rs1);
	if (uw) {
		x86_mov_rr(&g->b, 4, RAX, RAX);
		g->rax_holds = -1;
	}
	x86_lea(&g->b, RAX, x86_mem_idx(RCX, RAX, (uint8_t)(1u << shift), 0));
	gen_store_x(g, in->rd, RAX);
}

/*
 * Inline load/store: the soft-TLB fast path (the entry's vpage equals the
 * address with its page offset cleared but its low alignment bits kept, so
 * a misaligned access always misses), else the helper does everything.
 */
static void gen_fp_check_fs(struct dbt_gen *g, struct dbt_ool *o, bool writes_f);
static void gen_helper_op(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index);

/* The first member of a group: r15 = host address of base + 0, or 0. */
static void gen_group_setup(struct dbt_gen *g, const struct insn *in, const struct dbt_group *gr)
{
	enum mmu_access acc = gr->store ? MMU_WRITE : MMU_READ;
	uint8_t *fail[4], *done;
	unsigned n_fail = 0;

	if (g->assigned >> in->rs1 & 1) {
		x86_lea(&g->b, RAX, x86_mem((enum x86_reg)g->host[in->rs1], gr->lo));
	} else {
		gen_load_x(g, RAX, in->rs1);
		x86_alu_ri(&g->b, 8, X86_ADD, RAX, gr->lo);
	}
	g->rax_holds = -1;
	/* all of [base + lo, base + hi) in the page of base + lo */
	x86_mov_rr(&g->b, 4, RCX, RAX);
	x86_alu_ri(&g->b, 4, X86_AND, RCX, (int32_t)~MMU_PAGE_MASK);
	x86_alu_ri(&g->b, 4, X86_CMP, RCX, (int32_t)MMU_PAGE_SIZE - (gr->hi - gr->lo));
	fail[n_fail++] = x86_jcc(&g->b, X86_CC_A, g->b.p);
	if (gr->align > 1) {
		x86_lea(&g->b, RCX, x86_mem(RAX, gr->align_off - gr->lo));
		x86_test_ri(&g->b, 4, RCX, (int32_t)gr->align - 1);
		fail[n_fail++] = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	}
	dbt_emit_tlb_index(&g->b, g->d->bmi2);
	x86_mov_rr(&g->b, 8, RDX, RAX);
	x86_alu_ri(&g->b, 8, X86_AND, RDX, (int32_t)MMU_PAGE_MASK);
	x86_alu_rm(&g->b, 8, X86_CMP, RDX, x86_mem_idx(RBP, RCX, 1, OFF_TLB(acc)));
	fail[n_fail++] = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	x86_load(&g->b, 8, GEN_GROUP_REG, x86_mem_idx(RBP, RCX, 1, OFF_TLB(acc) + 8));
	x86_lea(&g->b, GEN_GROUP_REG, x86_mem_idx(GEN_GROUP_REG, RAX, 1, -gr->lo));
	done = x86_jmp(&g->b, g->b.p);
	for (unsigned i = 0; i < n_fail; i++)
		if (fail[i])
			x86_patch_rel32(fail[i], g->b.p);
	x86_alu_rr(&g->b, 4, X86_XOR, GEN_GROUP_REG, GEN_GROUP_REG);
	if (done)
		x86_patch_rel32(done, g->b.p);
}

/* A group member: one access off r15, or (r15 = 0) the plain inline access, out of line. */
static void gen_group_member(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
			     unsigned size, bool store, bool sx)
{
	struct dbt_ool *o;
	struct x86_mem m = x86_mem(GEN_GROUP_REG, (int32_t)in->imm);

	if (g->group_first[index])
		gen_group_setup(g, in, &g->groups[g->group[index] - 1]);
	o = &g->ool[g->n_ool++];
	o->kind = DBT_OOL_MEMBER;
	o->n_fields = 0;
	o->dirty = g->dirty;
	o->in = in;
	o->pc = pc;
	o->index = index;
	x86_test_rr(&g->b, 8, GEN_GROUP_REG, GEN_GROUP_REG);
	o->fields[o->n_fields++] = x86_jcc(&g->b, X86_CC_E, g->b.p);
	if (store) {
		enum x86_reg v = RDX;

		if (g->assigned >> in->rs2 & 1)
			v = (enum x86_reg)g->host[in->rs2];
		else
			gen_load_x(g, RDX, in->rs2);
		x86_store(&g->b, size, m, v);
	} else {
		enum x86_reg h = (g->assigned >> in->rd & 1) ? (enum x86_reg)g->host[in->rd] : RDX;

		if (sx && size < 8)
			x86_load_sx(&g->b, size, h, m);
		else
			x86_load(&g->b, size, h, m);
		if (h == RDX)
			gen_store_x(g, in->rd, RDX);
		else
			g->dirty |= 1u << in->rd;
	}
	o->resume = g->b.p;
	g->rax_holds = -1; /* the plain path rejoins here */
}

static void gen_mem(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
		    unsigned size, bool store, bool sx, bool fp)
{
	enum mmu_access acc = store ? MMU_WRITE : MMU_READ;
	bool fld_in_xmm0 = false;
	struct dbt_ool *o;

	if (g->group[index] && !g->in_ool) {
		gen_group_member(g, in, pc, index, size, store, sx);
		return;
	}
	o = &g->ool[g->n_ool++];
	o->n_fields = 0;
	o->dirty = g->dirty;
	if (fp) /* fld/fsd: FS must be dirty (fld writes an f register; fsd just needs it on) */
		gen_fp_check_fs(g, o, !store);

	if ((g->assigned >> in->rs1 & 1) && in->imm) {
		x86_lea(&g->b, RAX, x86_mem((enum x86_reg)g->host[in->rs1], (int32_t)in->imm));
	} else {
		gen_load_x(g, RAX, in->rs1);
		if (in->imm)
			x86_alu_ri(&g->b, 8, X86_ADD, RAX, (int32_t)in->imm);
	}
	g->rax_holds = -1; /* rax becomes the address, then the host pointer */
	dbt_emit_tlb_index(&g->b, g->d->bmi2);
	x86_mov_rr(&g->b, 8, RDX, RAX);
	x86_alu_ri(&g->b, 8, X86_AND, RDX, (int32_t)(MMU_PAGE_MASK | (size - 1)));
	x86_alu_rm(&g->b, 8, X86_CMP, RDX, x86_mem_idx(RBP, RCX, 1, OFF_TLB(acc)));
	o->kind = DBT_OOL_SLOW;
	o->tlb_miss = NULL;
	o->store_at = NULL;
	if (store)
		o->tlb_miss = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	else
		o->fields[o->n_fields++] = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	o->h = gen_hinsn(g, in, pc);
	o->index = index;
	x86_alu_rm(&g->b, 8, X86_ADD, RAX, x86_mem_idx(RBP, RCX, 1, OFF_TLB(acc) + 8));
	if (store && fp && size == 8 && g->xmm_in == (int)in->rs2) {
		/* fsd of the value the last instruction left in xmm0 */
		o->store_at = g->b.p;
		x86_movs_store(&g->b, true, x86_mem(RAX, 0), 0);
	} else if (store) {
		enum x86_reg v = RDX;

		o->store_at = g->b.p;
		if (fp)
			x86_load(&g->b, 8, RDX, CPU_MEM(OFF(f) + 8 * in->rs2));
		else if (g->assigned >> in->rs2 & 1)
			v = (enum x86_reg)g->host[in->rs2];
		else
			gen_load_x(g, RDX, in->rs2);
		x86_store(&g->b, size, x86_mem(RAX, 0), v);
	} else if (!fp && (g->assigned >> in->rd & 1)) {
		/* straight into rd's host register (a slow path's fill reloads it) */
		enum x86_reg h = (enum x86_reg)g->host[in->rd];

		if (sx && size < 8)
			x86_load_sx(&g->b, size, h, x86_mem(RAX, 0));
		else
			x86_load(&g->b, size, h, x86_mem(RAX, 0));
		g->dirty |= 1u << in->rd;
	} else if (fp && size == 8) {
		/* fld: straight into xmm0 too, for the next instruction (xmm0_holds) */
		x86_movs_load(&g->b, true, 0, x86_mem(RAX, 0));
		x86_movs_store(&g->b, true, CPU_MEM(OFF(f) + 8 * in->rd), 0);
		o->xmm_reload = true;
		o->xmm_reg = in->rd;
		fld_in_xmm0 = true;
	} else {
		if (sx && size < 8)
			x86_load_sx(&g->b, size, RDX, x86_mem(RAX, 0));
		else
			x86_load(&g->b, size, RDX, x86_mem(RAX, 0));
		if (fp && size == 4) {
			/* flw: NaN-box */
			x86_mov_ri(&g->b, RCX, 0xffffffff00000000ull);
			x86_alu_rr(&g->b, 8, X86_OR, RDX, RCX);
		}
		if (fp)
			x86_store(&g->b, 8, CPU_MEM(OFF(f) + 8 * in->rd), RDX);
		else
			gen_store_x(g, in->rd, RDX);
	}
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
	if (fld_in_xmm0)
		g->xmm0_holds = (int)in->rd;
}

/*
 * F/D fast paths. They run only when the outcome is sure to be what the
 * interpreter computes: mstatus.FS already dirty (so nothing to update),
 * round to nearest even (static, or dynamic with frm = 0), single-precision
 * operands properly NaN-boxed, and a result that is not a NaN (x86 and
 * RISC-V NaNs differ). Under those conditions x86 raises exactly the IEEE
 * flags RISC-V does (tininess after rounding on both); they accumulate in
 * MXCSR, which C folds into fflags (dbt_fp_fold). Anything else jumps to
 * the slow path, the interpreter's exec function, before the result is
 * written.
 */
static struct dbt_ool *gen_fp_slow(struct dbt_gen *g, const struct insn *in, uint64_t pc,
				   unsigned index)
{
	struct dbt_ool *o = &g->ool[g->n_ool++];

	o->kind = DBT_OOL_SLOW;
	o->h = gen_hinsn(g, in, pc);
	o->index = index;
	o->n_fields = 0;
	o->dirty = g->dirty;
	return o;
}

static void gen_fp_jump_slow(struct dbt_gen *g, struct dbt_ool *o, enum x86_cond cc)
{
	o->fields[o->n_fields++] = x86_jcc(&g->b, cc, g->b.p);
}

/*
 * FS must be dirty (rax clobbered); checked once per block by the first
 * instruction that writes an f register (@writes_f), whose slow path makes
 * it so. fsd and fmv.x.d check it each time until then.
 */
static void gen_fp_check_fs(struct dbt_gen *g, struct dbt_ool *o, bool writes_f)
{
	if (g->fs_dirty)
		return;
	g->rax_holds = -1;
	x86_load(&g->b, 4, RAX, CPU_MEM(OFF(csr.mstatus)));
	x86_not(&g->b, 4, RAX);
	x86_test_ri(&g->b, 4, RAX, 3 << 13);
	gen_fp_jump_slow(g, o, X86_CC_NE);
	if (writes_f)
		g->fs_dirty = true;
}

/* A single-precision operand must be NaN-boxed: its upper half all ones. */
static void gen_fp_check_box(struct dbt_gen *g, struct dbt_ool *o, unsigned r)
{
	x86_alu_mi(&g->b, 4, X86_CMP, CPU_MEM(OFF(f) + 8 * r + 4), -1);
	gen_fp_jump_slow(g, o, X86_CC_NE);
}

/* fadd, fsub, fmul, fdiv, fsqrt in single (@dbl false) or double precision */
static void gen_fp_arith(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
			 enum x86_sse op, bool dbl)
{
	struct dbt_ool *o;

	if (in->rm != 0 && in->rm != 7) {
		gen_helper_op(g, in, pc, index);
		return;
	}
	o = gen_fp_slow(g, in, pc, index);
	gen_fp_check_fs(g, o, true);
	if (in->rm == 7) {
		x86_alu_mi(&g->b, 4, X86_CMP, CPU_MEM(OFF(frm)), 0);
		gen_fp_jump_slow(g, o, X86_CC_NE);
	}
	if (!dbl) {
		gen_fp_check_box(g, o, in->rs1);
		if (op != X86_SSE_SQRT && in->rs2 != in->rs1)
			gen_fp_check_box(g, o, in->rs2);
	}
	if (op == X86_SSE_SQRT) {
		x86_sse_rm(&g->b, dbl, op, 0, CPU_MEM(OFF(f) + 8 * in->rs1));
	} else if (dbl && g->xmm_in == (int)in->rs1) {
		x86_sse_rm(&g->b, dbl, op, 0, CPU_MEM(OFF(f) + 8 * in->rs2));
	} else if (dbl && g->xmm_in == (int)in->rs2 && (op == X86_SSE_ADD || op == X86_SSE_MUL)) {
		/* commutes (a NaN result, whose payload would differ, goes to the slow path) */
		x86_sse_rm(&g->b, dbl, op, 0, CPU_MEM(OFF(f) + 8 * in->rs1));
	} else {
		x86_movs_load(&g->b, dbl, 0, CPU_MEM(OFF(f) + 8 * in->rs1));
		x86_sse_rm(&g->b, dbl, op, 0, CPU_MEM(OFF(f) + 8 * in->rs2));
	}
	/* a NaN result: unordered with itself (a quiet NaN compares without a flag) */
	x86_ucomis_rr(&g->b, dbl, 0, 0);
	gen_fp_jump_slow(g, o, X86_CC_P);
	x86_movs_store(&g->b, dbl, CPU_MEM(OFF(f) + 8 * in->rd), 0);
	if (!dbl) /* NaN-box the single-precision result */
		x86_store_imm(&g->b, 4, CPU_MEM(OFF(f) + 8 * in->rd + 4), -1);
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
	if (dbl) {
		o->xmm_reload = true;
		o->xmm_reg = in->rd;
		g->xmm0_holds = (int)in->rd;
	}
}

/* fsgnj.d (fmv.d when rs1 = rs2): sign bits only, never a flag */
static void gen_fsgnj_d(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index)
{
	struct dbt_ool *o = gen_fp_slow(g, in, pc, index);

	gen_fp_check_fs(g, o, true);
	x86_load(&g->b, 8, RAX, CPU_MEM(OFF(f) + 8 * in->rs1));
	if (in->rs1 != in->rs2) {
		x86_load(&g->b, 8, RCX, CPU_MEM(OFF(f) + 8 * in->rs2));
		x86_shift_ri(&g->b, 8, X86_SHL, RAX, 1);
		x86_shift_ri(&g->b, 8, X86_SHR, RAX, 1);
		x86_shift_ri(&g->b, 8, X86_SHR, RCX, 63);
		x86_shift_ri(&g->b, 8, X86_SHL, RCX, 63);
		x86_alu_rr(&g->b, 8, X86_OR, RAX, RCX);
	}
	x86_store(&g->b, 8, CPU_MEM(OFF(f) + 8 * in->rd), RAX);
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/* fmv.x.d / fmv.d.x: raw bits between the register files */
static void gen_fmv_d(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
		      bool to_x)
{
	struct dbt_ool *o = gen_fp_slow(g, in, pc, index);

	gen_fp_check_fs(g, o, !to_x);
	if (to_x) {
		x86_load(&g->b, 8, RAX, CPU_MEM(OFF(f) + 8 * in->rs1));
		gen_store_x(g, in->rd, RAX);
	} else {
		gen_load_x(g, RAX, in->rs1);
		x86_store(&g->b, 8, CPU_MEM(OFF(f) + 8 * in->rd), RAX);
	}
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/*
 * fcvt.w/l.s/d (signed): cvt(t)s?2si, whose "integer indefinite" answer
 * (NaN or out of range, where RISC-V saturates instead) goes to the slow
 * path; so does an exact INT_MIN, harmlessly.
 */
static void gen_fcvt_to_int(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
			    bool dbl, unsigned w)
{
	struct dbt_ool *o;
	bool truncate = in->rm == 1;

	if (in->rm != 0 && in->rm != 1 && in->rm != 7) {
		gen_helper_op(g, in, pc, index);
		return;
	}
	o = gen_fp_slow(g, in, pc, index);
	gen_fp_check_fs(g, o, false);
	if (in->rm == 7) {
		x86_alu_mi(&g->b, 4, X86_CMP, CPU_MEM(OFF(frm)), 0);
		gen_fp_jump_slow(g, o, X86_CC_NE);
	}
	if (!dbl)
		gen_fp_check_box(g, o, in->rs1);
	x86_movs_load(&g->b, dbl, 0, CPU_MEM(OFF(f) + 8 * in->rs1));
	x86_cvts2si(&g->b, dbl, truncate, w, RAX, 0);
	g->rax_holds = -1;
	if (w == 8) {
		x86_mov_ri(&g->b, RCX, 1ull << 63);
		x86_alu_rr(&g->b, 8, X86_CMP, RAX, RCX);
	} else {
		x86_alu_ri(&g->b, 4, X86_CMP, RAX, INT32_MIN);
	}
	gen_fp_jump_slow(g, o, X86_CC_E);
	if (w == 4)
		x86_movsxd_rr(&g->b, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/* fcvt.s/d.w/l (signed): cvtsi2s?; int32 to double is exact in every rounding mode. */
static void gen_fcvt_from_int(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
			      bool dbl, unsigned w)
{
	bool exact = dbl && w == 4;
	struct dbt_ool *o;

	if (in->rm != 0 && in->rm != 7 && !(exact && in->rm <= 4)) {
		gen_helper_op(g, in, pc, index);
		return;
	}
	o = gen_fp_slow(g, in, pc, index);
	gen_fp_check_fs(g, o, true);
	if (in->rm == 7) {
		/* dynamic: frm must be valid (else illegal), and RNE unless exact */
		x86_alu_mi(&g->b, 4, X86_CMP, CPU_MEM(OFF(frm)), exact ? 4 : 0);
		gen_fp_jump_slow(g, o, exact ? X86_CC_A : X86_CC_NE);
	}
	gen_load_x(g, RAX, in->rs1);
	x86_cvtsi2s(&g->b, dbl, w, 0, RAX);
	x86_movs_store(&g->b, dbl, CPU_MEM(OFF(f) + 8 * in->rd), 0);
	if (!dbl)
		x86_store_imm(&g->b, 4, CPU_MEM(OFF(f) + 8 * in->rd + 4), -1);
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/*
 * feq (quiet: ucomis), flt and fle (signaling: comis, operands swapped so
 * that "above" and "above or equal" are false when unordered). x86 raises
 * "invalid" exactly where RISC-V does; no slow path but FS and NaN-boxing.
 */
static void gen_fcmp(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
		     bool dbl, int kind /* 0 eq, 1 lt, 2 le */)
{
	struct dbt_ool *o = gen_fp_slow(g, in, pc, index);

	gen_fp_check_fs(g, o, false);
	if (!dbl) {
		gen_fp_check_box(g, o, in->rs1);
		if (in->rs2 != in->rs1)
			gen_fp_check_box(g, o, in->rs2);
	}
	x86_movs_load(&g->b, dbl, 0, CPU_MEM(OFF(f) + 8 * in->rs1));
	x86_movs_load(&g->b, dbl, 1, CPU_MEM(OFF(f) + 8 * in->rs2));
	g->rax_holds = -1;
	if (kind == 0) {
		x86_ucomis_rr(&g->b, dbl, 0, 1);
		x86_setcc(&g->b, X86_CC_E, RAX);
		x86_setcc(&g->b, X86_CC_NP, RCX);
		x86_alu_rr(&g->b, 4, X86_AND, RAX, RCX);
	} else {
		x86_comis_rr(&g->b, dbl, 1, 0);
		x86_setcc(&g->b, kind == 1 ? X86_CC_A : X86_CC_AE, RAX);
	}
	x86_movzx_rr(&g->b, 1, RAX, RAX);
	gen_store_x(g, in->rd, RAX);
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/*
 * fsgnj/fsgnjn/fsgnjx in single (@dbl false: NaN-boxed operands, else the
 * slow path) or double precision (fsgnj.d has its own): sign bits only,
 * never a flag.
 */
static void gen_fsgnj(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
		      bool dbl, int kind /* 0 j, 1 jn, 2 jx */)
{
	struct dbt_ool *o = gen_fp_slow(g, in, pc, index);
	unsigned w = dbl ? 8 : 4, top = dbl ? 63 : 31;

	gen_fp_check_fs(g, o, true);
	if (!dbl) {
		gen_fp_check_box(g, o, in->rs1);
		if (in->rs2 != in->rs1)
			gen_fp_check_box(g, o, in->rs2);
	}
	g->rax_holds = -1;
	x86_load(&g->b, w, RAX, CPU_MEM(OFF(f) + 8 * in->rs1));
	x86_load(&g->b, w, RCX, CPU_MEM(OFF(f) + 8 * in->rs2));
	if (kind == 1)
		x86_not(&g->b, w, RCX);
	else if (kind == 2)
		x86_alu_rr(&g->b, w, X86_XOR, RCX, RAX);
	/* rax: rs1 without its sign; rcx: the sign alone */
	x86_shift_ri(&g->b, w, X86_SHL, RAX, 1);
	x86_shift_ri(&g->b, w, X86_SHR, RAX, 1);
	x86_shift_ri(&g->b, w, X86_SHR, RCX, (uint8_t)top);
	x86_shift_ri(&g->b, w, X86_SHL, RCX, (uint8_t)top);
	x86_alu_rr(&g->b, w, X86_OR, RAX, RCX);
	x86_store(&g->b, w, CPU_MEM(OFF(f) + 8 * in->rd), RAX);
	if (!dbl)
		x86_store_imm(&g->b, 4, CPU_MEM(OFF(f) + 8 * in->rd + 4), -1);
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/* fmv.x.w (sign-extended low half, boxed or not) / fmv.w.x (NaN-boxed) */
static void gen_fmv_w(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index,
		      bool to_x)
{
	struct dbt_ool *o = gen_fp_slow(g, in, pc, index);

	gen_fp_check_fs(g, o, !to_x);
	g->rax_holds = -1;
	if (to_x) {
		x86_load_sx(&g->b, 4, RAX, CPU_MEM(OFF(f) + 8 * in->rs1));
		gen_store_x(g, in->rd, RAX);
	} else {
		gen_load_x(g, RAX, in->rs1);
		x86_store(&g->b, 4, CPU_MEM(OFF(f) + 8 * in->rd), RAX);
		x86_store_imm(&g->b, 4, CPU_MEM(OFF(f) + 8 * in->rd + 4), -1);
	}
	o->resume = g->b.p;
	g->rax_holds = -1; /* the slow path rejoins here */
}

/* An instruction the interpreter's exec function runs; the block goes on unless it says leave. */
static void gen_helper_op(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index)
{
	struct dbt_ool *o = &g->ool[g->n_ool++];

	gen_spill(g);
	gen_call_helper(g, (const void *)dbt_helper_op, gen_hinsn(g, in, pc));
	x86_test_rr(&g->b, 4, RAX, RAX);
	o->kind = DBT_OOL_HELPER;
	o->fields[0] = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	o->n_fields = 1;
	o->index = index;
	/* the helper may have written any guest register (its rd at least) */
	gen_fill(g);
}

/* T3: a call to the target in rax (dynamic) or @target (static): remember where to come back. */
static void gen_t3_call(struct dbt_gen *g, bool dynamic, uint64_t target, uint64_t ret_pc)
{
	struct dbt_confirm *c = &g->confirm[g->n_confirm++];
	struct x86_mem slot;

	if (g->d->opts.count_t3)
		gen_stat_inc(g, DBT_STAT_CALLS);
	x86_load(&g->b, 8, RDX, CPU_MEM(OFF(dbt_ret)));
	if (dynamic) {
		x86_mov_rr(&g->b, 8, RCX, RAX);
		x86_shift_ri(&g->b, 8, X86_SHR, RCX, 1);
		x86_alu_ri(&g->b, 4, X86_AND, RCX, DBT_RET_SIZE - 1);
		x86_shift_ri(&g->b, 4, X86_SHL, RCX, DBT_RET_SHIFT);
		slot = x86_mem_idx(RDX, RCX, 1, 0);
	} else {
		slot = x86_mem(RDX,
			       (int32_t)(((target >> 1) & (DBT_RET_SIZE - 1)) << DBT_RET_SHIFT));
	}
	x86_load(&g->b, 8, RSI, CPU_MEM(OFF(dbt_t3_slot)));
	slot.disp += 8;
	x86_store(&g->b, 8, slot, RSI);
	slot.disp -= 8;
	/* A movabs whose immediate is patched with the confirm block's address. */
	x86_mov_ri(&g->b, RSI, 0x8000000000000000ull);
	c->imm64 = g->b.p - 8;
	c->ret_pc = ret_pc;
	x86_store(&g->b, 8, slot, RSI);
	/* the callee's entry becomes the current one */
	if (dynamic)
		x86_store(&g->b, 8, CPU_MEM(OFF(dbt_t3_slot)), RCX);
	else
		x86_store_imm(&g->b, 8, CPU_MEM(OFF(dbt_t3_slot)), slot.disp);
}

static bool is_link(unsigned r)
{
	return r == RA || r == T0;
}

/* jal: the block ends with a direct exit. */
/*
 * The taken edge of a block onto its own start (see body): another
 * iteration if the budget allows, else leave as the prologue would.
 */
static void gen_loop_edge(struct dbt_gen *g)
{
	struct dbt_block *blk = g->blk;
	uint8_t *out;

	x86_alu_mi(&g->b, 8, X86_SUB, CPU_MEM(OFF(dbt_budget)), (int32_t)blk->n_insns);
	out = x86_jcc(&g->b, X86_CC_LE, g->b.p);
	x86_jmp(&g->b, g->body);
	if (out)
		x86_patch_rel32(out, g->b.p);
	x86_alu_mi(&g->b, 8, X86_ADD, CPU_MEM(OFF(dbt_budget)), (int32_t)blk->n_insns);
	gen_spill(g);
	x86_mov_ri(&g->b, RAX, blk->vpc);
	x86_store(&g->b, 8, CPU_MEM(OFF(pc)), RAX);
	x86_jmp(&g->b, g->d->epilogue);
}

static bool gen_is_loop_edge(struct dbt_gen *g, uint64_t target)
{
	return g->body && target == g->blk->vpc;
}

static void gen_jal(struct dbt_gen *g, const struct insn *in, uint64_t pc)
{
	uint64_t target = pc + (uint64_t)in->imm;
	uint64_t ret_pc = pc + in->len;

	if (in->rd == 0 && gen_is_loop_edge(g, target)) {
		gen_loop_edge(g);
		return;
	}
	if (in->rd) {
		x86_mov_ri(&g->b, RAX, ret_pc);
		gen_store_x(g, in->rd, RAX);
	}
	gen_spill(g);
	if (g->d->opts.ret_array && is_link(in->rd))
		gen_t3_call(g, false, target, ret_pc);
	gen_exit_slot(g, target);
}

/* jalr: calls and returns use T3; anything else the jump cache. */
/*
 * rax = guest pc: jump through the jump cache of the current privilege, or
 * leave for the dispatcher. Emitted at every indirect jump rather than
 * shared, so that each guest jump site has its own host indirect jump for
 * the branch predictor to learn (a shared one took 20% of br-interp's time).
 */
static void gen_jc_lookup(struct dbt *d, struct x86_buf *b)
{
	x86_load(b, 8, RDX, CPU_MEM(OFF(dbt_jc)));
	x86_mov_rr(b, 8, RCX, RAX);
	x86_shift_ri(b, 8, X86_SHR, RCX, 1);
	x86_alu_ri(b, 4, X86_AND, RCX, DBT_JC_SIZE - 1);
	x86_shift_ri(b, 4, X86_SHL, RCX, DBT_JC_SHIFT);
	x86_alu_rm(b, 8, X86_CMP, RAX, x86_mem_idx(RDX, RCX, 1, 0));
	x86_jcc(b, X86_CC_NE, d->jc_miss);
	x86_jmp_m(b, x86_mem_idx(RDX, RCX, 1, 8));
}

static void gen_jalr(struct dbt_gen *g, const struct insn *in, uint64_t pc)
{
	uint64_t ret_pc = pc + in->len;
	bool t3 = g->d->opts.ret_array;

	gen_load_x(g, RAX, in->rs1);
	if (in->imm)
		x86_alu_ri(&g->b, 8, X86_ADD, RAX, (int32_t)in->imm);
	x86_alu_ri(&g->b, 8, X86_AND, RAX, -2);
	if (in->rd) {
		x86_mov_ri(&g->b, RCX, ret_pc);
		gen_store_x(g, in->rd, RCX);
	}
	gen_spill(g);
	if (t3 && in->rd == 0 && is_link(in->rs1)) {
		/* A return: jump to whatever the call to our function left in the array. */
		if (g->d->opts.count_t3)
			gen_stat_inc(g, DBT_STAT_RETURNS);
		x86_load(&g->b, 8, RDX, CPU_MEM(OFF(dbt_ret)));
		x86_load(&g->b, 8, RCX, CPU_MEM(OFF(dbt_t3_slot)));
		x86_load(&g->b, 8, RSI, x86_mem_idx(RDX, RCX, 1, 8));
		x86_store(&g->b, 8, CPU_MEM(OFF(dbt_t3_slot)), RSI);
		x86_jmp_m(&g->b, x86_mem_idx(RDX, RCX, 1, 0));
		return;
	}
	if (t3 && is_link(in->rd))
		gen_t3_call(g, true, 0, ret_pc);
	gen_jc_lookup(g->d, &g->b);
}

static const enum x86_cond branch_cc[] = {
	[OP_BEQ] = X86_CC_E,  [OP_BNE] = X86_CC_NE, [OP_BLT] = X86_CC_L,
	[OP_BGE] = X86_CC_GE, [OP_BLTU] = X86_CC_B, [OP_BGEU] = X86_CC_AE,
};

/*
 * A conditional branch that does not end the block (instruction @index):
 * the taken side leaves out of line (spill, give back the instructions
 * after the branch, a chainable exit), the block goes on.
 */
static void gen_side_branch(struct dbt_gen *g, const struct insn *in, uint64_t pc, unsigned index)
{
	struct dbt_ool *o = &g->ool[g->n_ool++];

	gen_cmp_x(g, in->rs1, in->rs2);
	o->kind = DBT_OOL_SIDE;
	o->n_fields = 0;
	o->fields[o->n_fields++] = x86_jcc(&g->b, branch_cc[in->op], g->b.p);
	o->dirty = g->dirty;
	o->index = index;
	o->pc = pc + (uint64_t)in->imm;
}

static void gen_branch(struct dbt_gen *g, const struct insn *in, uint64_t pc)
{
	uint64_t target = pc + (uint64_t)in->imm;
	bool loop = gen_is_loop_edge(g, target);
	uint32_t dirty = g->dirty;
	uint8_t *taken;

	if (!loop)
		gen_spill(g);
	gen_cmp_x(g, in->rs1, in->rs2);
	taken = x86_jcc(&g->b, branch_cc[in->op], g->b.p);
	if (loop)
		gen_spill(g);
	gen_exit_slot(g, pc + in->len);
	if (taken)
		x86_patch_rel32(taken, g->b.p);
	if (loop) {
		g->dirty = dirty;
		gen_loop_edge(g);
	} else {
		gen_exit_slot(g, target);
	}
}

/* CSR accesses that only read a CSR without side effects may stay inside a block. */
static bool csr_pure_read(const struct insn *in)
{
	bool no_write = ((in->op == OP_CSRRS || in->op == OP_CSRRC) && in->rs1 == 0) ||
			((in->op == OP_CSRRSI || in->op == OP_CSRRCI) && in->imm == 0);

	/* the counters must see the instructions before them counted */
	return no_write && in->csr != 0xc00 && in->csr != 0xc02 && in->csr != 0xb00 &&
	       in->csr != 0xb02;
}

enum gen_result {
	GEN_NEXT, /* go on with the next instruction */
	GEN_END,  /* the block ended here (control transfer emitted) */
	GEN_SYS,  /* a system instruction: ends the block through the sys helper */
};

/* The common instructions, emitted from one row each (kind 0: see gen_insn). */
enum gen_kind {
	GEN_K_NONE,
	GEN_K_ALU,	/* gen_alu: x86 = enum x86_alu */
	GEN_K_SHIFT,	/* gen_shift: x86 = enum x86_shift */
	GEN_K_SET_LESS, /* gen_set_less: x86 = enum x86_cond */
	GEN_K_MUL,	/* gen_mul */
	GEN_K_SHADD,	/* gen_shadd: x86 = the shift */
	GEN_K_MEM,	/* gen_mem: size bytes */
	GEN_K_FP,	/* gen_fp_arith: x86 = enum x86_sse */
	GEN_K_DIV,	/* gen_div */
};

#define GEN_F_IMM (1u << 0)    /* second operand is the immediate */
#define GEN_F_W32 (1u << 1)    /* 32-bit operation, result sign-extended */
#define GEN_F_STORE (1u << 2)  /* a store */
#define GEN_F_SX (1u << 3)     /* sign-extending load */
#define GEN_F_FP (1u << 4)     /* an f register */
#define GEN_F_DBL (1u << 5)    /* double precision */
#define GEN_F_UW (1u << 6)     /* rs1 zero-extended from 32 bits (.uw) */
#define GEN_F_SIGNED (1u << 7) /* signed division */
#define GEN_F_REM GEN_F_STORE  /* the remainder, not the quotient */

struct gen_desc {
	uint8_t kind, x86, size, flags;
};

static const struct gen_desc gen_table[OP_COUNT] = {
	[OP_DIV] = { .kind = GEN_K_DIV, .flags = GEN_F_SIGNED },
	[OP_DIVU] = { .kind = GEN_K_DIV },
	[OP_REM] = { .kind = GEN_K_DIV, .flags = GEN_F_SIGNED | GEN_F_REM },
	[OP_REMU] = { .kind = GEN_K_DIV, .flags = GEN_F_REM },
	[OP_DIVW] = { .kind = GEN_K_DIV, .flags = GEN_F_SIGNED | GEN_F_W32 },
	[OP_DIVUW] = { .kind = GEN_K_DIV, .flags = GEN_F_W32 },
	[OP_REMW] = { .kind = GEN_K_DIV, .flags = GEN_F_SIGNED | GEN_F_REM | GEN_F_W32 },
	[OP_REMUW] = { .kind = GEN_K_DIV, .flags = GEN_F_REM | GEN_F_W32 },
	[OP_XORI] = { .kind = GEN_K_ALU, .x86 = X86_XOR, .flags = GEN_F_IMM },
	[OP_ORI] = { .kind = GEN_K_ALU, .x86 = X86_OR, .flags = GEN_F_IMM },
	[OP_ANDI] = { .kind = GEN_K_ALU, .x86 = X86_AND, .flags = GEN_F_IMM },
	[OP_ADD] = { .kind = GEN_K_ALU, .x86 = X86_ADD },
	[OP_SUB] = { .kind = GEN_K_ALU, .x86 = X86_SUB },
	[OP_XOR] = { .kind = GEN_K_ALU, .x86 = X86_XOR },
	[OP_OR] = { .kind = GEN_K_ALU, .x86 = X86_OR },
	[OP_AND] = { .kind = GEN_K_ALU, .x86 = X86_AND },
	[OP_ADDIW] = { .kind = GEN_K_ALU, .x86 = X86_ADD, .flags = GEN_F_IMM | GEN_F_W32 },
	[OP_ADDW] = { .kind = GEN_K_ALU, .x86 = X86_ADD, .flags = GEN_F_W32 },
	[OP_SUBW] = { .kind = GEN_K_ALU, .x86 = X86_SUB, .flags = GEN_F_W32 },
	[OP_SLLI] = { .kind = GEN_K_SHIFT, .x86 = X86_SHL, .flags = GEN_F_IMM },
	[OP_SRLI] = { .kind = GEN_K_SHIFT, .x86 = X86_SHR, .flags = GEN_F_IMM },
	[OP_SRAI] = { .kind = GEN_K_SHIFT, .x86 = X86_SAR, .flags = GEN_F_IMM },
	[OP_SLL] = { .kind = GEN_K_SHIFT, .x86 = X86_SHL },
	[OP_SRL] = { .kind = GEN_K_SHIFT, .x86 = X86_SHR },
	[OP_SRA] = { .kind = GEN_K_SHIFT, .x86 = X86_SAR },
	[OP_SLLIW] = { .kind = GEN_K_SHIFT, .x86 = X86_SHL, .flags = GEN_F_IMM | GEN_F_W32 },
	[OP_SRLIW] = { .kind = GEN_K_SHIFT, .x86 = X86_SHR, .flags = GEN_F_IMM | GEN_F_W32 },
	[OP_SRAIW] = { .kind = GEN_K_SHIFT, .x86 = X86_SAR, .flags = GEN_F_IMM | GEN_F_W32 },
	[OP_SLLW] = { .kind = GEN_K_SHIFT, .x86 = X86_SHL, .flags = GEN_F_W32 },
	[OP_SRLW] = { .kind = GEN_K_SHIFT, .x86 = X86_SHR, .flags = GEN_F_W32 },
	[OP_SRAW] = { .kind = GEN_K_SHIFT, .x86 = X86_SAR, .flags = GEN_F_W32 },
	[OP_SLT] = { .kind = GEN_K_SET_LESS, .x86 = X86_CC_L },
	[OP_SLTU] = { .kind = GEN_K_SET_LESS, .x86 = X86_CC_B },
	[OP_SLTI] = { .kind = GEN_K_SET_LESS, .x86 = X86_CC_L, .flags = GEN_F_IMM },
	[OP_SLTIU] = { .kind = GEN_K_SET_LESS, .x86 = X86_CC_B, .flags = GEN_F_IMM },
	[OP_MUL] = { .kind = GEN_K_MUL },
	[OP_MULW] = { .kind = GEN_K_MUL, .flags = GEN_F_W32 },
	[OP_SH1ADD] = { .kind = GEN_K_SHADD, .x86 = 1 },
	[OP_SH2ADD] = { .kind = GEN_K_SHADD, .x86 = 2 },
	[OP_SH3ADD] = { .kind = GEN_K_SHADD, .x86 = 3 },
	[OP_ADD_UW] = { .kind = GEN_K_SHADD, .flags = GEN_F_UW },
	[OP_LB] = { .kind = GEN_K_MEM, .size = 1, .flags = GEN_F_SX },
	[OP_LH] = { .kind = GEN_K_MEM, .size = 2, .flags = GEN_F_SX },
	[OP_LW] = { .kind = GEN_K_MEM, .size = 4, .flags = GEN_F_SX },
	[OP_LD] = { .kind = GEN_K_MEM, .size = 8 },
	[OP_LBU] = { .kind = GEN_K_MEM, .size = 1 },
	[OP_LHU] = { .kind = GEN_K_MEM, .size = 2 },
	[OP_LWU] = { .kind = GEN_K_MEM, .size = 4 },
	[OP_SB] = { .kind = GEN_K_MEM, .size = 1, .flags = GEN_F_STORE },
	[OP_SH] = { .kind = GEN_K_MEM, .size = 2, .flags = GEN_F_STORE },
	[OP_SW] = { .kind = GEN_K_MEM, .size = 4, .flags = GEN_F_STORE },
	[OP_SD] = { .kind = GEN_K_MEM, .size = 8, .flags = GEN_F_STORE },
	[OP_FLD] = { .kind = GEN_K_MEM, .size = 8, .flags = GEN_F_FP },
	[OP_FSD] = { .kind = GEN_K_MEM, .size = 8, .flags = GEN_F_STORE | GEN_F_FP },
	[OP_FLW] = { .kind = GEN_K_MEM, .size = 4, .flags = GEN_F_FP },
	[OP_FSW] = { .kind = GEN_K_MEM, .size = 4, .flags = GEN_F_STORE | GEN_F_FP },
	[OP_FADD_D] = { .kind = GEN_K_FP, .x86 = X86_SSE_ADD, .flags = GEN_F_DBL },
	[OP_FADD_S] = { .kind = GEN_K_FP, .x86 = X86_SSE_ADD },
	[OP_FSUB_D] = { .kind = GEN_K_FP, .x86 = X86_SSE_SUB, .flags = GEN_F_DBL },
	[OP_FSUB_S] = { .kind = GEN_K_FP, .x86 = X86_SSE_SUB },
	[OP_FMUL_D] = { .kind = GEN_K_FP, .x86 = X86_SSE_MUL, .flags = GEN_F_DBL },
	[OP_FMUL_S] = { .kind = GEN_K_FP, .x86 = X86_SSE_MUL },
	[OP_FDIV_D] = { .kind = GEN_K_FP, .x86 = X86_SSE_DIV, .flags = GEN_F_DBL },
	[OP_FDIV_S] = { .kind = GEN_K_FP, .x86 = X86_SSE_DIV },
	[OP_FSQRT_D] = { .kind = GEN_K_FP, .x86 = X86_SSE_SQRT, .flags = GEN_F_DBL },
	[OP_FSQRT_S] = { .kind = GEN_K_FP, .x86 = X86_SSE_SQRT },
};

static enum gen_result gen_insn(struct dbt_gen *g, const struct insn *in, uint64_t pc,
				unsigned index)
{
	const struct gen_desc *d = &gen_table[in->op];
	unsigned fl = d->flags;

	g->xmm_in = g->xmm0_holds;
	g->xmm0_holds = -1;
	switch (d->kind) {
	case GEN_K_ALU:
		gen_alu(g, in, d->x86, fl & GEN_F_IMM, fl & GEN_F_W32);
		return GEN_NEXT;
	case GEN_K_SHIFT:
		gen_shift(g, in, d->x86, fl & GEN_F_IMM, fl & GEN_F_W32);
		return GEN_NEXT;
	case GEN_K_SET_LESS:
		gen_set_less(g, in, fl & GEN_F_IMM, d->x86);
		return GEN_NEXT;
	case GEN_K_MUL:
		gen_mul(g, in, fl & GEN_F_W32);
		return GEN_NEXT;
	case GEN_K_SHADD:
		gen_shadd(g, in, d->x86, fl & GEN_F_UW);
		return GEN_NEXT;
	case GEN_K_MEM:
		gen_mem(g, in, pc, index, d->size, fl & GEN_F_STORE, fl & GEN_F_SX, fl & GEN_F_FP);
		return GEN_NEXT;
	case GEN_K_FP:
		gen_fp_arith(g, in, pc, index, d->x86, fl & GEN_F_DBL);
		return GEN_NEXT;
	case GEN_K_DIV:
		gen_div(g, in, fl & GEN_F_SIGNED, fl & GEN_F_REM, fl & GEN_F_W32);
		return GEN_NEXT;
	default:
		break;
	}
	switch (in->op) {
	case OP_LUI:
		if (in->rd) {
			x86_mov_ri(&g->b, RAX, (uint64_t)in->imm);
			gen_store_x(g, in->rd, RAX);
		}
		return GEN_NEXT;
	case OP_AUIPC:
		if (in->rd) {
			x86_mov_ri(&g->b, RAX, pc + (uint64_t)in->imm);
			gen_store_x(g, in->rd, RAX);
		}
		return GEN_NEXT;
	case OP_ADDI:
		if (in->rd && in->imm == 0 && !(g->assigned >> in->rd & 1)) {
			gen_load_x(g, RAX, in->rs1);
			gen_store_x(g, in->rd, RAX);
			return GEN_NEXT;
		}
		gen_alu(g, in, X86_ADD, true, false);
		return GEN_NEXT;
	case OP_MULH:
	case OP_MULHU:
	case OP_MULHSU:
		gen_mulh(g, in);
		return GEN_NEXT;
	case OP_FSGNJ_D:
		gen_fsgnj_d(g, in, pc, index);
		return GEN_NEXT;
	case OP_FMV_X_D:
		gen_fmv_d(g, in, pc, index, true);
		return GEN_NEXT;
	case OP_FMV_D_X:
		gen_fmv_d(g, in, pc, index, false);
		return GEN_NEXT;
	case OP_FMV_X_W:
	case OP_FMV_W_X:
		gen_fmv_w(g, in, pc, index, in->op == OP_FMV_X_W);
		return GEN_NEXT;
	case OP_FSGNJ_S:
	case OP_FSGNJN_S:
	case OP_FSGNJX_S:
		gen_fsgnj(g, in, pc, index, false, in->op - OP_FSGNJ_S);
		return GEN_NEXT;
	case OP_FSGNJN_D:
	case OP_FSGNJX_D:
		gen_fsgnj(g, in, pc, index, true, in->op - OP_FSGNJ_D);
		return GEN_NEXT;
	case OP_FEQ_S:
	case OP_FLT_S:
	case OP_FLE_S:
		gen_fcmp(g, in, pc, index, false, in->op - OP_FEQ_S);
		return GEN_NEXT;
	case OP_FEQ_D:
	case OP_FLT_D:
	case OP_FLE_D:
		gen_fcmp(g, in, pc, index, true, in->op - OP_FEQ_D);
		return GEN_NEXT;
	case OP_FCVT_W_S:
	case OP_FCVT_L_S:
	case OP_FCVT_W_D:
	case OP_FCVT_L_D:
		gen_fcvt_to_int(g, in, pc, index, in->op == OP_FCVT_W_D || in->op == OP_FCVT_L_D,
				in->op == OP_FCVT_L_S || in->op == OP_FCVT_L_D ? 8 : 4);
		return GEN_NEXT;
	case OP_FCVT_S_W:
	case OP_FCVT_S_L:
	case OP_FCVT_D_W:
	case OP_FCVT_D_L:
		gen_fcvt_from_int(g, in, pc, index, in->op == OP_FCVT_D_W || in->op == OP_FCVT_D_L,
				  in->op == OP_FCVT_S_L || in->op == OP_FCVT_D_L ? 8 : 4);
		return GEN_NEXT;
	case OP_FENCE:
		/*
		 * x86 is TSO: only a fence that orders earlier stores before later
		 * loads (pred has W, succ has R) needs a host fence, as the
		 * interpreter's full fence would give.
		 */
		if ((in->imm >> 4 & 1) && (in->imm & 2))
			x86_mfence(&g->b);
		return GEN_NEXT;
	case OP_JAL:
		gen_jal(g, in, pc);
		return GEN_END;
	case OP_JALR:
		gen_jalr(g, in, pc);
		return GEN_END;
	case OP_BEQ:
	case OP_BNE:
	case OP_BLT:
	case OP_BGE:
	case OP_BLTU:
	case OP_BGEU:
		if (index + 1 < g->n_insns) {
			gen_side_branch(g, in, pc, index);
			return GEN_NEXT;
		}
		gen_branch(g, in, pc);
		return GEN_END;
	case OP_FENCE_I:
	case OP_ECALL:
	case OP_EBREAK:
	case OP_MRET:
	case OP_SRET:
	case OP_WFI:
	case OP_SFENCE_VMA:
		return GEN_SYS;
	case OP_CSRRW:
	case OP_CSRRS:
	case OP_CSRRC:
	case OP_CSRRWI:
	case OP_CSRRSI:
	case OP_CSRRCI:
		if (csr_pure_read(in))
			break;
		return GEN_SYS;
	default:
		break;
	}
	gen_helper_op(g, in, pc, index);
	return GEN_NEXT;
}

/* counters: undo the prologue's +n for the @n_undo instructions that did not run */
static void gen_counter_fix(struct dbt_gen *g, unsigned not_retired, bool trapped)
{
	if (not_retired)
		x86_alu_mi(&g->b, 8, X86_ADD, CPU_MEM(OFF(dbt_budget)), (int32_t)not_retired);
	if (trapped)
		x86_alu_mi(&g->b, 8, X86_ADD, CPU_MEM(OFF(csr.mcycle)), 1);
}

/*
 * The stubs of the exits that have none yet: tell the dispatcher where to
 * go and which exit to chain. Called after the body and again after the
 * confirm blocks, which add exits of their own.
 */
static void gen_exit_stubs(struct dbt_gen *g)
{
	for (unsigned i = 0; i < g->blk->n_exits; i++) {
		struct dbt_exit *e = &g->blk->exits[i];

		if (e->stub)
			continue;
		e->stub = g->b.p;
		if (e->jmp_field)
			x86_patch_rel32(e->jmp_field, e->stub);
		x86_mov_ri(&g->b, RAX, (uint64_t)(uintptr_t)e);
		x86_store(&g->b, 8, CPU_MEM(OFF(dbt_last_exit)), RAX);
		x86_mov_ri(&g->b, RAX, e->target);
		x86_store(&g->b, 8, CPU_MEM(OFF(pc)), RAX);
		x86_jmp(&g->b, g->d->epilogue);
	}
}

/* Everything after the body: slow paths, side exits, exit stubs, confirm blocks. */
/* Whether insns[j] is an integer load or store a memory group can hold. */
static bool gen_group_access(const struct insn *in)
{
	const struct gen_desc *d = &gen_table[in->op];

	return d->kind == GEN_K_MEM && !(d->flags & GEN_F_FP) && in->rs1 != 0;
}

/* Find the block's memory groups (struct dbt_group); one at a time, in order. */
static void gen_find_groups(struct dbt_gen *g, const struct insn *insns, unsigned n)
{
	unsigned i = 0;

	while (i < n) {
		const struct insn *lead = &insns[i];
		unsigned cand[DBT_BLOCK_MAX_INSNS], n_cand = 0, n_mem = 0, last = i;
		unsigned base = lead->rs1, j;
		struct dbt_group gr = { .lo = INT32_MAX, .hi = INT32_MIN };
		bool first;

		if (!gen_group_access(lead)) {
			i++;
			continue;
		}
		/* candidates: accesses off base until something writes base */
		for (j = i; j < n; j++) {
			if (gen_group_access(&insns[j]) && insns[j].rs1 == base)
				cand[n_cand++] = j;
			if (insn_writes_xreg(&insns[j]) && insns[j].rd == base)
				break;
		}
		/* the widest access sets the alignment the others must follow */
		for (j = 0; j < n_cand; j++) {
			unsigned size = gen_table[insns[cand[j]].op].size;

			if (size > gr.align) {
				gr.align = size;
				gr.align_off = (int32_t)insns[cand[j]].imm;
			}
		}
		for (j = 0; j < n_cand; j++) {
			const struct insn *m = &insns[cand[j]];
			unsigned size = gen_table[m->op].size;

			if (((int32_t)m->imm - gr.align_off) % (int32_t)size != 0)
				continue;
			n_mem++;
			if ((int32_t)m->imm < gr.lo)
				gr.lo = (int32_t)m->imm;
			if ((int32_t)m->imm + (int32_t)size > gr.hi)
				gr.hi = (int32_t)m->imm + (int32_t)size;
			if (gen_table[m->op].flags & GEN_F_STORE)
				gr.store = true;
		}
		if (n_mem < GEN_GROUP_MIN || gr.hi - gr.lo > 1024) {
			i++;
			continue;
		}
		g->groups[g->n_groups++] = gr;
		for (j = 0, first = true; j < n_cand; j++) {
			const struct insn *m = &insns[cand[j]];

			if (((int32_t)m->imm - gr.align_off) % (int32_t)gen_table[m->op].size != 0)
				continue;
			g->group[cand[j]] = (uint8_t)g->n_groups;
			/* the first member sets the group up */
			g->group_first[cand[j]] = first;
			first = false;
			last = cand[j];
		}
		i = last + 1;
	}
}

/*
 * A store that missed the write TLB (rax = address, rdx = its page and
 * alignment bits): if it is to code_write's page and its 64-byte line
 * holds no code and no part of the HTIF watch, add code_write's addend and
 * go back to the main path's store; else fall through to the slow path
 * that follows.
 */
static void gen_code_page_store(struct dbt_gen *g, const struct dbt_ool *o)
{
	uint8_t *other_page, *code_line;

	x86_patch_rel32(o->tlb_miss, g->b.p);
	x86_alu_rm(&g->b, 8, X86_CMP, RDX, CPU_MEM(OFF(mmu.code_write.vpage)));
	other_page = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	x86_mov_rr(&g->b, 8, RCX, RAX);
	x86_shift_ri(&g->b, 8, X86_SHR, RCX, 6);
	x86_load(&g->b, 8, RDX, CPU_MEM(OFF(mmu.code_write_lines)));
	x86_load(&g->b, 8, RDX, x86_mem(RDX, 0));
	x86_alu_rm(&g->b, 8, X86_OR, RDX, CPU_MEM(OFF(mmu.code_write_watch)));
	x86_shift_rcl(&g->b, 8, X86_SHR, RDX); /* by cl mod 64: the line in the page */
	x86_test_ri(&g->b, 4, RDX, 1);
	code_line = x86_jcc(&g->b, X86_CC_NE, g->b.p);
	x86_alu_rm(&g->b, 8, X86_ADD, RAX, CPU_MEM(OFF(mmu.code_write.addend)));
	x86_jmp(&g->b, o->store_at);
	if (other_page)
		x86_patch_rel32(other_page, g->b.p);
	if (code_line)
		x86_patch_rel32(code_line, g->b.p);
}

static void gen_out_of_line(struct dbt_gen *g)
{
	struct dbt *d = g->d;
	unsigned n = g->n_insns;

	for (unsigned i = 0; i < g->n_ool; i++) {
		struct dbt_ool *o = &g->ool[i];
		uint8_t *trapped = NULL;

		for (unsigned f = 0; f < o->n_fields; f++)
			if (o->fields[f])
				x86_patch_rel32(o->fields[f], g->b.p);
		if (o->kind == DBT_OOL_SIDE) {
			uint32_t dirty = g->dirty;

			g->dirty = o->dirty;
			gen_spill(g);
			g->dirty = dirty;
			gen_counter_fix(g, n - o->index - 1, false);
			gen_exit_slot(g, o->pc);
			continue;
		}
		if (o->kind == DBT_OOL_MEMBER) {
			/* r15 is 0: the plain access, with the state at the site, then back */
			const struct gen_desc *desc = &gen_table[o->in->op];
			uint32_t dirty = g->dirty;
			int rax_holds = g->rax_holds;

			g->dirty = o->dirty;
			g->rax_holds = -1;
			g->in_ool = true;
			gen_mem(g, o->in, o->pc, o->index, desc->size, desc->flags & GEN_F_STORE,
				desc->flags & GEN_F_SX, false);
			x86_jmp(&g->b, o->resume);
			g->in_ool = false;
			g->dirty = dirty;
			g->rax_holds = rax_holds;
			continue;
		}
		if (o->kind == DBT_OOL_SLOW && o->tlb_miss)
			gen_code_page_store(g, o);
		if (o->kind == DBT_OOL_SLOW) {
			/* the inline path cannot: the helper does it all, then carry on */
			uint32_t dirty = g->dirty;
			uint8_t *failed;

			/* the slow path needs struct cpu as it was at the site */
			g->dirty = o->dirty;
			gen_spill(g);
			g->dirty = dirty;
			gen_call_helper(g, (const void *)dbt_helper_op, o->h);
			x86_test_rr(&g->b, 4, RAX, RAX);
			failed = x86_jcc(&g->b, X86_CC_NE, g->b.p);
			gen_fill(g);
			if (o->xmm_reload)
				x86_movs_load(&g->b, true, 0, CPU_MEM(OFF(f) + 8 * o->xmm_reg));
			x86_jmp(&g->b, o->resume);
			if (failed)
				x86_patch_rel32(failed, g->b.p);
		}
		/* eax = 1: retired and must leave; 2: trapped (did not retire) */
		x86_alu_ri(&g->b, 4, X86_CMP, RAX, 2);
		trapped = x86_jcc(&g->b, X86_CC_E, g->b.p);
		gen_counter_fix(g, n - o->index - 1, false);
		x86_jmp(&g->b, d->epilogue);
		if (trapped)
			x86_patch_rel32(trapped, g->b.p);
		gen_counter_fix(g, n - o->index, true);
		x86_jmp(&g->b, d->epilogue);
	}

	gen_exit_stubs(g);
}

/* T3 confirm blocks: entered by a return with rax = the guest return address. */
static void gen_confirms(struct dbt_gen *g)
{
	for (unsigned i = 0; i < g->n_confirm; i++) {
		struct dbt_confirm *c = &g->confirm[i];
		uint64_t addr = (uint64_t)(uintptr_t)g->b.p;
		uint8_t *miss;

		memcpy(c->imm64, &addr, sizeof(addr));
		x86_mov_ri(&g->b, RCX, c->ret_pc);
		x86_alu_rr(&g->b, 8, X86_CMP, RAX, RCX);
		miss = x86_jcc(&g->b, X86_CC_NE, g->b.p);
		if (g->d->opts.count_t3)
			gen_stat_inc(g, DBT_STAT_RET_HITS);
		gen_exit_slot(g, c->ret_pc);
		if (miss)
			x86_patch_rel32(miss, g->b.p);
		/*
		 * The back-up: the ordinary lookup of the guest target, emitted
		 * here rather than shared so that its indirect jump is this
		 * site's own for the branch predictor (a recursive function
		 * called from two sites fails the same way each time).
		 */
		if (g->d->opts.count_t3) {
			gen_stat_inc(g, DBT_STAT_CONFIRM_FAILS);
			gen_stat_inc(g, DBT_STAT_BACKUPS);
		}
		gen_jc_lookup(g->d, &g->b);
	}
}

/*
 * Keep the guest registers the block uses most (at least three times) in
 * the host register pool. Fields that name f registers are counted too:
 * that only costs a less useful choice, never a wrong result, since every
 * x access goes through gen_load_x/gen_store_x/gen_alu_x.
 */
/*
 * Keep the most used guest registers in host registers: those used three
 * times or more, or (@loop) once or more, since a block that loops on
 * itself fills and spills them once, outside the loop.
 */
static void gen_assign(struct dbt_gen *g, const struct insn *insns, unsigned n, bool loop)
{
	unsigned uses[32] = { 0 }, min_uses = loop ? 1 : 3;

	for (unsigned i = 0; i < n; i++) {
		uses[insns[i].rs1]++;
		uses[insns[i].rs2]++;
		if (insn_writes_xreg(&insns[i]))
			uses[insns[i].rd]++;
	}
	uses[0] = 0;
	for (unsigned k = 0; k < sizeof(gen_pool) / sizeof(gen_pool[0]); k++) {
		unsigned best = 0;

		if (g->n_groups && gen_pool[k] == GEN_GROUP_REG)
			continue;

		for (unsigned r = 1; r < 32; r++)
			if (uses[r] > uses[best])
				best = r;
		if (uses[best] < min_uses)
			break;
		g->host[best] = (uint8_t)gen_pool[k];
		g->assigned |= 1u << best;
		uses[best] = 0;
	}
}

/*
 * slli rd, rs, 32 then srli rd, rd, 32 (RV64GC's zero-extension of a word,
 * without Zba): one 32-bit move. Neither can fault, so no state between
 * the two is ever seen. Returns whether insns[i] and insns[i + 1] were
 * emitted so.
 */
static bool gen_zext_pair(struct dbt_gen *g, const struct insn *insns, unsigned i, unsigned n)
{
	const struct insn *a = &insns[i], *b = &insns[i + 1];
	unsigned rd = a->rd;

	if (i + 1 >= n || a->op != OP_SLLI || a->imm != 32 || b->op != OP_SRLI || b->imm != 32 ||
	    rd == 0 || b->rd != rd || b->rs1 != rd)
		return false;
	if (g->assigned >> rd & 1) {
		enum x86_reg h = (enum x86_reg)g->host[rd];

		if (a->rs1 != rd)
			gen_load_x(g, h, a->rs1);
		x86_mov_rr(&g->b, 4, h, h);
		g->dirty |= 1u << rd;
		return true;
	}
	gen_load_x(g, RAX, a->rs1);
	x86_mov_rr(&g->b, 4, RAX, RAX);
	g->rax_holds = -1;
	gen_store_x(g, rd, RAX);
	return true;
}

/* Whether the block's last instruction (ending at @end) jumps back to @vpc. */
static bool gen_self_loop(const struct insn *insns, unsigned n, uint64_t vpc, unsigned end)
{
	const struct insn *last = &insns[n - 1];
	uint64_t pc = vpc + end - last->len;

	if (last->op == OP_JAL && last->rd == 0)
		return pc + (uint64_t)last->imm == vpc;
	return last->op >= OP_BEQ && last->op <= OP_BGEU && pc + (uint64_t)last->imm == vpc;
}

struct dbt_block *dbt_translate(struct dbt *d, uint64_t vpc, uint64_t ppc, const uint8_t *host,
				unsigned avail, bool *full)
{
	struct dbt_gen *g;
	struct dbt_block *blk;
	struct insn insns[DBT_BLOCK_MAX_INSNS];
	unsigned n = 0, off = 0, i, n_side = 0, blk_end;
	bool sys_end = false;
	uint8_t *budget_field;

	*full = false;
	if (d->code_size - d->code_used < DBT_BLOCK_MAX_CODE) {
		*full = true;
		return NULL;
	}
	/* Decode first: the block's length is part of its prologue. */
	while (n < DBT_BLOCK_MAX_INSNS && off + 2 <= avail) {
		uint32_t raw = host[off] | (uint32_t)host[off + 1] << 8;
		struct insn *in = &insns[n];

		if ((raw & 3) == 3) {
			if (off + 4 > avail)
				break; /* crosses the page: the interpreter runs it */
			raw |= (uint32_t)host[off + 2] << 16 | (uint32_t)host[off + 3] << 24;
		}
		if (insn_decode(raw, in))
			break;
		n++;
		off += in->len;
		if (in->op == OP_JAL || in->op == OP_JALR)
			break;
		if (in->op >= OP_BEQ && in->op <= OP_BGEU && ++n_side > DBT_BLOCK_MAX_SIDE)
			break;
		if (in->op == OP_FENCE_I || in->op == OP_ECALL || in->op == OP_EBREAK ||
		    in->op == OP_MRET || in->op == OP_SRET || in->op == OP_WFI ||
		    in->op == OP_SFENCE_VMA ||
		    (in->op >= OP_CSRRW && in->op <= OP_CSRRCI && !csr_pure_read(in))) {
			sys_end = true;
			break;
		}
	}
	if (n == 0)
		return NULL;
	/*
	 * A conditional branch the block goes on past must leave it: backward
	 * (a loop's back edge, usually taken) or into the block itself (an
	 * if-then whose taken side is as likely) ends the block there.
	 */
	for (i = 0, blk_end = off, off = 0; i + 1 < n; i++) {
		const struct insn *in = &insns[i];
		uint64_t target = vpc + off + (uint64_t)in->imm;

		off += in->len;
		if (in->op >= OP_BEQ && in->op <= OP_BGEU &&
		    (in->imm <= 0 || target < vpc + blk_end)) {
			n = i + 1;
			sys_end = false;
			break;
		}
	}
	for (i = 0, off = 0; i < n; i++)
		off += insns[i].len;

	g = calloc(1, sizeof(*g));
	blk = calloc(1, sizeof(*blk));
	if (!g || !blk)
		goto fail;
	blk->hinsns = calloc(n, sizeof(*blk->hinsns));
	if (!blk->hinsns)
		goto fail;
	blk->vpc = vpc;
	blk->ppc = ppc;
	blk->priv = (uint8_t)d->cpu->priv;
	blk->n_insns = (uint16_t)n;
	blk->guest_bytes = off;
	g->d = d;
	g->cpu = d->cpu;
	g->blk = blk;
	g->n_insns = n;
	g->rax_holds = -1;
	g->xmm0_holds = g->xmm_in = -1;
	x86_buf_init(&g->b, d->code + d->code_used, d->code_size - d->code_used);
	blk->code = g->b.p;

	/* prologue: the budget word, which also counts the whole block as retired */
	x86_alu_mi(&g->b, 8, X86_SUB, CPU_MEM(OFF(dbt_budget)), (int32_t)n);
	budget_field = x86_jcc(&g->b, X86_CC_LE, g->b.p);
	gen_find_groups(g, insns, n);
	gen_assign(g, insns, n, gen_self_loop(insns, n, vpc, off));
	gen_fill(g);
	if (gen_self_loop(insns, n, vpc, off)) {
		g->body = g->b.p;
		for (i = 0; i < n; i++)
			if (insn_writes_xreg(&insns[i]))
				g->loop_dirty |= 1u << insns[i].rd;
		g->loop_dirty &= g->assigned;
		g->dirty = g->loop_dirty;
	}

	for (i = 0, off = 0; i < n; i++) {
		uint64_t pc = vpc + off;
		enum gen_result r;

		if (sys_end && i == n - 1) {
			/* the sys helper counts itself, like an interpreter step */
			gen_spill(g);
			gen_counter_fix(g, 1, false);
			x86_mov_rr(&g->b, 8, RDI, RBP);
			x86_mov_ri(&g->b, RSI, (uint64_t)(uintptr_t)gen_hinsn(g, &insns[i], pc));
			x86_call(&g->b, (const void *)dbt_helper_sys);
			x86_jmp(&g->b, d->epilogue);
			break;
		}
		if (gen_zext_pair(g, insns, i, n)) {
			off += insns[i].len;
			i++;
			r = GEN_NEXT;
		} else {
			r = gen_insn(g, &insns[i], pc, i);
		}
		off += insns[i].len;
		if (r == GEN_END)
			break;
		if (i == n - 1) {
			/* page end or length limit: fall through */
			gen_spill(g);
			gen_exit_slot(g, vpc + off);
		}
	}

	gen_out_of_line(g);
	gen_confirms(g);
	/* the budget ran out before the block started: give its share back and leave */
	if (budget_field)
		x86_patch_rel32(budget_field, g->b.p);
	x86_alu_mi(&g->b, 8, X86_ADD, CPU_MEM(OFF(dbt_budget)), (int32_t)n);
	x86_mov_ri(&g->b, RAX, vpc);
	x86_store(&g->b, 8, CPU_MEM(OFF(pc)), RAX);
	x86_jmp(&g->b, d->epilogue);

	if (g->b.overflow) {
		*full = true;
		goto fail;
	}
	/* the confirm blocks' exits */
	gen_exit_stubs(g);
	if (g->b.overflow) {
		*full = true;
		goto fail;
	}
	blk->code_bytes = (uint32_t)(g->b.p - blk->code);
	d->code_used += blk->code_bytes;
	/* keep the next block 16-byte aligned */
	d->code_used = (d->code_used + 15) & ~(size_t)15;
	free(g);
	return blk;
fail:
	if (blk)
		free(blk->hinsns);
	free(blk);
	free(g);
	return NULL;
}

/*
 * The shared routines: enter (from C), the epilogue back to C, the jump
 * cache lookup, and the T3 back-up routine.
 */
int dbt_emit_routines(struct dbt *d)
{
	static const enum x86_reg saved[] = {
		X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15
	};
	struct x86_buf b;
	unsigned i;

	x86_buf_init(&b, d->code, d->code_size);

	/* enter(cpu = rdi, code = rsi): keep the stack 16-byte aligned for helper calls */
	d->enter = (void (*)(struct cpu *, void *))(void *)b.p;
	for (i = 0; i < 6; i++)
		x86_push(&b, saved[i]);
	x86_alu_ri(&b, 8, X86_SUB, X86_RSP, 8);
	x86_mov_rr(&b, 8, RBP, RDI);
	x86_jmp_r(&b, RSI);

	d->epilogue = b.p;
	x86_alu_ri(&b, 8, X86_ADD, X86_RSP, 8);
	for (i = 6; i-- > 0;)
		x86_pop(&b, saved[i]);
	x86_ret(&b);

	/* rax = guest pc, not in the jump cache: the dispatcher finds it */
	d->jc_miss = b.p;
	x86_store(&b, 8, CPU_MEM(OFF(pc)), RAX);
	x86_jmp(&b, d->epilogue);

	/* rax = guest pc */
	d->jc_lookup = b.p;
	gen_jc_lookup(d, &b);

	/* an empty T3 entry: like every T3 counter, counted only under --stats */
	d->backup = b.p;
	if (d->opts.count_t3)
		x86_alu_mi(&b, 8, X86_ADD, CPU_MEM(OFF_STAT(DBT_STAT_BACKUPS)), 1);
	x86_jmp(&b, d->jc_lookup);

	if (b.overflow)
		return -ENOSPC;
	d->routines_end = (size_t)(((b.p - d->code) + 63) & ~63);
	return 0;
}
