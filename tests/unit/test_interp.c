/*
 * test_interp.c - the reference interpreter on a minimal machine (RAM only,
 * real csr/trap/mmu/fpu): integer corner cases, Zba/Zbb/Zbs, LR/SC and
 * AMOs, F/D rules (NaN boxing, FS, rounding modes), traps, counters,
 * the decode cache, tracing and cpu_run/cpu_set_irq.
 *
 * Instructions are encoded from the decoder's own table (match bits plus
 * fields); test_decode checks that table against GNU objdump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "machine/machine.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1u << 20)
#define DATA (RAM_BASE + 0x8000)
#define TRAP_VECTOR (RAM_BASE + 0x4000)

/* registers the helpers use: t0 = x5, t1 = x6, t2 = x7 */
#define RA 5
#define RB 6
#define RD 7

struct fixture {
	struct machine m;
	struct cpu cpu;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->m.bus.ram = calloc(1, RAM_SIZE);
	if (!f->m.bus.ram) {
		free(f);
		return -1;
	}
	f->m.bus.ram_base = RAM_BASE;
	f->m.bus.ram_size = RAM_SIZE;
	f->m.harts = &f->cpu;
	f->m.hart_count = 1;
	f->m.exit_fd = -1;
	pthread_mutex_init(&f->m.wfi_lock, NULL);
	pthread_cond_init(&f->m.wfi_cond, NULL);
	cpu_init(&f->cpu, &f->m, 0, RAM_BASE);
	f->cpu.csr.mtvec = TRAP_VECTOR;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pthread_mutex_destroy(&f->m.wfi_lock);
	pthread_cond_destroy(&f->m.wfi_cond);
	free(f->m.bus.ram);
	free(f);
	return 0;
}

static uint8_t *ram(struct fixture *f, uint64_t addr)
{
	return f->m.bus.ram + (addr - RAM_BASE);
}

static void put32(struct fixture *f, uint64_t addr, uint32_t v)
{
	memcpy(ram(f, addr), &v, 4);
}

static void put64(struct fixture *f, uint64_t addr, uint64_t v)
{
	memcpy(ram(f, addr), &v, 8);
}

static uint64_t get64(struct fixture *f, uint64_t addr)
{
	uint64_t v;

	memcpy(&v, ram(f, addr), 8);
	return v;
}

static uint32_t enc_r(unsigned op, unsigned rd, unsigned rs1, unsigned rs2)
{
	return insn_table[op].match | rd << 7 | rs1 << 15 | rs2 << 20;
}

static uint32_t enc_i(unsigned op, unsigned rd, unsigned rs1, int32_t imm)
{
	return insn_table[op].match | rd << 7 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t enc_s(unsigned op, unsigned rs1, unsigned rs2, int32_t imm)
{
	uint32_t u = imm;

	return insn_table[op].match | (u & 0x1f) << 7 | rs1 << 15 | rs2 << 20 |
	       ((u >> 5) & 0x7f) << 25;
}

static uint32_t enc_r4(unsigned op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3,
		       unsigned rm)
{
	return enc_r(op, rd, rs1, rs2) | rs3 << 27 | rm << 12;
}

/* Execute one instruction word at RAM_BASE. */
static void step_word(struct fixture *f, uint32_t word)
{
	put32(f, RAM_BASE, word);
	f->cpu.pc = RAM_BASE;
	cpu_step(&f->cpu);
}

static uint64_t run_r(struct fixture *f, unsigned op, uint64_t a, uint64_t b)
{
	f->cpu.x[RA] = a;
	f->cpu.x[RB] = b;
	step_word(f, enc_r(op, RD, RA, RB));
	assert_false(f->cpu.trapped);
	return f->cpu.x[RD];
}

static uint64_t run_i(struct fixture *f, unsigned op, uint64_t a, int32_t imm)
{
	f->cpu.x[RA] = a;
	step_word(f, enc_i(op, RD, RA, imm));
	assert_false(f->cpu.trapped);
	return f->cpu.x[RD];
}

struct alu_case {
	unsigned op;
	uint64_t a, b, want;
};

static void check_alu_cases(struct fixture *f, const struct alu_case *c, size_t n, bool imm)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t got = imm ? run_i(f, c[i].op, c[i].a, (int32_t)c[i].b)
				   : run_r(f, c[i].op, c[i].a, c[i].b);

		if (got != c[i].want)
			fail_msg("%s(0x%llx, 0x%llx) = 0x%llx, want 0x%llx",
				 insn_table[c[i].op].name, (unsigned long long)c[i].a,
				 (unsigned long long)c[i].b, (unsigned long long)got,
				 (unsigned long long)c[i].want);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define I64_MIN 0x8000000000000000ull
#define ONES 0xffffffffffffffffull

static void test_mul_div(void **state)
{
	static const struct alu_case cases[] = {
		{ OP_DIV, I64_MIN, ONES, I64_MIN }, /* overflow */
		{ OP_REM, I64_MIN, ONES, 0 },
		{ OP_DIV, 7, 0, ONES }, /* by zero */
		{ OP_REM, 7, 0, 7 },
		{ OP_DIVU, 7, 0, ONES },
		{ OP_REMU, 7, 0, 7 },
		{ OP_DIV, (uint64_t)-7, 2, (uint64_t)-3 }, /* rounds toward zero */
		{ OP_REM, (uint64_t)-7, 2, (uint64_t)-1 },
		{ OP_DIVW, 0x80000000, ONES, 0xffffffff80000000ull },
		{ OP_REMW, 0x80000000, ONES, 0 },
		{ OP_DIVW, 5, 0x100000000ull, ONES }, /* only the low 32 bits count */
		{ OP_REMW, 0x1234580000000ull, 0, 0xffffffff80000000ull },
		{ OP_DIVUW, 5, 0, ONES },
		{ OP_REMUW, 0x80000000, 0, 0xffffffff80000000ull },
		{ OP_DIVUW, 0xffffffff, 1, ONES },
		{ OP_MULH, ONES, ONES, 0 },
		{ OP_MULHU, ONES, ONES, 0xfffffffffffffffeull },
		{ OP_MULHSU, ONES, ONES, ONES },
		{ OP_MULHSU, 2, ONES, 1 },
		{ OP_MULH, I64_MIN, I64_MIN, 0x4000000000000000ull },
		{ OP_MUL, 0x100000001ull, 0x100000001ull, 0x200000001ull },
		{ OP_MULW, 0x10000, 0x8000, 0xffffffff80000000ull },
	};

	check_alu_cases(*state, cases, N(cases), false);
}

static void test_base_integer(void **state)
{
	static const struct alu_case rcases[] = {
		{ OP_ADDW, 0x7fffffff, 1, 0xffffffff80000000ull },
		{ OP_SUBW, 0, 1, ONES },
		{ OP_SLLW, 1, 32 + 31, 0xffffffff80000000ull }, /* shift amount masked to 5 bits */
		{ OP_SRLW, 0xffffffff80000000ull, 31, 1 },
		{ OP_SRAW, 0x80000000, 4, 0xfffffffff8000000ull },
		{ OP_SLL, 1, 64 + 63, I64_MIN },
		{ OP_SRA, I64_MIN, 63, ONES },
		{ OP_SRL, I64_MIN, 63, 1 },
		{ OP_SLT, ONES, 0, 1 },
		{ OP_SLTU, ONES, 0, 0 },
	};
	static const struct alu_case icases[] = {
		{ OP_ADDIW, 0x7fffffff, 1, 0xffffffff80000000ull },
		{ OP_ADDI, 0, -2048, (uint64_t)-2048 },
		{ OP_SLTIU, 0, -1, 1 }, /* imm sign-extended, then compared unsigned */
		{ OP_SRAIW, 0x80000000, 31, ONES },
		{ OP_SRLIW, ONES, 0, ONES },
		{ OP_SLLIW, 3, 31, 0xffffffff80000000ull },
		{ OP_SRAI, I64_MIN, 63, ONES },
		{ OP_XORI, 0, -1, ONES },
	};

	check_alu_cases(*state, rcases, N(rcases), false);
	check_alu_cases(*state, icases, N(icases), true);
}

static void test_bitmanip(void **state)
{
	static const struct alu_case rcases[] = {
		{ OP_SH1ADD, 3, 1, 7 },
		{ OP_SH3ADD, 1, 1, 9 },
		{ OP_ADD_UW, 0xffffffff00000001ull, 1, 2 },
		{ OP_SH2ADD_UW, 0xffffffff80000000ull, 0, 0x200000000ull },
		{ OP_ANDN, 0xff, 0x0f, 0xf0 },
		{ OP_ORN, 0, ONES, 0 },
		{ OP_XNOR, 0, 0, ONES },
		{ OP_MAX, ONES, 1, 1 },
		{ OP_MAXU, ONES, 1, ONES },
		{ OP_MIN, ONES, 1, ONES },
		{ OP_MINU, ONES, 1, 1 },
		{ OP_ROL, I64_MIN | 1, 1, 3 },
		{ OP_ROR, 1, 65, I64_MIN },
		{ OP_ROLW, 0x80000001, 1, 3 },
		{ OP_RORW, 1, 1, 0xffffffff80000000ull },
		{ OP_ROLW, 0x12345678, 0, 0x12345678 },
		{ OP_BCLR, ONES, 63, ~I64_MIN },
		{ OP_BEXT, I64_MIN, 127, 1 }, /* index masked to 6 bits */
		{ OP_BINV, 0, 64 + 3, 8 },
		{ OP_BSET, 0, 32, 0x100000000ull },
	};
	static const struct alu_case unary[] = {
		{ OP_CLZ, 0, 0, 64 },
		{ OP_CLZ, 1, 0, 63 },
		{ OP_CTZ, 0, 0, 64 },
		{ OP_CTZ, I64_MIN, 0, 63 },
		{ OP_CPOP, ONES, 0, 64 },
		{ OP_CLZW, 0xffffffff00000000ull, 0, 32 },
		{ OP_CTZW, 0xffffffff00000000ull, 0, 32 },
		{ OP_CPOPW, 0xffffffff00000003ull, 0, 2 },
		{ OP_SEXT_B, 0x80, 0, 0xffffffffffffff80ull },
		{ OP_SEXT_H, 0x17fff, 0, 0x7fff },
		{ OP_ZEXT_H, ONES, 0, 0xffff },
		{ OP_ORC_B, 0x0100000000ff0010ull, 0, 0xff00000000ff00ffull },
		{ OP_REV8, 0x0102030405060708ull, 0, 0x0807060504030201ull },
	};
	static const struct alu_case icases[] = {
		{ OP_SLLI_UW, 0xffffffff80000000ull, 1, 0x100000000ull },
		{ OP_RORI, 1, 1, I64_MIN },
		{ OP_RORIW, 1, 1, 0xffffffff80000000ull },
		{ OP_BCLRI, ONES, 63, ~I64_MIN },
		{ OP_BEXTI, 0x10, 4, 1 },
		{ OP_BINVI, I64_MIN, 63, 0 },
		{ OP_BSETI, 0, 40, 1ull << 40 },
	};
	struct fixture *f = *state;
	size_t i;

	check_alu_cases(f, rcases, N(rcases), false);
	check_alu_cases(f, icases, N(icases), true);
	for (i = 0; i < N(unary); i++) {
		f->cpu.x[RA] = unary[i].a;
		/* the rs2 field is part of the opcode: enc_r keeps the table's bits */
		step_word(f, enc_r(unary[i].op, RD, RA, 0));
		if (f->cpu.x[RD] != unary[i].want)
			fail_msg("%s(0x%llx) = 0x%llx", insn_table[unary[i].op].name,
				 (unsigned long long)unary[i].a, (unsigned long long)f->cpu.x[RD]);
	}
}

static void test_loads_stores_x0(void **state)
{
	struct fixture *f = *state;

	put64(f, DATA, 0x8081828384858687ull);
	f->cpu.x[RA] = DATA;
	step_word(f, enc_i(OP_LB, RD, RA, 0));
	assert_int_equal(f->cpu.x[RD], 0xffffffffffffff87ull);
	step_word(f, enc_i(OP_LBU, RD, RA, 0));
	assert_int_equal(f->cpu.x[RD], 0x87);
	step_word(f, enc_i(OP_LH, RD, RA, 6));
	assert_int_equal(f->cpu.x[RD], 0xffffffffffff8081ull);
	step_word(f, enc_i(OP_LW, RD, RA, 4));
	assert_int_equal(f->cpu.x[RD], 0xffffffff80818283ull);
	step_word(f, enc_i(OP_LWU, RD, RA, 4));
	assert_int_equal(f->cpu.x[RD], 0x80818283ull);

	f->cpu.x[RB] = 0x1122334455667788ull;
	step_word(f, enc_s(OP_SH, RA, RB, 8));
	step_word(f, enc_s(OP_SW, RA, RB, 12));
	assert_int_equal(get64(f, DATA + 8), 0x5566778800007788ull);

	/* writes to x0 are discarded */
	step_word(f, enc_i(OP_ADDI, 0, 0, 5));
	assert_int_equal(f->cpu.x[0], 0);
	step_word(f, enc_i(OP_LD, 0, RA, 0));
	assert_int_equal(f->cpu.x[0], 0);
}

static void test_control_and_compressed(void **state)
{
	struct fixture *f = *state;

	/* jalr clears bit 0 of the target and links pc + 4 */
	f->cpu.x[RA] = RAM_BASE + 0x101;
	step_word(f, enc_i(OP_JALR, 1, RA, 0));
	assert_int_equal(f->cpu.pc, RAM_BASE + 0x100);
	assert_int_equal(f->cpu.x[1], RAM_BASE + 4);

	/* c.addi a0, -1 (0x157d) then c.jr ra (0x8082): pc moves by 2, then jumps */
	put32(f, RAM_BASE, 0x8082157d);
	f->cpu.pc = RAM_BASE;
	f->cpu.x[10] = 5;
	f->cpu.x[1] = RAM_BASE + 0x200;
	cpu_step(&f->cpu);
	assert_int_equal(f->cpu.pc, RAM_BASE + 2);
	assert_int_equal(f->cpu.x[10], 4);
	cpu_step(&f->cpu);
	assert_int_equal(f->cpu.pc, RAM_BASE + 0x200);

	/* c.jalr a5 links pc + 2 */
	put32(f, RAM_BASE, 0x9782);
	f->cpu.pc = RAM_BASE;
	f->cpu.x[15] = RAM_BASE + 0x300;
	cpu_step(&f->cpu);
	assert_int_equal(f->cpu.x[1], RAM_BASE + 2);
	assert_int_equal(f->cpu.pc, RAM_BASE + 0x300);

	/* bltu taken backwards (target below the instruction) */
	put32(f, RAM_BASE + 0x10, enc_r(OP_BLTU, 0, RA, RB) | 0xfe000f80); /* offset -2 */
	f->cpu.pc = RAM_BASE + 0x10;
	f->cpu.x[RA] = 1;
	f->cpu.x[RB] = 2;
	cpu_step(&f->cpu);
	assert_int_equal(f->cpu.pc, RAM_BASE + 0xe);
}

static void test_traps(void **state)
{
	struct fixture *f = *state;

	step_word(f, 0x0c000033);
	assert_true(f->cpu.trapped);
	assert_int_equal(f->cpu.csr.mcause, EXC_ILLEGAL_INSN);
	assert_int_equal(f->cpu.csr.mtval, 0x0c000033);
	assert_int_equal(f->cpu.csr.mepc, RAM_BASE);
	assert_int_equal(f->cpu.pc, TRAP_VECTOR);

	/* a reserved compressed parcel reports only its 16 bits */
	step_word(f, 0x12348002);
	assert_int_equal(f->cpu.csr.mcause, EXC_ILLEGAL_INSN);
	assert_int_equal(f->cpu.csr.mtval, 0x8002);

	step_word(f, 0x00000073);
	assert_int_equal(f->cpu.csr.mcause, EXC_ECALL_M);
	assert_int_equal(f->cpu.csr.mtval, 0);

	step_word(f, 0x00100073);
	assert_int_equal(f->cpu.csr.mcause, EXC_BREAKPOINT);
	assert_int_equal(f->cpu.csr.mtval, RAM_BASE);

	/* a load from nowhere faults and leaves rd alone */
	f->cpu.x[RA] = 0x1000;
	f->cpu.x[RD] = 42;
	step_word(f, enc_i(OP_LD, RD, RA, 0));
	assert_true(f->cpu.trapped);
	assert_int_equal(f->cpu.csr.mcause, EXC_LOAD_ACCESS);
	assert_int_equal(f->cpu.x[RD], 42);
}

static void test_csr_instructions(void **state)
{
	struct fixture *f = *state;

	f->cpu.csr.mscratch = 7;
	f->cpu.x[RA] = 9;
	step_word(f, 0x34000073 | RD << 7 | RA << 15 | 1 << 12); /* csrrw t2, mscratch, t0 */
	assert_false(f->cpu.trapped);
	assert_int_equal(f->cpu.x[RD], 7);
	assert_int_equal(f->cpu.csr.mscratch, 9);

	/* csrrs with rs1 = x0 only reads: fine on a read-only CSR */
	step_word(f, 0xf1400073 | RD << 7 | 2 << 12); /* csrrs t2, mhartid, zero */
	assert_false(f->cpu.trapped);
	assert_int_equal(f->cpu.x[RD], 0);
	/* csrrw always writes: illegal on a read-only CSR */
	step_word(f, 0xf1400073 | RA << 15 | 1 << 12); /* csrrw zero, mhartid, t0 */
	assert_true(f->cpu.trapped);
	assert_int_equal(f->cpu.csr.mcause, EXC_ILLEGAL_INSN);

	/* csrrci mscratch, 1 */
	step_word(f, 0x34000073 | 1 << 15 | 7 << 12);
	assert_int_equal(f->cpu.csr.mscratch, 8);
}

static void test_lr_sc(void **state)
{
	struct fixture *f = *state;

	put64(f, DATA, 100);
	f->cpu.x[RA] = DATA;
	f->cpu.x[RB] = 200;
	/* sc without a reservation fails and does not store */
	step_word(f, enc_r(OP_SC_D, RD, RA, RB));
	assert_int_equal(f->cpu.x[RD], 1);
	assert_int_equal(get64(f, DATA), 100);

	step_word(f, enc_r(OP_LR_D, RD, RA, 0));
	assert_int_equal(f->cpu.x[RD], 100);
	step_word(f, enc_r(OP_SC_D, RD, RA, RB));
	assert_int_equal(f->cpu.x[RD], 0);
	assert_int_equal(get64(f, DATA), 200);
	/* the reservation is gone */
	step_word(f, enc_r(OP_SC_D, RD, RA, RB));
	assert_int_equal(f->cpu.x[RD], 1);

	/* another agent's store between lr.w and sc.w makes the sc fail */
	put64(f, DATA, 0xffffffff80000000ull);
	step_word(f, enc_r(OP_LR_W, RD, RA, 0));
	assert_int_equal(f->cpu.x[RD], 0xffffffff80000000ull);
	put32(f, DATA, 0x12345678);
	step_word(f, enc_r(OP_SC_W, RD, RA, RB));
	assert_int_equal(f->cpu.x[RD], 1);
	assert_int_equal(get64(f, DATA), 0xffffffff12345678ull);

	/* sc to a different address than the reservation fails */
	step_word(f, enc_r(OP_LR_W, RD, RA, 0));
	f->cpu.x[RA] = DATA + 8;
	step_word(f, enc_r(OP_SC_W, RD, RA, RB));
	assert_int_equal(f->cpu.x[RD], 1);

	/* misaligned lr raises an exception */
	f->cpu.x[RA] = DATA + 4;
	step_word(f, enc_r(OP_LR_D, RD, RA, 0));
	assert_true(f->cpu.trapped);
}

static void test_amo(void **state)
{
	static const struct {
		unsigned op;
		uint64_t mem, operand, want_rd, want_mem;
		bool word;
	} cases[] = {
		{ OP_AMOADD_W, 0x7fffffff, 1, 0x7fffffff, 0x80000000, true },
		{ OP_AMOSWAP_W, 0x80000000, 5, 0xffffffff80000000ull, 5, true },
		{ OP_AMOMIN_W, 0x80000000, 1, 0xffffffff80000000ull, 0x80000000, true },
		{ OP_AMOMINU_W, 0x80000000, 1, 0xffffffff80000000ull, 1, true },
		{ OP_AMOMAX_W, 0xffffffff, 0, ONES, 0, true },
		{ OP_AMOMAXU_W, 0xffffffff, 0, ONES, 0xffffffff, true },
		{ OP_AMOXOR_W, 0xf0, 0xff, 0xf0, 0x0f, true },
		{ OP_AMOAND_D, ONES, 0xff00, ONES, 0xff00, false },
		{ OP_AMOOR_D, 1, I64_MIN, 1, I64_MIN | 1, false },
		{ OP_AMOMIN_D, I64_MIN, 0, I64_MIN, I64_MIN, false },
		{ OP_AMOMAXU_D, I64_MIN, 1, I64_MIN, I64_MIN, false },
		{ OP_AMOADD_D, ONES, 2, ONES, 1, false },
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < N(cases); i++) {
		put64(f, DATA, 0xaaaaaaaa00000000ull | (cases[i].word ? cases[i].mem : 0));
		if (!cases[i].word)
			put64(f, DATA, cases[i].mem);
		f->cpu.x[RA] = DATA;
		f->cpu.x[RB] = cases[i].operand;
		step_word(f, enc_r(cases[i].op, RD, RA, RB));
		assert_false(f->cpu.trapped);
		if (f->cpu.x[RD] != cases[i].want_rd)
			fail_msg("%s rd 0x%llx", insn_table[cases[i].op].name,
				 (unsigned long long)f->cpu.x[RD]);
		if (cases[i].word) {
			/* the upper neighbour word is untouched */
			assert_int_equal(get64(f, DATA), 0xaaaaaaaa00000000ull | cases[i].want_mem);
		} else {
			assert_int_equal(get64(f, DATA), cases[i].want_mem);
		}
	}
}

#define F32_ONE 0x3f800000u
#define F32_TWO 0x40000000u
#define F32_BOX 0xffffffff00000000ull
#define F64_ONE 0x3ff0000000000000ull
#define F64_TWO 0x4000000000000000ull
#define F64_THREE 0x4008000000000000ull

static void test_float_rules(void **state)
{
	struct fixture *f = *state;

	/* FS off: every F instruction is illegal, flw and fmv included */
	f->cpu.csr.mstatus &= ~MSTATUS_FS;
	f->cpu.x[RA] = DATA;
	step_word(f, enc_i(OP_FLW, 1, RA, 0));
	assert_true(f->cpu.trapped);
	assert_int_equal(f->cpu.csr.mcause, EXC_ILLEGAL_INSN);
	step_word(f, enc_r(OP_FMV_W_X, 1, RA, 0));
	assert_true(f->cpu.trapped);

	/* FS initial: a write makes it dirty */
	f->cpu.csr.mstatus |= 1ull << 13;
	f->cpu.x[RA] = 0x1234567880000000ull;
	step_word(f, enc_r(OP_FMV_W_X, 1, RA, 0));
	assert_false(f->cpu.trapped);
	assert_int_equal(f->cpu.f[1], F32_BOX | 0x80000000u);
	assert_int_equal(f->cpu.csr.mstatus & MSTATUS_FS, MSTATUS_FS_DIRTY);
	/* fmv.x.w sign-extends the low 32 bits */
	step_word(f, enc_r(OP_FMV_X_W, RD, 1, 0));
	assert_int_equal(f->cpu.x[RD], 0xffffffff80000000ull);

	/* boxed 1 + boxed 2 = 3, boxed; dynamic rounding */
	f->cpu.f[1] = F32_BOX | F32_ONE;
	f->cpu.f[2] = F32_BOX | F32_TWO;
	step_word(f, enc_r(OP_FADD_S, 3, 1, 2) | 7 << 12);
	assert_int_equal(f->cpu.f[3], F32_BOX | 0x40400000u);
	/* an operand that is not NaN-boxed reads as the canonical NaN */
	f->cpu.f[1] = F32_ONE;
	step_word(f, enc_r(OP_FADD_S, 3, 1, 2));
	assert_int_equal(f->cpu.f[3], F32_BOX | 0x7fc00000u);
	step_word(f, enc_r(OP_FSGNJ_S, 3, 1, 2));
	assert_int_equal(f->cpu.f[3], F32_BOX | 0x7fc00000u);
	step_word(f, enc_r(OP_FCLASS_S, RD, 1, 0));
	assert_int_equal(f->cpu.x[RD], 1u << 9); /* quiet NaN */

	/* reserved rounding modes: static 5, or dynamic with frm = 5 */
	step_word(f, enc_r(OP_FADD_D, 3, 1, 2) | 5 << 12);
	assert_true(f->cpu.trapped);
	assert_int_equal(f->cpu.csr.mcause, EXC_ILLEGAL_INSN);
	f->cpu.frm = 5;
	step_word(f, enc_r(OP_FADD_D, 3, 1, 2) | 7 << 12);
	assert_true(f->cpu.trapped);
	f->cpu.frm = 0;
	step_word(f, enc_r(OP_FADD_D, 3, 1, 2) | 7 << 12);
	assert_false(f->cpu.trapped);

	/* flags accrue: 1 / 0 sets DZ */
	f->cpu.fflags = 0;
	f->cpu.f[1] = F64_ONE;
	f->cpu.f[2] = 0;
	step_word(f, enc_r(OP_FDIV_D, 3, 1, 2));
	assert_int_equal(f->cpu.f[3], 0x7ff0000000000000ull);
	assert_int_equal(f->cpu.fflags, 0x08);
}

static void test_float_ops(void **state)
{
	static const struct {
		unsigned op;
		uint64_t want;
	} fma[] = {
		{ OP_FMADD_D, 0x4014000000000000ull },	/* 1*2+3 = 5 */
		{ OP_FMSUB_D, 0xbff0000000000000ull },	/* 1*2-3 = -1 */
		{ OP_FNMSUB_D, F64_ONE },		/* -(1*2)+3 = 1 */
		{ OP_FNMADD_D, 0xc014000000000000ull }, /* -(1*2)-3 = -5 */
	};
	struct fixture *f = *state;
	size_t i;

	f->cpu.csr.mstatus |= MSTATUS_FS_DIRTY;
	f->cpu.f[1] = F64_ONE;
	f->cpu.f[2] = F64_TWO;
	f->cpu.f[3] = F64_THREE;
	for (i = 0; i < N(fma); i++) {
		step_word(f, enc_r4(fma[i].op, 4, 1, 2, 3, 0));
		if (f->cpu.f[4] != fma[i].want)
			fail_msg("%s = 0x%llx", insn_table[fma[i].op].name,
				 (unsigned long long)f->cpu.f[4]);
	}

	/* fcvt.wu.s sign-extends its 32-bit result; NaN converts to the max */
	f->cpu.f[1] = F32_BOX | 0x4f32d05eu; /* 3e9 */
	step_word(f, enc_r(OP_FCVT_WU_S, RD, 1, 0) | 1 << 12);
	assert_int_equal(f->cpu.x[RD], 0xffffffffb2d05e00ull);
	f->cpu.f[1] = F32_BOX | 0x7fc00000u;
	step_word(f, enc_r(OP_FCVT_W_S, RD, 1, 0));
	assert_int_equal(f->cpu.x[RD], 0x7fffffff);

	/* conversions between formats box/unbox */
	f->cpu.f[1] = F64_TWO;
	step_word(f, enc_r(OP_FCVT_S_D, 2, 1, 0));
	assert_int_equal(f->cpu.f[2], F32_BOX | F32_TWO);
	step_word(f, enc_r(OP_FCVT_D_S, 3, 2, 0));
	assert_int_equal(f->cpu.f[3], F64_TWO);
	f->cpu.x[RA] = (uint64_t)-1;
	step_word(f, enc_r(OP_FCVT_D_WU, 3, RA, 0));
	assert_int_equal(f->cpu.f[3], 0x41efffffffe00000ull); /* 4294967295.0 */

	/* flw boxes, fsw stores the low half as it is */
	put32(f, DATA, F32_ONE);
	f->cpu.x[RA] = DATA;
	step_word(f, enc_i(OP_FLW, 5, RA, 0));
	assert_int_equal(f->cpu.f[5], F32_BOX | F32_ONE);
	f->cpu.f[6] = 0x1122334455667788ull;
	step_word(f, enc_s(OP_FSW, RA, 6, 8));
	assert_int_equal(get64(f, DATA + 8) & 0xffffffff, 0x55667788);

	/* comparisons write x registers */
	f->cpu.f[1] = F64_ONE;
	f->cpu.f[2] = F64_TWO;
	step_word(f, enc_r(OP_FLT_D, RD, 1, 2));
	assert_int_equal(f->cpu.x[RD], 1);
}

static void test_counters(void **state)
{
	struct fixture *f = *state;
	uint64_t cycle = f->cpu.csr.mcycle, instret = f->cpu.csr.minstret;

	f->cpu.csr.mcountinhibit = 0;
	step_word(f, enc_i(OP_ADDI, RD, 0, 1));
	step_word(f, enc_i(OP_ADDI, RD, 0, 1));
	step_word(f, 0x0c000033); /* illegal: a cycle but no retirement */
	assert_int_equal(f->cpu.csr.mcycle - cycle, 3);
	assert_int_equal(f->cpu.csr.minstret - instret, 2);

	f->cpu.csr.mcountinhibit = 4; /* IR inhibited */
	step_word(f, enc_i(OP_ADDI, RD, 0, 1));
	assert_int_equal(f->cpu.csr.mcycle - cycle, 4);
	assert_int_equal(f->cpu.csr.minstret - instret, 2);
}

/* The decode cache notices code that was rewritten at the same pc. */
static void test_self_modifying_code(void **state)
{
	struct fixture *f = *state;

	step_word(f, enc_i(OP_ADDI, RD, 0, 1));
	assert_int_equal(f->cpu.x[RD], 1);
	step_word(f, enc_i(OP_ADDI, RD, 0, 2));
	assert_int_equal(f->cpu.x[RD], 2);
	/* a compressed parcel at the same pc */
	step_word(f, 0x4395); /* c.li t2, 5 */
	assert_int_equal(f->cpu.x[RD], 5);
	assert_int_equal(f->cpu.pc, RAM_BASE + 2);
}

static void test_trace_format(void **state)
{
	struct fixture *f = *state;
	char buf[512] = "";
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	f->cpu.trace = true;
	step_word(f, enc_i(OP_ADDI, RD, 0, 5));
	step_word(f, 0x4395);
	step_word(f, enc_s(OP_SD, 0, RD, 0)); /* writes no register */
	step_word(f, 0x0c000033);
	f->cpu.trace = false;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = 0;
	fclose(tmp);
	assert_string_equal(
		buf, "0 0000000080000000 (00500393) addi    t2, zero, 5  x7=0x0000000000000005\n"
		     "0 0000000080000000 (4395) addi    t2, zero, 5  x7=0x0000000000000005\n"
		     "0 0000000080000000 (00703023) sd      t2, 0(zero)  trap cause=7 tval=0x0\n"
		     "0 0000000080000000 (0c000033) illegal  trap cause=2 tval=0xc000033\n");
}

static void test_run_and_irq(void **state)
{
	struct fixture *f = *state;
	uint64_t instret;

	put32(f, RAM_BASE, 0x0000006f); /* jal zero, 0: spin */
	f->cpu.pc = RAM_BASE;
	f->cpu.csr.mcountinhibit = 0;
	instret = f->cpu.csr.minstret;
	assert_int_equal(cpu_run(&f->cpu, 1000), CPU_STOP_BUDGET);
	assert_int_equal(f->cpu.csr.minstret - instret, 1000);
	assert_int_equal(f->cpu.pc, RAM_BASE);

	/* a device line with MEIE and MIE set is taken before the next instruction */
	f->cpu.csr.mie = 1ull << IRQ_M_EXT;
	f->cpu.csr.mstatus |= MSTATUS_MIE;
	cpu_set_irq(&f->cpu, IRQ_M_EXT, true);
	assert_int_equal(f->cpu.mip_async, 1ull << IRQ_M_EXT);
	assert_int_equal(cpu_run(&f->cpu, 1), CPU_STOP_BUDGET);
	assert_int_equal(f->cpu.pc, TRAP_VECTOR);
	assert_int_equal(f->cpu.csr.mcause, (1ull << 63) | IRQ_M_EXT);
	cpu_set_irq(&f->cpu, IRQ_M_EXT, false);
	assert_int_equal(f->cpu.mip_async, 0);

	f->cpu.stop_request = 1;
	instret = f->cpu.csr.minstret;
	assert_int_equal(cpu_run(&f->cpu, 1000), CPU_STOP_REQUEST);
	assert_int_equal(f->cpu.csr.minstret, instret);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mul_div, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_integer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bitmanip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loads_stores_x0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_and_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csr_instructions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lr_sc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_amo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_float_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_float_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_modifying_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_and_irq, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
